/**
 * Cross-field rules of an environment's configuration that no single
 * component can see: does a task fit its instance type, can the instances
 * ever place the tasks, and is the spending guard above what the stack costs
 * when idle. Pure functions over the shared instance table
 * (components/shared/instanceTypes.ts); stacks/config.ts reports their lines
 * together with every other problem.
 */
import { BUDGET_ALERTS } from "../components/billing/policies";
import {
    CPU_UNITS_PER_VCPU,
    ECS_AGENT_RESERVE_MIB,
    placement,
    type Placement,
    type PlacementInput,
    placementProblems,
} from "../components/ecs/placement";
import { instanceTypeInfo } from "../components/shared/instanceTypes";

export { CPU_UNITS_PER_VCPU, ECS_AGENT_RESERVE_MIB, placement, type Placement };

/** Days in the month of the cost figures (730 hours, as AWS prices a month). */
export const DAYS_PER_MONTH = 730 / 24;

/** The configuration keys the capacity rules read. */
export type CapacityConfig = PlacementInput;

/**
 * Problems of the task size against the instance type (EC2 launch type: a
 * task-level size only has to fit the instance; 256 CPU units with 4 GiB is
 * legal) and of the task counts against what `maxInstances` instances can
 * place. `key` names a config key (`aws-webapp:taskMemory`). Empty when the
 * instance type is not in the table (that is reported on its own). The rule
 * is the component layer's (components/ecs/placement.ts).
 */
export function capacityProblems(c: CapacityConfig, key: (k: keyof CapacityConfig) => string): string[] {
    const info = instanceTypeInfo(c.instanceType);
    return info ? placementProblems(info, c, key) : [];
}

/**
 * Problems of the spending guard against the stack's planned idle cost (the
 * figure `npm run plan` computed for the committed configuration): a budget
 * whose lowest notice (80 % of actual spend) is at or below what the stack
 * costs doing nothing sends it every month, and a daily threshold at or below
 * the idle daily rate alarms from the first day. The daily alarm is checked
 * only in the stack that creates it (`billingAccountAlarm`).
 */
export function spendingProblems(
    c: {
        readonly monthlyBudgetUsd?: number;
        readonly billingThresholdUsdPerDay: number;
        readonly billingAccountAlarm?: boolean;
    },
    idleMonthlyCostUsd: number | undefined,
    key: (k: "monthlyBudgetUsd" | "billingThresholdUsdPerDay") => string,
): string[] {
    if (idleMonthlyCostUsd === undefined) return [];
    const problems: string[] = [];
    const idle = `the stack's planned idle cost (${idleMonthlyCostUsd.toFixed(2)} USD a month, docs/architecture-<stack>.cost.json from npm run plan)`;
    if (c.monthlyBudgetUsd !== undefined) {
        const lowest = Math.min(...BUDGET_ALERTS.map((a) => a.threshold)) / 100;
        const notice = c.monthlyBudgetUsd * lowest;
        if (notice <= idleMonthlyCostUsd)
            problems.push(
                `${key("monthlyBudgetUsd")}: ${c.monthlyBudgetUsd} sends its ${lowest * 100} % notice at ${notice.toFixed(2)} USD, not above ${idle}: expected more than ${(Math.floor((idleMonthlyCostUsd / lowest) * 100) / 100).toFixed(2)}`,
            );
    }
    const idleDaily = idleMonthlyCostUsd / DAYS_PER_MONTH;
    if (c.billingAccountAlarm !== false && c.billingThresholdUsdPerDay <= idleDaily) {
        problems.push(
            `${key("billingThresholdUsdPerDay")}: ${c.billingThresholdUsdPerDay} is not above the idle daily rate ${idleDaily.toFixed(2)} USD of ${idle}`,
        );
    }
    return problems;
}

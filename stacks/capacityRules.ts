/**
 * Cross-field rules of an environment's configuration that no single
 * component can see: does a task fit its instance type, can the instances
 * ever place the tasks, and is the spending guard above what the stack costs
 * when idle. Pure functions over the shared instance table
 * (components/shared/instanceTypes.ts); stacks/config.ts reports their lines
 * together with every other problem.
 */
import { BUDGET_ALERTS } from "../components/billing/policies";
import { instanceTypeInfo, type InstanceTypeInfo } from "../components/shared/instanceTypes";

/**
 * Memory (MiB) an ECS-optimized instance keeps for itself: the kernel, the
 * operating system, the Docker daemon and the ECS agent. The agent registers
 * the instance's memory minus what these use (a 1 GiB instance registers a
 * little over 900 MiB), so a task may use at most the EC2 memory minus this
 * reserve (a conservative round figure, not a measurement of one AMI).
 */
export const ECS_AGENT_RESERVE_MIB = 256;

/** Days in the month of the cost figures (730 hours, as AWS prices a month). */
export const DAYS_PER_MONTH = 730 / 24;

/** CPU units per vCPU, as ECS counts them. */
export const CPU_UNITS_PER_VCPU = 1024;

/** What one instance of a type can hold of tasks of one size, and why. */
export interface Placement {
    /** Memory a task may use on the instance (MiB): EC2 memory minus {@link ECS_AGENT_RESERVE_MIB}. */
    readonly usableMemoryMiB: number;
    readonly cpuUnits: number;
    /** awsvpc: every task takes an ENI; the primary ENI is the instance's own. */
    readonly byEnis: number;
    readonly byMemory: number;
    readonly byCpu: number;
    /** Tasks one instance can run at once: the least of the three. */
    readonly tasksPerInstance: number;
}

/** How many awsvpc tasks of `taskCpu`/`taskMemory` one instance of `info` can run. */
export function placement(info: InstanceTypeInfo, taskCpu: number, taskMemory: number): Placement {
    const usableMemoryMiB = info.memoryMiB - ECS_AGENT_RESERVE_MIB;
    const cpuUnits = info.vcpu * CPU_UNITS_PER_VCPU;
    const byEnis = info.maxEnis - 1;
    const byMemory = Math.max(0, Math.floor(usableMemoryMiB / taskMemory));
    const byCpu = Math.floor(cpuUnits / taskCpu);
    return { usableMemoryMiB, cpuUnits, byEnis, byMemory, byCpu, tasksPerInstance: Math.min(byEnis, byMemory, byCpu) };
}

/** The configuration keys the capacity rules read. */
export interface CapacityConfig {
    readonly instanceType: string;
    readonly taskCpu: number;
    readonly taskMemory: number;
    readonly maxInstances: number;
    readonly maxTasks: number;
    readonly desiredTasks: number;
}

/**
 * Problems of the task size against the instance type (EC2 launch type: a
 * task-level size only has to fit the instance; 256 CPU units with 4 GiB is
 * legal) and of the task counts against what `maxInstances` instances can
 * place. `key` names a config key (`aws-webapp:taskMemory`). Empty when the
 * instance type is not in the table (that is reported on its own).
 */
export function capacityProblems(c: CapacityConfig, key: (k: keyof CapacityConfig) => string): string[] {
    const info = instanceTypeInfo(c.instanceType);
    if (!info) return [];
    const p = placement(info, c.taskCpu, c.taskMemory);
    const problems: string[] = [];
    const of = `${key("instanceType")} ${c.instanceType}`;
    if (c.taskMemory > p.usableMemoryMiB) {
        problems.push(
            `${key("taskMemory")}: ${c.taskMemory} does not fit ${of}: expected at most ${p.usableMemoryMiB} MiB (${info.memoryMiB} MiB minus ${ECS_AGENT_RESERVE_MIB} MiB for the OS, Docker and the ECS agent)`,
        );
    }
    if (c.taskCpu > p.cpuUnits) {
        problems.push(
            `${key("taskCpu")}: ${c.taskCpu} does not fit ${of}: expected at most ${p.cpuUnits} CPU units (${info.vcpu} vCPU)`,
        );
    }
    if (problems.length > 0) return problems;
    const capacity = c.maxInstances * p.tasksPerInstance;
    const limit =
        p.tasksPerInstance === p.byEnis
            ? `${p.byEnis} per instance: awsvpc gives each task an ENI and ${c.instanceType} attaches ${info.maxEnis}, one of them the instance's own`
            : p.tasksPerInstance === p.byMemory
              ? `${p.byMemory} per instance by memory (${p.usableMemoryMiB} MiB usable)`
              : `${p.byCpu} per instance by CPU (${p.cpuUnits} units)`;
    for (const k of ["maxTasks", "desiredTasks"] as const) {
        if (c[k] > capacity) {
            problems.push(
                `${key(k)}: ${c[k]} is more than ${key("maxInstances")} ${c.maxInstances} instances of ${c.instanceType} can place: at most ${capacity} tasks of ${c.taskCpu} CPU / ${c.taskMemory} MiB (${limit})`,
            );
        }
    }
    return problems;
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

/**
 * The EC2 launch type's task-size rule: a task fits an instance when its
 * memory fits the instance's memory minus what the ECS-optimized AMI keeps
 * for itself and its CPU the instance's vCPUs; under awsvpc every task takes
 * one of the instance's network interfaces. (Fargate's fixed CPU/memory
 * table does not apply: on EC2, 256 CPU units with 4096 MiB is legal.)
 * Pure functions over the shared instance table; the stack's cross-field
 * rules and the EcsEc2Service pattern both use them.
 */
import type { InstanceTypeInfo } from "../shared/instanceTypes";

/**
 * Memory (MiB) an ECS-optimized instance keeps for itself: the kernel, the
 * operating system, the Docker daemon and the ECS agent. The agent registers
 * the instance's memory minus what these use (a 1 GiB instance registers a
 * little over 900 MiB), so a task may use at most the EC2 memory minus this
 * reserve (a conservative round figure, not a measurement of one AMI).
 */
export const ECS_AGENT_RESERVE_MIB = 256;

/** CPU units per vCPU, as ECS counts them. */
export const CPU_UNITS_PER_VCPU = 1024;

/** Task-level CPU units the EC2 launch type accepts (0.125 to 192 vCPUs). */
export const EC2_TASK_CPU = { min: 128, max: 196608 } as const;

/** Task-level memory (MiB) the EC2 launch type accepts: Docker's 6 MiB minimum up to the largest instance. */
export const EC2_TASK_MEMORY_MIB = { min: 6, max: 25165824 } as const;

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

/** The argument or configuration keys the placement rules name. */
export type PlacementKey = "instanceType" | "taskCpu" | "taskMemory" | "maxInstances" | "maxTasks" | "desiredTasks";

/** The values the placement rules read. */
export interface PlacementInput {
    readonly instanceType: string;
    readonly taskCpu: number;
    readonly taskMemory: number;
    readonly maxInstances: number;
    readonly maxTasks: number;
    readonly desiredTasks: number;
}

/**
 * Problems of the task size against the instance type, and of the task
 * counts against what `maxInstances` instances can place (awsvpc: one ENI
 * per task). `key` names an argument (`taskMemory`) or a configuration key
 * (`aws-webapp:taskMemory`).
 */
export function placementProblems(
    info: InstanceTypeInfo,
    c: PlacementInput,
    key: (k: PlacementKey) => string,
): string[] {
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

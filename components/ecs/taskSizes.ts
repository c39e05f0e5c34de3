/**
 * What a container instance and a task can be: CPU architectures and the
 * instance types they follow from, the ECS task size table, and the Container
 * Insights settings of a cluster.
 */

import { architectureOfInstanceType as sharedArchitecture } from "../shared/instanceTypes";

// Each enum is an `as const` object and a type of the same name (its values): TypeScript callers pass
// `Architecture.Arm64` or `"arm64"`, and Pulumi's component provider infers a schema enum from it (the form
// its analyzer reads).

/** CPU architecture of the container instances (and so of the image). */
export const Architecture = {
    /** Intel and AMD instance families. */
    X86_64: "x86_64",
    /** Graviton instance families (t4g, m7g, c7gn ...). */
    Arm64: "arm64",
} as const;
export type Architecture = (typeof Architecture)[keyof typeof Architecture];
/** The values of {@link Architecture}, in declaration order (the order validation messages list them in). */
export const ARCHITECTURES: readonly Architecture[] = Object.values(Architecture);

/** Container Insights settings the ECS cluster accepts. */
export const ContainerInsights = {
    /** Container Insights with the standard cluster and service metrics. */
    Enabled: "enabled",
    /** Container Insights with enhanced observability (task and container level metrics). */
    Enhanced: "enhanced",
    /** No Container Insights. */
    Disabled: "disabled",
} as const;
export type ContainerInsights = (typeof ContainerInsights)[keyof typeof ContainerInsights];
/** The values of {@link ContainerInsights}, in declaration order (the order validation messages list them in). */
export const CONTAINER_INSIGHTS: readonly ContainerInsights[] = Object.values(ContainerInsights);

/**
 * Fargate's task sizes: CPU units → the memory values (MiB) Fargate accepts
 * with them. The EC2 blocks do not use this table (on EC2 a task size only
 * has to fit the instance: ./placement.ts); it stays for callers that want a
 * task definition portable to Fargate.
 */
export const TASK_SIZES: Readonly<Record<number, readonly number[]>> = {
    256: [512, 1024, 2048],
    512: range(1024, 4096, 1024),
    1024: range(2048, 8192, 1024),
    2048: range(4096, 16384, 1024),
    4096: range(8192, 30720, 1024),
    8192: range(16384, 61440, 4096),
    16384: range(32768, 122880, 8192),
};

function range(from: number, to: number, step: number): number[] {
    const out: number[] = [];
    for (let v = from; v <= to; v += step) out.push(v);
    return out;
}

/** True when `cpu`/`memory` is a task size ECS accepts (see {@link TASK_SIZES}). */
export function isValidTaskSize(cpu: number, memory: number): boolean {
    return TASK_SIZES[cpu]?.includes(memory) ?? false;
}

/** Memory values (MiB) valid with `cpu`, as text for an error message. */
export function describeMemoryFor(cpu: number): string {
    const values = TASK_SIZES[cpu];
    if (!values) return "";
    if (values.length <= 3) return values.join(", ");
    const step = values[1] - values[0];
    return `${values[0]} to ${values[values.length - 1]} in steps of ${step}`;
}

/** CPU architecture of an EC2 instance type: the one rule, in ../shared/instanceTypes (the table, else the family name). */
export function architectureOfInstanceType(instanceType: string): Architecture {
    return sharedArchitecture(instanceType);
}

/** Docker platform of an architecture. */
export function dockerPlatform(architecture: Architecture): string {
    return architecture === "arm64" ? "linux/arm64" : "linux/amd64";
}

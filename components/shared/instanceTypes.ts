/**
 * EC2 instance types and RDS DB instance classes, read from the one table
 * `data/instanceTypes.json` (families and sizes with vCPUs, memory and, for
 * EC2, the most network interfaces an instance can attach). Every check of
 * an instance type or DB class, and every sizing rule built on them (task
 * fits its instance, tasks per instance under awsvpc), reads this module.
 */
import type { Check } from "./checks";
import data from "./data/instanceTypes.json";

/** CPU architecture of an instance type (the ECS/EC2 and Lambda spelling). */
export type CpuArchitecture = "x86_64" | "arm64";

/** One EC2 instance type of the table. */
export interface InstanceTypeInfo {
    /** The type, e.g. `t4g.small`. */
    readonly instanceType: string;
    /** Family, e.g. `t4g`. */
    readonly family: string;
    /** Size, e.g. `small`. */
    readonly size: string;
    readonly architecture: CpuArchitecture;
    readonly vcpu: number;
    /** Memory in MiB as EC2 lists it (before the operating system and the ECS agent take their share). */
    readonly memoryMiB: number;
    /** Network interfaces an instance can attach, the primary one included. */
    readonly maxEnis: number;
}

/** One RDS DB instance class of the table. */
export interface DbInstanceClassInfo {
    /** The class, e.g. `db.t4g.micro`. */
    readonly instanceClass: string;
    /** Family, e.g. `db.t4g`. */
    readonly family: string;
    readonly size: string;
    readonly architecture: CpuArchitecture;
    readonly vcpu: number;
    readonly memoryMiB: number;
}

interface Family<S> {
    readonly architecture: string;
    readonly sizes: Readonly<Record<string, S>>;
}
type Ec2Size = { readonly vcpu: number; readonly memoryMiB: number; readonly maxEnis: number };
type DbSize = { readonly vcpu: number; readonly memoryMiB: number };

const EC2: Readonly<Record<string, Family<Ec2Size>>> = data.ec2;
const RDS: Readonly<Record<string, Family<DbSize>>> = data.rds;

const own = <T>(table: Readonly<Record<string, T>>, key: string): T | undefined =>
    Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined;

/** Splits `family.size` at its last dot (`db.t4g.micro` -> `db.t4g`, `micro`). */
function split(name: string): [string, string] {
    const dot = name.lastIndexOf(".");
    return dot < 0 ? [name, ""] : [name.slice(0, dot), name.slice(dot + 1)];
}

/** The table's entry for an EC2 instance type (`instanceTypeInfo("t4g.small")`), or undefined when unknown. */
export function instanceTypeInfo(instanceType: string): InstanceTypeInfo | undefined {
    const [family, size] = split(instanceType);
    const f = own(EC2, family);
    const s = f && own(f.sizes, size);
    if (!f || !s) return undefined;
    return { instanceType, family, size, architecture: f.architecture as CpuArchitecture, ...s };
}

/** The table's entry for an RDS DB instance class (`dbInstanceClassInfo("db.t4g.micro")`), or undefined when unknown. */
export function dbInstanceClassInfo(instanceClass: string): DbInstanceClassInfo | undefined {
    const [family, size] = split(instanceClass);
    const f = own(RDS, family);
    const s = f && own(f.sizes, size);
    if (!f || !s) return undefined;
    return { instanceClass, family, size, architecture: f.architecture as CpuArchitecture, ...s };
}

/** Every EC2 instance type of the table, family by family in table order. */
export const INSTANCE_TYPES: readonly string[] = Object.entries(EC2).flatMap(([family, f]) =>
    Object.keys(f.sizes).map((size) => `${family}.${size}`),
);

/** Every RDS DB instance class of the table. */
export const DB_INSTANCE_CLASSES: readonly string[] = Object.entries(RDS).flatMap(([family, f]) =>
    Object.keys(f.sizes).map((size) => `${family}.${size}`),
);

function unknownMessage(value: unknown, kind: string, example: string, families: readonly string[]): string {
    if (typeof value === "string") {
        const [family] = split(value);
        const f = own(family.startsWith("db.") ? RDS : EC2, family);
        if (f && families.includes(family)) {
            return `is not ${kind}: ${family} comes in ${Object.keys(f.sizes).join(", ")}`;
        }
    }
    return `is not ${kind} such as ${example} (known families: ${families.join(", ")}; see components/shared/data/instanceTypes.json)`;
}

/**
 * An EC2 instance type of the table.
 *
 * Messages: `is not an EC2 instance type: t4g comes in nano, micro, …` (known
 * family, unknown size), `is not an EC2 instance type such as t4g.small (known
 * families: t2, t3, …; see components/shared/data/instanceTypes.json)`.
 */
export const instanceType: Check = (value) =>
    typeof value === "string" && instanceTypeInfo(value)
        ? undefined
        : unknownMessage(value, "an EC2 instance type", "t4g.small", Object.keys(EC2));

/**
 * An RDS DB instance class of the table.
 *
 * Messages: `is not an RDS DB instance class: db.t4g comes in micro, small, …`,
 * `is not an RDS DB instance class such as db.t4g.micro (known families: …)`.
 */
export const dbInstanceClass: Check = (value) =>
    typeof value === "string" && dbInstanceClassInfo(value)
        ? undefined
        : unknownMessage(value, "an RDS DB instance class", "db.t4g.micro", Object.keys(RDS));

/**
 * CPU architecture of an instance type: the table's when it lists the type,
 * else derived from the family name (Graviton families such as t4g, m7g,
 * c7gn, r8gd are arm64; GPU and Inferentia families g*, inf*, dl* are
 * x86_64, as is everything else).
 */
export function architectureOfInstanceType(instanceType: string): CpuArchitecture {
    const known = instanceTypeInfo(instanceType) ?? dbInstanceClassInfo(instanceType);
    if (known) return known.architecture;
    const family = split(instanceType)[0].replace(/^db\./, "");
    return /^[a-z]+\d+[a-z-]*g[a-z-]*$/.test(family) && !/^(g|inf|dl)\d/.test(family) ? "arm64" : "x86_64";
}

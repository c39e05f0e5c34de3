/**
 * The data the plan works on: resources in one shape whether they come from
 * the mock engine or from `pulumi preview --json`, and the plan document that
 * `--json` prints and `--diff` reads back.
 */

/** One resource of the plan (a registration under mocks, a step of a preview). */
export interface PlanResource {
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    /** Physical id when known (mock ids; ids of existing resources in a preview). */
    readonly id?: string;
    /** URN of the parent ("" for a top-level resource). */
    readonly parent: string;
    /** true for a custom (provider) resource, false for a component. */
    readonly custom: boolean;
    readonly protect: boolean;
    /** URNs this resource depends on (inputs taken from them, dependsOn). */
    readonly dependencies: readonly string[];
    /** Inputs as plain JSON (see values.ts `normalize`). */
    readonly inputs: Record<string, unknown>;
}

/** Where the resources came from. */
export type PlanSource = "mocks" | "preview";

/** One line of the idle monthly cost table (charges of the same kind summed). */
export interface CostItem {
    /** Stable identity of the line, e.g. `ec2:t4g.small:spot` (diff matches on it). */
    readonly key: string;
    readonly label: string;
    readonly quantity: number;
    /** What one unit is, e.g. "instance", "GB", "metric". */
    readonly unit: string;
    /** The rate as a reader sees it, e.g. "$0.0168/h", "$0.08/GB-mo". */
    readonly rate: string;
    /** USD a month, rounded to cents. */
    readonly monthlyUsd: number;
    /** Names of the resources the line comes from. */
    readonly resources: readonly string[];
}

/** A priced kind of resource whose price could not be determined. */
export interface Unpriced {
    readonly type: string;
    readonly name: string;
    readonly reason: string;
}

/** The cost part of a plan. */
export interface CostReport {
    readonly items: readonly CostItem[];
    readonly unpriced: readonly Unpriced[];
    /** Sum of the lines, USD a month. */
    readonly totalUsd: number;
    /** Notes a reader needs (assumptions applied, free tier not deducted). */
    readonly notes: readonly string[];
}

/** One container of the architecture diagram. */
export interface DiagramNode {
    readonly id: string;
    readonly label: string;
    /** How many resources the container holds. */
    readonly resources: number;
}

export interface DiagramEdge {
    readonly from: string;
    readonly to: string;
    readonly label: string;
    /** Dashed: a watching or notifying relation rather than a request path. */
    readonly dashed: boolean;
}

export interface Diagram {
    readonly nodes: readonly DiagramNode[];
    readonly edges: readonly DiagramEdge[];
    /** True when the service, database (and an ALB) sit in a VPC the program creates. */
    readonly vpc: boolean;
    readonly mermaid: string;
}

/** What `--json` prints and `--diff <file>` reads. */
export interface PlanDocument {
    readonly version: 1;
    readonly stack: string;
    readonly source: PlanSource;
    readonly prices: {
        readonly file: string;
        readonly region: string;
        readonly takenOn: string;
        /** The stack's region when it has no price table (`region` then is the fallback's). */
        readonly missingRegion?: string;
    };
    readonly resources: readonly (PlanResource & { readonly properties: Record<string, string> })[];
    readonly counts: Record<string, number>;
    readonly outputs: Record<string, unknown>;
    readonly costItems: readonly CostItem[];
    readonly unpriced: readonly Unpriced[];
    readonly notes: readonly string[];
    readonly total: number;
    readonly diagram: { readonly nodes: readonly DiagramNode[]; readonly edges: readonly DiagramEdge[] };
    /** What the plan shows about teardown, images, database access, billing and scaling (checks.ts). */
    readonly checks?: readonly { readonly topic: string; readonly resource: string; readonly shows: string }[];
}

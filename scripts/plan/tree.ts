/** The component tree: parent/child by URN, with the properties that matter. */
import type { PlanResource } from "./model";
import { Graph, isBookkeeping } from "./graph";
import { keyProperties } from "./properties";

/** `aws:ec2/launchTemplate:LaunchTemplate` -> `aws:ec2:LaunchTemplate`; `pkg:index:Foo` -> `Foo`. */
export function shortType(type: string): string {
    const m = /^([^:]+):([^/:]+)\/[^:]+:(.+)$/.exec(type);
    if (m) return `${m[1]}:${m[2]}:${m[3]}`;
    const idx = /^([^:]+):index:(.+)$/.exec(type);
    if (idx && idx[1] !== "aws" && idx[1] !== "awsx") return idx[2];
    return type;
}

function line(r: PlanResource): string {
    const props = Object.entries(keyProperties(r))
        .map(([k, v]) => `${k}: ${v}`)
        .join(", ");
    return `${shortType(r.type)} ${r.name}${props ? `  [${props}]` : ""}`;
}

/** Renders the tree in registration order. */
export function renderTree(graph: Graph): string[] {
    const out: string[] = [];
    const walk = (r: PlanResource, prefix: string, last: boolean, top: boolean) => {
        out.push(top ? line(r) : `${prefix}${last ? "└─ " : "├─ "}${line(r)}`);
        const kids = graph.childrenOf(r).filter((k) => !isBookkeeping(k.type));
        const next = top ? "" : `${prefix}${last ? "   " : "│  "}`;
        kids.forEach((k, i) => walk(k, next, i === kids.length - 1, false));
    };
    // Children of the stack resource are top-level too (Graph.parentOf skips the stack).
    for (const r of graph.childrenOf(undefined)) if (!isBookkeeping(r.type)) walk(r, "", true, true);
    return out;
}

/** Resource count per type, most frequent first. */
export function countByType(resources: readonly PlanResource[]): Record<string, number> {
    const counts = new Map<string, number>();
    for (const r of resources) if (!isBookkeeping(r.type)) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
    return Object.fromEntries([...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])));
}

import type { PlanResource } from "./model";

/** Stack and provider resources: bookkeeping, not part of the architecture. */
export function isBookkeeping(type: string): boolean {
    return type === "pulumi:pulumi:Stack" || type.startsWith("pulumi:providers:");
}

/**
 * Read-only queries over the resources of a plan: parent/child by URN,
 * component ancestry and dependencies. Pure; built once per plan.
 */
export class Graph {
    private readonly byUrn = new Map<string, PlanResource>();
    private readonly kids = new Map<string, PlanResource[]>();

    constructor(readonly resources: readonly PlanResource[]) {
        for (const r of resources) this.byUrn.set(r.urn, r);
        for (const r of resources) {
            const parent = this.parentOf(r);
            const key = parent?.urn ?? "";
            this.kids.set(key, [...(this.kids.get(key) ?? []), r]);
        }
    }

    get(urn: string): PlanResource | undefined {
        return this.byUrn.get(urn);
    }

    /** The parent resource, or undefined at the top (the stack resource counts as the top). */
    parentOf(r: PlanResource): PlanResource | undefined {
        const p = r.parent ? this.byUrn.get(r.parent) : undefined;
        return p && p.type !== "pulumi:pulumi:Stack" ? p : undefined;
    }

    /** Direct children; `undefined` gives the top-level resources. */
    childrenOf(r: PlanResource | undefined): readonly PlanResource[] {
        return this.kids.get(r?.urn ?? "") ?? [];
    }

    /** Every resource below `r`. */
    descendantsOf(r: PlanResource): PlanResource[] {
        const out: PlanResource[] = [];
        const walk = (x: PlanResource) => {
            for (const c of this.childrenOf(x)) {
                out.push(c);
                walk(c);
            }
        };
        walk(r);
        return out;
    }

    /** Parent, grandparent, ... nearest first. */
    ancestorsOf(r: PlanResource): PlanResource[] {
        const out: PlanResource[] = [];
        for (let p = this.parentOf(r); p; p = this.parentOf(p)) out.push(p);
        return out;
    }

    /** Resources `r` depends on, of the given type when one is given. */
    dependenciesOf(r: PlanResource, type?: string): PlanResource[] {
        return r.dependencies
            .map((u) => this.byUrn.get(u))
            .filter((d): d is PlanResource => d !== undefined && (type === undefined || d.type === type));
    }

    ofType(type: string): PlanResource[] {
        return this.resources.filter((r) => r.type === type);
    }
}

/** `urn:pulumi:<stack>::<project>::<type chain>::<name>` -> its parts. */
export function parseUrn(urn: string): { stack: string; project: string; type: string; name: string } | undefined {
    const m = /^urn:pulumi:([^:]+)::([^:]+)::([^:]+(?::[^:]+)*?)::(.*)$/.exec(urn);
    if (!m) return undefined;
    const chain = m[3].split("$");
    return { stack: m[1], project: m[2], type: chain[chain.length - 1], name: m[4] };
}

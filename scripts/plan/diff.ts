/**
 * Compares two plans (two stacks, or a saved `--json` plan and now): added,
 * removed and changed resources by type and name, the changed input paths,
 * and the cost delta per line and in total.
 */
import type { CostItem, PlanDocument } from "./model";
import { usd } from "./costTable";
import { textTable } from "./table";
import { display } from "./values";

export interface PropertyChange {
    readonly path: string;
    readonly before: unknown;
    readonly after: unknown;
}

export interface ResourceRef {
    readonly type: string;
    readonly name: string;
}

export interface ResourceChange extends ResourceRef {
    readonly changes: readonly PropertyChange[];
}

export interface CostChange {
    readonly key: string;
    readonly label: string;
    readonly beforeQuantity: number;
    readonly afterQuantity: number;
    readonly before: number;
    readonly after: number;
    readonly delta: number;
}

export interface PlanDiff {
    readonly base: { readonly stack: string; readonly source: string; readonly total: number };
    readonly now: { readonly stack: string; readonly source: string; readonly total: number };
    readonly added: readonly ResourceRef[];
    readonly removed: readonly ResourceRef[];
    readonly changed: readonly ResourceChange[];
    readonly cost: {
        readonly before: number;
        readonly after: number;
        readonly delta: number;
        readonly items: readonly CostChange[];
    };
}

/** Leaf paths where two JSON values differ (arrays by index). */
export function changedPaths(before: unknown, after: unknown, path = ""): PropertyChange[] {
    const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object";
    if (isObj(before) && isObj(after) && Array.isArray(before) === Array.isArray(after)) {
        const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
        if (Array.isArray(before)) keys.sort((a, b) => Number(a) - Number(b));
        else keys.sort();
        return keys.flatMap((k) =>
            changedPaths(
                (before as Record<string, unknown>)[k],
                (after as Record<string, unknown>)[k],
                path ? `${path}.${k}` : k,
            ),
        );
    }
    return JSON.stringify(before) === JSON.stringify(after) ? [] : [{ path, before, after }];
}

/** Resources keyed by type and name (a repeated pair gets `#2`, `#3` ...). */
function keyed<T extends ResourceRef>(resources: readonly T[]): Map<string, T> {
    const out = new Map<string, T>();
    for (const r of resources) {
        let key = `${r.type}::${r.name}`;
        for (let n = 2; out.has(key); n++) key = `${r.type}::${r.name}#${n}`;
        out.set(key, r);
    }
    return out;
}

const cents = (x: number) => Math.round(x * 100);

/** Cost lines matched by key. */
function costChanges(before: readonly CostItem[], after: readonly CostItem[]): CostChange[] {
    const b = new Map(before.map((i) => [i.key, i]));
    const a = new Map(after.map((i) => [i.key, i]));
    const keys = [...new Set([...b.keys(), ...a.keys()])];
    return keys
        .map((key) => {
            const x = b.get(key);
            const y = a.get(key);
            return {
                key,
                label: (y ?? x)!.label,
                beforeQuantity: x?.quantity ?? 0,
                afterQuantity: y?.quantity ?? 0,
                before: x?.monthlyUsd ?? 0,
                after: y?.monthlyUsd ?? 0,
                delta: (cents(y?.monthlyUsd ?? 0) - cents(x?.monthlyUsd ?? 0)) / 100,
            };
        })
        .filter((c) => c.delta !== 0 || c.beforeQuantity !== c.afterQuantity);
}

/** `now` compared with `base`. */
export function diffPlans(base: PlanDocument, now: PlanDocument): PlanDiff {
    const b = keyed(base.resources);
    const a = keyed(now.resources);
    const ref = (r: ResourceRef): ResourceRef => ({ type: r.type, name: r.name });
    const added = [...a.entries()].filter(([k]) => !b.has(k)).map(([, r]) => ref(r));
    const removed = [...b.entries()].filter(([k]) => !a.has(k)).map(([, r]) => ref(r));
    const changed: ResourceChange[] = [];
    for (const [k, r] of a) {
        const old = b.get(k);
        if (!old) continue;
        const changes = changedPaths(old.inputs, r.inputs);
        if (old.protect !== r.protect) changes.push({ path: "(protect)", before: old.protect, after: r.protect });
        if (changes.length) changed.push({ ...ref(r), changes });
    }
    return {
        base: { stack: base.stack, source: base.source, total: base.total },
        now: { stack: now.stack, source: now.source, total: now.total },
        added,
        removed,
        changed,
        cost: {
            before: base.total,
            after: now.total,
            delta: (cents(now.total) - cents(base.total)) / 100,
            items: costChanges(base.costItems, now.costItems),
        },
    };
}

const signed = (x: number) => `${x > 0 ? "+" : x < 0 ? "-" : ""}${usd(Math.abs(x))}`;

/** Text rendering of a diff (at most `maxPaths` changed paths per resource). */
export function renderDiff(d: PlanDiff, baseLabel: string, maxPaths = 12): string {
    const out = [`Changes in stack ${d.now.stack} (now) against ${baseLabel} (base)`, ""];
    out.push(`Resources: ${d.added.length} added, ${d.removed.length} removed, ${d.changed.length} changed`);
    for (const r of d.added) out.push(`  + ${r.type} ${r.name}`);
    for (const r of d.removed) out.push(`  - ${r.type} ${r.name}`);
    for (const r of d.changed) {
        out.push(`  ~ ${r.type} ${r.name}`);
        for (const c of r.changes.slice(0, maxPaths))
            out.push(`      ${c.path}: ${display(c.before)} -> ${display(c.after)}`);
        if (r.changes.length > maxPaths) out.push(`      ... ${r.changes.length - maxPaths} more`);
    }
    out.push("", `Idle monthly cost: ${usd(d.cost.before)} -> ${usd(d.cost.after)} USD (${signed(d.cost.delta)})`);
    if (d.cost.items.length) {
        const rows = d.cost.items.map((c) => [
            c.label,
            `${c.beforeQuantity} -> ${c.afterQuantity}`,
            usd(c.before),
            usd(c.after),
            signed(c.delta),
        ]);
        out.push(
            ...textTable(["item", "quantity", "base", "now", "delta"], rows, [
                "left",
                "right",
                "right",
                "right",
                "right",
            ]).map((l) => `  ${l}`),
        );
    }
    return out.join("\n");
}

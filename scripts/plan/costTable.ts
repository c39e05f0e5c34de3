/** The cost table's rows, shared by the text report and the Markdown document. */
import type { CostReport } from "./model";
import { Align } from "./table";

const INVARIANT = new Set(["GB", "MB/s", "IOPS"]);

/** `2 instances`, `40 GB`, `1 address`. */
export function quantity(n: number, unit: string): string {
    if (n === 1 || INVARIANT.has(unit)) return `${n} ${unit}`;
    if (unit.endsWith("ss")) return `${n} ${unit}es`;
    if (/[^aeiou]y$/.test(unit)) return `${n} ${unit.slice(0, -1)}ies`;
    return `${n} ${unit}s`;
}

export const usd = (x: number) => x.toFixed(2);

export const COST_HEADER = ["item", "quantity", "rate", "USD/month"];
export const COST_ALIGN: Align[] = ["left", "right", "right", "right"];

/** One row per cost line, then the total. */
export function costRows(cost: CostReport, bold = (s: string) => s): string[][] {
    return [
        ...cost.items.map((i) => [i.label, quantity(i.quantity, i.unit), i.rate, usd(i.monthlyUsd)]),
        [bold("total"), "", "", bold(usd(cost.totalUsd))],
    ];
}

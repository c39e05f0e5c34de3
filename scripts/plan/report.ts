/** The plain-text report printed by `npm run plan -- <stack>`. */
import type { Plan } from "./build";
import { COST_ALIGN, COST_HEADER, costRows } from "./costTable";
import { textTable } from "./table";
import { shortType } from "./tree";

const indent = (lines: string[]) => lines.map((l) => `  ${l}`);

function outputValue(v: unknown): string {
    const s = typeof v === "string" ? v : JSON.stringify(v);
    return s.length > 100 ? `${s.slice(0, 99)}…` : s;
}

/** The report: tree, counts, outputs, cost table, unpriced lines and notes. */
export function renderReport(plan: Plan): string {
    const { doc, cost, prices } = plan;
    const total = Object.values(doc.counts).reduce((a, b) => a + b, 0);
    const origin = doc.source === "mocks" ? "the real program under the mock engine" : "a pulumi preview";
    const out: string[] = [`Plan of stack ${doc.stack}: ${total} resources, from ${origin}`, "", "Resources"];
    out.push(...(plan.tree.length ? indent([...plan.tree]) : ["  (none)"]));
    out.push("", "Counts by type");
    const counts = Object.entries(doc.counts);
    out.push(
        ...(counts.length
            ? indent(
                  textTable(
                      ["count", "type"],
                      counts.map(([t, n]) => [String(n), t]),
                      ["right", "left"],
                  ),
              )
            : ["  (none)"]),
    );
    out.push("", "Stack outputs");
    const outputs = Object.entries(doc.outputs);
    out.push(
        ...(outputs.length
            ? indent(
                  textTable(
                      ["output", "value"],
                      outputs.map(([k, v]) => [k, outputValue(v)]),
                      ["left", "left"],
                  ),
              )
            : ["  (none)"]),
    );
    out.push(
        "",
        `Idle monthly cost (${prices.region} on-demand list prices of ${prices.takenOn}, ${prices.hoursPerMonth} h a month, ${doc.prices.file})`,
    );
    out.push(...indent(textTable(COST_HEADER, costRows(cost), COST_ALIGN)));
    for (const u of cost.unpriced) out.push(`unpriced: ${shortType(u.type)} ${u.name}: ${u.reason}`);
    for (const n of cost.notes) out.push(`note: ${n}`);
    if (plan.checks.length > 0) {
        out.push("", "What the plan shows");
        out.push(
            ...indent(
                textTable(
                    ["topic", "resource", "shows"],
                    plan.checks.map((c) => [c.topic, c.resource, c.shows]),
                    ["left", "left", "left"],
                ),
            ),
        );
    }
    return out.join("\n");
}

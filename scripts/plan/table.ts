/** Plain-text and Markdown tables. */

export type Align = "left" | "right";

/** Column widths of a table (header included). */
function widths(rows: readonly string[][]): number[] {
    const w: number[] = [];
    for (const row of rows) row.forEach((cell, i) => (w[i] = Math.max(w[i] ?? 0, [...cell].length)));
    return w;
}

function pad(cell: string, width: number, align: Align): string {
    const fill = " ".repeat(Math.max(0, width - [...cell].length));
    return align === "right" ? fill + cell : cell + fill;
}

/** A plain-text table, columns separated by two spaces. */
export function textTable(header: string[], rows: string[][], align: Align[]): string[] {
    const w = widths([header, ...rows]);
    return [header, ...rows].map((row) =>
        row
            .map((c, i) => pad(c, w[i], align[i]))
            .join("  ")
            .trimEnd(),
    );
}

/** A Markdown table laid out the way prettier formats it (so the generated file stays prettier-clean). */
export function markdownTable(header: string[], rows: string[][], align: Align[]): string[] {
    const escape = (s: string) => s.replace(/\|/g, "\\|");
    const all = [header, ...rows].map((r) => r.map(escape));
    const w = widths(all).map((x) => Math.max(3, x));
    const rule = w.map((n, i) => (align[i] === "right" ? `${"-".repeat(n - 1)}:` : "-".repeat(n)));
    const render = (row: string[]) => `| ${row.map((c, i) => pad(c, w[i], align[i])).join(" | ")} |`;
    return [render(all[0]), `| ${rule.join(" | ")} |`, ...all.slice(1).map(render)];
}

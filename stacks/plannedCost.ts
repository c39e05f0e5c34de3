import * as fs from "fs";
import * as path from "path";

/**
 * The idle monthly cost `npm run plan -- <stack>` computed for the committed
 * configuration (docs/architecture-<stack>.cost.json, kept current by a
 * test). It describes the committed Pulumi.<stack>.yaml: after `pulumi config
 * set`, rerun the plan to refresh it. Undefined when no plan was generated
 * for the stack.
 */
export function plannedIdleMonthlyCostUsd(stack: string, root = path.join(__dirname, "..")): number | undefined {
    const file = path.join(root, "docs", `architecture-${stack}.cost.json`);
    if (!fs.existsSync(file)) return undefined;
    const summary = JSON.parse(fs.readFileSync(file, "utf8")) as { idleMonthlyCostUsd?: unknown };
    return typeof summary.idleMonthlyCostUsd === "number" ? summary.idleMonthlyCostUsd : undefined;
}

// Prints the README's configuration reference table from the schema
// (stacks/config.ts). test/config.spec.ts fails when the README drifts.
import { CONFIG_KEYS, environmentSchema, NAMESPACE } from "../stacks/config";

/** The configuration reference table, as Markdown. */
export function configTable(): string {
    const defaults = environmentSchema.parse({}) as Record<string, unknown>;
    return [
        `| key (\`${NAMESPACE}:\`) | default | description |`,
        "| --- | --- | --- |",
        ...CONFIG_KEYS.map((key) => {
            const shown = defaults[key] === undefined ? "unset" : JSON.stringify(defaults[key]);
            return `| \`${key}\` | ${shown} | ${environmentSchema.shape[key].description ?? ""} |`;
        }),
    ].join("\n");
}

if (require.main === module) console.log(configTable());

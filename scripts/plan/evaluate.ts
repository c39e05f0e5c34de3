/**
 * Runs the real program (index.ts) of a stack with its real
 * Pulumi.<stack>.yaml under the recording mock engine of the test harness:
 * no CLI, no credentials, no network.
 */
import * as fs from "fs";
import type { PlanResource } from "./model";
import { normalize, SECRET } from "./values";

/** Stacks present in the repository (`Pulumi.<stack>.yaml`). */
export function listStacks(root: string): string[] {
    return fs
        .readdirSync(root)
        .map((f) => /^Pulumi\.(.+)\.ya?ml$/.exec(f)?.[1])
        .filter((s): s is string => s !== undefined)
        .sort();
}

/** Thrown for a stack without a Pulumi.<stack>.yaml; its message lists the stacks present. */
export class UnknownStackError extends Error {
    constructor(stack: string, stacks: readonly string[]) {
        super(
            `unknown stack "${stack}": there is no Pulumi.${stack}.yaml. Stacks present: ${stacks.length ? stacks.join(", ") : "none"}`,
        );
        this.name = "UnknownStackError";
    }
}

export interface Evaluation {
    readonly resources: PlanResource[];
    readonly outputs: Record<string, unknown>;
}

/**
 * Evaluates a stack of the repository at `root` (the harness's ROOT). The
 * harness is loaded lazily: importing it sets the mock engine up, which
 * `--from-preview` does not need. A bad configuration rejects with the
 * program's own ValidationError.
 * @param overrides config keys to replace (full `ns:key` names)
 */
export async function evaluate(
    stack: string,
    root: string,
    overrides: Record<string, string> = {},
): Promise<Evaluation> {
    const stacks = listStacks(root);
    if (!stacks.includes(stack)) throw new UnknownStackError(stack, stacks);
    const harness = require("../../test/harness/stack") as typeof import("../../test/harness/stack");
    const { recording, outputs } = await harness.evaluateStack(stack, overrides);
    const resources = recording.resources.map((r): PlanResource => ({
        type: r.type,
        name: r.name,
        urn: r.urn,
        id: r.id || undefined,
        parent: r.parent,
        custom: r.custom,
        protect: r.protect,
        dependencies: [...r.dependencies],
        // Secret inputs are never shown (the mocks hand them over in plain text).
        inputs: normalize({
            ...r.inputs,
            ...Object.fromEntries((r.secretInputs ?? []).map((k) => [k, SECRET])),
        }) as Record<string, unknown>,
    }));
    return { resources, outputs };
}

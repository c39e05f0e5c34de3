/**
 * Runs the real program (index.ts) of a stack with its real
 * Pulumi.<stack>.yaml under the recording mock engine of the public testing
 * module (components/testing): no CLI, no credentials, no network.
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

/** A value the mock engine made up from a counter (hex ids, hosts, digests): differs between runs. */
export function isVolatile(value: string): boolean {
    return (value.match(/[0-9a-fA-F]{8,}/g) ?? []).some((run) => /\d/.test(run) && /[a-fA-F]/.test(run));
}

/**
 * Replaces, in every input, the values the mock engine computed for another
 * resource (its id and outputs such as ARNs or endpoints, when they carry a
 * counter-made part) with `<name.property>`. The mock's stand-ins change with
 * every resource registered before, so without this a plan or a diff would
 * show ids changing where nothing did.
 */
export function symbolize(
    resources: readonly { name: string; id: string; inputs: Record<string, any>; state: Record<string, any> }[],
): (value: unknown) => unknown {
    const tokens = new Map<string, string>();
    const note = (value: unknown, token: string) => {
        if (typeof value === "string" && value.length >= 8 && isVolatile(value) && !tokens.has(value))
            tokens.set(value, token);
    };
    const walk = (value: unknown, path: string, name: string) => {
        if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${path}.${i}`, name));
        else if (value !== null && typeof value === "object")
            for (const [k, v] of Object.entries(value)) walk(v, `${path}.${k}`, name);
        else note(value, `<${name}${path}>`);
    };
    const strings = (value: unknown, out: Set<string>): Set<string> => {
        if (typeof value === "string") out.add(value);
        else if (value !== null && typeof value === "object") for (const v of Object.values(value)) strings(v, out);
        return out;
    };
    for (const r of resources) {
        note(r.id, `<${r.name}.id>`);
        // An output that echoes one of the resource's own inputs (docker's baseImageName) is not mock-made.
        const own = strings(r.inputs ?? {}, new Set());
        const echo = (v: unknown) => typeof v === "string" && own.has(v);
        for (const [k, v] of Object.entries(r.state ?? {}))
            if (!(k in (r.inputs ?? {})) && !echo(v)) walk(v, `.${k}`, r.name);
    }
    if (tokens.size === 0) return (v) => v;
    const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const pattern = new RegExp(
        [...tokens.keys()]
            .sort((a, b) => b.length - a.length)
            .map(escape)
            .join("|"),
        "g",
    );
    const replace = (value: unknown): unknown => {
        if (typeof value === "string") return value.replace(pattern, (m) => tokens.get(m)!);
        if (Array.isArray(value)) return value.map(replace);
        if (value !== null && typeof value === "object")
            return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replace(v)]));
        return value;
    };
    return replace;
}

export interface Evaluation {
    readonly resources: PlanResource[];
    readonly outputs: Record<string, unknown>;
}

/**
 * Evaluates a stack of the repository at `root` under the public testing
 * module's mock engine (see ./stack.ts), loaded lazily: `--from-preview`
 * does not need it. A bad configuration rejects with the program's own
 * ValidationError.
 * @param overrides config keys to replace (full `ns:key` names)
 */
export async function evaluate(
    stack: string,
    root: string,
    overrides: Record<string, string> = {},
): Promise<Evaluation> {
    const stacks = listStacks(root);
    if (!stacks.includes(stack)) throw new UnknownStackError(stack, stacks);
    const { evaluateStack } = require("./stack") as typeof import("./stack");
    const evaluation = await evaluateStack(stack, overrides, root);
    const { recording, outputs } = evaluation;
    const stable = symbolize(recording.resources);
    const resources = recording.resources.map((r): PlanResource => ({
        type: r.type,
        name: r.name,
        urn: r.urn,
        id: r.id ? (stable(r.id) as string) : undefined,
        parent: r.parent,
        custom: r.custom,
        protect: r.protect,
        dependencies: [...r.dependencies],
        // Secret inputs are never shown (the mocks hand them over in plain text).
        // Mock-made ids and outputs become <name.property> (see symbolize).
        inputs: stable(
            normalize({
                ...r.inputs,
                ...Object.fromEntries((r.secretInputs ?? []).map((k) => [k, SECRET])),
            }),
        ) as Record<string, unknown>,
    }));
    return { resources, outputs };
}

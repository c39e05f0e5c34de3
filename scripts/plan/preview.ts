/**
 * Reads the output of `pulumi preview --json` (the engine's preview digest:
 * `steps[]`, each with `op`, `urn` and `newState` holding `type`, `custom`,
 * `inputs`, `parent`, `dependencies`, `protect` ...) into plan resources.
 * Assumptions are documented in docs/plan.md.
 */
import type { PlanResource } from "./model";
import { parseUrn } from "./graph";
import { normalize } from "./values";

/** Steps that leave a resource in the stack after the update. */
const KEEPS = new Set([
    "same",
    "create",
    "update",
    "replace",
    "create-replacement",
    "read",
    "read-replacement",
    "import",
    "import-replacement",
    "refresh",
]);

export interface PreviewPlan {
    readonly stack: string;
    readonly project: string;
    readonly resources: PlanResource[];
    readonly outputs: Record<string, unknown>;
    /** Error diagnostics the preview reported. */
    readonly errors: string[];
}

/** The CLI masks secrets as "[secret]" unless --show-secrets. */
function unmask(value: unknown): unknown {
    if (value === "[secret]") return "<secret>";
    if (Array.isArray(value)) return value.map(unmask);
    if (value !== null && typeof value === "object")
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unmask(v)]));
    return value;
}

/** Parses a preview digest; throws with a clear message when the document is not one. */
export function readPreview(text: string, file: string): PreviewPlan {
    let digest: any;
    try {
        digest = JSON.parse(text);
    } catch (e) {
        throw new Error(`${file} is not JSON (${(e as Error).message}); expected the output of pulumi preview --json`);
    }
    if (digest === null || typeof digest !== "object" || !Array.isArray(digest.steps)) {
        throw new Error(`${file} has no steps[]: expected the output of pulumi preview --json`);
    }
    const errors: string[] = (Array.isArray(digest.diagnostics) ? digest.diagnostics : [])
        .filter((d: any) => d?.severity === "error")
        .map((d: any) => String(d.message ?? "").trim());
    const resources: PlanResource[] = [];
    const seen = new Set<string>();
    let stack = "";
    let project = "";
    let outputs: Record<string, unknown> = {};
    for (const step of digest.steps as any[]) {
        const state = step?.newState;
        const urn: string = state?.urn ?? step?.urn;
        if (!KEEPS.has(step?.op) || !state || typeof urn !== "string" || seen.has(urn)) continue;
        seen.add(urn);
        const parsed = parseUrn(urn);
        if (!parsed) throw new Error(`${file}: step with an unreadable URN ${JSON.stringify(urn)}`);
        stack ||= parsed.stack;
        project ||= parsed.project;
        const type: string = state.type ?? parsed.type;
        if (type === "pulumi:pulumi:Stack")
            outputs = (unmask(normalize(state.outputs ?? {})) as Record<string, unknown>) ?? {};
        resources.push({
            type,
            name: parsed.name,
            urn,
            id: typeof state.id === "string" && state.id !== "" ? state.id : undefined,
            parent: typeof state.parent === "string" ? state.parent : "",
            custom: state.custom !== false,
            protect: state.protect === true,
            dependencies: Array.isArray(state.dependencies)
                ? state.dependencies.filter((d: unknown) => typeof d === "string")
                : [],
            inputs: unmask(normalize(state.inputs ?? {})) as Record<string, unknown>,
        });
    }
    if (resources.length === 0 && errors.length > 0) {
        throw new Error(`the preview in ${file} failed:\n  - ${errors.join("\n  - ")}`);
    }
    return { stack, project, resources, outputs, errors };
}

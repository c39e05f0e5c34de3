/**
 * Evaluates a whole stack the way `pulumi up` would run it, without the CLI:
 * the real Pulumi.<stack>.yaml becomes the config map, the mocks take the
 * stack's name and region, and the real index.ts is loaded afresh. Returns
 * every registration and the resolved stack outputs.
 */
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import * as pulumi from "@pulumi/pulumi";
import { ensureHandlerBundle } from "../../components/imagePipeline";
import { DEFAULT_REGION, installMocks, record, Recording, setMockRegion, settle, valueOf } from "./mocks";

export const ROOT = path.resolve(__dirname, "..", "..");

export interface StackEvaluation {
    readonly recording: Recording;
    readonly outputs: Record<string, unknown>;
    readonly config: Record<string, string>;
}

/** Reads Pulumi.<stack>.yaml into the flat string map the engine passes a program. */
export function readStackConfig(stack: string, root = ROOT): Record<string, string> {
    const file = path.join(root, `Pulumi.${stack}.yaml`);
    const doc = (yaml.load(fs.readFileSync(file, "utf8")) ?? {}) as { config?: Record<string, unknown> };
    return flattenConfig(doc.config ?? {});
}

/** Config values as the engine hands them over: strings, JSON for the rest. */
export function flattenConfig(config: Record<string, unknown>): Record<string, string> {
    return Object.fromEntries(
        Object.entries(config).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]),
    );
}

/** Resolves every exported Output of a program module. */
async function resolveExports(mod: Record<string, unknown>): Promise<Record<string, unknown>> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(mod)) {
        if (k === "__esModule") continue;
        out[k] = await valueOf(v as pulumi.Input<string>);
    }
    return out;
}

/** Evaluations of the unmodified stacks, shared by every spec (recordings are read-only). */
const cache = new Map<string, Promise<StackEvaluation>>();

/**
 * Runs the real program (index.ts) for a stack under the mocks, once per
 * process for the stack as configured (specs share the read-only result);
 * with overrides it always evaluates afresh.
 */
export function evaluateStack(stack: string, overrides: Record<string, string> = {}): Promise<StackEvaluation> {
    if (Object.keys(overrides).length > 0) return evaluateStackOnce(stack, overrides);
    let evaluation = cache.get(stack);
    if (!evaluation) {
        evaluation = evaluateStackOnce(stack, {});
        cache.set(stack, evaluation);
        evaluation.catch(() => cache.delete(stack));
    }
    return evaluation;
}

async function evaluateStackOnce(stack: string, overrides: Record<string, string>): Promise<StackEvaluation> {
    const config = { ...readStackConfig(stack), ...overrides };
    // What `npm run build` does before `pulumi up`: the image pipeline deploys
    // the bundled resize handler (offline, a no-op when already up to date).
    ensureHandlerBundle();
    await installMocks(stack);
    setMockRegion(config["aws:region"] ?? "us-east-1");
    pulumi.runtime.setAllConfig(config);
    const entry = require.resolve(path.join(ROOT, "index.ts"));
    delete require.cache[entry];
    let mod: Record<string, unknown> = {};
    try {
        const recording = await record(() => {
            mod = require(entry);
        });
        const outputs = await resolveExports(mod);
        await settle();
        return { recording, outputs, config };
    } finally {
        // Leave the engine as component specs expect it: stack "test", no config.
        await installMocks();
        setMockRegion(DEFAULT_REGION);
        pulumi.runtime.setAllConfig({});
    }
}

/**
 * Evaluates a stack of this repository the way `pulumi up` would run it,
 * without the CLI: the real Pulumi.<stack>.yaml becomes the config map and
 * the real index.ts runs under a fresh mock engine of the public testing
 * module (`components/testing`), which takes the stack's name and region.
 * Shared by the plan CLI and the whole-stack specs.
 */
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { ensureHandlerBundle } from "../../components/imagePipeline";
import { evaluateProgram, flattenConfig, type ProgramEvaluation } from "../../components/testing";
import { ensureWebBuild } from "../webBuild";

export { flattenConfig };

/** The repository root (where Pulumi.yaml and index.ts are). */
export const ROOT = path.resolve(__dirname, "..", "..");

export type StackEvaluation = ProgramEvaluation;

/** Reads Pulumi.<stack>.yaml into the flat string map the engine passes a program. */
export function readStackConfig(stack: string, root = ROOT): Record<string, string> {
    const file = path.join(root, `Pulumi.${stack}.yaml`);
    const doc = (yaml.load(fs.readFileSync(file, "utf8")) ?? {}) as { config?: Record<string, unknown> };
    return flattenConfig(doc.config ?? {});
}

/** Evaluations of the unmodified stacks, shared within a process (recordings are read-only). */
const cache = new Map<string, Promise<StackEvaluation>>();

/**
 * Runs the real program (index.ts) for a stack under the mocks, once per
 * process for the stack as configured (callers share the read-only result);
 * with overrides it always evaluates afresh.
 */
export function evaluateStack(
    stack: string,
    overrides: Record<string, string> = {},
    root = ROOT,
): Promise<StackEvaluation> {
    if (Object.keys(overrides).length > 0) return evaluateStackOnce(stack, overrides, root);
    const key = `${root}\0${stack}`;
    let evaluation = cache.get(key);
    if (!evaluation) {
        evaluation = evaluateStackOnce(stack, {}, root);
        cache.set(key, evaluation);
        evaluation.catch(() => cache.delete(key));
    }
    return evaluation;
}

function evaluateStackOnce(stack: string, overrides: Record<string, string>, root: string): Promise<StackEvaluation> {
    // What `npm run build` does before `pulumi up`: the image pipeline deploys
    // the bundled resize handler (offline, a no-op when already up to date).
    ensureHandlerBundle();
    // The program uploads the built frontend (stacks/site.ts): built here when missing.
    ensureWebBuild(root);
    return evaluateProgram({
        program: path.join(root, "index.ts"),
        project: "aws-webapp",
        stack,
        config: { ...readStackConfig(stack, root), ...overrides },
    });
}

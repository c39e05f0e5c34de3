/**
 * Evaluates a whole Pulumi program the way `pulumi up` would run it, without
 * the CLI, credentials or network: the configuration becomes the program's
 * config (`pulumi.runtime.setAllConfig`), a fresh mock engine takes the
 * stack's name and region, and the program runs once. Returns every
 * registration and the resolved stack outputs.
 */
import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_REGION } from "./context";
import { MockEngine, type MockEngineOptions, settle } from "./engine";
import type { Recording } from "./recording";

export interface ProgramOptions extends Omit<MockEngineOptions, "region"> {
    /**
     * The program: a module file to load afresh (its exports are the stack
     * outputs, as with a Pulumi program's entry point; a module exporting a
     * function is called and awaited, as Pulumi does), or a function whose
     * (awaited) return value is the stack outputs.
     */
    readonly program: string | (() => unknown);
    /**
     * Configuration by full key (`aws:region`, `myproject:size`), as in
     * Pulumi.<stack>.yaml's `config:` map; values that are not strings are
     * passed JSON-encoded, as the CLI does.
     */
    readonly config?: Readonly<Record<string, unknown>>;
    /** Region the mocks report. @default config["aws:region"], else "us-east-1" */
    readonly region?: string;
}

export interface ProgramEvaluation {
    readonly recording: Recording;
    /** The stack outputs, resolved. */
    readonly outputs: Record<string, unknown>;
    /** The configuration the program saw (flat strings). */
    readonly config: Record<string, string>;
}

/** Config values as the engine hands them over: strings, JSON for the rest. */
export function flattenConfig(config: Readonly<Record<string, unknown>>): Record<string, string> {
    return Object.fromEntries(
        Object.entries(config).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]),
    );
}

/** Resolves an Output (or plain value, or promise) to its value, for assertions. */
export function valueOf<T>(o: pulumi.Input<T>): Promise<T> {
    return new Promise((resolve) => pulumi.output(o).apply((v) => resolve(v as T)));
}

/** Resolves every exported value of a program module (or returned outputs object). */
async function resolveOutputs(mod: unknown): Promise<Record<string, unknown>> {
    const out: Record<string, unknown> = {};
    if (mod === null || typeof mod !== "object") return out;
    for (const [k, v] of Object.entries(mod)) {
        if (k === "__esModule") continue;
        out[k] = await valueOf(v as pulumi.Input<unknown>);
    }
    return out;
}

/**
 * Runs a program under a fresh {@link MockEngine}. Afterwards the runtime is
 * left as it was found: the previously installed engine (if any) and its
 * configuration are restored, so component tests can run around it. A program
 * that throws rejects with its own error (carrying the partial `recording`).
 */
export async function evaluateProgram(options: ProgramOptions): Promise<ProgramEvaluation> {
    const config = flattenConfig(options.config ?? {});
    const previous = MockEngine.installed;
    const previousConfig = pulumi.runtime.allConfig();
    const engine = new MockEngine({ ...options, region: options.region ?? config["aws:region"] ?? DEFAULT_REGION });
    await engine.install();
    pulumi.runtime.setAllConfig(config);
    try {
        let exported: unknown;
        const { program } = options;
        const recording = await engine.record(async () => {
            if (typeof program === "function") {
                exported = await program();
            } else {
                const entry = require.resolve(program);
                delete require.cache[entry];
                exported = require(entry);
                // An async entry point (`export = async () => outputs`): Pulumi calls it and awaits.
                if (typeof exported === "function") exported = await (exported as () => unknown)();
            }
        });
        const limit = Error.stackTraceLimit;
        Error.stackTraceLimit = 0;
        try {
            const outputs = await resolveOutputs(exported);
            await settle();
            return { recording, outputs, config };
        } finally {
            Error.stackTraceLimit = limit;
        }
    } finally {
        if (previous) await previous.install();
        pulumi.runtime.setAllConfig(previousConfig);
    }
}

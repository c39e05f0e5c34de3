// `npm run bench:scale [-- <stack> [copies...]]`: evaluates one program that
// builds the stack's environment 1, 5 and 20 times (under the public testing
// module's mock engine, as the plan does) and prints the time and the memory
// per registration. Each size runs in a fresh Node process (so one size's
// garbage does not count against the next), with `--expose-gc` so the memory
// figure is what the evaluation keeps after a full collection. The cost per
// registration should stay flat as the program grows (linear scaling).
import { execFileSync } from "child_process";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..");

interface Sample {
    readonly copies: number;
    readonly registrations: number;
    readonly seconds: number;
    readonly retainedBytes: number;
    readonly peakRssBytes: number;
}

/** One size, in this process: the measurement a child prints. */
async function measure(stack: string, copies: number): Promise<Sample> {
    const { evaluateProgram } = require("../components/testing") as typeof import("../components/testing");
    const { readStackConfig } = require("./plan/stack") as typeof import("./plan/stack");
    const { ensureHandlerBundle } =
        require("../components/imagePipeline") as typeof import("../components/imagePipeline");
    ensureHandlerBundle();
    const { loadEnvironmentConfig } = require("../stacks/configSource") as typeof import("../stacks/configSource");
    const { buildEnvironment } = require("../stacks/environment") as typeof import("../stacks/environment");
    const build = (n: number) => {
        const config = loadEnvironmentConfig();
        // Each copy under its own name prefix (the environment names its resources after the stack).
        for (let i = 0; i < n; i++) buildEnvironment({ ...config, stack: `${config.stack}${i}` });
        return {};
    };
    const program = () => build(copies);
    const program1 = () => build(1);
    const gc = (globalThis as { gc?: () => void }).gc;
    if (!gc) throw new Error("bench-scale: run the child with node --expose-gc");
    // One untimed evaluation first, so the figures are the evaluation's, not module loading
    // (the AWS provider's modules load on first use) or the compiler warming up.
    await evaluateProgram({ program: () => program1(), stack, config: readStackConfig(stack, ROOT) });
    gc();
    const before = process.memoryUsage().heapUsed;
    const start = process.hrtime.bigint();
    const evaluation = await evaluateProgram({ program, stack, config: readStackConfig(stack, ROOT) });
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    gc();
    const retainedBytes = process.memoryUsage().heapUsed - before;
    return {
        copies,
        registrations: evaluation.recording.count,
        seconds,
        retainedBytes,
        peakRssBytes: process.resourceUsage().maxRSS * 1024,
    };
}

/** Runs one size in a child process and reads its JSON line. */
function child(stack: string, copies: number): Sample {
    const out = execFileSync(
        process.execPath,
        ["--expose-gc", "-r", "ts-node/register/transpile-only", __filename, "--child", stack, String(copies)],
        { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], maxBuffer: 16 << 20 },
    );
    const line = out.trim().split("\n").pop() ?? "";
    return JSON.parse(line) as Sample;
}

/**
 * The table the benchmark prints: per registration, the time, the heap the
 * evaluation keeps after a full collection, and the peak RSS beyond the
 * smallest program's (what each further registration costs at its peak);
 * the last column is the time per registration relative to the smallest
 * program (flat or falling: linear).
 */
export function report(samples: readonly Sample[]): string {
    const base = samples[0];
    const msPer = (s: Sample) => (s.seconds * 1000) / s.registrations;
    const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
    const rows = samples.map((s) => {
        const extra = s.registrations - base.registrations;
        const growth = extra > 0 ? ((s.peakRssBytes - base.peakRssBytes) / 1024 / extra).toFixed(0) : "-";
        return [
            s.copies,
            s.registrations,
            s.seconds.toFixed(2),
            msPer(s).toFixed(2),
            (s.retainedBytes / 1024 / s.registrations).toFixed(1),
            mb(s.peakRssBytes),
            growth,
            (msPer(s) / msPer(base)).toFixed(2),
        ].join(" | ");
    });
    return [
        "| copies | registrations | seconds | ms / reg. | retained KB / reg. | peak RSS MB | peak RSS KB / further reg. | ms / reg. vs smallest |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
        ...rows.map((r) => `| ${r} |`),
    ].join("\n");
}

async function main(argv: string[]): Promise<void> {
    if (argv[0] === "--child") {
        const sample = await measure(argv[1], Number(argv[2]));
        process.stdout.write(`${JSON.stringify(sample)}\n`);
        return;
    }
    const stack = argv[0] ?? "dev";
    const sizes = argv.length > 1 ? argv.slice(1).map(Number) : [1, 5, 20];
    const samples = sizes.map((n) => child(stack, n));
    process.stdout.write(`environment of stack ${stack}, built N times in one program (mock engine)\n\n`);
    process.stdout.write(`${report(samples)}\n`);
}

if (require.main === module) {
    main(process.argv.slice(2)).then(
        () => process.exit(0),
        (e) => {
            process.stderr.write(`bench-scale: ${e instanceof Error ? e.stack : String(e)}\n`);
            process.exit(1);
        },
    );
}

/**
 * `npm run plan -- <stack> [options]`: the offline plan of a stack. Pure
 * argument handling and orchestration; every piece of work lives in the
 * sibling modules. `main` never calls process.exit, so tests run it in-process.
 */
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { buildPlan, Plan, PlanInput, regionOf } from "./build";
import { diffPlans, renderDiff } from "./diff";
import { evaluate, UnknownStackError } from "./evaluate";
import { architectureFile, costSummaryFile, renderArchitecture, renderCostSummary } from "./markdown";
import type { PlanDocument } from "./model";
import { pricesForRegion } from "./prices";
import { readPreview } from "./preview";
import { renderReport } from "./report";

/** Where output goes; tests pass their own. */
export interface Io {
    /** Writes one block of text (a newline is added). */
    readonly stdout: (text: string) => void;
    readonly stderr: (text: string) => void;
    /** Repository root (Pulumi.<stack>.yaml, pricing/, docs/). */
    readonly root: string;
    /** Directory relative paths given on the command line are resolved against. */
    readonly cwd: string;
}

export const ROOT = path.resolve(__dirname, "..", "..");

export const USAGE = `usage: npm run plan -- <stack> [options]
       npm run plan -- --from-preview <preview.json> [options]

Evaluates the real program (index.ts) with Pulumi.<stack>.yaml under a mock
engine (no Pulumi CLI, no AWS credentials, no network) and prints the resource
tree, counts by type, stack outputs and the idle monthly cost; writes
docs/architecture-<stack>.md (Mermaid diagram + cost table).

options:
  --json                   print the plan (or the diff) as one JSON document
  --markdown               print the architecture document instead of the report
  --diff <stack|file>      compare with another stack or a saved --json plan
  --from-preview <file>    read the JSON of \`pulumi preview --json\` instead of evaluating
  --config <ns:key=value>  override a config key (repeatable; nothing is written)
  --out <file>             write the architecture document to this file
  --no-write               write nothing
  --strict                 exit 2 when anything could not be priced, or the stack's
                           region has no price table (pricing/<region>.json)
  -h, --help               this text`;

const OPTIONS = {
    json: { type: "boolean" },
    markdown: { type: "boolean" },
    diff: { type: "string" },
    "from-preview": { type: "string" },
    config: { type: "string", multiple: true },
    out: { type: "string" },
    "no-write": { type: "boolean" },
    strict: { type: "boolean" },
    help: { type: "boolean", short: "h" },
} as const;

/** An error whose message is shown as it is (no "plan:" prefix, no stack trace). */
class UsageError extends Error {}

/** The program's configuration error (components/shared/validation.ts), recognised by name. */
function isValidationError(e: unknown): e is Error {
    return e instanceof Error && e.name === "ValidationError";
}

/** Runs `fn` with console output (the program's and the engine's log lines) sent to stderr. */
async function quietly<T>(io: Io, fn: () => Promise<T>): Promise<T> {
    const saved = {
        log: console.log,
        info: console.info,
        warn: console.warn,
        error: console.error,
        debug: console.debug,
    };
    const toStderr = (...args: unknown[]) => io.stderr(args.map(String).join(" "));
    Object.assign(console, { log: toStderr, info: toStderr, warn: toStderr, error: toStderr, debug: toStderr });
    try {
        return await fn();
    } finally {
        Object.assign(console, saved);
    }
}

function parseOverrides(values: readonly string[] = []): Record<string, string> {
    const out: Record<string, string> = {};
    for (const v of values) {
        const m = /^([^=:\s]+:[^=\s]+)=(.*)$/s.exec(v);
        if (!m)
            throw new UsageError(
                `--config ${v}: expected <namespace>:<key>=<value>, e.g. aws-webapp:instanceType=t4g.small`,
            );
        out[m[1]] = m[2];
    }
    return out;
}

/** Evaluates a stack under the mocks, with a progress line. */
async function fromStack(io: Io, stack: string, overrides: Record<string, string>): Promise<PlanInput> {
    io.stderr(`evaluating stack ${stack} ...`);
    const started = Date.now();
    const { resources, outputs } = await quietly(io, () => evaluate(stack, io.root, overrides));
    io.stderr(`evaluated stack ${stack}: ${resources.length} resources in ${Date.now() - started} ms`);
    return { stack, source: "mocks", resources, outputs };
}

function fromPreview(io: Io, file: string, stack: string | undefined): PlanInput {
    const full = path.resolve(io.cwd, file);
    io.stderr(`reading preview ${file} ...`);
    if (!fs.existsSync(full)) throw new UsageError(`--from-preview ${file}: no such file`);
    const preview = readPreview(fs.readFileSync(full, "utf8"), file);
    for (const e of preview.errors) io.stderr(`preview error: ${e}`);
    if (stack !== undefined && preview.stack && stack !== preview.stack)
        io.stderr(`note: the preview is of stack ${preview.stack}; reporting it as ${stack}`);
    return {
        stack: stack ?? (preview.stack || "preview"),
        source: "preview",
        resources: preview.resources,
        outputs: preview.outputs,
    };
}

/** A saved `--json` plan, checked enough to diff. */
function readPlanFile(full: string, shown: string): PlanDocument {
    let doc: any;
    try {
        doc = JSON.parse(fs.readFileSync(full, "utf8"));
    } catch (e) {
        throw new UsageError(`--diff ${shown}: not JSON (${(e as Error).message})`);
    }
    if (!doc || !Array.isArray(doc.resources) || !Array.isArray(doc.costItems) || typeof doc.total !== "number") {
        throw new UsageError(`--diff ${shown}: not a plan saved with --json (needs resources[], costItems[], total)`);
    }
    return doc as PlanDocument;
}

/** The plan of an input, priced with the table of its region (flagged when there is none). */
function planOf(io: Io, input: PlanInput): Plan {
    const { prices, missingRegion } = pricesForRegion(io.root, regionOf(input));
    if (missingRegion) io.stderr(`note: no price table for ${missingRegion}; priced with ${prices.region} prices`);
    return buildPlan(input, prices, missingRegion);
}

async function baseOf(io: Io, target: string): Promise<{ doc: PlanDocument; label: string }> {
    const full = path.resolve(io.cwd, target);
    if (target.endsWith(".json") || (fs.existsSync(full) && fs.statSync(full).isFile())) {
        if (!fs.existsSync(full)) throw new UsageError(`--diff ${target}: no such file`);
        return { doc: readPlanFile(full, target), label: `the saved plan ${target}` };
    }
    const input = await fromStack(io, target, {});
    return { doc: planOf(io, input).doc, label: `stack ${target}` };
}

function write(io: Io, file: string, text: string): void {
    const full = path.resolve(io.cwd, file);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, text);
    io.stderr(`wrote ${path.relative(io.cwd, full) || full}`);
}

/** The CLI. Returns the exit code: 0 done, 1 error (bad arguments, bad config, unknown stack), 2 unpriced with --strict. */
export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
    try {
        let parsed;
        try {
            parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
        } catch (e) {
            throw new UsageError(`${(e as Error).message}\n\n${USAGE}`);
        }
        const { values: o, positionals } = parsed;
        if (o.help) {
            io.stdout(USAGE);
            return 0;
        }
        if (positionals.length > 1)
            throw new UsageError(`expected one stack, got ${positionals.join(" ")}\n\n${USAGE}`);
        const stack = positionals[0];
        const preview = o["from-preview"];
        if (stack === undefined && preview === undefined) throw new UsageError(`a stack is required\n\n${USAGE}`);
        const overrides = parseOverrides(o.config);
        if (preview !== undefined && Object.keys(overrides).length > 0)
            throw new UsageError("--config applies to an evaluated stack, not to --from-preview");

        const input = preview !== undefined ? fromPreview(io, preview, stack) : await fromStack(io, stack!, overrides);
        const plan: Plan = planOf(io, input);

        if (o.diff !== undefined) {
            const base = await baseOf(io, o.diff);
            const d = diffPlans(base.doc, plan.doc);
            io.stdout(o.json ? JSON.stringify(d, null, 2) : renderDiff(d, base.label));
        } else if (o.json) {
            io.stdout(JSON.stringify(plan.doc, null, 2));
        } else if (o.markdown) {
            io.stdout(renderArchitecture(plan));
        } else {
            io.stdout(renderReport(plan));
        }

        // The committed documents describe the committed configuration: written for a
        // plain evaluation, or wherever --out says.
        if (!o["no-write"]) {
            if (o.out !== undefined) write(io, o.out, renderArchitecture(plan));
            else if (input.source === "mocks" && Object.keys(overrides).length === 0) {
                write(io, path.join(io.root, architectureFile(input.stack)), renderArchitecture(plan));
                write(io, path.join(io.root, costSummaryFile(input.stack)), renderCostSummary(plan));
            }
        }
        const missingRegion = plan.doc.prices.missingRegion;
        if (o.strict && (plan.cost.unpriced.length > 0 || missingRegion)) {
            if (plan.cost.unpriced.length > 0) io.stderr(`--strict: ${plan.cost.unpriced.length} unpriced item(s)`);
            if (missingRegion)
                io.stderr(`--strict: no price table for ${missingRegion} (pricing/${missingRegion}.json)`);
            return 2;
        }
        return 0;
    } catch (e) {
        if (e instanceof UsageError || e instanceof UnknownStackError || isValidationError(e)) {
            io.stderr((e as Error).message);
        } else {
            io.stderr(`plan: ${e instanceof Error ? e.message : String(e)}`);
        }
        return 1;
    }
}

/** Io on the real process streams. */
export function processIo(): Io {
    return {
        stdout: (t) => process.stdout.write(`${t}\n`),
        stderr: (t) => process.stderr.write(`${t}\n`),
        root: ROOT,
        cwd: process.cwd(),
    };
}

/**
 * The examples (examples/<name>/) as their users run them, inside the
 * consumer project of the packed library (consumerInstall.ts): each
 * example's files are staged under the consumer's examples/, compiled with
 * the consumer's program (so `@aws-webapp/aws-webapp` resolves to the
 * installed tarball, never to this repository's sources), and then every
 * example is evaluated in one Node process through the package's public
 * testing module, in its own directory (Pulumi's working directory), with
 * its project name and its Pulumi.<stack>.yaml as the configuration.
 */
import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { promisify } from "util";
import * as yaml from "js-yaml";
import { Recording, type Registration } from "../../components/testing";

export const EXAMPLES = path.resolve(__dirname, "..", "..", "examples");

/** One example's project files, parsed. */
export interface ExampleFiles {
    readonly name: string;
    readonly packageJson: {
        name: string;
        private?: boolean;
        dependencies?: Record<string, string>;
        devDependencies?: Record<string, string>;
    };
    readonly tsconfig: { compilerOptions: Record<string, unknown>; files?: string[] };
    readonly project: { name: string; runtime: { name: string; options?: Record<string, unknown> } };
    /** Stack name -> the `config:` map of Pulumi.<stack>.yaml. */
    readonly stacks: Record<string, Record<string, unknown>>;
    readonly readme: string;
    readonly source: string;
}

/** The example directories (every directory of examples/). */
export function exampleNames(): string[] {
    return fs
        .readdirSync(EXAMPLES, { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => e.name)
        .sort();
}

export function readExample(name: string): ExampleFiles {
    const dir = path.join(EXAMPLES, name);
    const read = (f: string) => fs.readFileSync(path.join(dir, f), "utf8");
    const stacks: Record<string, Record<string, unknown>> = {};
    for (const f of fs.readdirSync(dir)) {
        const m = /^Pulumi\.(.+)\.yaml$/.exec(f);
        if (m) stacks[m[1]] = ((yaml.load(read(f)) as { config?: Record<string, unknown> }) ?? {}).config ?? {};
    }
    return {
        name,
        packageJson: JSON.parse(read("package.json")),
        tsconfig: JSON.parse(read("tsconfig.json")),
        project: yaml.load(read("Pulumi.yaml")) as ExampleFiles["project"],
        stacks,
        readme: read("README.md"),
        source: read("index.ts"),
    };
}

const SKIP = new Set(["node_modules", "bin", "package-lock.json"]);

function copyTree(from: string, to: string, keep: (file: string) => boolean): void {
    fs.mkdirSync(to, { recursive: true });
    for (const e of fs.readdirSync(from, { withFileTypes: true })) {
        if (SKIP.has(e.name)) continue;
        const [src, dst] = [path.join(from, e.name), path.join(to, e.name)];
        if (e.isDirectory()) copyTree(src, dst, keep);
        else if (keep(e.name)) fs.copyFileSync(src, dst);
    }
}

/**
 * Stages every example in the consumer project: its sources under
 * examples/<name>/ (compiled to out/examples/<name>/ with the consumer's
 * program), its other files (site, Dockerfile, config) beside the compiled
 * program, where it runs.
 */
export function stageExamples(consumer: string): void {
    for (const dir of ["examples", path.join("out", "examples")]) {
        fs.rmSync(path.join(consumer, dir), { recursive: true, force: true });
    }
    for (const name of exampleNames()) {
        copyTree(path.join(EXAMPLES, name), path.join(consumer, "examples", name), () => true);
        copyTree(path.join(EXAMPLES, name), path.join(consumer, "out", "examples", name), (f) => !f.endsWith(".ts"));
    }
}

/** What one example's evaluation gave (or the error it threw). */
export interface ExampleRun {
    readonly recording: Recording;
    readonly outputs: Record<string, unknown>;
    readonly error?: string;
}

/** The runner: plain JavaScript against `<library>/testing`, one process for every example. */
export function runnerSource(library: string): string {
    return `"use strict";
const fs = require("fs");
const path = require("path");
const { evaluateProgram } = require(${JSON.stringify(`${library}/testing`)});

async function main() {
    const jobs = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
    const results = {};
    for (const job of jobs) {
        const cwd = process.cwd();
        process.chdir(job.dir);
        try {
            const { recording, outputs } = await evaluateProgram({
                program: path.join(job.dir, "index.js"),
                project: job.project,
                stack: job.stack,
                config: job.config,
            });
            // JSON drops undefined: an output that resolved to nothing comes back as null.
            const resolved = Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, v === undefined ? null : v]));
            results[job.name] = { registrations: recording.resources, outputs: resolved };
        } catch (e) {
            results[job.name] = { registrations: (e && e.recording && e.recording.resources) || [], outputs: {}, error: String((e && e.message) || e) };
        } finally {
            process.chdir(cwd);
        }
    }
    fs.writeFileSync(process.argv[3], JSON.stringify(results));
}
main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
`;
}

/** Evaluates every staged example (stack `stack` of each) in one process; results by example name. */
export async function runExamples(consumer: string, library: string, stack = "dev"): Promise<Map<string, ExampleRun>> {
    const jobs = exampleNames().map((name) => {
        const files = readExample(name);
        return {
            name,
            dir: path.join(consumer, "out", "examples", name),
            project: files.project.name,
            stack,
            config: files.stacks[stack] ?? {},
        };
    });
    const [jobsFile, resultsFile] = ["examples-jobs.json", "examples-results.json"].map((f) => path.join(consumer, f));
    fs.writeFileSync(jobsFile, JSON.stringify(jobs));
    fs.writeFileSync(path.join(consumer, "run-examples.js"), runnerSource(library));
    await promisify(execFile)(process.execPath, ["run-examples.js", jobsFile, resultsFile], {
        cwd: consumer,
        maxBuffer: 64 << 20,
    });
    const results = JSON.parse(fs.readFileSync(resultsFile, "utf8")) as Record<
        string,
        { registrations: Registration[]; outputs: Record<string, unknown>; error?: string }
    >;
    return new Map(
        Object.entries(results).map(([name, r]) => [
            name,
            { recording: new Recording(r.registrations), outputs: r.outputs, error: r.error },
        ]),
    );
}

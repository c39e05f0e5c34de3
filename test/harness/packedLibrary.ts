/**
 * The published tarball, as `npm pack` makes it (lib/ built as `prepack`
 * builds it, the handler bundles built), shared by the specs that inspect it
 * (packContents.spec.ts: npm's own file list) and install it
 * (consumer.spec.ts). It is packed at most once per change: the tarball and
 * npm's report are kept beside the consumer project with a key over
 * everything npm's file selection and the tarball's bytes depend on (npm's
 * version, package.json, the root ignore files, and the path and content of
 * every file under package.json's `files`); while the key is unchanged, the
 * kept tarball is the one npm would pack now. Specs in parallel workers
 * take turns through a lock file, so two never pack at once.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { spawnSync } from "child_process";
import { ensureHandlerBundle } from "../../components/imagePipeline";
import { CACHE, node, npm, pkg, ROOT } from "./consumerInstall";

export interface PackedLibrary {
    /** The package name in npm's report. */
    readonly name: string;
    /** The tarball's file name in CACHE, and its path. */
    readonly filename: string;
    readonly tarball: string;
    /** npm's `integrity` of the tarball (what a lockfile records). */
    readonly integrity: string;
    /** The packed paths, relative to the package root (npm's report). */
    readonly files: readonly string[];
}

const REPORT = path.join(CACHE, "pack.json");
const LOCK = path.join(CACHE, "pack.lock");

/** The version of the npm that `npm()` runs. */
function npmVersion(): string {
    const cli = process.env.npm_execpath;
    if (cli && /npm-cli\.js$/.test(cli)) {
        return JSON.parse(fs.readFileSync(path.join(path.dirname(cli), "..", "package.json"), "utf8")).version;
    }
    return spawnSync("npm", ["--version"], { encoding: "utf8" }).stdout.trim();
}

function walk(rel: string, out: string[]): void {
    const abs = path.join(ROOT, rel);
    if (!fs.existsSync(abs)) return;
    if (!fs.statSync(abs).isDirectory()) {
        out.push(rel);
        return;
    }
    for (const e of fs.readdirSync(abs).sort()) walk(path.join(rel, e), out);
}

/** The key of a pack: npm's version and every input of its file selection, by path and content. */
export function packKey(): string {
    const files = ["package.json", ".npmignore", ".gitignore"].filter((f) => fs.existsSync(path.join(ROOT, f)));
    for (const entry of pkg.files as string[]) walk(entry.replace(/\/$/, ""), files);
    const h = createHash("sha256").update(`npm ${npmVersion()}\n`);
    for (const f of files)
        h.update(`${f}\0`)
            .update(fs.readFileSync(path.join(ROOT, f)))
            .update("\0");
    return h.digest("hex");
}

/** Every input of `tsc -p tsconfig.build.json`: the configs, the compiler's version and components/**. */
function libInputsHash(): string {
    const h = createHash("sha256");
    h.update(`typescript ${require("typescript/package.json").version}\n`);
    const files = ["tsconfig.json", "tsconfig.build.json"];
    walk("components", files);
    for (const f of files.filter((f) => f.endsWith(".ts") || f.endsWith(".json"))) {
        h.update(`${f}\n`).update(fs.readFileSync(path.join(ROOT, f)));
    }
    return h.digest("hex");
}

/** Builds lib/ as `npm run build` does, unless the last build had the same inputs and lib/ is there. */
async function buildLib(): Promise<void> {
    const stamp = path.join(CACHE, "lib.hash");
    const hash = libInputsHash();
    const fresh =
        fs.existsSync(stamp) &&
        fs.readFileSync(stamp, "utf8") === hash &&
        fs.existsSync(path.join(ROOT, "lib", "testing", "index.d.ts"));
    if (fresh) return;
    fs.rmSync(path.join(ROOT, "lib"), { recursive: true, force: true });
    await node("typescript/bin/tsc", ["-p", "tsconfig.build.json"], ROOT);
    fs.writeFileSync(stamp, hash);
}

async function withLock<T>(fn: () => Promise<T>): Promise<T> {
    for (;;) {
        try {
            fs.closeSync(fs.openSync(LOCK, "wx"));
            break;
        } catch {
            // A lock older than any pack (a killed run) is stale.
            const age = Date.now() - (fs.statSync(LOCK, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
            if (age > 300_000) fs.rmSync(LOCK, { force: true });
            await new Promise((r) => setTimeout(r, 100));
        }
    }
    try {
        return await fn();
    } finally {
        fs.rmSync(LOCK, { force: true });
    }
}

/** The tarball of this repository (packed now, or kept from a pack of the same inputs). */
export function packedLibrary(): Promise<PackedLibrary> {
    fs.mkdirSync(CACHE, { recursive: true });
    return withLock(async () => {
        ensureHandlerBundle();
        await buildLib();
        const key = packKey();
        const kept = fs.existsSync(REPORT)
            ? (JSON.parse(fs.readFileSync(REPORT, "utf8")) as PackedLibrary & { key: string })
            : undefined;
        if (kept && kept.key === key && fs.existsSync(kept.tarball)) return kept;
        fs.rmSync(REPORT, { force: true });
        for (const f of fs.readdirSync(CACHE)) if (f.endsWith(".tgz")) fs.rmSync(path.join(CACHE, f));
        const { stdout } = await npm(["pack", "--ignore-scripts", "--json", "--pack-destination", CACHE], ROOT);
        const [report] = JSON.parse(stdout) as {
            name: string;
            filename: string;
            integrity: string;
            files: { path: string }[];
        }[];
        const packed: PackedLibrary = {
            name: report.name,
            filename: report.filename,
            tarball: path.join(CACHE, report.filename),
            integrity: report.integrity,
            files: report.files.map((f) => f.path),
        };
        fs.writeFileSync(REPORT, JSON.stringify({ ...packed, key }));
        return packed;
    });
}

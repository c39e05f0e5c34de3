/**
 * Deployable bundles of the library's pure-JavaScript Lambda handlers
 * (`lambda/post-confirmation`, `lambda/message-stream`, `lambda/restart-service`, `lambda/vpc-link-keep-alive`,
 * `lambda/jwks-mirror`): one `index.js` built
 * by esbuild from `lambda/<handler>/src/index.ts` with everything it imports
 * (pg, the AWS SDK v3 clients), plus a `bundle.json` manifest, in
 * `build/functions/<handler>/`.
 *
 * The same approach as the ImagePipeline's bundle (components/imagePipeline/bundle.ts)
 * without its native-module handling, which these handlers do not need. A
 * bundle is rebuilt only when an input changed (sources, the lockfile, the
 * esbuild version); in an installed copy of the library, where neither the
 * sources nor esbuild exist, the shipped bundle is used as it is.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";

/** The handlers this module bundles: name of their folder under `lambda/`. */
export const FUNCTION_HANDLERS = [
    "post-confirmation",
    "message-stream",
    "restart-service",
    "vpc-link-keep-alive",
    "jwks-mirror",
] as const;
export type FunctionHandler = (typeof FUNCTION_HANDLERS)[number];

/** Bump when the bundle layout or build options change (forces a rebuild). */
const BUNDLE_FORMAT = 1;
const NODE_TARGET = "node22";

/** The package root (this file lives in components/data, or lib/data once compiled). */
const PACKAGE_ROOT = path.resolve(__dirname, "..", "..");

/**
 * Files outside a handler's `src/` that it imports and that therefore belong
 * to its build inputs (the environment contracts it shares with its component).
 */
const SHARED_INPUTS: Record<FunctionHandler, readonly string[]> = {
    "post-confirmation": ["components/auth/triggerEnv.ts"],
    "message-stream": ["components/data/messageKeys.ts"],
    "restart-service": ["components/ecs/restartEnv.ts"],
    "vpc-link-keep-alive": ["components/ecs/keepAliveEnv.ts"],
    "jwks-mirror": ["components/auth/jwksMirrorEnv.ts"],
};

/** Where `npm run build` writes a handler's bundle: `build/functions/<handler>`. */
export function defaultFunctionBundleDir(handler: FunctionHandler): string {
    return path.join(PACKAGE_ROOT, "build", "functions", handler);
}

/** The manifest written as `bundle.json` inside a bundle. */
export interface FunctionBundleManifest {
    readonly format: number;
    readonly handler: FunctionHandler;
    readonly nodeTarget: string;
    /** Hash of every build input; equal hash = up-to-date bundle. */
    readonly inputHash: string;
}

export interface FunctionBundleResult {
    readonly dir: string;
    /** False when the existing bundle was up to date (or is a shipped one). */
    readonly built: boolean;
    /** Size of index.js in bytes. */
    readonly indexBytes: number;
}

function listFiles(dir: string): string[] {
    return fs
        .readdirSync(dir, { withFileTypes: true })
        .flatMap((e) => (e.isDirectory() ? listFiles(path.join(dir, e.name)) : [path.join(dir, e.name)]))
        .sort();
}

/** Why `dir` holds no deployable bundle of `handler`, or undefined when it does. */
export function functionBundleProblem(dir: string, handler: FunctionHandler): string | undefined {
    const rebuild = "run `npm run build` (or `npm run build:functions`) first";
    if (!fs.existsSync(path.join(dir, "index.js"))) {
        return `has no ${handler} bundle (${path.join(dir, "index.js")} is missing): ${rebuild}`;
    }
    try {
        const manifest = JSON.parse(fs.readFileSync(path.join(dir, "bundle.json"), "utf8")) as FunctionBundleManifest;
        if (manifest.handler !== handler) return `holds the ${manifest.handler} bundle, not ${handler}: ${rebuild}`;
    } catch {
        return `has no readable bundle.json manifest: ${rebuild}`;
    }
    return undefined;
}

function inputHash(handler: FunctionHandler, esbuildVersion: string): string {
    const h = createHash("sha256");
    h.update(`format ${BUNDLE_FORMAT} handler ${handler} target ${NODE_TARGET} esbuild ${esbuildVersion}\n`);
    const files = [
        ...listFiles(path.join(PACKAGE_ROOT, "lambda", handler, "src")),
        ...SHARED_INPUTS[handler].map((f) => path.join(PACKAGE_ROOT, f)),
        // Pins the bundled pg and AWS SDK versions.
        path.join(PACKAGE_ROOT, "package-lock.json"),
    ];
    for (const file of files) h.update(`${path.relative(PACKAGE_ROOT, file)}\n`).update(fs.readFileSync(file));
    return h.digest("hex");
}

function result(dir: string, built: boolean): FunctionBundleResult {
    return { dir, built, indexBytes: fs.statSync(path.join(dir, "index.js")).size };
}

/**
 * Builds the bundle of `handler` into `outDir` unless it is up to date, and
 * returns where it is. Offline and idempotent; a build takes well under a
 * second. The new bundle replaces the old one atomically (built beside it,
 * then renamed). Throws with a message saying what to run when no bundle can
 * be had.
 */
export function ensureFunctionBundle(
    handler: FunctionHandler,
    options: { readonly outDir?: string; readonly force?: boolean } = {},
): FunctionBundleResult {
    if (!(FUNCTION_HANDLERS as readonly string[]).includes(handler)) {
        throw new Error(`function bundle: ${JSON.stringify(handler)} is not one of ${FUNCTION_HANDLERS.join(", ")}`);
    }
    const outDir = path.resolve(options.outDir ?? defaultFunctionBundleDir(handler));
    const entry = path.join(PACKAGE_ROOT, "lambda", handler, "src", "index.ts");
    let esbuild: typeof import("esbuild") | undefined;
    try {
        // Loaded here, not at the top: an installed copy of the library has no bundler.
        esbuild = require("esbuild") as typeof import("esbuild");
    } catch {
        esbuild = undefined;
    }
    if (!esbuild || !fs.existsSync(entry)) {
        const problem = functionBundleProblem(outDir, handler);
        if (problem) throw new Error(`function bundle ${outDir} ${problem}`);
        return result(outDir, false);
    }
    const hash = inputHash(handler, esbuild.version);
    if (!options.force && functionBundleProblem(outDir, handler) === undefined) {
        const existing = JSON.parse(
            fs.readFileSync(path.join(outDir, "bundle.json"), "utf8"),
        ) as FunctionBundleManifest;
        if (existing.inputHash === hash) return result(outDir, false);
    }
    const staging = `${outDir}.staging-${process.pid}`;
    fs.rmSync(staging, { recursive: true, force: true });
    fs.mkdirSync(staging, { recursive: true });
    try {
        esbuild.buildSync({
            absWorkingDir: PACKAGE_ROOT,
            entryPoints: [entry],
            outfile: path.join(staging, "index.js"),
            bundle: true,
            platform: "node",
            target: NODE_TARGET,
            format: "cjs",
            // pg's optional native binding and its Cloudflare socket are never used on Lambda.
            external: ["pg-native", "cloudflare:sockets"],
            legalComments: "none",
            logLevel: "silent",
        });
        const manifest: FunctionBundleManifest = {
            format: BUNDLE_FORMAT,
            handler,
            nodeTarget: NODE_TARGET,
            inputHash: hash,
        };
        fs.writeFileSync(path.join(staging, "bundle.json"), `${JSON.stringify(manifest, null, 2)}\n`);
        fs.rmSync(outDir, { recursive: true, force: true });
        fs.mkdirSync(path.dirname(outDir), { recursive: true });
        fs.renameSync(staging, outDir);
        return result(outDir, true);
    } finally {
        fs.rmSync(staging, { recursive: true, force: true });
    }
}

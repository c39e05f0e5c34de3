/**
 * The resize function's deployable bundle: `index.js` (the handler from
 * `lambda/image-resizer/src`, bundled by esbuild together with the AWS SDK v3
 * clients it uses) plus `node_modules/` holding sharp and its prebuilt Linux
 * binaries for the function's architecture, and a `bundle.json` manifest.
 *
 * Reproducible: the binaries of each architecture are installed at build
 * time from `lambda/image-resizer/package-lock.json` into
 * `build/image-handler-deps/<arch>` (from the npm cache when present,
 * otherwise from the registry) and reused while the lockfile is unchanged.
 * Only runtime files reach the bundle ({@link isRuntimeFile}: no C++ sources,
 * headers, build scripts, type declarations or documentation).
 */
import { createHash } from "crypto";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

// An `as const` object and a type of the same name (its values): TypeScript callers pass
// `LambdaArchitecture.Arm64` or `"arm64"`, and Pulumi's component provider infers a schema enum from it (the
// form its analyzer reads).
/** Lambda instruction set architectures. */
export const LambdaArchitecture = {
    /** Graviton (the handler bundle's default). */
    Arm64: "arm64",
    /** Intel/AMD. */
    X86_64: "x86_64",
} as const;
export type LambdaArchitecture = (typeof LambdaArchitecture)[keyof typeof LambdaArchitecture];
/** The values of {@link LambdaArchitecture}, in declaration order (the order validation messages list them in). */
export const LAMBDA_ARCHITECTURES: readonly LambdaArchitecture[] = Object.values(LambdaArchitecture);

/** npm's `--cpu` (and sharp's package suffix) for each Lambda architecture. */
const NPM_CPU: Record<LambdaArchitecture, string> = { arm64: "arm64", x86_64: "x64" };

/** Bump when the bundle layout or build options change (forces a rebuild). */
const BUNDLE_FORMAT = 2;

/** The package root (this file lives in components/imagePipeline, or lib/imagePipeline once compiled). */
export const PACKAGE_ROOT = path.resolve(__dirname, "..", "..");
/** The handler package: `src/*.ts`, package.json and package-lock.json of its native dependencies. */
export const HANDLER_PACKAGE_DIR = path.join(PACKAGE_ROOT, "lambda", "image-resizer");

/** Where `npm run build` writes the bundle of an architecture: `build/image-handler/<arch>`. */
export function defaultBundleDir(arch: LambdaArchitecture): string {
    return path.join(PACKAGE_ROOT, "build", "image-handler", arch);
}

/** The manifest written as `bundle.json` inside a bundle. */
export interface BundleManifest {
    readonly format: number;
    readonly arch: LambdaArchitecture;
    readonly platform: "linux";
    readonly libc: "glibc";
    readonly nodeTarget: string;
    readonly sharp: string;
    /** Hash of every build input; equal hash = up-to-date bundle. */
    readonly inputHash: string;
}

export interface EnsureBundleOptions {
    /** @default "arm64" */
    readonly arch?: LambdaArchitecture;
    /** @default defaultBundleDir(arch) */
    readonly outDir?: string;
    /** Rebuild even when up to date. @default false */
    readonly force?: boolean;
    /** Progress messages (e.g. console.log). @default none */
    readonly log?: (message: string) => void;
}

export interface EnsureBundleResult {
    readonly dir: string;
    readonly arch: LambdaArchitecture;
    /** False when the existing bundle was up to date. */
    readonly built: boolean;
    readonly manifest: BundleManifest;
    /** Size of index.js in bytes. */
    readonly indexBytes: number;
}

const NODE_TARGET = "node22";

function readJson(file: string): any {
    return JSON.parse(fs.readFileSync(file, "utf8"));
}

function relative(p: string): string {
    const r = path.relative(process.cwd(), p);
    return r.startsWith("..") ? p : r || ".";
}

/** Relative path of sharp's native addon inside a bundle for an architecture. */
export function nativeAddonPath(arch: LambdaArchitecture): string {
    const cpu = NPM_CPU[arch];
    return path.join("node_modules", "@img", `sharp-linux-${cpu}`, "lib", `sharp-linux-${cpu}.node`);
}

/**
 * Why `dir` cannot be deployed as the handler of a function with `arch`, or
 * undefined when it can (index.js, manifest of the same architecture, sharp's
 * native addon present). Synchronous and cheap: the component calls it before
 * registering anything.
 */
export function bundleProblem(dir: string, arch: LambdaArchitecture): string | undefined {
    const rebuild = `run \`npm run build\` (or \`npm run build:handler -- --arch ${arch}\`) first`;
    if (!fs.existsSync(path.join(dir, "index.js"))) {
        return `has no handler bundle (${path.join(dir, "index.js")} is missing): ${rebuild}`;
    }
    let manifest: BundleManifest;
    try {
        manifest = readJson(path.join(dir, "bundle.json"));
    } catch {
        return `has no readable bundle.json manifest: ${rebuild}`;
    }
    if (manifest.arch !== arch) {
        return `holds a ${manifest.arch} bundle but the function's architecture is ${arch}: ${rebuild}`;
    }
    if (!fs.existsSync(path.join(dir, nativeAddonPath(arch)))) {
        return `lacks sharp's linux-${NPM_CPU[arch]} binary (${nativeAddonPath(arch)}): ${rebuild}`;
    }
    return undefined;
}

/**
 * The `node_modules` holding sharp for the target architecture: installed at
 * build time from `lambda/image-resizer/package-lock.json` into a prefix of
 * its own (`npm ci --os=linux --cpu=<cpu> --libc=glibc`, npm cache first,
 * then the registry), reused while the lockfile is unchanged. No install
 * hook of the root package does it, so a consumer's `npm install` never runs
 * anything of this package.
 */
function nativeModules(arch: LambdaArchitecture, log: (m: string) => void): string {
    const lock = path.join(HANDLER_PACKAGE_DIR, "package-lock.json");
    const flags = [`--os=linux`, `--cpu=${NPM_CPU[arch]}`, `--libc=glibc`, "--omit=dev", "--ignore-scripts"];
    const prefix = path.join(PACKAGE_ROOT, "build", "image-handler-deps", arch);
    const lockHash = createHash("sha256").update(fs.readFileSync(lock)).update(flags.join(" ")).digest("hex");
    const installed = (dir: string) => {
        const stamp = path.join(dir, ".lock-hash");
        return fs.existsSync(stamp) && fs.readFileSync(stamp, "utf8") === lockHash;
    };
    if (!installed(prefix)) {
        log(
            `installing sharp for linux-${NPM_CPU[arch]} into ${relative(prefix)} (npm cache first, then the registry)`,
        );
        // Installed beside the prefix, then renamed into place: builds running at the same time
        // (parallel test workers) never see, or write into, a half-installed prefix.
        const tmp = `${prefix}.installing-${process.pid}`;
        fs.rmSync(tmp, { recursive: true, force: true });
        fs.mkdirSync(tmp, { recursive: true });
        try {
            fs.copyFileSync(path.join(HANDLER_PACKAGE_DIR, "package.json"), path.join(tmp, "package.json"));
            fs.copyFileSync(lock, path.join(tmp, "package-lock.json"));
            const npmCli = process.env.npm_execpath;
            const args = ["ci", "--prefix", tmp, ...flags, "--prefer-offline", "--no-audit", "--no-fund"];
            if (npmCli && /npm-cli\.js$/.test(npmCli))
                execFileSync(process.execPath, [npmCli, ...args], { stdio: "inherit" });
            else execFileSync(process.platform === "win32" ? "npm.cmd" : "npm", args, { stdio: "inherit" });
            fs.writeFileSync(path.join(tmp, ".lock-hash"), lockHash);
            if (!installed(prefix)) {
                fs.rmSync(prefix, { recursive: true, force: true });
                try {
                    fs.renameSync(tmp, prefix);
                } catch (e) {
                    if (!installed(prefix)) throw e; // another build renamed its own install first
                }
            }
        } finally {
            fs.rmSync(tmp, { recursive: true, force: true });
        }
    }
    return path.join(prefix, "node_modules");
}

/**
 * True for a file (path relative to `node_modules`, `/`-separated) that the
 * function needs at run time or that must travel with it (licences). Drops
 * sharp's C++ sources and build scripts (`sharp/src`, `sharp/install`, used
 * only to compile from source), C headers (`include/`), type declarations,
 * source maps, READMEs and changelogs, and semver's CLI.
 */
export function isRuntimeFile(relativePath: string): boolean {
    const p = relativePath.split(path.sep).join("/");
    const base = p.slice(p.lastIndexOf("/") + 1);
    if (/^(\.bin|\.package-lock\.json)(\/|$)/.test(p)) return false;
    if (/^sharp\/(src|install)(\/|$)/.test(p) || /^semver\/bin(\/|$)/.test(p)) return false;
    if (/(^|\/)include(\/|$)/.test(p)) return false;
    if (/^licen[cs]e/i.test(base)) return true;
    return !/(\.d\.ts|\.map|\.md|\.markdown|\.h|\.hpp|\.cc|\.cpp|\.c|\.gyp|\.gypi|\.bnf)$/i.test(base);
}

function listFiles(dir: string): string[] {
    return fs
        .readdirSync(dir, { withFileTypes: true })
        .flatMap((e) => (e.isDirectory() ? listFiles(path.join(dir, e.name)) : [path.join(dir, e.name)]))
        .sort();
}

function packageVersion(name: string, from: string): string {
    const resolved = require.resolve(`${name}/package.json`, { paths: [from] });
    return readJson(resolved).version as string;
}

/** Hash of every input of the build: sources, lockfile, installed native packages, bundled SDK and esbuild versions. */
function inputHash(arch: LambdaArchitecture, modules: string): string {
    const h = createHash("sha256");
    h.update(`format ${BUNDLE_FORMAT} arch ${arch} target ${NODE_TARGET}\n`);
    const src = path.join(HANDLER_PACKAGE_DIR, "src");
    for (const file of [
        ...listFiles(src),
        // The environment contract the handler shares with the component.
        path.join(PACKAGE_ROOT, "components", "imagePipeline", "handlerEnv.ts"),
        path.join(HANDLER_PACKAGE_DIR, "package.json"),
        path.join(HANDLER_PACKAGE_DIR, "package-lock.json"),
    ]) {
        h.update(`${path.relative(PACKAGE_ROOT, file)}\n`).update(fs.readFileSync(file));
    }
    for (const name of ["esbuild", "@aws-sdk/client-s3", "@aws-sdk/client-sns", "@aws-sdk/client-sqs"]) {
        h.update(`${name}@${packageVersion(name, src)}\n`);
    }
    for (const entry of fs.readdirSync(path.join(modules, "@img")).sort()) {
        h.update(`@img/${entry}@${readJson(path.join(modules, "@img", entry, "package.json")).version}\n`);
    }
    for (const name of ["sharp", "detect-libc", "semver"]) {
        h.update(`${name}@${readJson(path.join(modules, name, "package.json")).version}\n`);
    }
    return h.digest("hex");
}

/**
 * Builds the handler bundle for `arch` into `outDir` unless it is already up
 * to date (same input hash), and returns where it is. Idempotent and fast
 * when nothing changed (hashes a few small files); a build takes about a
 * second. The new bundle replaces the old one atomically (built beside it,
 * then renamed).
 */
export function ensureHandlerBundle(options: EnsureBundleOptions = {}): EnsureBundleResult {
    const arch = options.arch ?? "arm64";
    if (!(LAMBDA_ARCHITECTURES as readonly string[]).includes(arch)) {
        throw new Error(`image handler bundle: arch ${JSON.stringify(arch)} is not one of arm64, x86_64`);
    }
    const outDir = path.resolve(options.outDir ?? defaultBundleDir(arch));
    const log = options.log ?? (() => undefined);
    const modules = nativeModules(arch, log);
    const hash = inputHash(arch, modules);

    if (!options.force && bundleProblem(outDir, arch) === undefined) {
        const existing = readJson(path.join(outDir, "bundle.json")) as BundleManifest;
        if (existing.inputHash === hash) {
            return {
                dir: outDir,
                arch,
                built: false,
                manifest: existing,
                indexBytes: fs.statSync(path.join(outDir, "index.js")).size,
            };
        }
    }

    // Loaded here, not at the top: importing the component must not need the bundler.
    const esbuild = require("esbuild") as typeof import("esbuild");
    const staging = `${outDir}.staging-${process.pid}`;
    fs.rmSync(staging, { recursive: true, force: true });
    fs.mkdirSync(staging, { recursive: true });
    try {
        esbuild.buildSync({
            absWorkingDir: PACKAGE_ROOT,
            entryPoints: [path.join(HANDLER_PACKAGE_DIR, "src", "index.ts")],
            outfile: path.join(staging, "index.js"),
            bundle: true,
            platform: "node",
            target: NODE_TARGET,
            format: "cjs",
            // sharp loads a native addon chosen at run time: it ships as a package beside index.js.
            external: ["sharp"],
            // The AWS SDK v3 clients are bundled (not taken from the runtime) so the function runs the
            // exact versions the tests ran. Their ES module builds first (esbuild's node default prefers
            // "main", the CommonJS build), which tree-shake, and minified: less to parse at cold start.
            mainFields: ["module", "main"],
            minify: true,
            legalComments: "none",
            logLevel: "silent",
        });
        fs.cpSync(modules, path.join(staging, "node_modules"), {
            recursive: true,
            filter: (src) => src === modules || isRuntimeFile(path.relative(modules, src)),
        });
        const manifest: BundleManifest = {
            format: BUNDLE_FORMAT,
            arch,
            platform: "linux",
            libc: "glibc",
            nodeTarget: NODE_TARGET,
            sharp: readJson(path.join(modules, "sharp", "package.json")).version,
            inputHash: hash,
        };
        fs.writeFileSync(path.join(staging, "bundle.json"), `${JSON.stringify(manifest, null, 2)}\n`);
        const problem = bundleProblem(staging, arch);
        if (problem) throw new Error(`image handler bundle: the new bundle ${problem}`);
        // Another build (a parallel test worker) finished the same bundle meanwhile: keep it in place.
        if (
            bundleProblem(outDir, arch) === undefined &&
            readJson(path.join(outDir, "bundle.json")).inputHash === hash
        ) {
            return {
                dir: outDir,
                arch,
                built: false,
                manifest: readJson(path.join(outDir, "bundle.json")),
                indexBytes: fs.statSync(path.join(outDir, "index.js")).size,
            };
        }
        fs.rmSync(outDir, { recursive: true, force: true });
        fs.mkdirSync(path.dirname(outDir), { recursive: true });
        fs.renameSync(staging, outDir);
        log(`built ${relative(outDir)} (${arch}, sharp ${manifest.sharp})`);
        return {
            dir: outDir,
            arch,
            built: true,
            manifest,
            indexBytes: fs.statSync(path.join(outDir, "index.js")).size,
        };
    } finally {
        fs.rmSync(staging, { recursive: true, force: true });
    }
}

/**
 * A faster `.ts` loader for the CLI: esbuild (already a devDependency)
 * transpiles each TypeScript file the program loads, instead of the
 * TypeScript compiler through ts-node, which costs about 2 s per run for the
 * ~100 files of the program. Same per-file semantics as ts-node's
 * transpile-only mode (no type check; tsconfig's class-field and decorator
 * settings). Installed by the CLI entry and by the specs' loader
 * (scripts/register.js, with source maps so that a failure's stack
 * points at the TypeScript lines); when esbuild cannot load, ts-node's loader
 * stays in place.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";

type Loader = (module: NodeJS.Module & { _compile(code: string, file: string): void }, filename: string) => void;

/**
 * Replaces the `.ts` loader; returns false (and changes nothing) when esbuild
 * is unavailable. With `cacheDir`, each file's JavaScript is kept there under
 * a hash of its source, its path, the options and esbuild's version, so an
 * unchanged file is not transpiled again (and esbuild is not even started
 * when nothing changed).
 */
export function installFastTypeScriptLoader(
    root: string,
    cacheDir?: string,
    options: { readonly sourceMaps?: boolean } = {},
): boolean {
    let esbuildVersion: string;
    try {
        esbuildVersion = (require("esbuild/package.json") as { version: string }).version;
    } catch {
        return false;
    }
    const tsconfig = JSON.parse(fs.readFileSync(path.join(root, "tsconfig.json"), "utf8")) as {
        compilerOptions?: Record<string, unknown>;
    };
    const tsOptions = tsconfig.compilerOptions ?? {};
    const compilerOptions = {
        experimentalDecorators: tsOptions.experimentalDecorators as boolean | undefined,
        useDefineForClassFields: tsOptions.useDefineForClassFields as boolean | undefined,
        target: tsOptions.target as string | undefined,
    };
    const sourcemap = options.sourceMaps ? ("inline" as const) : undefined;
    if (sourcemap) process.setSourceMapsEnabled(true);
    const salt = `esbuild ${esbuildVersion} ${JSON.stringify(compilerOptions)} ${sourcemap ?? ""}\n`;
    const transpile = (source: string, filename: string): string => {
        const esbuild = require("esbuild") as typeof import("esbuild");
        return esbuild.transformSync(source, {
            loader: "ts",
            format: "cjs",
            target: "node20",
            sourcefile: filename,
            sourcemap,
            tsconfigRaw: { compilerOptions },
        }).code;
    };
    const extensions = require.extensions as unknown as Record<string, Loader>;
    const fallback = extensions[".ts"];
    extensions[".ts"] = (module, filename) => {
        if (filename.includes(`${path.sep}node_modules${path.sep}`) && fallback) return fallback(module, filename);
        const source = fs.readFileSync(filename, "utf8");
        module._compile(
            cacheDir ? cached(cacheDir, salt, source, filename, transpile) : transpile(source, filename),
            filename,
        );
    };
    return true;
}

/** The transpiled file from the cache, or transpiled now and stored (atomically: written beside, then renamed). */
function cached(
    dir: string,
    salt: string,
    source: string,
    filename: string,
    transpile: (source: string, filename: string) => string,
): string {
    const key = createHash("sha256").update(salt).update(`${filename}\n`).update(source).digest("hex");
    const file = path.join(dir, `${key}.js`);
    try {
        return fs.readFileSync(file, "utf8");
    } catch {
        const code = transpile(source, filename);
        try {
            fs.mkdirSync(dir, { recursive: true });
            const temp = `${file}.${process.pid}`;
            fs.writeFileSync(temp, code);
            fs.renameSync(temp, file);
        } catch {
            // A read-only or full disk only costs the next run the transpile.
        }
        return code;
    }
}

/** A stand-in that loads the real value on first use (call, construct or property read). */
function lazyValue(load: () => any): any {
    return new Proxy(function () {}, {
        apply: (_t, self, args) => Reflect.apply(load(), self, args),
        construct: (_t, args) => Reflect.construct(load(), args),
        get: (t, key) => {
            // A CommonJS module is no ES module: answered without loading (interop helpers ask first).
            if (key === "__esModule") return undefined;
            if (key !== "prototype" && Object.prototype.hasOwnProperty.call(t, key)) return t[key as never];
            return Reflect.get(load(), key);
        },
    });
}

/**
 * Defers loading a CommonJS module until it is used. `@pulumi/pulumi` loads
 * `@npmcli/arborist` (some 230 files, about 0.4 s) at start-up for closure
 * serialization, which a program that ships its Lambda code as an archive
 * never uses. `names` are the exports reached through a namespace import.
 */
export function deferModule(id: string, names: readonly string[]): void {
    let file: string;
    try {
        file = require.resolve(id);
    } catch {
        return;
    }
    if (require.cache[file]) return;
    let real: unknown;
    const load = (): any => {
        if (real === undefined) {
            delete require.cache[file];
            real = require(file);
        }
        return real;
    };
    const stub = lazyValue(load);
    for (const name of names)
        Object.defineProperty(stub, name, { value: lazyValue(() => load()[name]), enumerable: true });
    const placeholder = new (require("module") as typeof import("module"))(file);
    placeholder.filename = file;
    placeholder.loaded = true;
    placeholder.exports = stub;
    require.cache[file] = placeholder;
}

/**
 * Remembers between runs how `require` resolved the installed packages' modules: a plan run
 * makes about 2,400 resolutions, 0.1 s of probing the file system. Only what the project's
 * installed tree decides is kept: a request made from a file inside its node_modules, or a bare
 * package name, resolved into that node_modules. The key is Node's version and the content of
 * node_modules/.package-lock.json, which npm rewrites at every install, so an install starts a
 * new cache. Requests from the project's own files (which come and go), calls with options
 * (`require.resolve(x, { paths })`) and built-in modules are resolved as usual.
 */
export function installResolutionCache(root: string, cacheDir: string): void {
    let tree: Buffer;
    try {
        tree = fs.readFileSync(path.join(root, "node_modules", ".package-lock.json"));
    } catch {
        return;
    }
    const key = createHash("sha256").update(`${process.version}\n`).update(tree).digest("hex").slice(0, 16);
    const file = path.join(cacheDir, `resolutions-${key}.json`);
    let known: Record<string, string> = {};
    try {
        known = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, string>;
    } catch {
        // First run with this tree.
    }
    let added = 0;
    // This project's installed tree only (the key says nothing of other node_modules folders).
    const packages = `${fs.realpathSync(path.join(root, "node_modules"))}${path.sep}`;
    const Module = require("module") as {
        _resolveFilename: (this: unknown, request: string, parent: unknown, isMain: boolean, o?: unknown) => string;
        isBuiltin(request: string): boolean;
    };
    const original = Module._resolveFilename;
    Module._resolveFilename = function (request, parent, isMain, options) {
        const from = (parent as { filename?: string } | undefined)?.filename;
        if (options !== undefined || isMain || !from || Module.isBuiltin(request)) {
            return original.call(this, request, parent, isMain, options);
        }
        const bare = !request.startsWith(".") && !path.isAbsolute(request);
        if (!bare && !from.startsWith(packages)) return original.call(this, request, parent, isMain, options);
        const k = `${path.dirname(from)}\0${request}`;
        const hit = known[k];
        if (hit !== undefined) return hit;
        const resolved = original.call(this, request, parent, isMain, options);
        if (resolved.startsWith(packages)) {
            known[k] = resolved;
            added++;
        }
        return resolved;
    };
    process.once("exit", () => {
        if (added === 0) return;
        try {
            fs.mkdirSync(cacheDir, { recursive: true });
            const temp = `${file}.${process.pid}`;
            fs.writeFileSync(temp, JSON.stringify(known));
            fs.renameSync(temp, file);
        } catch {
            // A read-only or full disk only costs the next run the probing.
        }
    });
}

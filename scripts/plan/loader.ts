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

/**
 * Results derived from a TypeScript program (its diagnostics, the schema the
 * component analyzer infers), kept under node_modules/.cache and reused only
 * while every input of the program is unchanged: the same compiler version,
 * options and root files, and the same content (SHA-256) of every file the
 * program read (node_modules declarations and TypeScript's own libraries too)
 * and of package-lock.json (which decides how packages resolve). Anything else
 * recomputes the result, so a cached result is one the program would give now.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import type * as ts from "typescript";

export const ROOT = path.resolve(__dirname, "..");
export const CACHE_DIR = path.join(ROOT, "node_modules", ".cache", "programs");

/** What a result was derived from. */
export interface ProgramInputs {
    /** Compiler version, options and the purpose of the result. */
    readonly salt: string;
    readonly rootNames: readonly string[];
    /** SHA-256 of each file the program read, and of package-lock.json. */
    readonly files: Readonly<Record<string, string>>;
}

interface Entry<T> extends ProgramInputs {
    readonly value: T;
}

const sha256 = (file: string): string | undefined => {
    try {
        return createHash("sha256").update(fs.readFileSync(file)).digest("hex");
    } catch {
        return undefined;
    }
};

/** The salt of a program: compiler version, options (as parsed) and what the result is. */
export function programSalt(typescript: typeof ts, options: ts.CompilerOptions, purpose: string): string {
    const sorted = Object.fromEntries(Object.entries(options).sort(([a], [b]) => (a < b ? -1 : 1)));
    return `${purpose}\n${typescript.version}\n${JSON.stringify(sorted)}`;
}

/** The inputs of a built program (every source file it holds, and the lockfile). */
export function programInputs(salt: string, program: ts.Program): ProgramInputs {
    const files: Record<string, string> = {};
    for (const file of [...program.getSourceFiles().map((f) => f.fileName), path.join(ROOT, "package-lock.json")]) {
        const hash = sha256(file);
        if (hash) files[file] = hash;
    }
    return { salt, rootNames: [...program.getRootFileNames()].sort(), files };
}

/** The cached value for `salt` and `rootNames`, when every recorded input still has its content. */
export function readCached<T>(name: string, salt: string, rootNames: readonly string[]): T | undefined {
    let entry: Entry<T>;
    try {
        entry = JSON.parse(fs.readFileSync(path.join(CACHE_DIR, `${name}.json`), "utf8")) as Entry<T>;
    } catch {
        return undefined;
    }
    if (entry.salt !== salt || JSON.stringify(entry.rootNames) !== JSON.stringify([...rootNames].sort())) {
        return undefined;
    }
    for (const [file, hash] of Object.entries(entry.files)) if (sha256(file) !== hash) return undefined;
    return entry.value;
}

/** Stores a value with the inputs it was derived from (written beside, then renamed: parallel runs are safe). */
export function writeCached<T>(name: string, inputs: ProgramInputs, value: T): void {
    try {
        fs.mkdirSync(CACHE_DIR, { recursive: true });
        const file = path.join(CACHE_DIR, `${name}.json`);
        const temp = `${file}.${process.pid}`;
        fs.writeFileSync(temp, JSON.stringify({ ...inputs, value }));
        fs.renameSync(temp, file);
    } catch {
        // A read-only or full disk only costs the next run the computation.
    }
}

/**
 * The consumer project's `tsc -p tsconfig.json` (strict type-check, then
 * emit to out/), run in-process with the repository's TypeScript. A clean
 * result is kept with every input of the program (scripts/programCache.ts:
 * the compiler, options, root files and the content of every file the
 * program read, the installed library's declarations included) and with
 * the files it emitted: while no input changed, the emitted files are
 * written back instead of building the program again, which is what a
 * fresh compile would write. Anything else compiles.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import ts from "typescript";
import { programInputs, programSalt, readCached, writeCached } from "../../scripts/programCache";

const CACHE_NAME = "consumer-compile";

const hashOf = (file: string): string => {
    try {
        return createHash("sha256").update(fs.readFileSync(file)).digest("hex");
    } catch {
        return "missing";
    }
};

function format(diagnostics: readonly ts.Diagnostic[], cwd: string): string {
    return ts.formatDiagnostics(diagnostics, {
        getCanonicalFileName: (f) => f,
        getCurrentDirectory: () => cwd,
        getNewLine: () => "\n",
    });
}

function write(file: string, text: string): void {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
}

/**
 * Type-checks and compiles the project in `dir`; returns tsc's diagnostics as
 * tsc prints them, "" when there are none. `library` is the installed
 * package whose manifest (its exports decide how imports resolve) is an
 * input too.
 */
export function compileConsumer(dir: string, library: string): string {
    const problems: ts.Diagnostic[] = [];
    const config = ts.getParsedCommandLineOfConfigFile(
        path.join(dir, "tsconfig.json"),
        {},
        { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => problems.push(d) },
    );
    if (!config) return format(problems, dir);
    const manifests = [
        "package.json",
        path.join("node_modules", ".package-lock.json"),
        path.join("node_modules", library, "package.json"),
    ];
    const salt = `${programSalt(ts, config.options, `consumer ${dir}`)}\n${manifests
        .map((f) => `${f} ${hashOf(path.join(dir, f))}`)
        .join("\n")}`;
    const cached = config.errors.length === 0 && readCached<Record<string, string>>(CACHE_NAME, salt, config.fileNames);
    if (cached) {
        for (const [file, text] of Object.entries(cached)) write(file, text);
        return "";
    }
    const program = ts.createProgram({
        rootNames: config.fileNames,
        options: config.options,
        configFileParsingDiagnostics: config.errors,
    });
    const emitted: Record<string, string> = {};
    const result = program.emit(undefined, (file, text) => {
        write(file, text);
        emitted[file] = text;
    });
    const diagnostics = [...ts.getPreEmitDiagnostics(program), ...result.diagnostics];
    if (diagnostics.length > 0) return format(diagnostics, dir);
    writeCached(CACHE_NAME, programInputs(salt, program), emitted);
    return "";
}

/**
 * `npm run typecheck`: `tsc --noEmit -p tsconfig.json`, faster when little
 * or nothing changed. A clean result is remembered with every input of the
 * program (scripts/programCache.ts): while none changed, the check is not
 * run again; otherwise TypeScript's own incremental state
 * (node_modules/.cache/tsc) re-checks only what changed. Errors print as tsc
 * prints them and exit 2, as tsc does.
 */
import * as path from "path";
import ts from "typescript";
import { programInputs, programSalt, readCached, ROOT, writeCached } from "./programCache";

const CACHE_NAME = "typecheck";

export function typecheck(project = path.join(ROOT, "tsconfig.json")): number {
    const config = ts.getParsedCommandLineOfConfigFile(
        project,
        {},
        {
            ...ts.sys,
            onUnRecoverableConfigFileDiagnostic: (d) => report([d]),
        },
    );
    if (!config) return 2;
    const options: ts.CompilerOptions = {
        ...config.options,
        noEmit: true,
        incremental: true,
        tsBuildInfoFile: path.join(ROOT, "node_modules", ".cache", "tsc", "typecheck.tsbuildinfo"),
    };
    const salt = programSalt(ts, options, `typecheck ${project}`);
    if (config.errors.length === 0 && readCached<true>(CACHE_NAME, salt, config.fileNames)) return 0;
    const builder = ts.createIncrementalProgram({
        rootNames: config.fileNames,
        options,
        configFileParsingDiagnostics: config.errors,
        host: ts.createIncrementalCompilerHost(options),
    });
    const diagnostics = [
        ...builder.getConfigFileParsingDiagnostics(),
        ...builder.getOptionsDiagnostics(),
        ...builder.getGlobalDiagnostics(),
        ...builder.getSyntacticDiagnostics(),
        ...builder.getSemanticDiagnostics(),
    ];
    builder.emit(); // with noEmit: the .tsbuildinfo only
    if (diagnostics.length > 0) {
        report(diagnostics);
        return 2;
    }
    writeCached(CACHE_NAME, programInputs(salt, builder.getProgram()), true);
    return 0;
}

function report(diagnostics: readonly ts.Diagnostic[]): void {
    const host: ts.FormatDiagnosticsHost = {
        getCanonicalFileName: (f) => f,
        getCurrentDirectory: () => process.cwd(),
        getNewLine: () => ts.sys.newLine,
    };
    const text = process.stdout.isTTY
        ? ts.formatDiagnosticsWithColorAndContext(diagnostics, host)
        : ts.formatDiagnostics(diagnostics, host);
    process.stdout.write(`${text}\nFound ${diagnostics.length} error${diagnostics.length === 1 ? "" : "s"}.\n`);
}

if (require.main === module) process.exitCode = typecheck(path.resolve(process.argv[2] ?? "tsconfig.json"));

/**
 * The TypeScript programs of the packaging spec, built at most once per
 * process and their results kept with every input they were derived from
 * (scripts/programCache.ts): the schema Pulumi's component analyzer infers
 * for each component and for the whole package (the root tsconfig.json's
 * program, as the plugin host builds it). (The examples are type-checked
 * against the packed package by test/consumer.spec.ts.) A changed
 * source, declaration, option, compiler or lockfile recomputes them; the
 * specs assert on the results either way.
 */
import * as path from "path";
import ts from "typescript";
import { programInputs, programSalt, readCached, writeCached } from "../../scripts/programCache";

export interface ComponentSchema {
    readonly inputs: Record<string, { description?: string }>;
    readonly outputs: Record<string, unknown>;
}

export interface Analysis {
    /** Each component analyzed on its own, or the message it failed with. */
    readonly components: Record<string, ComponentSchema | { error: string }>;
    /** generateSchema's result for the whole package, or the message it failed with. */
    readonly schema: { name: string; namespace?: string; resources: Record<string, unknown> } | { error: string };
}

export interface AnalysisOptions {
    readonly root: string;
    /** The npm package.json (name, version, description reach the schema). */
    readonly pkg: { name: string; version: string; description: string };
    readonly provider: { name: string; namespace?: string };
    readonly components: readonly string[];
}

const pulumiVersion = () => (require("@pulumi/pulumi/package.json") as { version: string }).version;

function parseConfig(configFile: string): ts.ParsedCommandLine {
    return ts.parseJsonConfigFileContent(
        ts.readConfigFile(configFile, ts.sys.readFile).config,
        ts.sys,
        path.dirname(configFile),
    );
}

let analyzer: { program: ts.Program; analyze(): any } | undefined;

/** The analyzer of `root` (one program per process). */
function analyzerOf(o: AnalysisOptions): { program: ts.Program; analyze(): any } {
    if (!analyzer) {
        const { Analyzer } = require("@pulumi/pulumi/provider/experimental/analyzer");
        analyzer = new Analyzer(o.root, o.provider.name, o.pkg, new Set(o.components)) as typeof analyzer;
    }
    return analyzer!;
}

/** Runs the analyzer for `names` with a fresh result state (one program, several analyses). */
function analyzeNames(o: AnalysisOptions, names: readonly string[]): any {
    const a = analyzerOf(o);
    Object.assign(a, { componentNames: new Set(names), components: {}, typeDefinitions: {}, dependencies: [] });
    return a.analyze();
}

const failure = (e: unknown) => ({ error: e instanceof Error ? e.message : String(e) });

function computeAnalysis(o: AnalysisOptions): Analysis {
    const components: Analysis["components"] = {};
    for (const name of o.components) {
        try {
            components[name] = analyzeNames(o, [name]).components[name] as ComponentSchema;
        } catch (e) {
            components[name] = failure(e);
        }
    }
    let schema: Analysis["schema"];
    try {
        const result = analyzeNames(o, o.components);
        const { generateSchema } = require("@pulumi/pulumi/provider/experimental/schema");
        schema = generateSchema(
            o.provider.name,
            o.pkg.version,
            o.pkg.description,
            result.components,
            result.typeDefinitions,
            result.dependencies,
            o.provider.namespace,
        );
    } catch (e) {
        schema = failure(e);
    }
    return { components, schema };
}

/** The analyzer's results for every component and the package, from the cache while its inputs are unchanged. */
export function componentAnalysis(o: AnalysisOptions): Analysis {
    const config = parseConfig(path.join(o.root, "tsconfig.json"));
    const options = { ...config.options, strictNullChecks: true };
    const salt = programSalt(
        ts,
        options,
        `component analyzer ${pulumiVersion()} ${JSON.stringify([o.pkg, o.provider, o.components])}`,
    );
    const cached = readCached<Analysis>("component-analysis", salt, config.fileNames);
    if (cached) return cached;
    const analysis = computeAnalysis(o);
    const failed = Object.values(analysis.components).some((c) => "error" in c) || "error" in analysis.schema;
    if (!failed) writeCached("component-analysis", programInputs(salt, analyzerOf(o).program), analysis);
    return analysis;
}

/**
 * The library as other projects get it: package metadata, the entry that
 * exports the components (not the program), one copy of @pulumi/pulumi and
 * @pulumi/aws for a consumer, and the schema Pulumi's component provider infers for other
 * languages (PulumiPlugin.yaml), run in-process with @pulumi/pulumi's analyzer.
 * The examples are type-checked and evaluated against the packed package
 * (test/consumer.spec.ts).
 */
import { mocksReady } from "./harness/mocks";
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { componentAnalysis, type Analysis } from "./harness/analysis";
import { importedPackages, sources } from "./harness/imports";

const ROOT = path.resolve(__dirname, "..");
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), "utf8");
const pkg = JSON.parse(read("package.json"));
const lock = JSON.parse(read("package-lock.json"));

/** Every component of the library (ARCHITECTURE.md, components table). */
const COMPONENTS = [
    "SecureVpc",
    "EcsEc2Service",
    "EcsCluster",
    "Ec2Capacity",
    "Ec2Service",
    "WebLoadBalancer",
    "HttpApiGateway",
    "ContainerImage",
    "PostgresDb",
    "ImagePipeline",
    "BillingAlarm",
    "GithubDeployRole",
    "StaticSite",
    "UserAuth",
    "JwksMirror",
    "MessageTable",
    "Observability",
    "WebFirewall",
    "DomainCertificate",
    "AppSecret",
    "Cache",
    "OfficeHours",
];

/** Backticked names in the first column of a `## <title>` section's table in docs/components/<name>.md. */
export function documentedNames(markdown: string, title: "Arguments" | "Outputs"): string[] {
    const lines = markdown.split("\n");
    const start = lines.findIndex((l) => l.startsWith(`## ${title}`));
    if (start < 0) return [];
    const end = lines.findIndex((l, i) => i > start && l.startsWith("## "));
    const names: string[] = [];
    for (const line of lines.slice(start + 1, end < 0 ? undefined : end)) {
        if (!line.startsWith("| `")) continue;
        const first = line.split(/(?<!\\)\|/)[1] ?? "";
        for (const m of first.matchAll(/`([A-Za-z_][A-Za-z0-9_]*)`/g)) names.push(m[1]);
    }
    return names;
}

/**
 * The Pulumi package name the Node.js plugin host derives from an npm name
 * (`@pulumi/pulumi/cmd/run-plugin/run.js`): the scope becomes the schema's
 * namespace, the rest (characters outside `[-a-zA-Z0-9_]` replaced by `-`)
 * the package name in every type token. PulumiPlugin.yaml has no name field.
 */
export function pulumiPackageOf(npmName: string): { name: string; namespace?: string } {
    const m = /^(@.*?\/)?(.+)$/.exec(npmName);
    if (!m) throw new Error(`not an npm package name: ${npmName}`);
    const name = m[2].replace(/[^-a-zA-Z0-9_]/g, "-");
    return m[1] ? { name, namespace: m[1].slice(1, -1) } : { name };
}

describe("library packaging", () => {
    before(() => mocksReady);

    describe("package.json", () => {
        it("is @aws-webapp/aws-webapp (Pulumi package aws-webapp, the type tokens' prefix) at a semantic version", () => {
            expect(pkg.name).to.equal("@aws-webapp/aws-webapp");
            expect(pulumiPackageOf(pkg.name)).to.deep.equal({ name: "aws-webapp", namespace: "aws-webapp" });
            expect(pkg.publishConfig).to.deep.equal({ access: "public", provenance: true });
            expect(pkg.version).to.match(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/);
            expect(read("CHANGELOG.md")).to.include(`## [${pkg.version}]`);
            expect(JSON.parse(read("policy/package.json")).version, "policy pack version").to.equal(pkg.version);
        });

        it("exports the built library (lib/) with its declarations, and ships what consumers need", () => {
            expect(pkg.types).to.equal("lib/index.d.ts");
            expect(pkg.exports).to.deep.equal({
                ".": { types: "./lib/index.d.ts", default: "./lib/index.js" },
                "./testing": { types: "./lib/testing/index.d.ts", default: "./lib/testing/index.js" },
                "./package.json": "./package.json",
            });
            // tsconfig.build.json compiles components/ into lib/: components/index.ts -> lib/index.js.
            const build = JSON.parse(read("tsconfig.build.json")).compilerOptions;
            expect([build.rootDir, build.outDir, build.declaration]).to.deep.equal(["components", "lib", true]);
            expect(pkg.files).to.include.members(["lib/", "components/", "README.md", "CHANGELOG.md"]);
            expect(pkg.scripts.prepack).to.equal("npm run build");
        });

        it("`main` is the components' source entry (the plugin host loads it); the Pulumi program is index.ts", () => {
            expect(pkg.main).to.equal("components/index.ts");
            const project = yaml.load(read("Pulumi.yaml")) as { main?: string };
            expect(project.main, "Pulumi.yaml main (else the CLI would run package.json's main)").to.equal("index.ts");
        });

        it("the install scripts a consumer runs only use files the package ships", () => {
            const shipped = (p: string) => pkg.files.some((f: string) => p.startsWith(f.replace(/\/$/, "")));
            for (const hook of ["preinstall", "install", "postinstall"]) {
                const script: string | undefined = pkg.scripts[hook];
                if (script === undefined) continue;
                const paths = [...script.matchAll(/(?:^|\s)((?:[\w.-]+\/)+[\w.-]*)/g)].map((m) => m[1]);
                expect(
                    paths.filter((p) => !shipped(p)),
                    `${hook}: "${script}" runs in every consumer's npm install`,
                ).to.deep.equal([]);
            }
        });

        it("declares exactly the packages the components import, as dependencies or peers", () => {
            const files = sources(path.join(ROOT, "components")).map((f) => fs.readFileSync(f, "utf8"));
            // Build tools: required lazily, only when a bundle is rebuilt in this repository (an
            // installed copy deploys the bundles it ships), so a consumer never loads them.
            const buildTime = ["esbuild"];
            for (const tool of buildTime) {
                expect(pkg.devDependencies, tool).to.have.property(tool);
                expect(
                    files.filter((f) => new RegExp(`from ["']${tool}["']`).test(f)),
                    tool,
                ).to.deep.equal([]);
            }
            const imported = new Set(files.flatMap(importedPackages).filter((p) => !buildTime.includes(p)));
            const declared = [...Object.keys(pkg.dependencies), ...Object.keys(pkg.peerDependencies)];
            expect([...imported].sort()).to.deep.equal(declared.sort());
        });

        it("@pulumi/pulumi and @pulumi/aws are peers (one copy in a consumer), installed here as dev dependencies", () => {
            for (const dep of ["@pulumi/pulumi", "@pulumi/aws"]) {
                expect(pkg.peerDependencies, dep).to.have.property(dep);
                expect(pkg.devDependencies, dep).to.have.property(dep);
                expect(pkg.dependencies ?? {}, dep).to.not.have.property(dep);
            }
        });

        it("no runtime dependency brings its own copy of @pulumi/pulumi or @pulumi/aws", () => {
            const semver = require("semver") as { satisfies(v: string, r: string): boolean };
            const top = (name: string) => lock.packages[`node_modules/${name}`].version as string;
            const runtime = Object.entries(lock.packages as Record<string, any>).filter(
                ([key, p]) => key !== "" && !p.dev && !p.devOptional,
            );
            const nested = runtime
                .map(([key]) => key)
                .filter((key) => /node_modules\/.+\/node_modules\/@pulumi\/(pulumi|aws)$/.test(key));
            expect(nested).to.deep.equal([]);
            // And each runtime dependency accepts the versions the peers resolve to.
            for (const [key, p] of runtime) {
                for (const dep of ["@pulumi/pulumi", "@pulumi/aws"]) {
                    const range = p.dependencies?.[dep] ?? p.peerDependencies?.[dep];
                    if (range) expect(semver.satisfies(top(dep), range), `${key} wants ${dep}@${range}`).to.equal(true);
                }
            }
        });
    });

    describe("entry", () => {
        it("exports every component class and not the program", () => {
            const entry = require(ROOT) as Record<string, unknown>;
            const { getPulumiComponents } = require("@pulumi/pulumi/provider/experimental/provider") as {
                getPulumiComponents(m: unknown): { name: string }[];
            };
            expect(
                getPulumiComponents(entry)
                    .map((c) => c.name)
                    .sort(),
            ).to.deep.equal([...COMPONENTS].sort());
            expect(entry).to.not.have.property("environmentName");
            expect(require.resolve(ROOT)).to.equal(path.join(ROOT, "components", "index.ts"));
        });

        it("PulumiPlugin.yaml declares the nodejs runtime", () => {
            expect(yaml.load(read("PulumiPlugin.yaml"))).to.deep.equal({ runtime: "nodejs" });
        });
    });

    // One TypeScript program for the schema analyzer (root tsconfig.json, as the plugin host builds it),
    // whose results are kept while its inputs are unchanged (harness/analysis.ts); the examples'
    // program reuses its parsed files.
    let analysis: Analysis | undefined;
    const analysisOf = () =>
        (analysis ??= componentAnalysis({
            root: ROOT,
            pkg,
            provider: pulumiPackageOf(pkg.name),
            components: COMPONENTS,
        }));

    describe("component provider schema (pulumi package add)", function () {
        this.timeout(60000);

        for (const name of COMPONENTS) {
            it(`${name}: the inferred schema lists the documented inputs and outputs`, () => {
                const component = analysisOf().components[name];
                if ("error" in component) throw new Error(component.error);
                const doc = read(`docs/components/${name}.md`);
                const args = documentedNames(doc, "Arguments");
                const outputs = documentedNames(doc, "Outputs");
                expect(args, "documented arguments").to.not.be.empty;
                expect(Object.keys(component.inputs).sort(), "inputs").to.deep.equal([...new Set(args)].sort());
                expect(Object.keys(component.outputs).sort(), "outputs").to.deep.equal([...new Set(outputs)].sort());
                for (const [input, def] of Object.entries(component.inputs)) {
                    expect(def.description, `${name}.${input} has a JSDoc description`).to.be.a("string").and.not.empty;
                }
            });
        }

        it("the whole package's schema generates, named aws-webapp, with every component's type token", () => {
            const schema = analysisOf().schema;
            if ("error" in schema) throw new Error(schema.error);
            expect(schema.name).to.equal("aws-webapp");
            expect(schema.namespace).to.equal("aws-webapp");
            expect(Object.keys(schema.resources).sort()).to.deep.equal(
                COMPONENTS.map((c) => `aws-webapp:index:${c}`).sort(),
            );
        });
    });

    it("pulumiPackageOf follows the plugin host's rule, which the installed SDK still applies", () => {
        const run = fs.readFileSync(require.resolve("@pulumi/pulumi/cmd/run-plugin/run.js"), "utf8");
        expect(run).to.include("packageJSON.name.match(/(@.*?\\/)?(.+)/)");
        expect(run).to.include('replace(/[^-a-zA-Z0-9_]/g, "-")');
        expect(pulumiPackageOf("@aws-webapp/components")).to.deep.equal({
            name: "components",
            namespace: "aws-webapp",
        });
        expect(pulumiPackageOf("aws-webapp")).to.deep.equal({ name: "aws-webapp" });
        expect(pulumiPackageOf("@a/b.c")).to.deep.equal({ name: "b-c", namespace: "a" });
    });

    it("documentedNames reads the first column of the Arguments/Outputs tables", () => {
        const md = [
            "# X",
            "## Arguments (`XArgs`)",
            "| argument | type |",
            "|---|---|",
            "| `a` | `string` |",
            "| `b`, `c` | `number \\| undefined` |",
            "## Outputs",
            "| output | meaning |",
            "| `d` | the `e` of it |",
            "## Other",
            "| `f` | no |",
        ].join("\n");
        expect(documentedNames(md, "Arguments")).to.deep.equal(["a", "b", "c"]);
        expect(documentedNames(md, "Outputs")).to.deep.equal(["d"]);
    });
});

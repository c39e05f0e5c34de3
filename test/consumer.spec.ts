/**
 * The library as a consumer installs it: `npm pack` of this repository, the
 * tarball installed offline into a consumer project with its own
 * @pulumi/pulumi and @pulumi/aws (versions and integrity from this
 * repository's lockfile, packages from the npm cache that `npm ci` filled),
 * a consumer program type-checked under `strict` against the packed
 * declarations, and a mocha test in the consumer that asserts on the program
 * through the packed `<package>/testing` module. The repository's examples are
 * staged in the same consumer, compiled with its program and evaluated in
 * one process through the same module (harness/exampleRuns.ts): they see
 * the package exactly as a user who copies one out and runs `npm install`.
 *
 * The consumer project lives outside the repository and is reused between
 * runs: lib/ is rebuilt only when its inputs changed, the install is redone
 * only when the tarball (or the rest of the lockfile) changed, and the
 * type-check's clean result and emitted files are reused while every input
 * of its program is unchanged (harness/consumerCompile.ts). The pack, the
 * consumer's mocha run and the examples' evaluation always run.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { compileConsumer } from "./harness/consumerCompile";
import { lockSubset, resolveIn, type LockPackages } from "./harness/consumer";
import { CONSUMER, install, LIBRARY, node, PEERS, pkg, ROOT } from "./harness/consumerInstall";
import { packedLibrary } from "./harness/packedLibrary";
import { consumerProgram, consumerTest, consumerTsconfig } from "./harness/consumerSources";
import { describeExampleProjects } from "./harness/exampleChecks";
import { type ExampleRun, runExamples, stageExamples } from "./harness/exampleRuns";
import { describeSharedBlocks } from "./harness/sharedExamples";

/** The README's consumer test (the code block of its testing section), as a file of the consumer. */
function readmeTest(): string {
    const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
    const section = readme.indexOf(`### Unit-testing your program (\`${LIBRARY}/testing\`)`);
    const block = /```ts\n([\s\S]*?)```/.exec(readme.slice(section));
    if (section < 0 || !block) throw new Error("README.md: no testing section with a ts code block");
    return block[1];
}

describe("a consumer of the packed library", function () {
    this.timeout(240000);
    before(async () => {
        await install(await packedLibrary());
        fs.writeFileSync(
            path.join(CONSUMER, "tsconfig.json"),
            JSON.stringify(consumerTsconfig(path.join(ROOT, "node_modules", "@types")), null, 2),
        );
        fs.writeFileSync(path.join(CONSUMER, "index.ts"), consumerProgram(LIBRARY));
        fs.writeFileSync(path.join(CONSUMER, "test", "program.test.ts"), consumerTest(LIBRARY));
        fs.writeFileSync(path.join(CONSUMER, "test", "readme.test.ts"), readmeTest());
        fs.rmSync(path.join(CONSUMER, "out"), { recursive: true, force: true });
        // The examples compile with the consumer's program (tsconfig includes examples/*/index.ts).
        stageExamples(CONSUMER);
    });

    it("gets its own @pulumi/pulumi and @pulumi/aws, at this lockfile's versions", () => {
        for (const peer of PEERS) {
            const dir = path.join(CONSUMER, "node_modules", peer);
            expect(fs.lstatSync(dir).isSymbolicLink(), `${peer} is a copy, not a link`).to.equal(false);
            const version = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")).version;
            expect(version, peer).to.equal(
                JSON.parse(fs.readFileSync(path.join(ROOT, "package-lock.json"), "utf8")).packages[
                    `node_modules/${peer}`
                ].version,
            );
        }
        const installed = path.join(CONSUMER, "node_modules", LIBRARY);
        expect(
            fs.existsSync(path.join(installed, "lib", "testing", "index.d.ts")),
            "lib/testing in the tarball",
        ).to.equal(true);
        expect(fs.existsSync(path.join(installed, "node_modules", "@pulumi", "pulumi")), "no nested SDK").to.equal(
            false,
        );
    });

    it("resolves every module inside itself: no node_modules above it (not the repository's)", () => {
        const above: string[] = [];
        for (let dir = path.dirname(CONSUMER); dir !== path.dirname(dir); dir = path.dirname(dir)) {
            if (fs.existsSync(path.join(dir, "node_modules"))) above.push(path.join(dir, "node_modules"));
        }
        expect(above).to.deep.equal([]);
        const installed = JSON.parse(
            fs.readFileSync(path.join(CONSUMER, "node_modules", LIBRARY, "package.json"), "utf8"),
        );
        for (const dep of Object.keys(installed.dependencies ?? {})) {
            expect(require.resolve(`${dep}/package.json`, { paths: [CONSUMER] }), dep).to.contain(CONSUMER);
        }
    });

    it("type-checks a program and its test under strict against the packed declarations", async () => {
        expect(compileConsumer(CONSUMER, LIBRARY), "tsc diagnostics").to.equal("");
    });

    it("runs the consumer's mocha tests through <package>/testing (the README's example too)", async () => {
        const { stdout } = await node(
            "mocha/bin/mocha.js",
            ["--no-config", "--reporter", "dot", "out/test/program.test.js", "out/test/readme.test.js"],
            CONSUMER,
        ).catch((e: { stdout: string; stderr: string }) => {
            throw new Error(`consumer mocha failed:\n${e.stdout}\n${e.stderr}`);
        });
        expect(stdout).to.match(/\b6 passing\b/);
        expect(stdout).to.not.match(/failing|pending/);
    });

    // After the type-check above, which compiled them: every example in one process.
    describe("the examples, as their users run them", () => {
        let runs: Map<string, ExampleRun>;
        before(async () => {
            runs = await runExamples(CONSUMER, LIBRARY);
        });
        const run = (name: string): ExampleRun => {
            const r = runs.get(name);
            if (!r) throw new Error(`example ${name} was not evaluated`);
            return r;
        };
        describeExampleProjects(run, () => pkg);
        describeSharedBlocks(run);
    });
});

describe("consumer lockfile", () => {
    const packages: LockPackages = {
        "": { dependencies: { a: "^1" } },
        "node_modules/a": { version: "1.0.0", dependencies: { b: "^1", c: "^2" }, dev: true },
        "node_modules/b": {
            version: "1.1.0",
            peerDependencies: { p: "*", q: "*" },
            peerDependenciesMeta: { q: { optional: true } },
        },
        "node_modules/a/node_modules/c": { version: "2.0.0", optionalDependencies: { gone: "*" } },
        "node_modules/c": { version: "1.0.0" },
        "node_modules/p": { version: "3.0.0", devOptional: true },
        "node_modules/q": { version: "4.0.0" },
        "node_modules/unrelated": { version: "9.9.9" },
    };

    it("resolves a dependency as Node does: nearest node_modules walking up", () => {
        expect(resolveIn(packages, "node_modules/a", "c")).to.equal("node_modules/a/node_modules/c");
        expect(resolveIn(packages, "node_modules/b", "c")).to.equal("node_modules/c");
        expect(resolveIn(packages, "node_modules/a/node_modules/c", "b")).to.equal("node_modules/b");
        expect(resolveIn(packages, "", "missing")).to.equal(undefined);
    });

    it("keeps what the roots reach (required peers too, optional ones not), without dev flags", () => {
        expect(lockSubset(packages, ["a"])).to.deep.equal({
            "node_modules/a": { version: "1.0.0", dependencies: { b: "^1", c: "^2" } },
            "node_modules/b": packages["node_modules/b"],
            "node_modules/a/node_modules/c": packages["node_modules/a/node_modules/c"],
            "node_modules/p": { version: "3.0.0", optional: true },
        });
    });

    it("refuses a lockfile that lacks a required dependency", () => {
        expect(() => lockSubset({ "node_modules/a": { dependencies: { z: "1" } } }, ["a"])).to.throw(
            "lockfile: node_modules/a needs z, which is not installed",
        );
        expect(() => lockSubset(packages, ["nope"])).to.throw("lockfile: no node_modules/nope");
    });
});

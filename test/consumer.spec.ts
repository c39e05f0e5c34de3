/**
 * The library as a consumer installs it: `npm pack` of this repository, the
 * tarball installed offline into a consumer project with its own
 * @pulumi/pulumi and @pulumi/aws (versions and integrity from this
 * repository's lockfile, packages from the npm cache that `npm ci` filled),
 * a consumer program type-checked under `strict` against the packed
 * declarations, and a mocha test in the consumer that asserts on the program
 * through the packed `<package>/testing` module.
 *
 * The consumer project lives in node_modules/.cache (reused between runs: only
 * the library's own package is reinstalled when nothing else changed, and
 * lib/ is rebuilt only when its inputs changed), so a warm run costs little
 * more than the consumer's type-check.
 */
import { expect } from "chai";
import { execFile } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { promisify } from "util";
import { ensureHandlerBundle } from "../components/imagePipeline";
import { consumerProject, lockSubset, resolveIn, type LockPackages } from "./harness/consumer";
import { consumerProgram, consumerTest, consumerTsconfig } from "./harness/consumerSources";

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, "..");
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
/** The library's package name: the one place it comes from. */
const LIBRARY: string = pkg.name;
const CACHE = path.join(ROOT, "node_modules", ".cache", "consumer-test");
const CONSUMER = path.join(CACHE, "project");
const PEERS = ["@pulumi/pulumi", "@pulumi/aws"];
/** What the README's example test imports besides the library and its peers. */
const TEST_DEPENDENCIES = ["chai"];

/** The README's consumer test (the code block of its testing section), as a file of the consumer. */
function readmeTest(): string {
    const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
    const section = readme.indexOf(`### Unit-testing your program (\`${LIBRARY}/testing\`)`);
    const block = /```ts\n([\s\S]*?)```/.exec(readme.slice(section));
    if (section < 0 || !block) throw new Error("README.md: no testing section with a ts code block");
    return block[1];
}

/** npm as the running npm (under `npm test`) or from PATH. */
function npm(args: string[], cwd: string) {
    const cli = process.env.npm_execpath;
    const env = { ...process.env, npm_config_update_notifier: "false", npm_config_fund: "false" };
    return cli && /npm-cli\.js$/.test(cli)
        ? run(process.execPath, [cli, ...args], { cwd, env, maxBuffer: 64 << 20 })
        : run("npm", args, { cwd, env, maxBuffer: 64 << 20 });
}

const node = (script: string, args: string[], cwd: string) =>
    run(process.execPath, [require.resolve(script, { paths: [ROOT] }), ...args], { cwd, maxBuffer: 64 << 20 });

/** Every input of `tsc -p tsconfig.build.json`: the configs, the compiler's version and components/**. */
function libInputsHash(): string {
    const h = createHash("sha256");
    h.update(`typescript ${require("typescript/package.json").version}\n`);
    const files = ["tsconfig.json", "tsconfig.build.json"];
    const walk = (dir: string) => {
        for (const e of fs
            .readdirSync(path.join(ROOT, dir), { withFileTypes: true })
            .sort((a, b) => (a.name < b.name ? -1 : 1))) {
            const rel = path.join(dir, e.name);
            if (e.isDirectory()) walk(rel);
            else if (rel.endsWith(".ts") || rel.endsWith(".json")) files.push(rel);
        }
    };
    walk("components");
    for (const f of files) h.update(`${f}\n`).update(fs.readFileSync(path.join(ROOT, f)));
    return h.digest("hex");
}

/**
 * Builds lib/ as `npm run build` does, unless the last build here had the same
 * inputs and lib/ is still there (a stamp in the cache), and the handler
 * bundle; packs; returns npm's report of the tarball.
 */
async function pack(): Promise<{ filename: string; integrity: string }> {
    fs.mkdirSync(CACHE, { recursive: true });
    ensureHandlerBundle();
    const stamp = path.join(CACHE, "lib.hash");
    const hash = libInputsHash();
    const fresh =
        fs.existsSync(stamp) &&
        fs.readFileSync(stamp, "utf8") === hash &&
        fs.existsSync(path.join(ROOT, "lib", "testing", "index.d.ts"));
    if (!fresh) {
        fs.rmSync(path.join(ROOT, "lib"), { recursive: true, force: true });
        await node("typescript/bin/tsc", ["-p", "tsconfig.build.json"], ROOT);
        fs.writeFileSync(stamp, hash);
    }
    for (const f of fs.readdirSync(CACHE)) if (f.endsWith(".tgz")) fs.rmSync(path.join(CACHE, f));
    const { stdout } = await npm(["pack", "--ignore-scripts", "--json", "--pack-destination", CACHE], ROOT);
    const [report] = JSON.parse(stdout) as { filename: string; integrity: string }[];
    return report;
}

/** Writes the consumer project and installs it offline (only what changed). */
async function install(tarball: { filename: string; integrity: string }): Promise<void> {
    const lock = JSON.parse(fs.readFileSync(path.join(ROOT, "package-lock.json"), "utf8"));
    const { packageJson, packageLock } = consumerProject(lock.packages, {
        library: LIBRARY,
        tarball: path.relative(CONSUMER, path.join(CACHE, tarball.filename)),
        integrity: tarball.integrity,
        manifest: pkg,
        peers: [...PEERS, ...TEST_DEPENDENCIES],
    });
    fs.mkdirSync(path.join(CONSUMER, "test"), { recursive: true });
    fs.writeFileSync(path.join(CONSUMER, "package.json"), JSON.stringify(packageJson, null, 2));
    fs.writeFileSync(path.join(CONSUMER, "package-lock.json"), JSON.stringify(packageLock, null, 2));
    // The tarball's version does not change between runs: remove it so npm installs this one.
    fs.rmSync(path.join(CONSUMER, "node_modules", LIBRARY), { recursive: true, force: true });
    await npm(["install", "--offline", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"], CONSUMER);
}

describe("a consumer of the packed library", function () {
    this.timeout(240000);
    let tarball: { filename: string; integrity: string };

    before(async () => {
        tarball = await pack();
        await install(tarball);
        fs.writeFileSync(
            path.join(CONSUMER, "tsconfig.json"),
            JSON.stringify(consumerTsconfig(path.join(ROOT, "node_modules", "@types")), null, 2),
        );
        fs.writeFileSync(path.join(CONSUMER, "index.ts"), consumerProgram(LIBRARY));
        fs.writeFileSync(path.join(CONSUMER, "test", "program.test.ts"), consumerTest(LIBRARY));
        fs.writeFileSync(path.join(CONSUMER, "test", "readme.test.ts"), readmeTest());
        fs.rmSync(path.join(CONSUMER, "out"), { recursive: true, force: true });
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

    it("type-checks a program and its test under strict against the packed declarations", async () => {
        const result = await node("typescript/bin/tsc", ["-p", "tsconfig.json"], CONSUMER).catch(
            (e: { stdout: string; code: number }) => e,
        );
        expect("code" in result ? result.stdout : "", "tsc diagnostics").to.equal("");
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

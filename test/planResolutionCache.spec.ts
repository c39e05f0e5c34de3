/**
 * The plan CLI's resolution cache (scripts/plan/loader.ts installResolutionCache): what the
 * installed tree decides is remembered between runs, keyed by node_modules/.package-lock.json,
 * and a run that uses it resolves exactly as Node does. Each run is its own process (the cache
 * replaces Module._resolveFilename and writes at exit).
 */
import { expect } from "chai";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..");

/** A project with one installed package (which requires its own file and another package). */
function fixture(): string {
    const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "resolution-cache-")));
    const write = (rel: string, text: string) => {
        fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
        fs.writeFileSync(path.join(dir, rel), text);
    };
    write("node_modules/.package-lock.json", JSON.stringify({ name: "p", lockfileVersion: 3, packages: {} }));
    write("node_modules/pkg-a/package.json", JSON.stringify({ name: "pkg-a", main: "lib/main.js" }));
    write("node_modules/pkg-a/lib/main.js", 'module.exports = "a:" + require("./part") + require("pkg-b");');
    write("node_modules/pkg-a/lib/part.js", 'module.exports = "part";');
    write("node_modules/pkg-b/index.js", 'module.exports = ":b";');
    write("src/main.js", 'module.exports = require("pkg-a") + require("./local");');
    write("src/local.js", 'module.exports = ":local";');
    return dir;
}

/** Runs src/main.js in a fresh process, with the cache installed when `cached`; returns what it loaded. */
function run(dir: string, cached: boolean): { value: string; files: string[] } {
    const script = `
        require(${JSON.stringify(path.join(ROOT, "scripts", "register.js"))});
        const loader = require(${JSON.stringify(path.join(ROOT, "scripts", "plan", "loader.ts"))});
        if (${cached}) loader.installResolutionCache(${JSON.stringify(dir)}, ${JSON.stringify(path.join(dir, "cache"))});
        const value = require(${JSON.stringify(path.join(dir, "src", "main.js"))});
        const files = Object.keys(require.cache).filter((f) => f.startsWith(${JSON.stringify(dir)})).sort();
        process.stdout.write(JSON.stringify({ value, files }));`;
    return JSON.parse(execFileSync(process.execPath, ["-e", script], { encoding: "utf8" }));
}

const cacheFiles = (dir: string) =>
    fs.existsSync(path.join(dir, "cache")) ? fs.readdirSync(path.join(dir, "cache")).sort() : [];

describe("plan CLI: the resolution cache", function () {
    this.timeout(30_000);
    let dir: string;
    before(() => {
        dir = fixture();
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("keeps what the installed tree decides, not the project's own relative requests", () => {
        const plain = run(dir, false);
        expect(plain.value).to.equal("a:part:b:local");
        expect(run(dir, true)).to.deep.equal(plain);
        const [file] = cacheFiles(dir);
        expect(file).to.match(/^resolutions-[0-9a-f]{16}\.json$/);
        const kept = JSON.parse(fs.readFileSync(path.join(dir, "cache", file), "utf8")) as Record<string, string>;
        const nm = path.join(dir, "node_modules");
        expect(kept).to.deep.equal({
            [`${path.join(dir, "src")}\0pkg-a`]: path.join(nm, "pkg-a", "lib", "main.js"),
            [`${path.join(nm, "pkg-a", "lib")}\0./part`]: path.join(nm, "pkg-a", "lib", "part.js"),
            [`${path.join(nm, "pkg-a", "lib")}\0pkg-b`]: path.join(nm, "pkg-b", "index.js"),
        });
        // A second run answers from the cache and loads the same files.
        expect(run(dir, true)).to.deep.equal(plain);
    });

    it("starts a new cache when the installed tree changes (npm rewrites .package-lock.json)", () => {
        const before = cacheFiles(dir);
        fs.writeFileSync(
            path.join(dir, "node_modules", ".package-lock.json"),
            JSON.stringify({ name: "p", lockfileVersion: 3, packages: { "node_modules/pkg-b": { version: "2.0.0" } } }),
        );
        fs.writeFileSync(path.join(dir, "node_modules", "pkg-b", "index.js"), 'module.exports = ":b2";');
        expect(run(dir, true).value).to.equal("a:part:b2:local");
        const after = cacheFiles(dir);
        expect(after).to.have.length(before.length + 1);
    });
});

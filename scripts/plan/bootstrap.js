// Loads scripts/plan/loader.ts (the esbuild-based `.ts` loader) without ts-node: esbuild transpiles
// it once, then it is read from the cache under node_modules/.cache (keyed by its source and
// esbuild's version), so an unchanged checkout never starts esbuild. Shared by the plan CLI's entry
// (launch.js) and the specs' loader (scripts/register.js). Plain JavaScript because nothing
// can compile it before it runs.
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");
const Module = require("module");

const root = path.resolve(__dirname, "..", "..");

/** Where transpiled files are kept (shared by the CLI and the specs: keys are content hashes). */
const cacheDir = path.join(root, "node_modules", ".cache", "plan-ts");

/** scripts/plan/loader.ts, compiled. */
function loadLoader() {
    const loaderFile = path.join(__dirname, "loader.ts");
    const loaderSource = fs.readFileSync(loaderFile, "utf8");
    const esbuildVersion = require("esbuild/package.json").version;
    const key = crypto.createHash("sha256").update(`launch ${esbuildVersion}\n`).update(loaderSource).digest("hex");
    const cachedLoader = path.join(cacheDir, `${key}.js`);
    let code;
    try {
        code = fs.readFileSync(cachedLoader, "utf8");
    } catch {
        code = require("esbuild").transformSync(loaderSource, { loader: "ts", format: "cjs", target: "node22" }).code;
        fs.mkdirSync(cacheDir, { recursive: true });
        fs.writeFileSync(`${cachedLoader}.${process.pid}`, code);
        fs.renameSync(`${cachedLoader}.${process.pid}`, cachedLoader);
    }
    const loaderModule = new Module(loaderFile, module);
    loaderModule.filename = loaderFile;
    loaderModule.paths = Module._nodeModulePaths(__dirname);
    loaderModule._compile(code, loaderFile);
    return loaderModule.exports;
}

module.exports = { root, cacheDir, loadLoader };

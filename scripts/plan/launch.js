// Entry of `npm run plan`: runs scripts/plan.ts without ts-node. ts-node loads
// the TypeScript compiler (about 0.5 s) only to strip types; esbuild (a
// devDependency) transpiles the bootstrap loader here, which then transpiles
// every TypeScript file the CLI and the program load (see loader.ts).
// Plain JavaScript because nothing can compile it before it runs.
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");
const Module = require("module");

const root = path.resolve(__dirname, "..", "..");

// V8's code cache for every module this process compiles (Node >= 22.1), kept under
// node_modules/.cache: later runs skip most of the parsing and compiling.
Module.enableCompileCache?.(path.join(root, "node_modules", ".cache", "plan-compile"));

// The loader itself is TypeScript: transpiled by esbuild once, then read from the cache
// (so an unchanged checkout never starts esbuild).
const cacheDir = path.join(root, "node_modules", ".cache", "plan-ts");
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
const loader = loaderModule.exports;

loader.installFastTypeScriptLoader(root, cacheDir);
// @pulumi/pulumi loads these at start-up for closure serialization (Lambda code as JavaScript
// functions), which this program never uses: together about 0.9 s.
loader.deferModule("@npmcli/arborist", ["Arborist", "Node", "Link", "Edge", "Shrinkwrap"]);
loader.deferModule("typescript", []);
require("../plan.ts").runCli(process.argv.slice(2));

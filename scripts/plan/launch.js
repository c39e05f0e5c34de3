// Entry of `npm run plan`: runs scripts/plan.ts without ts-node. ts-node loads
// the TypeScript compiler (about 0.5 s) only to strip types; esbuild (a
// devDependency) transpiles the bootstrap loader here, which then transpiles
// every TypeScript file the CLI and the program load (see loader.ts).
// Plain JavaScript because nothing can compile it before it runs.
"use strict";
const path = require("path");
const Module = require("module");

const root = path.resolve(__dirname, "..", "..");

// V8's code cache for every module this process compiles (Node >= 22.1), kept under
// node_modules/.cache: later runs skip most of the parsing and compiling.
Module.enableCompileCache?.(path.join(root, "node_modules", ".cache", "plan-compile"));

// The loader itself is TypeScript: transpiled by esbuild once, then read from the cache.
const { cacheDir, loadLoader } = require("./bootstrap.js");
const loader = loadLoader();
loader.installFastTypeScriptLoader(root, cacheDir);
// How the installed packages resolve, kept between runs (keyed by the installed tree).
loader.installResolutionCache(root, cacheDir);
// @pulumi/pulumi loads these at start-up for closure serialization (Lambda code as JavaScript
// functions), which this program never uses: together about 0.9 s.
loader.deferModule("@npmcli/arborist", ["Arborist", "Node", "Link", "Edge", "Shrinkwrap"]);
loader.deferModule("typescript", []);
require("../plan.ts").runCli(process.argv.slice(2));

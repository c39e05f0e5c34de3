// A fast TypeScript loader (`node -r ./scripts/register.js file.ts`; mocha's `require` for the
// specs, in the main process and in each parallel worker), in place of ts-node's transpile-only
// mode, which starts the TypeScript compiler in every process and transpiles every file afresh:
// - V8's code cache of every module a process compiles (Node >= 22.1), under node_modules/.cache;
// - each `.ts` file transpiled by esbuild (same per-file semantics, see scripts/plan/loader.ts),
//   kept under node_modules/.cache keyed by a hash of its path and source, with an inline source
//   map so that a failure's stack points at the TypeScript lines.
// Both caches are keyed by content: a stale entry is never used, a missing one is rebuilt.
"use strict";
const path = require("path");
const Module = require("module");

const root = path.resolve(__dirname, "..");
Module.enableCompileCache?.(path.join(root, "node_modules", ".cache", "node-compile"));

const { cacheDir, loadLoader } = require("./plan/bootstrap.js");
const loader = loadLoader();
if (!loader.installFastTypeScriptLoader(root, cacheDir, { sourceMaps: true })) {
    require("ts-node/register/transpile-only");
}

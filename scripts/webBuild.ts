/**
 * The built web frontend the program uploads (stacks/site.ts refuses to run
 * without it): built on demand for the offline plan and the stack specs, so
 * that they work in a fresh checkout, as `ensureHandlerBundle()` does for the
 * resize function. Safe when parallel workers call it at once: each builds
 * into a directory of its own and renames it into place; the first wins.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

/** `web/dist` of a checkout. */
export function webBuildDir(root: string): string {
    return path.join(root, "web", "dist");
}

/** Builds web/ with Vite when `web/dist/index.html` is missing; returns true when it built. */
export function ensureWebBuild(root: string): boolean {
    const dist = webBuildDir(root);
    if (fs.existsSync(path.join(dist, "index.html"))) return false;
    const tmp = path.join(root, "web", `.dist-${process.pid}-${Date.now()}`);
    const vite = path.join(path.dirname(require.resolve("vite/package.json")), "bin", "vite.js");
    execFileSync(
        process.execPath,
        [vite, "build", "--config", path.join(root, "web", "vite.config.mts"), "--outDir", tmp, "--logLevel", "error"],
        { cwd: root, stdio: ["ignore", "ignore", "inherit"] },
    );
    try {
        // A directory without index.html (an interrupted build) is replaced; a complete one kept.
        if (!fs.existsSync(path.join(dist, "index.html"))) {
            fs.rmSync(dist, { recursive: true, force: true });
            fs.renameSync(tmp, dist);
        }
    } catch {
        // Another worker renamed its build into place first.
    } finally {
        fs.rmSync(tmp, { recursive: true, force: true });
    }
    return true;
}

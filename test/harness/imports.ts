/**
 * What TypeScript sources import: the package names of their bare import
 * specifiers, for the specs that check a package.json declares them.
 */
import * as fs from "fs";
import { builtinModules } from "module";
import * as path from "path";

/** The .ts files under a directory (node_modules excluded). */
export function sources(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) return e.name === "node_modules" ? [] : sources(p);
        return e.name.endsWith(".ts") ? [p] : [];
    });
}

/** Package names a TypeScript source imports or requires (not relative paths, not Node built-ins). */
export function importedPackages(source: string): string[] {
    const found = new Set<string>();
    for (const m of source.matchAll(/(?:from\s+|require\(\s*|import\(\s*)["']([^"'./][^"']*)["']/g)) {
        const spec = m[1];
        const name = spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0];
        if (!builtinModules.includes(name.replace(/^node:/, "")) && !name.startsWith("node:")) found.add(name);
    }
    return [...found].sort();
}

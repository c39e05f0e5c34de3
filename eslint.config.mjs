// ESLint: TypeScript rules plus @pulumi/eslint-plugin (catches Outputs used
// in template strings) on the code that builds infrastructure, with type
// information; specs are linted without it (faster), formatting is prettier's.
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import tseslint from "typescript-eslint";
import pulumi from "@pulumi/eslint-plugin";

// The code that builds infrastructure: where an Output can end up in a template literal. The
// type-aware rules cost most of the lint (a program and a type per template), so scripts/ (the
// plan CLI and tools, which handle plain values) get the syntactic rules only.
const SOURCES = ["index.ts", "components/**/*.ts", "stacks/**/*.ts"];

/**
 * `eslint --cache` (npm run lint:eslint) keeps a file's result while the file and its config are
 * unchanged. A type-aware rule's result also depends on the files the linted one imports, so the
 * config of the typed files carries a hash of the whole typed program's inputs (what
 * tsconfig.lint.json includes, the tsconfigs and the lockfile): any change to one of them re-lints
 * every typed file, and a cached result is never stale.
 */
function typedProgramHash() {
    const root = import.meta.dirname;
    const files = ["index.ts", "tsconfig.json", "tsconfig.lint.json", "package-lock.json"];
    const walk = (dir) => {
        for (const e of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
            const rel = path.join(dir, e.name);
            if (e.isDirectory()) walk(rel);
            else if (rel.endsWith(".ts")) files.push(rel);
        }
    };
    walk("components");
    walk("stacks");
    const h = createHash("sha256");
    for (const f of files.sort())
        h.update(`${f}\0`)
            .update(fs.readFileSync(path.join(root, f)))
            .update("\0");
    return h.digest("hex");
}

export default tseslint.config(
    { ignores: ["node_modules/**", "lib/**", "build/**", "dist/**", "scratch/**", "**/*.js", "**/*.mjs", "**/*.cjs"] },
    ...tseslint.configs.recommended,
    {
        rules: {
            "@typescript-eslint/no-explicit-any": "off",
            "@typescript-eslint/no-require-imports": "off",
            "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
        },
    },
    {
        files: SOURCES,
        languageOptions: { parserOptions: { project: ["./tsconfig.lint.json"], tsconfigRootDir: import.meta.dirname } },
        settings: { typedProgramHash: typedProgramHash() },
        plugins: { "@pulumi": pulumi },
        rules: {
            "@pulumi/no-output-in-template-literal": "error",
            "@pulumi/no-output-instance-in-template-literal": "error",
        },
    },
    {
        // chai's property assertions (`expect(x).to.be.empty`) are expressions.
        files: ["test/**/*.ts"],
        rules: { "@typescript-eslint/no-unused-expressions": "off" },
    },
);

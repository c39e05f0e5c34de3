// ESLint: TypeScript rules plus @pulumi/eslint-plugin (catches Outputs used
// in template strings) on the code that builds infrastructure, with type
// information; specs are linted without it (faster), formatting is prettier's.
import tseslint from "typescript-eslint";
import pulumi from "@pulumi/eslint-plugin";

// The code that builds infrastructure: where an Output can end up in a template literal. The
// type-aware rules cost most of the lint (a program and a type per template), so scripts/ (the
// plan CLI and tools, which handle plain values) get the syntactic rules only.
const SOURCES = ["index.ts", "components/**/*.ts", "stacks/**/*.ts"];

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
        languageOptions: { parserOptions: { project: ["./tsconfig.json"], tsconfigRootDir: import.meta.dirname } },
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

/**
 * What `npm pack` puts in the published tarball (npm's own file list, from
 * `npm pack --json`, the tarball the consumer spec installs: harness/packedLibrary.ts): the component sources and the files the
 * Pulumi plugin host and its schema analyzer read (`pulumi package add`), the
 * built handler bundle with runtime files only, no program, tests, scripts or
 * repository tooling, and a manifest that runs nothing at a consumer's
 * install.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { isRuntimeFile } from "../components/imagePipeline/bundle";
import { packedLibrary } from "./harness/packedLibrary";

const ROOT = path.resolve(__dirname, "..");
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));

/** Lifecycle scripts npm runs in a consumer's `npm install` of a package (prepare: for git and local installs). */
export const CONSUMER_INSTALL_SCRIPTS = ["preinstall", "install", "postinstall", "prepare"] as const;

/** Top-level paths of the repository that must never be published. */
const PRIVATE = [
    "test/",
    "stacks/",
    "app/",
    "web/",
    "scripts/",
    "lambda/",
    "policy/",
    "examples/",
    "pricing/",
    ".github/",
    ".ci/",
    "node_modules/",
    "index.ts",
    "Pulumi.yaml",
    "Pulumi.dev.yaml",
    "Pulumi.prod.yaml",
    "build/image-handler-deps/",
    "build/image-handler-check/",
];

function componentSources(dir = path.join(ROOT, "components")): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) return componentSources(p);
        return e.name.endsWith(".ts") && !e.name.endsWith(".spec.ts")
            ? [path.relative(ROOT, p).split(path.sep).join("/")]
            : [];
    });
}

describe("the published tarball (npm pack)", function () {
    this.timeout(120_000);
    let files: string[];

    before(async () => {
        const packed = await packedLibrary();
        expect(packed.name).to.equal(pkg.name);
        files = [...packed.files];
    });

    it("runs nothing at a consumer's install", () => {
        for (const hook of CONSUMER_INSTALL_SCRIPTS) expect(pkg.scripts, hook).to.not.have.property(hook);
    });

    it("ships the manifest, docs, PulumiPlugin.yaml and what the schema analyzer reads", () => {
        expect(files).to.include.members(["package.json", "README.md", "CHANGELOG.md", "PulumiPlugin.yaml"]);
        // The analyzer reads <package>/tsconfig.json and follows `main` (components/index.ts) through its imports.
        expect(files).to.include("tsconfig.json");
        expect(files).to.include(pkg.main);
        expect(componentSources().filter((f) => !files.includes(f))).to.deep.equal([]);
        expect(files.some((f) => f.startsWith("docs/components/"))).to.equal(true);
    });

    it("ships the arm64 handler bundle, runtime files only", () => {
        const bundle = files.filter((f) => f.startsWith("build/image-handler/arm64/"));
        expect(bundle).to.include.members([
            "build/image-handler/arm64/index.js",
            "build/image-handler/arm64/bundle.json",
            "build/image-handler/arm64/node_modules/@img/sharp-linux-arm64/lib/sharp-linux-arm64.node",
        ]);
        const modules = bundle
            .filter((f) => f.includes("/node_modules/"))
            .map((f) => f.slice(f.indexOf("/node_modules/") + "/node_modules/".length));
        expect(modules.filter((f) => !isRuntimeFile(f))).to.deep.equal([]);
    });

    it("ships no program, tests, scripts, policy pack or repository tooling", () => {
        expect(files.filter((f) => PRIVATE.some((p) => (p.endsWith("/") ? f.startsWith(p) : f === p)))).to.deep.equal(
            [],
        );
        expect(files.filter((f) => /\.spec\.ts$|\.tsbuildinfo$/.test(f))).to.deep.equal([]);
    });
});

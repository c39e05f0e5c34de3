/**
 * Release notes and release checks (scripts/release-notes.ts): the CHANGELOG
 * has a non-empty section for the package version, the policy pack has the
 * same version, and a tag other than v<version> is refused.
 */
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { changelogSection, releaseProblems } from "../scripts/release-notes";

const ROOT = path.resolve(__dirname, "..");
const read = (f: string) => fs.readFileSync(path.join(ROOT, f), "utf8");
const version = JSON.parse(read("package.json")).version as string;

const SAMPLE = [
    "# Changelog",
    "## [Unreleased]",
    "- coming",
    "## [1.2.0] - 2026-11-30",
    "### Added",
    "- a thing",
    "",
    "## [1.1.0]",
    "- older",
    "[1.2.0]: https://example.com/compare",
].join("\n");

describe("release notes", function () {
    this.timeout(30_000);

    it("the CHANGELOG has a non-empty section for the package version", () => {
        expect(changelogSection(read("CHANGELOG.md"), version))
            .to.be.a("string")
            .and.not.equal("");
        expect(
            releaseProblems(
                `v${version}`,
                { package: version, policy: JSON.parse(read("policy/package.json")).version },
                read("CHANGELOG.md"),
            ),
        ).to.deep.equal([]);
    });

    it("changelogSection takes one version's section, up to the next heading or the link references", () => {
        expect(changelogSection(SAMPLE, "1.2.0")).to.equal("### Added\n- a thing");
        expect(changelogSection(SAMPLE, "1.1.0")).to.equal("- older");
        expect(changelogSection(SAMPLE, "1.2")).to.equal(undefined);
        expect(changelogSection(SAMPLE, "2.0.0")).to.equal(undefined);
    });

    it("releaseProblems names a wrong tag, a policy pack at another version and a missing or empty section", () => {
        expect(releaseProblems("v1.2.1", { package: "1.2.0", policy: "1.1.0" }, SAMPLE)).to.deep.equal([
            "tag v1.2.1 is not v1.2.0 (package.json version)",
            "policy/package.json is at 1.1.0, the package at 1.2.0",
        ]);
        expect(releaseProblems("v3.0.0", { package: "3.0.0", policy: "3.0.0" }, SAMPLE)).to.deep.equal([
            'CHANGELOG.md has no "## [3.0.0]" section',
        ]);
        expect(
            releaseProblems("v1.0.0", { package: "1.0.0", policy: "1.0.0" }, "## [1.0.0]\n\n## [0.9.0]"),
        ).to.deep.equal(["CHANGELOG.md's section for 1.0.0 is empty"]);
    });

    it("the script prints the notes for the right tag and exits 1 for another", () => {
        // As `npm run release-notes` runs it (package.json).
        expect(JSON.parse(read("package.json")).scripts["release-notes"]).to.equal(
            "node -r ./scripts/register.js scripts/release-notes.ts",
        );
        const run = (tag: string) =>
            spawnSync(process.execPath, ["-r", "./scripts/register.js", "scripts/release-notes.ts", tag], {
                cwd: ROOT,
                encoding: "utf8",
            });
        const ok = run(`v${version}`);
        expect(ok.status, ok.stderr).to.equal(0);
        expect(ok.stdout.trim()).to.equal(changelogSection(read("CHANGELOG.md"), version));
        const bad = run("v99.0.0");
        expect(bad.status).to.equal(1);
        expect(bad.stderr).to.include(`tag v99.0.0 is not v${version}`);
    });
});

/**
 * The GitHub release notes of a version: its section of CHANGELOG.md (Keep a
 * Changelog: `## [<version>]` up to the next `## ` heading or link
 * references). Run by the release workflow, which fails when the tag is not
 * `v<package version>`, the policy pack has another version, or the
 * CHANGELOG has no (or an empty) section for it.
 *
 *   npm run --silent release-notes -- v0.2.0 > notes.md
 */
import * as fs from "fs";
import * as path from "path";

/** The body of the `## [<version>]` section (trimmed), or undefined when there is none. */
export function changelogSection(markdown: string, version: string): string | undefined {
    const lines = markdown.split("\n");
    const escaped = version.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const start = lines.findIndex((l) => new RegExp(`^## \\[${escaped}\\](\\s|$)`).test(l));
    if (start < 0) return undefined;
    const rest = lines.slice(start + 1);
    const end = rest.findIndex((l) => l.startsWith("## ") || /^\[[^\]]+\]:\s/.test(l));
    return (end < 0 ? rest : rest.slice(0, end)).join("\n").trim();
}

/** Every reason the tag cannot be released, empty when it can. */
export function releaseProblems(
    tag: string,
    versions: { package: string; policy: string },
    changelog: string,
): string[] {
    const problems: string[] = [];
    if (tag !== `v${versions.package}`) problems.push(`tag ${tag} is not v${versions.package} (package.json version)`);
    if (versions.policy !== versions.package) {
        problems.push(`policy/package.json is at ${versions.policy}, the package at ${versions.package}`);
    }
    const section = changelogSection(changelog, versions.package);
    if (section === undefined) problems.push(`CHANGELOG.md has no "## [${versions.package}]" section`);
    else if (section === "") problems.push(`CHANGELOG.md's section for ${versions.package} is empty`);
    return problems;
}

if (require.main === module) {
    const root = path.resolve(__dirname, "..");
    const read = (f: string) => fs.readFileSync(path.join(root, f), "utf8");
    const tag = process.argv[2] ?? "";
    const versions = {
        package: JSON.parse(read("package.json")).version as string,
        policy: JSON.parse(read("policy/package.json")).version as string,
    };
    const changelog = read("CHANGELOG.md");
    const problems = releaseProblems(tag, versions, changelog);
    if (problems.length > 0) {
        console.error(`release-notes: cannot release ${JSON.stringify(tag)}:\n  - ${problems.join("\n  - ")}`);
        process.exit(1);
    }
    process.stdout.write(`${changelogSection(changelog, versions.package)}\n`);
}

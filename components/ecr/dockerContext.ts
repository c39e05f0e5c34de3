/**
 * Pure helpers of the image block: the ECR lifecycle policy, `.dockerignore`
 * rules, the content hash of a build context (the image tag), and the paths
 * the Docker provider receives.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";

/**
 * ECR lifecycle policy: untagged images expire after `untaggedDays`; of the
 * rest only the newest `keep` are kept. (ECR requires the `any` rule to have
 * the highest priority number.)
 */
export function ecrLifecyclePolicy(keep: number, untaggedDays: number): object {
    return {
        rules: [
            {
                rulePriority: 1,
                description: `Expire untagged images after ${untaggedDays} day${untaggedDays === 1 ? "" : "s"}`,
                selection: {
                    tagStatus: "untagged",
                    countType: "sinceImagePushed",
                    countUnit: "days",
                    countNumber: untaggedDays,
                },
                action: { type: "expire" },
            },
            {
                rulePriority: 2,
                description: `Keep the last ${keep} images`,
                selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: keep },
                action: { type: "expire" },
            },
        ],
    };
}

/** One `.dockerignore` rule. */
interface IgnoreRule {
    readonly negate: boolean;
    readonly re: RegExp;
}

/** Parses `.dockerignore` text (Docker's rules: `#` comments, `!` exceptions, `*`, `?`, `**`; last match wins). */
export function parseDockerignore(text: string): IgnoreRule[] {
    const rules: IgnoreRule[] = [];
    for (const raw of text.split(/\r?\n/)) {
        let line = raw.trim();
        if (line === "" || line.startsWith("#")) continue;
        const negate = line.startsWith("!");
        if (negate) line = line.slice(1).trim();
        line = path.posix.normalize(line.replace(/^\/+/, "")).replace(/\/+$/, "");
        if (line === "" || line === ".") continue;
        let re = "";
        for (let k = 0; k < line.length; k++) {
            const ch = line[k];
            if (ch === "*" && line[k + 1] === "*") {
                // `**/` matches any number of directories, including none.
                if (line[k + 2] === "/") {
                    re += "(?:.*/)?";
                    k += 2;
                } else {
                    re += ".*";
                    k += 1;
                }
            } else if (ch === "*") re += "[^/]*";
            else if (ch === "?") re += "[^/]";
            else re += ch.replace(/[.+^${}()|[\]\\]/g, "\\$&");
        }
        // A pattern that names a directory excludes everything below it.
        rules.push({ negate, re: new RegExp(`^${re}(?:/.*)?$`) });
    }
    return rules;
}

/** True when `.dockerignore` rules exclude a context-relative (posix) path. */
export function isIgnored(rules: readonly IgnoreRule[], relPath: string): boolean {
    let ignored = false;
    for (const r of rules) if (r.re.test(relPath)) ignored = !r.negate;
    return ignored;
}

/**
 * A content hash of a Docker build context: every file Docker would send
 * (`.dockerignore` applied), its path and bytes, plus the Dockerfile and the
 * platform. Used as the image tag, so a changed context gets a new immutable
 * tag and an unchanged one is not rebuilt.
 */
export function contextHash(contextDir: string, dockerfile: string, platform: string): string {
    const ignoreFile = path.join(contextDir, ".dockerignore");
    const rules = fs.existsSync(ignoreFile) ? parseDockerignore(fs.readFileSync(ignoreFile, "utf8")) : [];
    const files: string[] = [];
    const walk = (dir: string) => {
        for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
            const abs = path.join(dir, entry.name);
            const rel = path.relative(contextDir, abs).split(path.sep).join("/");
            // Directories are always walked: an exception (`!`) may re-include a file below an ignored one.
            if (entry.isDirectory()) walk(abs);
            else if ((entry.isFile() || entry.isSymbolicLink()) && !isIgnored(rules, rel)) files.push(rel);
        }
    };
    walk(contextDir);
    files.sort();
    const h = crypto.createHash("sha256");
    h.update(`platform\0${platform}\0`);
    h.update(`dockerfile\0${fs.readFileSync(dockerfile)}\0`);
    for (const rel of files) {
        h.update(`file\0${rel}\0`);
        h.update(fs.readFileSync(path.join(contextDir, rel)));
        h.update("\0");
    }
    return h.digest("hex");
}

/**
 * The build context and Dockerfile as the Docker provider receives them:
 * relative to the program's working directory (where the provider resolves
 * them too), with `/` separators. The provider diffs these strings: absolute
 * paths would differ between machines (a laptop, a CI runner), trigger a
 * rebuild of an unchanged context, and its push of the same tag would be
 * refused by the repository's immutable tags.
 */
export function dockerBuildPaths(
    contextDir: string,
    dockerfile: string,
    cwd: string,
): { context: string; dockerfile: string } {
    const rel = (p: string) => path.relative(cwd, p).split(path.sep).join("/") || ".";
    return { context: rel(contextDir), dockerfile: rel(dockerfile) };
}

/** Prefix of the tags the program's own builds push (see {@link imageTag}). */
export const BUILD_TAG_PREFIX = "build-";

/**
 * Image tag for a context hash. The tag is a name for humans only: the task
 * definition runs the pushed image by digest. It is excluded from the
 * repository's immutability ({@link repositoryTagMutability}) because the same
 * context can be pushed again with different bytes (an interrupted `up`,
 * another machine's file modes, a provider upgrade): an immutable tag would
 * then fail the deploy.
 */
export function imageTag(hash: string): string {
    return `${BUILD_TAG_PREFIX}${hash.slice(0, 20)}`;
}

/**
 * Tag mutability of the repository: every tag immutable (a release or CI tag
 * such as `git-<sha>` can never be moved) except the program's own build tags,
 * which a re-push may legitimately move (ECR `IMMUTABLE_WITH_EXCLUSION`).
 */
export function repositoryTagMutability(): {
    imageTagMutability: "IMMUTABLE_WITH_EXCLUSION";
    imageTagMutabilityExclusionFilters: { filter: string; filterType: "WILDCARD" }[];
} {
    return {
        imageTagMutability: "IMMUTABLE_WITH_EXCLUSION",
        imageTagMutabilityExclusionFilters: [{ filter: `${BUILD_TAG_PREFIX}*`, filterType: "WILDCARD" }],
    };
}

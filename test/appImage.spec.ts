/**
 * .github/scripts/app-image.sh, the workflows' image step, run for real by
 * bash with stand-ins for the pulumi, aws and docker CLIs on PATH (each logs
 * its arguments and answers as the scenario says): the first deployment
 * (no repository yet), a build and push by digest on linux/arm64, a re-run
 * that reuses the pushed digest, a preview's read of the latest digest.
 */
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const SCRIPT = path.resolve(__dirname, "..", ".github", "scripts", "app-image.sh");
const REPO = "123456789012.dkr.ecr.us-east-1.amazonaws.com/dev-web-repo-1a2b3c4";
const SHA = "0123456789abcdef0123456789abcdef01234567";
const OLD = `sha256:${"a".repeat(64)}`;
const NEW = `sha256:${"b".repeat(64)}`;

/** Stand-in CLIs: log "<cli> <args>" lines and answer from the scenario's environment variables. */
const STUBS: Record<string, string> = {
    pulumi: `echo "pulumi $*" >> "$STUB_LOG"; [ -n "$STUB_REPO" ] && echo "$STUB_REPO" || { echo "no output" >&2; exit 255; }`,
    aws: `echo "aws $*" >> "$STUB_LOG"
case "$*" in
  *get-login-password*) echo secret ;;
  *imageTag=*) if [ -n "$STUB_TAG_DIGEST" ]; then echo "$STUB_TAG_DIGEST"; else echo "not found" >&2; exit 254; fi ;;
  *sort_by*) echo "$STUB_LATEST" ;;
esac`,
    docker: `echo "docker $*" >> "$STUB_LOG"
[ "$1" = login ] && cat > /dev/null # reads the password from stdin, as docker does
while [ $# -gt 0 ]; do [ "$1" = "--metadata-file" ] && printf '{"containerimage.digest":"%s"}' "$STUB_BUILT" > "$2"; shift; done`,
};

function run(mode: string, env: Record<string, string>) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "app-image-"));
    try {
        for (const [cli, body] of Object.entries(STUBS)) {
            fs.writeFileSync(path.join(dir, cli), `#!/usr/bin/env bash\n${body}\n`, { mode: 0o755 });
        }
        const log = path.join(dir, "log");
        fs.writeFileSync(log, "");
        const r = spawnSync("bash", [SCRIPT, mode, "acme/aws-webapp/dev"], {
            encoding: "utf8",
            env: {
                PATH: `${dir}:${path.dirname(process.execPath)}:/usr/bin:/bin`,
                GITHUB_SHA: SHA,
                STUB_LOG: log,
                STUB_REPO: "",
                STUB_TAG_DIGEST: "",
                STUB_LATEST: "",
                STUB_BUILT: "",
                ...env,
            },
        });
        return {
            status: r.status,
            stdout: r.stdout.trim(),
            stderr: r.stderr,
            calls: fs.readFileSync(log, "utf8").trim().split("\n"),
        };
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

describe("app-image.sh (the workflows' image step)", function () {
    this.timeout(20_000);

    it("first deployment: no repository yet, no image, nothing built", () => {
        const r = run("push", {});
        expect(r.status).to.equal(0);
        expect(r.stdout).to.equal("");
        expect(r.calls).to.deep.equal(["pulumi stack output repositoryUrl --stack acme/aws-webapp/dev"]);
        expect(r.stderr).to.include("has no repositoryUrl output yet");
    });

    it("push: builds app/ for linux/arm64, pushes git-<sha> and prints the image by digest", () => {
        const r = run("push", { STUB_REPO: REPO, STUB_BUILT: NEW });
        expect(r.status, r.stderr).to.equal(0);
        expect(r.stdout).to.equal(`${REPO}@${NEW}`);
        const build = r.calls.find((c) => c.startsWith("docker buildx build"))!;
        expect(build).to.match(
            new RegExp(
                `--platform linux/arm64 --file app/Dockerfile --tag ${REPO}:git-${SHA} --metadata-file \\S+ --push app$`,
            ),
        );
        expect(r.calls).to.include(
            "docker login --username AWS --password-stdin 123456789012.dkr.ecr.us-east-1.amazonaws.com",
        );
    });

    it("push again for the same commit: reuses the pushed digest (immutable tags), builds nothing", () => {
        const r = run("push", { STUB_REPO: REPO, STUB_TAG_DIGEST: OLD });
        expect(r.status, r.stderr).to.equal(0);
        expect(r.stdout).to.equal(`${REPO}@${OLD}`);
        expect(r.calls.filter((c) => c.startsWith("docker"))).to.deep.equal([]);
        expect(r.calls).to.include(
            `aws ecr describe-images --repository-name dev-web-repo-1a2b3c4 --image-ids imageTag=git-${SHA} --query imageDetails[0].imageDigest --output text`,
        );
    });

    it("current (previews): the latest pushed digest, read-only", () => {
        const r = run("current", { STUB_REPO: REPO, STUB_LATEST: OLD });
        expect(r.status, r.stderr).to.equal(0);
        expect(r.stdout).to.equal(`${REPO}@${OLD}`);
        expect(r.calls.filter((c) => c.startsWith("docker") || c.includes("get-login-password"))).to.deep.equal([]);
    });

    it("fails without a digest rather than deploying a tag", () => {
        const r = run("current", { STUB_REPO: REPO, STUB_LATEST: "None" });
        expect(r.status).to.equal(1);
        expect(r.stdout).to.equal("");
        expect(r.stderr).to.include("no image digest");
    });
});

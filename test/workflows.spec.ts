/**
 * The GitHub Actions workflows, parsed: triggers, jobs, permissions, OIDC
 * instead of keys, the policy pack on every preview/up, and the npm commands
 * they run being real package.json scripts that the README documents.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";

const ROOT = path.resolve(__dirname, "..");
const DIR = path.join(ROOT, ".github", "workflows");

interface Step {
    readonly name?: string;
    readonly uses?: string;
    readonly run?: string;
    readonly with?: Record<string, unknown>;
    readonly env?: Record<string, unknown>;
}
interface Job {
    readonly "runs-on": string;
    readonly needs?: string | string[];
    readonly if?: string;
    readonly environment?: string | { name: string };
    readonly permissions?: Record<string, string>;
    readonly strategy?: { matrix?: Record<string, unknown> };
    readonly steps: Step[];
}
interface Workflow {
    readonly name: string;
    readonly on: Record<string, any>;
    readonly permissions?: Record<string, string>;
    readonly jobs: Record<string, Job>;
}

function load(file: string): Workflow {
    return yaml.load(fs.readFileSync(path.join(DIR, file), "utf8")) as Workflow;
}
const files = fs.readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f));
const workflows = Object.fromEntries(files.map((f) => [f, load(f)]));
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");

const allJobs = (): [string, string, Job][] =>
    Object.entries(workflows).flatMap(([f, w]) =>
        Object.entries(w.jobs).map(([id, j]) => [f, id, j] as [string, string, Job]),
    );
const uses = (job: Job, action: string) => job.steps.filter((s) => s.uses?.split("@")[0] === action);
const runs = (job: Job) => job.steps.flatMap((s) => (s.run ? [s.run] : []));
/** Effective permissions of a job (job level replaces workflow level, as GitHub does). */
const permissionsOf = (w: Workflow, job: Job) => job.permissions ?? w.permissions ?? {};

/** `npm ci`, `npm test`, `npm run <script>` commands in shell text, in order. */
export function npmCommands(shell: string): string[] {
    const found: string[] = [];
    const re = /\bnpm\s+(ci|test|run(?:\s+--[a-z-]+)*\s+([A-Za-z0-9:_-]+))/g;
    for (const m of shell.matchAll(re)) found.push(m[2] ? `npm run ${m[2]}` : `npm ${m[1]}`);
    return found;
}

describe("GitHub Actions workflows", () => {
    it("are the pull-request, deploy-dev and deploy-prod workflows", () => {
        expect(files.sort()).to.deep.equal(["deploy-dev.yml", "deploy-prod.yml", "pull-request.yml"]);
    });

    describe("pull request", () => {
        const w = workflows["pull-request.yml"];

        it("runs on pull requests to main, read-only by default", () => {
            expect(w.on.pull_request.branches).to.deep.equal(["main"]);
            expect(w.permissions).to.deep.equal({ contents: "read" });
        });

        it("job test: npm ci then npm test", () => {
            expect(npmCommands(runs(w.jobs.test).join("\n"))).to.deep.equal(["npm ci", "npm test"]);
        });

        it("job plan-diff: plans the base branch and diffs this one against it, posted as a PR comment", () => {
            const job = w.jobs["plan-diff"];
            const shell = runs(job).join("\n");
            expect(shell).to.match(/git worktree add "\$RUNNER_TEMP\/base" "origin\/\$\{\{ github\.base_ref \}\}"/);
            expect(shell).to.include('npm run --silent plan -- "$stack" --json --no-write');
            expect(shell).to.include('npm run --silent plan -- "$stack" --diff "$RUNNER_TEMP/base-$stack.json"');
            expect(shell).to.match(/for stack in dev prod/);
            const comment = uses(job, "actions/github-script");
            expect(comment).to.have.length(1);
            expect(String(comment[0].with?.script)).to.include("createComment");
            expect(permissionsOf(w, job)).to.deep.equal({ contents: "read", "pull-requests": "write" });
            expect(
                job.steps.some((s) => s.uses?.startsWith("aws-actions/")),
                "no AWS access",
            ).to.equal(false);
        });

        it("job preview: pulumi preview of dev and prod with the policy pack, commented on the PR, by OIDC", () => {
            const job = w.jobs.preview;
            expect(job.needs).to.equal("test");
            expect(job.strategy?.matrix?.stack).to.deep.equal(["dev", "prod"]);
            expect(job.if).to.include("github.event.pull_request.head.repo.full_name == github.repository");
            const [pulumi] = uses(job, "pulumi/actions");
            expect(pulumi.uses).to.equal("pulumi/actions@v6");
            expect(pulumi.with).to.include({
                command: "preview",
                "stack-name": "${{ matrix.stack }}",
                policyPacks: "policy",
                "comment-on-pr": true,
            });
            const [aws] = uses(job, "aws-actions/configure-aws-credentials");
            expect(aws.with?.["role-to-assume"]).to.equal("${{ vars.AWS_PREVIEW_ROLE_ARN }}");
            expect(permissionsOf(w, job)).to.deep.equal({
                contents: "read",
                "id-token": "write",
                "pull-requests": "write",
            });
            expect(npmCommands(runs(job).join("\n"))).to.deep.equal(["npm ci", "npm run build"]);
        });
    });

    it("every pulumi preview/up runs after npm run build (the program deploys the Lambda bundle it builds)", () => {
        let checked = 0;
        for (const [file, id, job] of allJobs()) {
            const pulumiAt = job.steps.findIndex((st) => st.uses?.startsWith("pulumi/actions@"));
            if (pulumiAt < 0) continue;
            const buildAt = job.steps.findIndex((st) => st.run === "npm run build");
            expect(buildAt, `${file} ${id}`).to.be.within(0, pulumiAt - 1);
            checked++;
        }
        expect(checked).to.equal(3);
    });

    describe("deployments", () => {
        it("push to main: npm ci, npm test, then pulumi up --stack dev with the policy pack", () => {
            const w = workflows["deploy-dev.yml"];
            expect(w.on.push.branches).to.deep.equal(["main"]);
            const job = w.jobs["deploy-dev"];
            expect(job.environment).to.equal(undefined); // OIDC subject: ref:refs/heads/main
            expect(npmCommands(runs(job).join("\n"))).to.deep.equal(["npm ci", "npm test", "npm run build"]);
            const [pulumi] = uses(job, "pulumi/actions");
            expect(pulumi.with).to.include({ command: "up", "stack-name": "dev", policyPacks: "policy" });
            expect(job.steps.indexOf(pulumi)).to.be.greaterThan(
                job.steps.findIndex((s) => s.run === "npm test"),
                "tests before up",
            );
        });

        it("prod: on a published release or a manual run, in the production environment", () => {
            const w = workflows["deploy-prod.yml"];
            expect(Object.keys(w.on).sort()).to.deep.equal(["release", "workflow_dispatch"]);
            expect(w.on.release.types).to.deep.equal(["published"]);
            const job = w.jobs["deploy-prod"];
            expect(job.environment).to.equal("production"); // approval gate; OIDC subject environment:production
            expect(npmCommands(runs(job).join("\n"))).to.deep.equal(["npm ci", "npm test", "npm run build"]);
            const [pulumi] = uses(job, "pulumi/actions");
            expect(pulumi.with).to.include({ command: "up", "stack-name": "prod", policyPacks: "policy" });
        });

        for (const file of ["deploy-dev.yml", "deploy-prod.yml"]) {
            it(`${file}: deploy role by OIDC, never two deployments of a stack at once`, () => {
                const w = workflows[file];
                const job = Object.values(w.jobs)[0];
                const [aws] = uses(job, "aws-actions/configure-aws-credentials");
                expect(aws.with?.["role-to-assume"]).to.equal("${{ vars.AWS_DEPLOY_ROLE_ARN }}");
                expect(permissionsOf(w, job)).to.deep.equal({ contents: "read", "id-token": "write" });
                expect((w as unknown as { concurrency: { "cancel-in-progress": boolean } }).concurrency).to.include({
                    "cancel-in-progress": false,
                });
            });
        }
    });

    describe("every workflow", () => {
        it("gets AWS access only by OIDC: every AWS step has a role, an id-token and no key", () => {
            for (const [file, id, job] of allJobs()) {
                const text = JSON.stringify(job);
                expect(text, `${file} ${id}`).to.not.match(
                    /aws-access-key-id|aws-secret-access-key|AWS_SECRET_ACCESS_KEY/i,
                );
                for (const step of uses(job, "aws-actions/configure-aws-credentials")) {
                    expect(step.uses, `${file} ${id}`).to.equal("aws-actions/configure-aws-credentials@v4");
                    expect(step.with?.["role-to-assume"], `${file} ${id}`).to.be.a("string");
                    expect(permissionsOf(workflows[file], job)["id-token"], `${file} ${id}`).to.equal("write");
                }
                if (uses(job, "pulumi/actions").length > 0) {
                    expect(uses(job, "aws-actions/configure-aws-credentials"), `${file} ${id}`).to.have.length(1);
                }
            }
        });

        it("grants write permissions only where needed (id-token for AWS, pull-requests for comments)", () => {
            for (const [file, id, job] of allJobs()) {
                const perms = permissionsOf(workflows[file], job);
                expect(perms.contents, `${file} ${id}`).to.equal("read");
                const writes = Object.keys(perms).filter((k) => perms[k] === "write");
                const needs: string[] = [];
                if (uses(job, "aws-actions/configure-aws-credentials").length > 0) needs.push("id-token");
                const comments =
                    uses(job, "actions/github-script").length > 0 ||
                    uses(job, "pulumi/actions").some((s) => s.with?.["comment-on-pr"] === true);
                if (comments) needs.push("pull-requests");
                expect(writes.sort(), `${file} ${id}`).to.deep.equal(needs.sort());
            }
        });

        it("pins actions to a major version", () => {
            for (const [file, id, job] of allJobs()) {
                for (const s of job.steps.filter((x) => x.uses)) {
                    expect(s.uses, `${file} ${id}`).to.match(/^[\w-]+\/[\w-]+@v\d+$/);
                }
            }
        });

        it("every npm script it runs exists in package.json", () => {
            for (const [file, id, job] of allJobs()) {
                for (const cmd of npmCommands(runs(job).join("\n"))) {
                    const script = cmd === "npm test" ? "test" : cmd.startsWith("npm run ") ? cmd.slice(8) : undefined;
                    if (script) expect(pkg.scripts, `${file} ${id}: ${cmd}`).to.have.property(script);
                }
            }
        });

        it("uses the commands the README documents (quick start `npm ci && npm test`, `npm run plan`)", () => {
            expect(readme).to.include("npm ci && npm test");
            const documented = new Set(npmCommands(readme));
            const used = new Set(allJobs().flatMap(([, , job]) => npmCommands(runs(job).join("\n"))));
            expect([...used].filter((c) => !documented.has(c)).sort()).to.deep.equal([]);
        });

        it("npmCommands reads commands the way a shell would see them", () => {
            expect(
                npmCommands('npm ci && npm test\nnpm run --silent plan -- "$s" --json\nnpm run build'),
            ).to.deep.equal(["npm ci", "npm test", "npm run plan", "npm run build"]);
        });
    });
});

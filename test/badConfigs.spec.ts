/**
 * The Bar of issue 14: every bad configuration of the kinds the issue lists
 * is refused with the key named and zero resources registered, through the
 * real program (index.ts) under the testing module's engine, and through
 * `npm run plan` in a child process (the reason printed, exit 1, never a
 * promise-leak message). Each case names only the key it expects; the
 * checks behind them are general rules (the shared tables, AWS's tag rules,
 * the EC2 placement rule, the provider's zone offerings), not these values.
 */
import { mocksReady } from "./harness/mocks";
import { readStackConfig, ROOT } from "./harness/stack";
import { expect } from "chai";
import { execFile } from "child_process";
import * as path from "path";
import { evaluateProgram, type ProgramOptions, type Recording } from "../components/testing";

interface Case {
    readonly kind: string;
    readonly stack: "dev" | "prod";
    readonly config: Record<string, unknown>;
    /** Keys the message must name (at the start of a problem line). */
    readonly keys: readonly string[];
    /** Engine options (zones, offerings). */
    readonly engine?: Partial<ProgramOptions>;
}

const manyTags = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, "v"]));

const CASES: readonly Case[] = [
    {
        kind: "nonexistent instance type",
        stack: "dev",
        config: { "aws-webapp:instanceType": "t4g.huge" },
        keys: ["aws-webapp:instanceType"],
    },
    {
        kind: "nonexistent instance family",
        stack: "prod",
        config: { "aws-webapp:instanceType": "x9z.large" },
        keys: ["aws-webapp:instanceType"],
    },
    {
        kind: "nonexistent DB class",
        stack: "prod",
        config: { "aws-webapp:dbInstanceClass": "db.t4g.giant" },
        keys: ["aws-webapp:dbInstanceClass"],
    },
    { kind: "nonexistent region", stack: "dev", config: { "aws:region": "us-east-7" }, keys: ["aws:region"] },
    {
        kind: "task larger than its instance",
        stack: "dev",
        config: { "aws-webapp:taskMemory": 4096 },
        keys: ["aws-webapp:taskMemory"],
    },
    {
        kind: "task CPU above the instance's",
        stack: "prod",
        config: { "aws-webapp:taskCpu": 4096, "aws-webapp:taskMemory": 1024 },
        keys: ["aws-webapp:taskCpu"],
    },
    {
        kind: "taskMemory 4096 (schema-valid) on prod's t4g.small",
        stack: "prod",
        config: { "aws-webapp:taskMemory": 4096 },
        keys: ["aws-webapp:taskMemory"],
    },
    {
        kind: "more tasks than the instances can place (awsvpc ENIs)",
        stack: "dev",
        config: { "aws-webapp:maxTasks": 3 },
        keys: ["aws-webapp:maxTasks"],
    },
    {
        kind: "more zones than the region has",
        stack: "dev",
        config: { "aws:region": "us-west-1", "aws-webapp:availabilityZones": 3 },
        keys: ["aws-webapp:availabilityZones"],
    },
    {
        kind: "more zones than offer the instance type",
        stack: "prod",
        config: {},
        keys: ["aws-webapp:availabilityZones"],
        engine: {
            unavailable: Object.fromEntries(["a", "b", "c", "d", "e"].map((z) => [`us-east-1${z}`, ["t4g.small"]])),
        },
    },
    {
        kind: "a pinned zone of another region",
        stack: "dev",
        config: { "aws-webapp:availabilityZoneNames": ["eu-west-1a", "us-east-1b"] },
        keys: ["aws-webapp:availabilityZoneNames[0]"],
    },
    {
        kind: "empty environment",
        stack: "prod",
        config: { "aws-webapp:environment": "" },
        keys: ["aws-webapp:environment"],
    },
    {
        kind: "empty instance type and CIDR",
        stack: "dev",
        config: { "aws-webapp:instanceType": "", "aws-webapp:vpcCidr": "" },
        keys: ["aws-webapp:instanceType", "aws-webapp:vpcCidr"],
    },
    {
        kind: "tag key with the aws: prefix",
        stack: "dev",
        config: { "aws-webapp:tags": { "aws:owner": "me" } },
        keys: ["aws-webapp:tags"],
    },
    { kind: "more than 50 tags", stack: "dev", config: { "aws-webapp:tags": manyTags }, keys: ["aws-webapp:tags"] },
    {
        kind: "tag key with a control character",
        stack: "prod",
        config: { "aws-webapp:tags": { "team\u0007": "x" } },
        keys: ["aws-webapp:tags"],
    },
    {
        kind: "near-miss namespace",
        stack: "dev",
        config: { "aws-webap:natStrategy": "Single" },
        keys: ["aws-webap:natStrategy"],
    },
    {
        kind: "unknown key",
        stack: "dev",
        config: { "aws-webapp:natStrategie": "Single" },
        keys: ["aws-webapp:natStrategie"],
    },
    {
        kind: "relative buildContext that is no directory of the project",
        stack: "dev",
        config: { "aws-webapp:buildContext": "../nowhere" },
        keys: ["aws-webapp:buildContext"],
    },
    {
        kind: "buildContext together with image",
        stack: "prod",
        config: { "aws-webapp:buildContext": "app", "aws-webapp:image": "nginx:1.27" },
        keys: ["aws-webapp:buildContext"],
    },
];

async function refusal(c: Case): Promise<string> {
    try {
        await evaluateProgram({
            program: path.join(ROOT, "index.ts"),
            stack: c.stack,
            config: { ...readStackConfig(c.stack), ...c.config },
            ...c.engine,
        });
    } catch (e: any) {
        const rec: Recording | undefined = e.recording;
        expect(rec, `${c.kind}: ${e.message}`).to.not.equal(undefined);
        expect(
            rec!.resources.map((r) => `${r.type} ${r.name}`),
            `${c.kind}: ${e.message}`,
        ).to.deep.equal([]);
        return String(e.message);
    }
    throw new Error(`${c.kind}: expected ${JSON.stringify(c.config)} to be refused`);
}

describe("bad configurations are refused with the key named, nothing registered", () => {
    before(() => mocksReady);

    for (const c of CASES) {
        it(c.kind, async function () {
            this.timeout(60000);
            const message = await refusal(c);
            expect(message).to.match(new RegExp(`^stack "${c.stack}" configuration: invalid`));
            for (const key of c.keys) expect(message, message).to.contain(`\n  - ${key}`);
        });
    }

    it("npm run plan prints every reason and exits 1 (child process), never a promise-leak message", function (done) {
        this.timeout(60000);
        const bad = ["aws-webapp:environment=", "aws-webapp:taskMemory=4096", "aws-webapp:buildContext=nowhere"];
        execFile(
            process.execPath,
            [
                path.join(ROOT, "scripts", "plan", "launch.js"),
                "dev",
                "--no-write",
                ...bad.flatMap((b) => ["--config", b]),
            ],
            // From another directory: the program's paths do not depend on the cwd.
            { cwd: path.join(ROOT, "docs") },
            (error, stdout, stderr) => {
                try {
                    expect(error?.code, stderr).to.equal(1);
                    expect(stdout).to.equal("");
                    expect(stderr).to.contain('stack "dev" configuration: invalid values');
                    expect(stderr).to.contain("aws-webapp:environment");
                    expect(stderr).to.contain("aws-webapp:taskMemory");
                    expect(stderr).to.contain("aws-webapp:buildContext");
                    expect(stderr).to.not.match(/promises? (were|was) still active/);
                    done();
                } catch (e) {
                    done(e);
                }
            },
        );
    });
});

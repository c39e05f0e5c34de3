/**
 * The environment-wide pre-pass (stacks/environment.ts, stacks/steps.ts):
 * configuration, zones and every component's resolver are judged before the
 * first registration, in one error naming the `aws-webapp:` keys; the zones
 * come from the provider's offerings.
 */
import { mocksReady } from "./harness/mocks";
import { readStackConfig, ROOT } from "./harness/stack";
import { expect } from "chai";
import * as path from "path";
import { evaluateProgram, type ProgramOptions, type Recording } from "../components/testing";
import { renameProblem, standInOf, step, unknownOutput, validateSteps } from "../stacks/steps";
import { parseEnvironmentConfig } from "../stacks/config";
import * as pulumi from "@pulumi/pulumi";

const PROGRAM = path.join(ROOT, "index.ts");

/** Evaluates the real program for a stack with config overrides (and engine options). */
function run(stack: string, overrides: Record<string, unknown>, engine: Partial<ProgramOptions> = {}) {
    return evaluateProgram({
        program: PROGRAM,
        stack,
        config: { ...readStackConfig(stack), ...overrides },
        ...engine,
    });
}

/** The refusal of a configuration: its message, with zero resources registered. */
async function refusal(stack: string, overrides: Record<string, unknown>, engine: Partial<ProgramOptions> = {}) {
    try {
        await run(stack, overrides, engine);
    } catch (e: any) {
        const rec: Recording | undefined = e.recording;
        expect(rec, "the error carries the recording").to.not.equal(undefined);
        expect(
            rec!.resources.map((r) => r.type),
            String(e.message),
        ).to.deep.equal([]);
        expect(e.name, String(e.message)).to.equal("ValidationError");
        return String(e.message);
    }
    throw new Error(`expected ${JSON.stringify(overrides)} to be refused`);
}

const subnetZones = (rec: Recording) =>
    rec
        .ofType("awsx:ec2:Vpc")
        .flatMap((v) => v.inputs.availabilityZoneNames ?? [])
        .map(String);

describe("environment pre-pass", () => {
    before(() => mocksReady);
    // Each evaluation of the whole program takes a few hundred milliseconds (more on a loaded machine).
    const slow = 60000;

    describe("steps (pure)", () => {
        it("renames a resolver's problem to the configuration key, naming the component", () => {
            const s = step({
                ref: "vpc",
                component: "SecureVpc",
                name: () => "dev-vpc",
                args: () => ({}),
                validate: () => undefined,
                create: () => undefined as never,
                keys: { cidrBlock: "vpcCidr", vpcId: "" },
            });
            const c = parseEnvironmentConfig({}, "dev", "us-east-1");
            expect(renameProblem(s, "dev-vpc", 'cidrBlock: "x" is not a valid IPv4 CIDR block', c)).to.equal(
                'aws-webapp:vpcCidr (SecureVpc "dev-vpc" argument cidrBlock): "x" is not a valid IPv4 CIDR block',
            );
            expect(renameProblem(s, "dev-vpc", "taskMemory: 9 is too small", c)).to.equal(
                'aws-webapp:taskMemory (SecureVpc "dev-vpc" argument taskMemory): 9 is too small',
            );
            expect(renameProblem(s, "dev-vpc", "tags[3]: bad", c)).to.equal(
                'aws-webapp:tags[3] (SecureVpc "dev-vpc" argument tags[3]): bad',
            );
            expect(renameProblem(s, "dev-vpc", "vpcId: is required", c)).to.equal(
                'SecureVpc "dev-vpc" argument vpcId: is required',
            );
            expect(renameProblem(s, "dev-vpc", "a free-form line", c)).to.equal(
                'SecureVpc "dev-vpc": a free-form line',
            );
        });

        it("later steps see stand-ins: plain properties as given, unknown Outputs for the rest", async () => {
            const stand = standInOf<{ flag: boolean; id: pulumi.Output<string> }>({ flag: true });
            expect(stand.flag).to.equal(true);
            expect(pulumi.Output.isInstance(stand.id)).to.equal(true);
            expect(await (stand.id as any).isKnown).to.equal(false);
            let ran = false;
            unknownOutput<string>().apply(() => (ran = true));
            await new Promise((r) => setImmediate(r));
            expect(ran).to.equal(false);
        });

        it("collects every step's problems; a disabled step is not judged", () => {
            const seen: unknown[] = [];
            const fail =
                (line: string): (() => unknown) =>
                () => {
                    throw Object.assign(new Error(line), { name: "ValidationError", problems: [line] });
                };
            const c = parseEnvironmentConfig({}, "dev", "us-east-1");
            const problems = validateSteps(
                [
                    step({
                        ref: "vpc",
                        component: "A",
                        name: () => "a",
                        args: () => ({}),
                        validate: fail("x: 1 bad"),
                        create: () => undefined as never,
                    }),
                    step({
                        ref: "db",
                        component: "B",
                        name: () => "b",
                        args: (_c, refs) => {
                            seen.push(refs.vpc.vpcId);
                            return {};
                        },
                        validate: fail("instanceClass: 2 bad"),
                        create: () => undefined as never,
                        keys: { instanceClass: "dbInstanceClass" },
                    }),
                    step({
                        ref: "site",
                        component: "C",
                        name: () => "c",
                        enabled: () => false,
                        args: () => ({}),
                        validate: fail("never"),
                        create: () => undefined as never,
                    }),
                ],
                c,
            );
            expect(problems).to.deep.equal([
                'A "a" argument x: 1 bad',
                'aws-webapp:dbInstanceClass (B "b" argument instanceClass): 2 bad',
            ]);
            expect(pulumi.Output.isInstance(seen[0])).to.equal(true);
        });
    });

    describe("the real program", () => {
        it("refuses a component-level problem with the key and the component, registering nothing", async function () {
            this.timeout(slow);
            const message = await refusal("dev", { "aws-webapp:buildContext": "no-such-dir" });
            expect(message).to.contain('stack "dev" configuration');
            expect(message).to.match(
                /aws-webapp:buildContext \(EcsEc2Service "dev-web" argument buildContext\): ".*no-such-dir" is not an existing directory/,
            );
        });

        it("reports schema, cross-field and component problems together in one error", async function () {
            this.timeout(slow);
            const message = await refusal("dev", {
                "aws-webapp:environment": "",
                "aws-webapp:buildContext": "no-such-dir",
                "aws-webapp:minTasks": 3,
            });
            expect(message).to.contain('aws-webapp:environment: "" is not one of "dev", "prod"');
            expect(message).to.contain("aws-webapp:minTasks: 3 is greater than aws-webapp:maxTasks (2)");
            expect(message).to.contain("aws-webapp:buildContext (EcsEc2Service");
        });

        it("resolves a relative buildContext against the project directory, whatever the cwd", async function () {
            this.timeout(slow);
            const cwd = process.cwd();
            process.chdir(path.join(ROOT, "docs"));
            try {
                const { recording } = await run("dev", { "aws-webapp:buildContext": "app" });
                const image = recording.one("docker:index/image:Image");
                // The provider resolves the context against the program's working directory.
                expect(path.resolve(process.cwd(), image.inputs.build.context)).to.equal(path.join(ROOT, "app"));
            } finally {
                process.chdir(cwd);
            }
        });
    });

    describe("zones from the provider", () => {
        it("chooses the region's first zones offering the instance type and the DB class", async function () {
            this.timeout(slow);
            // prod: an RDS instance (db.t4g.micro); dev: Aurora Serverless v2 (db.serverless).
            const { recording } = await run(
                "prod",
                {},
                { unavailable: { "us-east-1a": ["t4g.small"], "us-east-1b": ["db.t4g.micro"] } },
            );
            expect(subnetZones(recording)).to.deep.equal(["us-east-1c", "us-east-1d"]);
            const dev = await run("dev", {}, { unavailable: { "us-east-1a": ["db.serverless"] } });
            expect(subnetZones(dev.recording)).to.deep.equal(["us-east-1b", "us-east-1c"]);
        });

        it("refuses more zones than offer the configuration, naming the key and the missing offerings", async function () {
            this.timeout(slow);
            const lacking = Object.fromEntries(["a", "b", "c", "d", "e"].map((z) => [`us-east-1${z}`, ["t4g.micro"]]));
            const message = await refusal("dev", {}, { unavailable: lacking });
            expect(message).to.contain(
                "aws-webapp:availabilityZones: 2 is more than the 1 zones of us-east-1 that offer aws-webapp:instanceType t4g.micro and aws-webapp:dbMode serverless (db.serverless) (us-east-1f;",
            );
            expect(message).to.contain("us-east-1a does not offer aws-webapp:instanceType t4g.micro");
        });

        it("refuses more zones than the provider lists for the region", async function () {
            this.timeout(slow);
            const message = await refusal(
                "dev",
                { "aws-webapp:availabilityZones": 3 },
                { zones: ["us-east-1a", "us-east-1b"] },
            );
            expect(message).to.contain(
                "aws-webapp:availabilityZones: 3 is more than the 2 availability zones the provider lists for us-east-1 (us-east-1a, us-east-1b)",
            );
        });

        it("uses pinned zones, and refuses a pinned zone that lacks the DB class", async function () {
            this.timeout(slow);
            const pinned = { "aws-webapp:availabilityZoneNames": ["us-east-1f", "us-east-1c"] };
            const { recording } = await run("dev", pinned);
            expect(subnetZones(recording)).to.deep.equal(["us-east-1f", "us-east-1c"]);
            const message = await refusal("prod", pinned, { unavailable: { "us-east-1c": ["db.t4g.micro"] } });
            expect(message).to.contain(
                'aws-webapp:availabilityZoneNames[1]: "us-east-1c" does not offer aws-webapp:dbInstanceClass db.t4g.micro',
            );
        });
    });
});

/**
 * What makes an example a standalone project a user can copy out of the
 * repository and deploy as written, checked on its files and on its
 * evaluation as a consumer (exampleRuns.ts): its own package.json
 * (depending on the library by name, at a range the current version
 * satisfies, and on the peers at the library's ranges), Pulumi.yaml, a
 * Pulumi.<stack>.yaml with sample values, a README with the commands to
 * preview and deploy, no path into the repository; and a program that
 * evaluates without error, registers its component, resolves every output
 * and runs images that serve the ports their health checks probe.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { EXAMPLES, exampleNames, readExample, type ExampleFiles, type ExampleRun } from "./exampleRuns";

/** The component each example is about (its docs page links it). */
export const EXAMPLE_COMPONENTS: Record<string, string> = {
    "secure-vpc": "SecureVpc",
    "ecs-ec2-service": "EcsEc2Service",
    "shared-cluster": "EcsCluster",
    "shared-http-api": "HttpApiGateway",
    "postgres-db": "PostgresDb",
    "image-pipeline": "ImagePipeline",
    "billing-alarm": "BillingAlarm",
    "github-deploy-role": "GithubDeployRole",
    "static-site": "StaticSite",
};

interface Library {
    readonly name: string;
    readonly version: string;
    readonly peerDependencies: Record<string, string>;
}

/** An image reference the example can pull without building: a registry host, a repository and a tag or digest. */
const PUBLIC_IMAGE = /^(docker\.io|public\.ecr\.aws|ghcr\.io|quay\.io)\/[a-z0-9._/-]+(:[\w.-]+|@sha256:[0-9a-f]{64})$/;

function checkFiles(e: ExampleFiles, library: Library, semver: { satisfies(v: string, r: string): boolean }) {
    const { dependencies = {}, devDependencies = {} } = e.packageJson;
    expect(e.packageJson.private, "private").to.equal(true);
    expect(Object.keys(dependencies).sort(), "dependencies").to.deep.equal(
        [library.name, "@pulumi/aws", "@pulumi/pulumi"].sort(),
    );
    expect(semver.satisfies(library.version, dependencies[library.name]), dependencies[library.name]).to.equal(true);
    for (const [peer, range] of Object.entries(library.peerDependencies)) {
        expect(dependencies[peer], peer).to.equal(range);
    }
    expect(devDependencies, "devDependencies").to.have.keys("typescript", "@types/node");
    expect(e.project.name).to.equal(e.packageJson.name);
    expect(e.project.runtime).to.deep.equal({ name: "nodejs", options: { typescript: true } });
    expect(e.tsconfig.compilerOptions).to.include({ strict: true, module: "node16", moduleResolution: "node16" });
    expect(e.tsconfig.files).to.deep.equal(["index.ts"]);
    const stacks = Object.keys(e.stacks);
    expect(stacks, "Pulumi.<stack>.yaml").to.not.be.empty;
    for (const stack of stacks) {
        expect(e.stacks[stack]["aws:region"], `${stack}: aws:region`).to.be.a("string");
        for (const key of Object.keys(e.stacks[stack])) {
            expect(key, `${stack}: ${key} in this project's namespace or aws`).to.match(
                new RegExp(`^(aws|${e.project.name}):`),
            );
            const name = key.slice(key.indexOf(":") + 1);
            if (key.startsWith(`${e.project.name}:`)) expect(e.source, `${key} is read`).to.include(`"${name}"`);
        }
        const commands = /```sh\n([\s\S]*?)```/.exec(e.readme)?.[1] ?? "";
        expect(commands, "README commands").to.include(`pulumi preview --stack ${stack}`);
        expect(commands, "README commands").to.include(`pulumi up --stack ${stack}`);
        expect(commands, "README commands").to.include("npm install");
    }
    expect(e.source).to.match(new RegExp(`import \\{[^}]*\\} from "${library.name.replace("/", "\\/")}";`));
    expect(e.source, "no relative import").to.not.match(/from "\.\.?\//);
    expect(e.source, "no path out of the example").to.not.match(/"\.\."/);
}

/** Every container of the example's task definitions serves what its checks probe; images built here, from here. */
function checkContainers(name: string, run: ExampleRun) {
    const dir = path.join(EXAMPLES, name);
    for (const b of run.recording.ofType("docker:index/image:Image")) {
        const { context, dockerfile } = b.inputs.build ?? {};
        expect(path.isAbsolute(context) || String(context).startsWith(".."), `${b.name}: context ${context}`).to.equal(
            false,
        );
        expect(fs.existsSync(path.join(dir, dockerfile ?? path.join(context, "Dockerfile"))), `${b.name}: Dockerfile`)
            .to.be.true;
    }
    const tgs = run.recording.ofType("aws:lb/targetGroup:TargetGroup");
    for (const td of run.recording.ofType("aws:ecs/taskDefinition:TaskDefinition")) {
        for (const c of JSON.parse(td.inputs.containerDefinitions)) {
            const port = c.portMappings[0].containerPort;
            const builds = run.recording.ofType("docker:index/image:Image");
            if (!builds.some((b) => b.state.repoDigest === c.image)) {
                expect(c.image, `${td.name}: a public image`).to.match(PUBLIC_IMAGE);
            }
            expect(c.healthCheck.command.join(" "), `${td.name}: container check on its port`).to.include(
                `127.0.0.1:${port}`,
            );
            for (const tg of tgs.filter((t) => t.name.startsWith(td.name.replace(/-task$/, "")))) {
                expect(tg.inputs.port, tg.name).to.equal(port);
                expect(c.healthCheck.command.join(" "), `${tg.name}: same path`).to.include(tg.inputs.healthCheck.path);
            }
        }
    }
}

/** The describes of every example; `run(name)` is the example's evaluation, `library` the packed manifest. */
export function describeExampleProjects(run: (name: string) => ExampleRun, library: () => Library): void {
    describe("every example is a standalone project", () => {
        const semver = require("semver") as { satisfies(v: string, r: string): boolean };

        it("one per documented component, and no other directory", () => {
            expect(exampleNames()).to.deep.equal(Object.keys(EXAMPLE_COMPONENTS).sort());
        });

        for (const [name, component] of Object.entries(EXAMPLE_COMPONENTS)) {
            describe(name, () => {
                it("has its package.json (the library by name), Pulumi.yaml, sample stack config and README", () =>
                    checkFiles(readExample(name), library(), semver));

                it(`evaluates without error through the packed testing module and registers a ${component}`, () => {
                    const r = run(name);
                    expect(r.error, "error").to.equal(undefined);
                    expect(r.recording.ofType(`aws-webapp:index:${component}`)).to.have.length.greaterThan(0);
                    for (const [k, v] of Object.entries(r.outputs)) expect(v, `output ${k}`).to.not.equal(null);
                    expect(Object.keys(r.outputs), "outputs").to.not.be.empty;
                });

                it("runs images that serve the ports and paths their health checks probe", () =>
                    checkContainers(name, run(name)));
            });
        }
    });
}

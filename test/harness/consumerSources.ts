/**
 * The consumer project's own files: a program composing SecureVpc,
 * EcsEc2Service and PostgresDb from the packed library, and a mocha test of
 * it written against the library's public testing module. The library's
 * package name is a parameter (read from package.json), never spelled here.
 */

/** tsconfig.json of the consumer: strict, Node's own module resolution (the package's `exports`). */
export function consumerTsconfig(typeRoots: string): Record<string, unknown> {
    return {
        compilerOptions: {
            strict: true,
            target: "ES2022",
            module: "node16",
            moduleResolution: "node16",
            outDir: "out",
            rootDir: ".",
            types: ["node", "mocha", "chai"],
            typeRoots: [typeRoots],
            skipLibCheck: true,
            noUnusedLocals: true,
        },
        // The repository's examples, staged under examples/ (exampleRuns.ts), compile with the program.
        include: ["index.ts", "test/**/*.ts", "examples/*/index.ts"],
    };
}

/** index.ts: the consumer's Pulumi program. */
export function consumerProgram(library: string): string {
    return `import { EcsEc2Service, PostgresDb, SecureVpc } from "${library}";

const zones = 2;
const vpc = new SecureVpc("shop", { natStrategy: "Single", availabilityZoneCount: zones });

const api = new EcsEc2Service("api", {
    vpcId: vpc.vpcId,
    cidrBlock: vpc.cidrBlock,
    instanceSubnetIds: vpc.egressSubnetIds,
    instancePublicIp: vpc.egressSubnetTier === "public",
    serviceSubnetIds: vpc.privateSubnetIds,
    albSubnetIds: vpc.publicSubnetIds,
    instanceType: "t4g.small",
    minInstances: 1,
    maxInstances: 2,
    desiredInstances: 1,
    taskCpu: 256,
    taskMemory: 512,
    containerPort: 3000,
    image: "public.ecr.aws/docker/library/node:22-alpine",
    logRetentionDays: 7,
});

const db = new PostgresDb("orders", {
    vpcId: vpc.vpcId,
    isolatedSubnetIds: Array.from({ length: zones }, (_, i) => vpc.isolatedSubnetIds.apply((ids) => ids[i])),
    allowedSecurityGroupIds: [api.serviceSecurityGroupId],
    instanceClass: "db.t4g.micro",
    allocatedStorageGb: 20,
    backupRetentionDays: 7,
    logRetentionDays: 7,
});

export const url: typeof api.url = api.url;
export const databaseAddress = db.address;
export const databaseSecurityGroupId = db.securityGroupId;
`;
}

/** test/program.test.ts: the consumer's mocha test, through `<library>/testing` only. */
export function consumerTest(library: string): string {
    return `import * as assert from "node:assert/strict";
import { evaluateProgram, type ProgramEvaluation, type Registration } from "${library}/testing";

describe("the shop program", function () {
    this.timeout(60000);
    let shop: ProgramEvaluation;

    before(async () => {
        shop = await evaluateProgram({
            program: require.resolve("../index"),
            project: "shop",
            stack: "dev",
            config: { "aws:region": "eu-west-1" },
        });
    });

    const byType = (type: string): Registration[] => shop.recording.ofType(type);

    it("keeps the database in the VPC's isolated subnets, encrypted and private", () => {
        const group = shop.recording.one("aws:rds/subnetGroup:SubnetGroup");
        assert.deepEqual(group.inputs.subnetIds, ["subnet-isolated-eu-west-1a", "subnet-isolated-eu-west-1b"]);
        const instance = shop.recording.one("aws:rds/instance:Instance");
        assert.equal(instance.inputs.publiclyAccessible, false);
        assert.equal(instance.inputs.storageEncrypted, true);
    });

    it("lets only the service's tasks reach the database", () => {
        const service = shop.recording.one("aws:ecs/service:Service");
        const taskGroups: string[] = service.inputs.networkConfiguration.securityGroups;
        const rules = byType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter(
            (r) => r.inputs.securityGroupId === shop.outputs.databaseSecurityGroupId,
        );
        assert.ok(rules.length > 0, "the database security group has ingress rules");
        for (const rule of rules) {
            assert.equal(rule.inputs.cidrIpv4, undefined);
            assert.ok(taskGroups.includes(rule.inputs.referencedSecurityGroupId), JSON.stringify(rule.inputs));
        }
    });

    it("runs the tasks in the private subnets of both zones", () => {
        const service = shop.recording.one("aws:ecs/service:Service");
        assert.deepEqual([...service.inputs.networkConfiguration.subnets].sort(), [
            "subnet-private-eu-west-1a",
            "subnet-private-eu-west-1b",
        ]);
    });

    it("asks awsx for one NAT gateway and two zones", () => {
        const vpc = shop.recording.one("awsx:ec2:Vpc");
        assert.equal(vpc.inputs.natGateways.strategy, "Single");
        assert.equal(vpc.inputs.availabilityZoneNames.length, 2);
    });

    it("exports the service URL and the database address", () => {
        assert.match(String(shop.outputs.url), /^https?:\\/\\//);
        assert.equal(typeof shop.outputs.databaseAddress, "string");
    });
});
`;
}

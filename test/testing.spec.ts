/**
 * The public testing module itself (components/testing): engines are
 * independent instances, awsx's remote Vpc gets realistic outputs per NAT
 * strategy, registrations carry their options, and a whole program runs
 * under a fresh engine that leaves the runtime as it found it.
 */
import * as aws from "@pulumi/aws";
import * as awsxEc2 from "@pulumi/awsx/ec2";
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { SecureVpc } from "../components";
import { evaluateProgram, MockEngine, valueOf } from "../components/testing";
import { engine as shared } from "./harness/mocks";

describe("testing module (MockEngine)", () => {
    const engine = new MockEngine({ stack: "unit", project: "shop", region: "eu-west-1" });
    before(() => engine.install());
    // Other spec files of this worker record through the shared engine.
    after(() => shared.install());

    it("answers with the engine's own region, account, stack and project", async () => {
        const rec = await engine.record(() => new aws.sns.Topic("alerts", { name: "alerts" }));
        const topic = rec.one("aws:sns/topic:Topic");
        expect(topic.state.arn).to.equal("arn:aws:sns:eu-west-1:123456789012:alerts");
        expect(topic.urn).to.equal("urn:pulumi:unit::shop::aws:sns/topic:Topic::alerts");
        expect(await valueOf(aws.getRegionOutput().region)).to.equal("eu-west-1");
    });

    it("keeps its state per instance: another engine has its own recording, counter and region", async () => {
        const other = new MockEngine({ region: "ap-southeast-2", accountId: "210987654321" });
        try {
            await other.install();
            const rec = await other.record(() => new aws.ec2.SecurityGroup("sg", {}));
            expect(rec.one("aws:ec2/securityGroup:SecurityGroup").state.arn).to.match(
                /^arn:aws:ec2:ap-southeast-2:210987654321:security-group\/sg-[0-9a-f]{17}$/,
            );
            expect(other.serial).to.equal(1);
        } finally {
            await engine.install();
        }
        const mine = await engine.record(() => new aws.ec2.SecurityGroup("sg2", {}));
        expect(mine.resources.map((r) => r.name)).to.deep.equal(["sg2"]);
        expect(mine.one("aws:ec2/securityGroup:SecurityGroup").state.arn).to.include(":eu-west-1:123456789012:");
    });

    for (const [strategy, expected] of [
        ["None", []],
        ["Single", ["subnet-public-eu-west-1a"]],
        ["OnePerAz", ["subnet-public-eu-west-1a", "subnet-public-eu-west-1b"]],
    ] as const) {
        it(`gives awsx's remote Vpc NAT gateways per strategy (${strategy}) and route table associations`, async () => {
            let vpc!: awsxEc2.Vpc;
            await engine.record(() => {
                vpc = new awsxEc2.Vpc(`net-${strategy}`, {
                    availabilityZoneNames: ["eu-west-1a", "eu-west-1b"],
                    natGateways: { strategy },
                    subnetSpecs: [{ type: "Public" }, { type: "Private" }, { type: "Isolated" }],
                });
            });
            const nats = await valueOf(vpc.natGateways);
            expect(await Promise.all(nats.map((n) => valueOf(n.subnetId)))).to.deep.equal(expected);
            expect(await valueOf(vpc.isolatedSubnetIds)).to.deep.equal([
                "subnet-isolated-eu-west-1a",
                "subnet-isolated-eu-west-1b",
            ]);
            const associations = await valueOf(vpc.routeTableAssociations);
            const pairs = await Promise.all(
                associations.map((a) =>
                    valueOf(pulumi.all([a.subnetId, a.routeTableId]).apply(([s, t]) => `${s}>${t}`)),
                ),
            );
            expect(pairs).to.have.length(6);
            expect(pairs).to.include("subnet-private-eu-west-1b>rtb-private-eu-west-1b");
        });
    }

    it("gives SecureVpc's S3 gateway endpoint the route tables of its subnets", async () => {
        const rec = await engine.record(() => new SecureVpc("main", { availabilityZoneCount: 2, natStrategy: "None" }));
        const gateway = rec
            .ofType("aws:ec2/vpcEndpoint:VpcEndpoint")
            .find((e) => String(e.inputs.serviceName).endsWith(".s3") && e.inputs.vpcEndpointType === "Gateway");
        expect(gateway, "S3 gateway endpoint").to.not.equal(undefined);
        expect(gateway!.inputs.routeTableIds).to.not.be.empty;
        for (const id of gateway!.inputs.routeTableIds) expect(id).to.match(/^rtb-[a-z]+-eu-west-1[ab]$/);
    });

    it("gives SecureVpc's NAT instances (strategy Instance) awsx's NAT-less VPC and each zone's private route table", async () => {
        const rec = await engine.record(
            () => new SecureVpc("edge", { availabilityZoneCount: 2, natStrategy: "Instance" }),
        );
        const awsx = rec.one("awsx:ec2:Vpc");
        expect(awsx.inputs.natGateways).to.deep.equal({ strategy: "None" });
        expect(awsx.state.natGateways).to.deep.equal([]);
        const routeTables = rec
            .ofType("aws:iam/rolePolicy:RolePolicy")
            .filter((p) => /^edge-nat-\d-policy$/.test(p.name))
            .map((p) => JSON.parse(p.inputs.policy).Statement[0].Resource);
        expect(routeTables).to.deep.equal([
            ["arn:aws:ec2:eu-west-1:123456789012:route-table/rtb-private-eu-west-1a"],
            ["arn:aws:ec2:eu-west-1:123456789012:route-table/rtb-private-eu-west-1b"],
        ]);
        expect(rec.ofType("aws:autoscaling/group:Group").map((g) => g.inputs.vpcZoneIdentifiers)).to.deep.equal([
            ["subnet-public-eu-west-1a"],
            ["subnet-public-eu-west-1b"],
        ]);
    });

    it("records the options of a registration: parent, protect, dependencies, aliases, secrets", async () => {
        const rec = await engine.record(() => {
            const parent = new pulumi.ComponentResource("shop:index:Thing", "thing");
            const key = new aws.kms.Key("key", {}, { parent, protect: true, aliases: [{ name: "old-key" }] });
            new aws.secretsmanager.SecretVersion(
                "v",
                { secretId: "s", secretString: pulumi.secret("hunter2") },
                { dependsOn: [key], ignoreChanges: ["secretString"] },
            );
        });
        const thing = rec.one("shop:index:Thing");
        const key = rec.one("aws:kms/key:Key");
        expect(key.parent).to.equal(thing.urn);
        expect(rec.childrenOf(thing).map((r) => r.name)).to.deep.equal(["key"]);
        expect(key.protect).to.equal(true);
        // The SDK fills in the parent the alias keeps.
        expect(key.aliases).to.deep.equal([
            {
                name: "old-key",
                type: undefined,
                stack: undefined,
                project: undefined,
                parentUrn: thing.urn,
                noParent: false,
            },
        ]);
        const version = rec.one("aws:secretsmanager/secretVersion:SecretVersion");
        expect(version.dependencies).to.include(key.urn);
        expect(version.secretInputs).to.deep.equal(["secretString"]);
        expect(version.inputs.secretString).to.equal("hunter2");
        expect(version.ignoreChanges).to.deep.equal(["secretString"]);
    });

    it("takes further data sources and resource types as options", async () => {
        const custom = new MockEngine({
            calls: { "aws:index/getCallerIdentity:getCallerIdentity": () => ({ accountId: "000000000000" }) },
            resources: { "aws:sns/topic:Topic": (name) => ({ arn: `custom:${name}` }) },
        });
        try {
            await custom.install();
            let account: pulumi.Output<string> | undefined;
            const rec = await custom.record(() => {
                new aws.sns.Topic("t");
                account = aws.getCallerIdentityOutput().accountId;
            });
            expect(rec.one("aws:sns/topic:Topic").state.arn).to.equal("custom:t");
            expect(await valueOf(account!)).to.equal("000000000000");
        } finally {
            await engine.install();
        }
    });

    it("failsBeforeRegistering returns the message, and refuses an error after a registration", async () => {
        expect(
            await engine.failsBeforeRegistering(() => {
                throw new Error("bad args");
            }),
        ).to.equal("bad args");
        const late = await engine
            .failsBeforeRegistering(() => {
                new aws.sns.Topic("early");
                throw new Error("too late");
            })
            .catch((e: Error) => e.message);
        expect(late).to.equal("expected no registrations before the error, found aws:sns/topic:Topic");
    });

    it("evaluateProgram runs a program under a fresh engine, then restores the engine and config", async () => {
        pulumi.runtime.setAllConfig({ "shop:before": "kept" });
        const evaluation = await evaluateProgram({
            project: "shop",
            stack: "staging",
            config: { "aws:region": "us-west-2", "shop:size": 3, "shop:name": "orders" },
            program: () => {
                const config = new pulumi.Config("shop");
                const topic = new aws.sns.Topic(config.require("name"));
                return { arn: topic.arn, size: config.requireNumber("size") };
            },
        });
        expect(evaluation.outputs).to.deep.equal({ arn: "arn:aws:sns:us-west-2:123456789012:orders", size: 3 });
        expect(evaluation.config).to.deep.equal({ "aws:region": "us-west-2", "shop:size": "3", "shop:name": "orders" });
        expect(evaluation.recording.one("aws:sns/topic:Topic").urn).to.equal(
            "urn:pulumi:staging::shop::aws:sns/topic:Topic::orders",
        );
        expect(MockEngine.installed).to.equal(engine);
        expect(pulumi.runtime.allConfig()).to.deep.equal({ "shop:before": "kept" });
        pulumi.runtime.setAllConfig({});
    });
});

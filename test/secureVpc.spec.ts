import {
    ACCOUNT_ID,
    failsBeforeRegistering,
    mocksReady,
    record,
    Recording,
    Registration,
    valueOf,
} from "./harness/mocks";
import { expect } from "chai";
import * as fc from "fast-check";
import { SecureVpc, SecureVpcArgs } from "../components/vpc";
import { blockSize, planLayout, TIERS } from "../components/vpc/layout";
import { checkCidrBlock, PlainVpcArgs, pickRegionZones, resolveVpcArgs } from "../components/vpc/validation";
import {
    egressTierFor,
    endpointServiceName,
    flowLogTrustPolicy,
    flowLogWritePolicy,
    routeTableIdsForSubnets,
} from "../components/vpc/policies";
import { isPrivateCidr, parseCidr } from "../components/shared/cidr";
import * as pulumi from "@pulumi/pulumi";
import { Problems } from "../components/shared/validation";

const T = {
    vpc: "awsx:ec2:Vpc",
    component: "aws-webapp:index:SecureVpc",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    role: "aws:iam/role:Role",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    flowLog: "aws:ec2/flowLog:FlowLog",
    defaultSg: "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
    endpoint: "aws:ec2/vpcEndpoint:VpcEndpoint",
    sg: "aws:ec2/securityGroup:SecurityGroup",
    ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    egress: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
};

/** The error message resolveVpcArgs throws for these args (fails the test if it accepts them). */
function errorOf(args: PlainVpcArgs): string {
    try {
        resolveVpcArgs("main", args);
    } catch (e: any) {
        return e.message;
    }
    throw new Error(`expected ${JSON.stringify(args)} to be refused`);
}

const one = (problem: string) => `SecureVpc "main": invalid value:\n  - ${problem}`;

/** Subnet CIDRs of a resolved layout, zone by zone, tiers in allocation order. */
function cidrs(args: PlainVpcArgs): string[] {
    return resolveVpcArgs("main", args).layout.subnets.map((s) => `${s.tier}:${s.cidrBlock}`);
}

/**
 * Runs fn and collects the unhandled rejections it causes: how a failure after
 * an asynchronous lookup reaches the Pulumi engine (which reports it and fails
 * the deployment).
 */
async function unhandledRejectionsOf(fn: () => unknown): Promise<{ errors: Error[]; recording: Recording }> {
    const errors: Error[] = [];
    const saved = process.listeners("unhandledRejection");
    const capture = (e: unknown) => errors.push(e as Error);
    process.removeAllListeners("unhandledRejection");
    process.on("unhandledRejection", capture);
    try {
        const recording = await record(fn);
        await new Promise((r) => setTimeout(r, 20));
        return { errors, recording };
    } finally {
        process.removeListener("unhandledRejection", capture);
        for (const listener of saved) process.on("unhandledRejection", listener);
    }
}

const devArgs: SecureVpcArgs = {
    cidrBlock: "10.0.0.0/16",
    availabilityZoneCount: 2,
    natStrategy: "None",
    flowLogRetentionDays: 7,
    tags: { Environment: "dev", Project: "aws-webapp" },
};

const KEY_ARN = `arn:aws:kms:us-east-1:${ACCOUNT_ID}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const prodArgs: SecureVpcArgs = {
    cidrBlock: "10.20.0.0/16",
    availabilityZoneCount: 2,
    natStrategy: "OnePerAz",
    flowLogRetentionDays: 30,
    flowLogKmsKeyArn: KEY_ARN,
    interfaceEndpoints: ["ecr.api", "ecr.dkr", "logs"],
    tags: { Environment: "prod" },
};

describe("SecureVpc", () => {
    before(() => mocksReady);

    describe("subnet layout (pure)", () => {
        it("a /16 over 2 zones: /17 zone blocks, private /20, public /24 and isolated /24 from each zone's base", () => {
            const r = resolveVpcArgs("main", {});
            expect(r.availabilityZoneCidrMask).to.equal(17);
            expect(r.masks).to.deep.equal({ private: 20, public: 24, isolated: 24 });
            expect(r.layout.zoneBlocks).to.deep.equal(["10.0.0.0/17", "10.0.128.0/17"]);
            expect(cidrs({})).to.deep.equal([
                "private:10.0.0.0/20",
                "public:10.0.16.0/24",
                "isolated:10.0.17.0/24",
                "private:10.0.128.0/20",
                "public:10.0.144.0/24",
                "isolated:10.0.145.0/24",
            ]);
        });

        it("a /24 over 2 zones scales the default masks down to /26, /27 and /28", () => {
            expect(cidrs({ cidrBlock: "192.168.7.0/24" })).to.deep.equal([
                "private:192.168.7.0/26",
                "public:192.168.7.64/27",
                "isolated:192.168.7.96/28",
                "private:192.168.7.128/26",
                "public:192.168.7.192/27",
                "isolated:192.168.7.224/28",
            ]);
        });

        it("3 zones of a /16 take /18 blocks (the VPC splits in powers of two, as in awsx)", () => {
            const r = resolveVpcArgs("main", { cidrBlock: "172.16.0.0/16", availabilityZoneCount: 3 });
            expect(r.layout.zoneBlocks).to.deep.equal(["172.16.0.0/18", "172.16.64.0/18", "172.16.128.0/18"]);
            expect(r.layout.subnets.filter((s) => s.tier === "isolated").map((s) => s.cidrBlock)).to.deep.equal([
                "172.16.17.0/24",
                "172.16.81.0/24",
                "172.16.145.0/24",
            ]);
        });

        it("a pinned zone block keeps existing zones in place when a zone is added", () => {
            const two = cidrs({ availabilityZoneCount: 2, availabilityZoneCidrMask: 18 });
            const three = cidrs({ availabilityZoneCount: 3, availabilityZoneCidrMask: 18 });
            expect(three.slice(0, 6)).to.deep.equal(two);
            expect(three.slice(6)).to.deep.equal([
                "private:10.0.128.0/20",
                "public:10.0.144.0/24",
                "isolated:10.0.145.0/24",
            ]);
        });

        it("aligns each subnet to its own size like awsx's nextNetmask (a gap before a wider subnet)", () => {
            const r = resolveVpcArgs("main", { privateSubnetCidrMask: 24, publicSubnetCidrMask: 20 });
            expect(r.layout.subnets.slice(0, 3).map((s) => s.cidrBlock)).to.deep.equal([
                "10.0.0.0/24",
                "10.0.16.0/20",
                "10.0.32.0/24",
            ]);
            expect(r.layout.spanPerZone).to.equal(33 * 256);
        });

        const privateBase = fc.oneof(
            fc.integer({ min: 0, max: 255 }).map((b) => (10 * 2 ** 24 + b * 2 ** 16) as number),
            fc.integer({ min: 16, max: 31 }).map((b) => 172 * 2 ** 24 + b * 2 ** 16),
            fc.constant(192 * 2 ** 24 + 168 * 2 ** 16),
        );
        const toText = (address: number, prefix: number) =>
            `${[24, 16, 8, 0].map((s) => Math.floor(address / 2 ** s) % 256).join(".")}/${prefix}`;
        const vpcArgs = fc
            .record({
                base: privateBase,
                prefix: fc.integer({ min: 16, max: 24 }),
                zones: fc.integer({ min: 2, max: 6 }),
                extra: fc.tuple(
                    fc.integer({ min: 0, max: 7 }),
                    fc.integer({ min: 0, max: 7 }),
                    fc.integer({ min: 0, max: 7 }),
                ),
            })
            .map(({ base, prefix, zones, extra }) => {
                const zoneMask = prefix + Math.ceil(Math.log2(zones));
                const mask = (k: number) => Math.min(28, zoneMask + k);
                return {
                    cidrBlock: toText(base - (base % blockSize(prefix)), prefix),
                    availabilityZoneCount: zones,
                    privateSubnetCidrMask: mask(extra[0]),
                    publicSubnetCidrMask: mask(extra[1]),
                    isolatedSubnetCidrMask: mask(extra[2]),
                };
            });

        it("property: an accepted layout has aligned, disjoint subnets inside their zone's block and the VPC", () => {
            let accepted = 0;
            fc.assert(
                fc.property(vpcArgs, (args) => {
                    let r;
                    try {
                        r = resolveVpcArgs("main", args);
                    } catch (e: any) {
                        // A refusal must be the fit check, naming the three masks.
                        expect(e.message).to.contain(
                            "privateSubnetCidrMask, publicSubnetCidrMask, isolatedSubnetCidrMask:",
                        );
                        return;
                    }
                    accepted++;
                    const vpc = parseCidr(args.cidrBlock)!;
                    const zoneSize = blockSize(r.availabilityZoneCidrMask);
                    expect(r.layout.subnets).to.have.length(3 * args.availabilityZoneCount);
                    const sorted = [...r.layout.subnets].sort((a, b) => a.start - b.start);
                    sorted.forEach((s, i) => {
                        expect(parseCidr(s.cidrBlock), s.cidrBlock).to.not.equal(undefined);
                        expect(s.start % (s.end - s.start)).to.equal(0);
                        const zoneStart = vpc.address + s.zone * zoneSize;
                        expect(s.start).to.be.at.least(zoneStart);
                        expect(s.end).to.be.at.most(zoneStart + zoneSize);
                        expect(s.end).to.be.at.most(vpc.address + blockSize(vpc.prefix));
                        if (i > 0) expect(s.start).to.be.at.least(sorted[i - 1].end);
                    });
                }),
                { numRuns: 300 },
            );
            expect(accepted).to.be.greaterThan(50);
        });

        it("property: with masks widest first (no alignment gaps) a layout fits exactly when the sizes add up to at most a zone", () => {
            fc.assert(
                fc.property(
                    fc.integer({ min: 16, max: 27 }),
                    fc.array(fc.integer({ min: 0, max: 12 }), { minLength: 3, maxLength: 3 }),
                    (zoneMask, offsets) => {
                        const [p, q, r] = offsets.map((o) => Math.min(28, zoneMask + o)).sort((a, b) => a - b);
                        const plan = planLayout(parseCidr("10.0.0.0/16")!, 1, zoneMask, {
                            private: p,
                            public: q,
                            isolated: r,
                        });
                        const sum = blockSize(p) + blockSize(q) + blockSize(r);
                        expect(plan.fits).to.equal(sum <= blockSize(zoneMask));
                        expect(plan.spanPerZone).to.equal(sum);
                    },
                ),
            );
        });

        it("property: narrowing one subnet never breaks a layout that fits", () => {
            fc.assert(
                fc.property(
                    fc.integer({ min: 16, max: 27 }),
                    fc.tuple(
                        fc.integer({ min: 0, max: 12 }),
                        fc.integer({ min: 0, max: 12 }),
                        fc.integer({ min: 0, max: 12 }),
                    ),
                    fc.constantFrom(...TIERS),
                    (zoneMask, [a, b, c], tier) => {
                        const masks = {
                            private: Math.min(28, zoneMask + a),
                            public: Math.min(28, zoneMask + b),
                            isolated: Math.min(28, zoneMask + c),
                        };
                        const vpc = parseCidr("10.0.0.0/16")!;
                        const before = planLayout(vpc, 1, zoneMask, masks);
                        fc.pre(before.fits && masks[tier] < 28);
                        const after = planLayout(vpc, 1, zoneMask, { ...masks, [tier]: masks[tier] + 1 });
                        expect(after.fits).to.equal(true);
                        expect(after.spanPerZone).to.be.at.most(before.spanPerZone);
                    },
                ),
            );
        });
    });

    describe("argument validation (pure)", () => {
        it("applies the defaults", () => {
            const r = resolveVpcArgs("main", {});
            expect(r).to.include({
                cidrBlock: "10.0.0.0/16",
                availabilityZoneCount: 2,
                availabilityZoneNames: undefined,
                natStrategy: "OnePerAz",
                flowLogRetentionDays: 90,
            });
            expect(r.interfaceEndpoints).to.deep.equal([]);
        });

        it("refuses malformed, out-of-range and public CIDR blocks, naming cidrBlock", () => {
            expect(errorOf({ cidrBlock: "10.0.0.0/33" })).to.equal(
                one('cidrBlock: "10.0.0.0/33" is not a valid IPv4 CIDR block'),
            );
            expect(errorOf({ cidrBlock: "10.0.0.1/16" })).to.equal(
                one('cidrBlock: "10.0.0.1/16" is not a valid IPv4 CIDR block'),
            );
            expect(errorOf({ cidrBlock: "10.0.0.0" })).to.equal(
                one('cidrBlock: "10.0.0.0" is not a valid IPv4 CIDR block'),
            );
            expect(errorOf({ cidrBlock: "10.0.0.0/12" })).to.equal(
                one('cidrBlock: "10.0.0.0/12" has a prefix outside /16 to /28 (the VPC sizes AWS accepts)'),
            );
            expect(errorOf({ cidrBlock: "8.8.0.0/16" })).to.equal(
                one('cidrBlock: "8.8.0.0/16" is not a private (RFC 1918) range'),
            );
            expect(errorOf({ cidrBlock: 42 as any })).to.equal(one("cidrBlock: 42 is not a valid IPv4 CIDR block"));
        });

        it("refuses a zone count below 2 or not whole, and more zones than availabilityZoneNames lists", () => {
            const range = "is out of range: expected a whole number of at least 2 (every tier spans two or more zones)";
            expect(errorOf({ availabilityZoneCount: 1 })).to.equal(one(`availabilityZoneCount: 1 ${range}`));
            expect(errorOf({ availabilityZoneCount: 2.5 })).to.equal(one(`availabilityZoneCount: 2.5 ${range}`));
            expect(errorOf({ availabilityZoneCount: "3" as any })).to.equal(one(`availabilityZoneCount: "3" ${range}`));
            expect(errorOf({ availabilityZoneCount: 3, availabilityZoneNames: ["eu-west-1a", "eu-west-1b"] })).to.equal(
                one(
                    "availabilityZoneCount: 3 is more than the 2 zones in availabilityZoneNames (eu-west-1a, eu-west-1b)",
                ),
            );
        });

        it("refuses malformed and duplicate zone names", () => {
            expect(errorOf({ availabilityZoneNames: ["us-east-1a", "us-east-1"] })).to.equal(
                one('availabilityZoneNames[1]: "us-east-1" is not an availability zone name such as "us-east-1a"'),
            );
            expect(errorOf({ availabilityZoneNames: ["us-east-1a", "us-east-1a"] })).to.equal(
                one('availabilityZoneNames: ["us-east-1a","us-east-1a"] lists "us-east-1a" more than once'),
            );
            expect(errorOf({ availabilityZoneNames: "us-east-1a" as any })).to.equal(
                one('availabilityZoneNames: "us-east-1a" is not a list of availability zone names'),
            );
        });

        it("refuses masks outside /16 to /28 or wider than a zone's share of the VPC", () => {
            expect(errorOf({ publicSubnetCidrMask: 29 })).to.equal(
                one(
                    "publicSubnetCidrMask: 29 is out of range: expected a whole number from 16 to 28 (the subnet sizes AWS accepts)",
                ),
            );
            expect(errorOf({ isolatedSubnetCidrMask: 24.5 })).to.contain(
                "isolatedSubnetCidrMask: 24.5 is out of range",
            );
            expect(errorOf({ privateSubnetCidrMask: 16 })).to.equal(
                one(
                    "privateSubnetCidrMask: 16 is wider than a zone's share of 10.0.0.0/16 (/17 for 2 zones): expected /17 or narrower",
                ),
            );
        });

        it("refuses tier masks that cannot fit together in a zone, naming the three masks", () => {
            expect(
                errorOf({
                    cidrBlock: "10.0.0.0/24",
                    privateSubnetCidrMask: 26,
                    publicSubnetCidrMask: 26,
                    isolatedSubnetCidrMask: 28,
                }),
            ).to.equal(
                one(
                    "privateSubnetCidrMask, publicSubnetCidrMask, isolatedSubnetCidrMask: privateSubnetCidrMask /26, publicSubnetCidrMask /26, isolatedSubnetCidrMask /28 need 144 addresses per zone (alignment included), but each of the 2 zones of 10.0.0.0/24 has 128 (/25): use narrower masks, a wider cidrBlock or fewer zones",
                ),
            );
        });

        it("counts alignment gaps: sizes that add up (16 + 64 + 16 <= 128) can still overflow a zone", () => {
            expect(
                errorOf({
                    cidrBlock: "10.0.0.0/24",
                    privateSubnetCidrMask: 28,
                    publicSubnetCidrMask: 26,
                    isolatedSubnetCidrMask: 28,
                }),
            ).to.contain(
                "need 144 addresses per zone (alignment included), but each of the 2 zones of 10.0.0.0/24 has 128 (/25)",
            );
        });

        it("refuses a zone block too wide for the zone count, and a VPC too small for its zones", () => {
            expect(errorOf({ availabilityZoneCount: 3, availabilityZoneCidrMask: 17 })).to.equal(
                one(
                    "availabilityZoneCidrMask: 17 is too wide: 3 zones of /17 do not fit in 10.0.0.0/16; expected /18 or narrower",
                ),
            );
            expect(errorOf({ availabilityZoneCidrMask: 30 })).to.equal(
                one("availabilityZoneCidrMask: 30 is out of range: expected a whole number from 16 to 28"),
            );
            expect(errorOf({ cidrBlock: "10.0.0.0/28" })).to.equal(
                one(
                    'cidrBlock: "10.0.0.0/28" is too small for 2 zones: each would get a /29, narrower than the /28 smallest subnet',
                ),
            );
        });

        it("refuses an unknown NAT strategy, a retention CloudWatch does not accept, and bad endpoint services", () => {
            expect(errorOf({ natStrategy: "Two" as any })).to.equal(
                one('natStrategy: "Two" is not one of "None", "Single", "OnePerAz", "Instance"'),
            );
            expect(errorOf({ natStrategy: "none" as any })).to.contain('natStrategy: "none" is not one of');
            expect(errorOf({ flowLogRetentionDays: 10 })).to.equal(
                one(
                    "flowLogRetentionDays: 10 is not a CloudWatch Logs retention: expected one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653",
                ),
            );
            expect(errorOf({ interfaceEndpoints: ["com.amazonaws.us-east-1.ecr.api"] })).to.equal(
                one(
                    'interfaceEndpoints[0]: "com.amazonaws.us-east-1.ecr.api" is not an endpoint service short name such as "ecr.api" (the com.amazonaws.<region>. prefix is added)',
                ),
            );
            expect(errorOf({ interfaceEndpoints: ["logs", "s3"] })).to.equal(
                one('interfaceEndpoints[1]: "s3" is already served by the VPC\'s free S3 gateway endpoint; remove it'),
            );
            expect(errorOf({ interfaceEndpoints: ["dynamodb"] })).to.equal(
                one(
                    'interfaceEndpoints[0]: "dynamodb" is already served by the VPC\'s free DynamoDB gateway endpoint; remove it (or set dynamoDbEndpoint false)',
                ),
            );
            expect(
                resolveVpcArgs("main", { dynamoDbEndpoint: false, interfaceEndpoints: ["dynamodb"] })
                    .interfaceEndpoints,
            ).to.deep.equal(["dynamodb"]);
            expect(errorOf({ dynamoDbEndpoint: "yes" as any })).to.equal(
                one('dynamoDbEndpoint: "yes" is not true or false'),
            );
            expect(errorOf({ interfaceEndpoints: ["logs", "logs"] })).to.equal(
                one('interfaceEndpoints: ["logs","logs"] lists "logs" more than once'),
            );
        });

        it("refuses tags that are an Output as a whole (awsx's remote Vpc would spread the Output object), not Output values", () => {
            expect(errorOf({ tags: pulumi.output({ Team: "web" }) })).to.equal(
                one(
                    "tags: <output> is not a plain map of tags: pass an object whose values may be Outputs (awsx's Vpc cannot use a map that is itself an Output)",
                ),
            );
            expect(errorOf({ tags: ["Team", "web"] })).to.equal(one('tags: ["Team","web"] is not a map of tags'));
            expect(() => resolveVpcArgs("main", { tags: { Team: pulumi.output("web") } })).not.to.throw();
            expect(() => resolveVpcArgs("main", { tags: {} })).not.to.throw();
        });

        it("lists every bad argument in one error", () => {
            const message = errorOf({
                cidrBlock: "10.0.0.0/8",
                availabilityZoneCount: 0,
                natStrategy: "Many" as any,
                flowLogRetentionDays: 0,
                publicSubnetCidrMask: 40,
            });
            expect(message).to.match(/^SecureVpc "main": invalid values:\n/);
            for (const key of [
                "cidrBlock:",
                "availabilityZoneCount:",
                "natStrategy:",
                "flowLogRetentionDays:",
                "publicSubnetCidrMask:",
            ]) {
                expect(message).to.contain(`\n  - ${key}`);
            }
        });

        it("property: exactly the canonical private /16 to /28 blocks are accepted; anything else is refused naming cidrBlock", () => {
            const octet = fc.integer({ min: 0, max: 255 });
            let accepted = 0;
            fc.assert(
                fc.property(
                    fc.oneof(fc.constantFrom(10, 172, 192), fc.integer({ min: 0, max: 300 })),
                    fc.oneof(fc.constantFrom(16, 31, 168), octet),
                    octet,
                    octet,
                    fc.oneof(fc.integer({ min: 16, max: 28 }), fc.integer({ min: 0, max: 34 })),
                    fc.boolean(),
                    (a, b, c, d, prefix, clearHostBits) => {
                        // Half the time, zero the host bits so that canonical blocks are common.
                        const octets = [a, b, c, d];
                        if (clearHostBits && a <= 255 && prefix <= 32) {
                            const address = ((a * 256 + b) * 256 + c) * 256 + d;
                            const size = 2 ** (32 - prefix);
                            const base = address - (address % size);
                            octets.splice(0, 4, ...[24, 16, 8, 0].map((s) => Math.floor(base / 2 ** s) % 256));
                        }
                        const text = `${octets.join(".")}/${prefix}`;
                        const parsed = parseCidr(text);
                        const valid = parsed !== undefined && prefix >= 16 && prefix <= 28 && isPrivateCidr(parsed);
                        const problems = new Problems("test");
                        checkCidrBlock(problems, text);
                        expect(problems.count === 0, text).to.equal(valid);
                        if (valid) accepted++;
                        else expect(errorOf({ cidrBlock: text })).to.contain(`  - cidrBlock: "${text}" `);
                    },
                ),
                { numRuns: 500 },
            );
            expect(accepted).to.be.greaterThan(20);
        });

        it("property: any whole zone count from 2 is accepted when a large enough VPC holds it; below 2 refused", () => {
            fc.assert(
                fc.property(fc.integer({ min: -5, max: 8 }), (count) => {
                    const args = {
                        availabilityZoneCount: count,
                        privateSubnetCidrMask: 24,
                        publicSubnetCidrMask: 26,
                        isolatedSubnetCidrMask: 26,
                    };
                    if (count >= 2) expect(resolveVpcArgs("main", args).availabilityZoneCount).to.equal(count);
                    else expect(errorOf(args)).to.contain(`availabilityZoneCount: ${count} is out of range`);
                }),
            );
        });

        it("takes the region's first zones, and refuses more zones than the region offers", () => {
            expect(pickRegionZones("main", 2, ["eu-west-1a", "eu-west-1b", "eu-west-1c"])).to.deep.equal([
                "eu-west-1a",
                "eu-west-1b",
            ]);
            expect(() => pickRegionZones("main", 4, ["eu-west-1a", "eu-west-1b", "eu-west-1c"])).to.throw(
                one(
                    "availabilityZoneCount: 4 is more than the 3 availability zones the region offers (eu-west-1a, eu-west-1b, eu-west-1c)",
                ),
            );
        });
    });

    describe("policies and routing helpers (pure)", () => {
        it("trust policy: only VPC Flow Logs, for flow logs of this account and region", () => {
            expect(flowLogTrustPolicy(ACCOUNT_ID, "aws", "eu-west-1")).to.deep.equal({
                Version: "2012-10-17",
                Statement: [
                    {
                        Sid: "VpcFlowLogsAssumeRole",
                        Effect: "Allow",
                        Principal: { Service: "vpc-flow-logs.amazonaws.com" },
                        Action: "sts:AssumeRole",
                        Condition: {
                            StringEquals: { "aws:SourceAccount": ACCOUNT_ID },
                            ArnLike: { "aws:SourceArn": `arn:aws:ec2:eu-west-1:${ACCOUNT_ID}:vpc-flow-log/*` },
                        },
                    },
                ],
            });
        });

        it("write policy: three log actions on the one group and its streams, nothing else", () => {
            const group = `arn:aws:logs:us-east-1:${ACCOUNT_ID}:log-group:main-flow-logs-1a2b3c`;
            const expected = {
                Version: "2012-10-17",
                Statement: [
                    {
                        Sid: "WriteOwnFlowLogGroup",
                        Effect: "Allow",
                        Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                        Resource: [group, `${group}:*`],
                    },
                ],
            };
            expect(flowLogWritePolicy(group)).to.deep.equal(expected);
            expect(flowLogWritePolicy(`${group}:*`)).to.deep.equal(expected);
        });

        it("finds the route table of each given subnet, once each, and fails loudly on a subnet without one", () => {
            const assocs = [
                { subnetId: "subnet-pub-a", routeTableId: "rtb-pub-a" },
                { subnetId: "subnet-prv-a", routeTableId: "rtb-prv-a" },
                { subnetId: "subnet-prv-b", routeTableId: "rtb-prv-b" },
                { subnetId: "subnet-iso-a", routeTableId: "rtb-shared" },
                { subnetId: "subnet-iso-b", routeTableId: "rtb-shared" },
            ];
            expect(
                routeTableIdsForSubnets(assocs, ["subnet-prv-a", "subnet-prv-b", "subnet-iso-a", "subnet-iso-b"]),
            ).to.deep.equal(["rtb-prv-a", "rtb-prv-b", "rtb-shared"]);
            expect(() => routeTableIdsForSubnets(assocs, ["subnet-prv-a", "subnet-x"])).to.throw(
                "no route table association found for subnet(s) subnet-x among the 5 the VPC returned",
            );
        });

        it("egress tier: private behind NAT, public without; endpoint service names", () => {
            expect(egressTierFor("None")).to.equal("public");
            expect(egressTierFor("Single")).to.equal("private");
            expect(egressTierFor("OnePerAz")).to.equal("private");
            expect(endpointServiceName("eu-west-1", "ecr.dkr")).to.equal("com.amazonaws.eu-west-1.ecr.dkr");
        });
    });

    describe("dev-like: 2 zones, no NAT, 7-day flow logs", () => {
        let rec: Recording;
        let vpc: SecureVpc;
        let component: Registration;
        before(async () => {
            rec = await record(() => {
                vpc = new SecureVpc("dev", devArgs);
            });
            component = rec.one(T.component, "dev");
        });

        it("passes awsx the planned layout: Auto strategy, explicit specs, zone blocks, DNS on, no NAT", () => {
            const awsxVpc = rec.one(T.vpc, "dev-vpc");
            expect(awsxVpc.inputs).to.deep.equal({
                cidrBlock: "10.0.0.0/16",
                availabilityZoneNames: ["us-east-1a", "us-east-1b"],
                availabilityZoneCidrMask: 17,
                subnetStrategy: "Auto",
                subnetSpecs: [
                    { type: "Private", name: "private", cidrMask: 20 },
                    { type: "Public", name: "public", cidrMask: 24 },
                    { type: "Isolated", name: "isolated", cidrMask: 24 },
                ],
                natGateways: { strategy: "None" },
                enableDnsHostnames: true,
                enableDnsSupport: true,
                tags: { Environment: "dev", Project: "aws-webapp" },
            });
        });

        it("makes the public tier the egress tier and says so", async () => {
            expect(vpc.natStrategy).to.equal("None");
            expect(vpc.egressSubnetTier).to.equal("public");
            expect(vpc.egressNeedsPublicIp).to.equal(true);
            expect(await valueOf(vpc.egressSubnetIds)).to.deep.equal(await valueOf(vpc.publicSubnetIds));
            expect(await valueOf(vpc.egressSubnetIds)).to.deep.equal([
                "subnet-public-us-east-1a",
                "subnet-public-us-east-1b",
            ]);
        });

        it("flow-logs ALL traffic of the VPC to a 7-day log group, through its role, once the role may write", () => {
            const group = rec.one(T.logGroup, "dev-flow-logs");
            expect(group.inputs.retentionInDays).to.equal(7);
            const flowLog = rec.one(T.flowLog, "dev-flow-log");
            expect(flowLog.inputs).to.include({
                vpcId: rec.one(T.vpc).state.vpcId,
                trafficType: "ALL",
                logDestinationType: "cloud-watch-logs",
                logDestination: group.state.arn,
                iamRoleArn: rec.one(T.role, "dev-flow-logs-role").state.arn,
            });
            expect(flowLog.dependencies).to.include(rec.one(T.rolePolicy).urn);
        });

        it("lets only VPC Flow Logs of this account assume the role, which may only write to its own group", () => {
            const role = rec.one(T.role, "dev-flow-logs-role");
            expect(JSON.parse(role.inputs.assumeRolePolicy)).to.deep.equal(
                flowLogTrustPolicy(ACCOUNT_ID, "aws", "us-east-1"),
            );
            const policy = rec.one(T.rolePolicy, "dev-flow-logs-write");
            expect(policy.dependencies).to.include(role.urn);
            const groupArn = rec.one(T.logGroup).state.arn;
            expect(JSON.parse(policy.inputs.policy).Statement).to.deep.equal([
                {
                    Sid: "WriteOwnFlowLogGroup",
                    Effect: "Allow",
                    Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                    Resource: [groupArn, `${groupArn}:*`],
                },
            ]);
            expect(rec.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment")).to.have.length(0);
        });

        it("adopts the default security group and removes every rule from it", () => {
            const sg = rec.one(T.defaultSg, "dev-default-sg");
            expect(sg.inputs.vpcId).to.equal(rec.one(T.vpc).state.vpcId);
            expect(sg.inputs.ingress).to.deep.equal([]);
            expect(sg.inputs.egress).to.deep.equal([]);
        });

        it("puts the free S3 gateway endpoint on the private and isolated route tables only", () => {
            const s3 = rec.one(T.endpoint, "dev-s3-endpoint");
            expect(s3.inputs).to.include({
                vpcId: rec.one(T.vpc).state.vpcId,
                serviceName: "com.amazonaws.us-east-1.s3",
                vpcEndpointType: "Gateway",
            });
            expect(s3.inputs.routeTableIds).to.deep.equal([
                "rtb-private-us-east-1a",
                "rtb-private-us-east-1b",
                "rtb-isolated-us-east-1a",
                "rtb-isolated-us-east-1b",
            ]);
        });

        it("puts the free DynamoDB gateway endpoint on the same route tables (no NAT needed for DynamoDB)", () => {
            const dynamodb = rec.one(T.endpoint, "dev-dynamodb-endpoint");
            expect(dynamodb.inputs).to.include({
                vpcId: rec.one(T.vpc).state.vpcId,
                serviceName: "com.amazonaws.us-east-1.dynamodb",
                vpcEndpointType: "Gateway",
            });
            expect(dynamodb.inputs.routeTableIds).to.deep.equal(
                rec.one(T.endpoint, "dev-s3-endpoint").inputs.routeTableIds,
            );
        });

        it("creates no interface endpoint and no security group that admits anything", () => {
            expect(rec.ofType(T.endpoint).map((e) => e.inputs.vpcEndpointType)).to.deep.equal(["Gateway", "Gateway"]);
            expect(rec.ofType(T.sg)).to.have.length(0);
            expect(rec.ofType(T.ingress)).to.have.length(0);
        });

        it("names every child after the component, parents it there, and tags it with its Name and the caller's tags", () => {
            const children = rec.resources.filter((r) => r !== component);
            expect(children.map((r) => r.name).sort()).to.deep.equal([
                "dev-default-sg",
                "dev-dynamodb-endpoint",
                "dev-flow-log",
                "dev-flow-logs",
                "dev-flow-logs-role",
                "dev-flow-logs-write",
                "dev-s3-endpoint",
                "dev-vpc",
            ]);
            for (const child of children) {
                expect(child.parent, child.name).to.equal(component.urn);
                if (child.type === T.rolePolicy) continue; // not taggable
                const expected =
                    child.type === T.vpc
                        ? { Environment: "dev", Project: "aws-webapp" } // awsx adds Name itself
                        : { Environment: "dev", Project: "aws-webapp", Name: child.name };
                expect(child.inputs.tags, child.name).to.deep.equal(expected);
            }
        });

        it("exposes the VPC, its subnets per tier, zones, flow log group and security group", async () => {
            expect(await valueOf(vpc.vpcId)).to.equal(rec.one(T.vpc).state.vpcId);
            expect(await valueOf(vpc.cidrBlock)).to.equal("10.0.0.0/16");
            expect(await valueOf(vpc.privateSubnetIds)).to.deep.equal([
                "subnet-private-us-east-1a",
                "subnet-private-us-east-1b",
            ]);
            expect(await valueOf(vpc.isolatedSubnetIds)).to.deep.equal([
                "subnet-isolated-us-east-1a",
                "subnet-isolated-us-east-1b",
            ]);
            expect(await valueOf(vpc.availabilityZones)).to.deep.equal(["us-east-1a", "us-east-1b"]);
            expect(await valueOf(vpc.flowLogGroupName)).to.equal(rec.one(T.logGroup).state.name);
            expect(await valueOf(vpc.flowLogGroupArn)).to.equal(rec.one(T.logGroup).state.arn);
            expect(await valueOf(vpc.defaultSecurityGroupId)).to.match(/^sg-/);
            expect(await valueOf(vpc.s3EndpointId)).to.match(/^vpce-/);
            expect(await valueOf(vpc.dynamoDbEndpointId)).to.match(/^vpce-/);
            expect(await valueOf(vpc.dynamoDbEndpointId)).to.not.equal(await valueOf(vpc.s3EndpointId));
            expect(await valueOf(vpc.interfaceEndpointIds)).to.deep.equal([]);
            expect(await valueOf(vpc.interfaceEndpointSecurityGroupId)).to.equal(undefined);
        });
    });

    describe("prod-like: 2 zones, a NAT gateway per zone, interface endpoints, 30-day encrypted flow logs", () => {
        let rec: Recording;
        let vpc: SecureVpc;
        before(async () => {
            rec = await record(() => {
                vpc = new SecureVpc("prod", prodArgs);
            });
        });

        it("leaves the DynamoDB gateway endpoint out when dynamoDbEndpoint is false", async () => {
            let bare: SecureVpc | undefined;
            const other = await record(() => {
                bare = new SecureVpc("bare", { ...prodArgs, dynamoDbEndpoint: false });
            });
            const names = other.ofType(T.endpoint).map((e) => e.name);
            expect(names).to.include("bare-s3-endpoint");
            expect(names).to.not.include("bare-dynamodb-endpoint");
            expect(await valueOf(bare!.dynamoDbEndpointId)).to.equal(undefined);
        });

        it("asks awsx for one NAT gateway per zone, and makes the private tier the egress tier", async () => {
            const awsxVpc = rec.one(T.vpc, "prod-vpc");
            expect(awsxVpc.inputs.natGateways).to.deep.equal({ strategy: "OnePerAz" });
            expect(awsxVpc.inputs.cidrBlock).to.equal("10.20.0.0/16");
            expect(vpc.egressSubnetTier).to.equal("private");
            expect(vpc.egressNeedsPublicIp).to.equal(false);
            expect(await valueOf(vpc.egressSubnetIds)).to.deep.equal([
                "subnet-private-us-east-1a",
                "subnet-private-us-east-1b",
            ]);
        });

        it("keeps flow logs 30 days, encrypted with the given key", () => {
            expect(rec.one(T.logGroup, "prod-flow-logs").inputs).to.include({ retentionInDays: 30, kmsKeyId: KEY_ARN });
        });

        it("creates each interface endpoint with private DNS in the private subnets, behind the endpoint security group", async () => {
            const sg = rec.one(T.sg, "prod-endpoints-sg");
            const sgId = await valueOf(vpc.interfaceEndpointSecurityGroupId);
            expect(sgId).to.match(/^sg-/);
            const services = { "ecr-api": "ecr.api", "ecr-dkr": "ecr.dkr", logs: "logs" };
            for (const [role, service] of Object.entries(services)) {
                const endpoint = rec.one(T.endpoint, `prod-${role}-endpoint`);
                expect(endpoint.inputs).to.deep.include({
                    vpcId: rec.one(T.vpc).state.vpcId,
                    serviceName: `com.amazonaws.us-east-1.${service}`,
                    vpcEndpointType: "Interface",
                    privateDnsEnabled: true,
                    subnetIds: ["subnet-private-us-east-1a", "subnet-private-us-east-1b"],
                    securityGroupIds: [sgId],
                });
                expect(endpoint.dependencies).to.include(sg.urn);
            }
            expect(await valueOf(vpc.interfaceEndpointIds)).to.have.length(3);
            // The S3 endpoint stays a gateway on the private and isolated tables.
            expect(rec.one(T.endpoint, "prod-s3-endpoint").inputs.routeTableIds).to.have.length(4);
        });

        it("admits only HTTPS from the VPC CIDR to the endpoints, and opens nothing else", () => {
            const sg = rec.one(T.sg, "prod-endpoints-sg");
            expect(sg.inputs.ingress).to.equal(undefined);
            expect(sg.inputs.egress).to.equal(undefined);
            const rule = rec.one(T.ingress, "prod-endpoints-https");
            expect(rule.inputs).to.include({
                ipProtocol: "tcp",
                fromPort: 443,
                toPort: 443,
                cidrIpv4: "10.20.0.0/16",
            });
            expect(rule.dependencies).to.include(sg.urn);
            expect(rec.ofType(T.egress)).to.have.length(0);
        });
    });

    describe("tags", () => {
        it("passes awsx a plain map even when tag values are Outputs, and tags every other child with them", async () => {
            const rec = await record(
                () =>
                    new SecureVpc("tagged", {
                        availabilityZoneNames: ["us-east-1a", "us-east-1b"],
                        tags: { Team: pulumi.output("web"), Environment: "dev" },
                    }),
            );
            expect(rec.one(T.vpc).inputs.tags).to.deep.equal({ Team: "web", Environment: "dev" });
            expect(rec.one(T.logGroup).inputs.tags).to.deep.equal({
                Team: "web",
                Environment: "dev",
                Name: "tagged-flow-logs",
            });
        });
    });

    describe("availability zones", () => {
        it("uses the first availabilityZoneCount of the given names, in order", async () => {
            let vpc: SecureVpc | undefined;
            const rec = await record(() => {
                vpc = new SecureVpc("named", {
                    availabilityZoneCount: 2,
                    availabilityZoneNames: ["eu-west-1c", "eu-west-1a", "eu-west-1b"],
                });
            });
            expect(rec.one(T.vpc).inputs.availabilityZoneNames).to.deep.equal(["eu-west-1c", "eu-west-1a"]);
            expect(await valueOf(vpc!.availabilityZones)).to.deep.equal(["eu-west-1c", "eu-west-1a"]);
        });

        it("otherwise uses the region's first zones (3 under the mocks)", async () => {
            const rec = await record(() => new SecureVpc("three", { availabilityZoneCount: 3 }));
            expect(rec.one(T.vpc).inputs.availabilityZoneNames).to.deep.equal([
                "us-east-1a",
                "us-east-1b",
                "us-east-1c",
            ]);
            expect(rec.one(T.vpc).inputs.availabilityZoneCidrMask).to.equal(18);
        });
    });

    describe("bad input is refused before anything is registered", () => {
        const cases: [string, SecureVpcArgs, string][] = [
            ["invalid CIDR", { cidrBlock: "10.0.0.0/33" }, 'cidrBlock: "10.0.0.0/33" is not a valid IPv4 CIDR block'],
            [
                "tier masks that cannot fit the zones",
                { cidrBlock: "10.0.0.0/24", availabilityZoneCount: 3, privateSubnetCidrMask: 26 },
                "privateSubnetCidrMask, publicSubnetCidrMask, isolatedSubnetCidrMask: privateSubnetCidrMask /26",
            ],
            ["zone count below 2", { availabilityZoneCount: 1 }, "availabilityZoneCount: 1 is out of range"],
            [
                "more zones than the given names",
                { availabilityZoneCount: 3, availabilityZoneNames: ["us-east-1a", "us-east-1b"] },
                "availabilityZoneCount: 3 is more than the 2 zones in availabilityZoneNames",
            ],
            ["unknown NAT strategy", { natStrategy: "Double" as any }, 'natStrategy: "Double" is not one of'],
            [
                "tags that are an Output",
                { tags: pulumi.output({ Environment: "dev" }) },
                "tags: <output> is not a plain map of tags",
            ],
            [
                "bad retention",
                { flowLogRetentionDays: 0 },
                "flowLogRetentionDays: 0 is not a CloudWatch Logs retention",
            ],
        ];
        for (const [label, args, expected] of cases) {
            it(label, async () => {
                const message = await failsBeforeRegistering(() => new SecureVpc("main", args));
                expect(message).to.contain('SecureVpc "main": invalid value');
                expect(message).to.contain(`  - ${expected}`);
            });
        }

        it("more zones than the region offers (looked up): the deployment fails naming availabilityZoneCount, no child is created", async () => {
            const { errors, recording } = await unhandledRejectionsOf(
                // us-east-1 has 6 zones (the shared region table the mocks answer from).
                () => new SecureVpc("main", { availabilityZoneCount: 7 }),
            );
            expect(recording.resources.map((r) => r.type)).to.deep.equal([T.component]);
            expect(errors.length).to.be.greaterThan(0);
            const messages = [...new Set(errors.map((e) => e.message))];
            expect(messages.join("\n")).to.contain(
                'SecureVpc "main": invalid value:\n  - availabilityZoneCount: 7 is more than the 6 availability zones the region offers (us-east-1a, us-east-1b, us-east-1c, us-east-1d, us-east-1e, us-east-1f)',
            );
            expect(errors.every((e) => (e as any).__pulumResourceError === true)).to.equal(true);
        });
    });
});

import { failsBeforeRegistering, mocksReady, record, Recording, Registration, valueOf } from "./harness/mocks";
import { expect } from "chai";
import { SecureVpc } from "../components/vpc";
import {
    natAmiParameter,
    natInstancePolicy,
    natInstanceTrustPolicy,
    natUserData,
} from "../components/vpc/natInstancePolicies";
import { resolveVpcArgs } from "../components/vpc/validation";
import { natInstanceType } from "../components/shared/checks";
import { evaluate } from "./iamEvaluator";

const T = {
    vpc: "awsx:ec2:Vpc",
    sg: "aws:ec2/securityGroup:SecurityGroup",
    ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    egress: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    role: "aws:iam/role:Role",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    profile: "aws:iam/instanceProfile:InstanceProfile",
    lt: "aws:ec2/launchTemplate:LaunchTemplate",
    asg: "aws:autoscaling/group:Group",
    route: "aws:ec2/route:Route",
};
const ZONES = ["us-east-1a", "us-east-1b"];
const ACCOUNT = "123456789012";
const ec2Arn = (r: string) => `arn:aws:ec2:us-east-1:${ACCOUNT}:${r}`;

describe("SecureVpc natStrategy Instance (NAT instances)", () => {
    before(() => mocksReady);

    describe("pure parts", () => {
        it("boots Amazon Linux 2023 of the instance type's architecture", () => {
            expect(natAmiParameter("t4g.nano")).to.equal(
                "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64",
            );
            expect(natAmiParameter("t3.nano")).to.equal(
                "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64",
            );
        });

        it("accepts current instance types, refuses t2 and unknown types", () => {
            expect(natInstanceType("t4g.nano")).to.equal(undefined);
            expect(natInstanceType("c7g.medium")).to.equal(undefined);
            expect(natInstanceType("t2.nano")).to.equal(
                "is a previous-generation type without ENA networking: expected e.g. t4g.nano",
            );
            expect(natInstanceType("t4g.huge")).to.match(/^is not an EC2 instance type: t4g comes in nano/);
        });

        it("defaults to t4g.nano and refuses natInstanceType without the Instance strategy", () => {
            expect(resolveVpcArgs("v", { natStrategy: "Instance" }).natInstanceType).to.equal("t4g.nano");
            expect(() => resolveVpcArgs("v", { natStrategy: "OnePerAz", natInstanceType: "t4g.nano" })).to.throw(
                'natInstanceType: "t4g.nano" needs natStrategy "Instance" (it is "OnePerAz"): leave it unset',
            );
            expect(() => resolveVpcArgs("v", { natStrategy: "Instance", natInstanceType: "t2.micro" })).to.throw(
                'natInstanceType: "t2.micro" is a previous-generation type without ENA networking',
            );
        });

        const scope = {
            partition: "aws",
            region: "us-east-1",
            accountId: ACCOUNT,
            vpcId: "vpc-1",
            routeTableIds: ["rtb-private-a"],
            instanceProfileArn: `arn:aws:iam::${ACCOUNT}:instance-profile/nat-1`,
        };
        const policy = natInstancePolicy(scope);
        const ask = (action: string, resource: string, context: Record<string, string> = {}) =>
            evaluate({ action, resource, context }, [JSON.parse(JSON.stringify(policy))]);

        it("may point only its zone's private route table, in its VPC, at itself", () => {
            const vpc = { "ec2:Vpc": ec2Arn("vpc/vpc-1") };
            expect(ask("ec2:ReplaceRoute", ec2Arn("route-table/rtb-private-a"), vpc)).to.equal("allow");
            expect(ask("ec2:CreateRoute", ec2Arn("route-table/rtb-private-a"), vpc)).to.equal("allow");
            expect(ask("ec2:ReplaceRoute", ec2Arn("route-table/rtb-private-b"), vpc)).to.equal("implicit deny");
            expect(ask("ec2:ReplaceRoute", ec2Arn("route-table/rtb-isolated-a"), vpc)).to.equal("implicit deny");
            expect(
                ask("ec2:ReplaceRoute", ec2Arn("route-table/rtb-private-a"), { "ec2:Vpc": ec2Arn("vpc/vpc-2") }),
            ).to.equal("implicit deny");
            expect(ask("ec2:DeleteRoute", ec2Arn("route-table/rtb-private-a"), vpc)).to.equal("implicit deny");
        });

        it("may turn off the source/destination check only of instances with its zone's profile", () => {
            const own = { "ec2:InstanceProfile": scope.instanceProfileArn };
            expect(ask("ec2:ModifyInstanceAttribute", ec2Arn("instance/i-0abc"), own)).to.equal("allow");
            expect(
                ask("ec2:ModifyInstanceAttribute", ec2Arn("instance/i-0abc"), {
                    "ec2:InstanceProfile": `arn:aws:iam::${ACCOUNT}:instance-profile/web`,
                }),
            ).to.equal("implicit deny");
            expect(ask("ec2:TerminateInstances", ec2Arn("instance/i-0abc"), own)).to.equal("implicit deny");
        });

        it("has no other action on `*` than Session Manager's channels, and no EC2 reads or writes beyond those", () => {
            const onStar = policy.Statement.filter((s) => s.Resource === "*").flatMap((s) => [s.Action].flat());
            expect(onStar.every((a) => /^(ssmmessages|ec2messages):/.test(a))).to.equal(true);
            const ec2 = policy.Statement.flatMap((s) => [s.Action].flat()).filter((a) => a.startsWith("ec2:"));
            expect(ec2).to.deep.equal(["ec2:CreateRoute", "ec2:ReplaceRoute", "ec2:ModifyInstanceAttribute"]);
            expect(natInstanceTrustPolicy().Statement).to.deep.equal([
                { Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" },
            ]);
        });

        it("boots as a NAT with IMDSv2, turns the check off and replaces (or creates) the zone's default route", () => {
            const script = natUserData({ region: "us-east-1", vpcCidr: "10.0.0.0/16", routeTableIds: ["rtb-1"] });
            expect(script.startsWith("#!/bin/bash\n")).to.equal(true);
            expect(script).to.contain("-X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 300'");
            expect(script).to.contain('-H "X-aws-ec2-metadata-token: $TOKEN"');
            expect(script).to.contain("net.ipv4.ip_forward = 1");
            expect(script).to.contain('-o "$IFACE" -s 10.0.0.0/16 -j MASQUERADE');
            expect(script).to.contain('modify-instance-attribute --instance-id "$INSTANCE_ID" --no-source-dest-check');
            expect(script).to.contain(
                "aws ec2 replace-route --route-table-id $RTB --destination-cidr-block 0.0.0.0/0 --network-interface-id $ENI_ID || aws ec2 create-route",
            );
            expect(script).to.contain("for RTB in rtb-1; do");
            expect(() =>
                natUserData({ region: "us-east-1; rm -rf /", vpcCidr: "10.0.0.0/16", routeTableIds: [] }),
            ).to.throw(/is not an AWS id or region/);
        });
    });

    describe("in a VPC over two zones", () => {
        let rec: Recording;
        let vpc: SecureVpc;
        const groups = () => rec.ofType(T.asg);

        before(async () => {
            rec = await record(() => {
                vpc = new SecureVpc("main", {
                    cidrBlock: "10.0.0.0/16",
                    availabilityZoneNames: ZONES,
                    natStrategy: "Instance",
                    flowLogRetentionDays: 7,
                    tags: { Environment: "test" },
                });
            });
        });

        it("asks awsx for no NAT gateway and egresses through the private tier", async () => {
            expect(rec.one(T.vpc).inputs.natGateways).to.deep.equal({ strategy: "None" });
            expect(rec.one(T.vpc).state.natGateways).to.deep.equal([]);
            expect(vpc.egressSubnetTier).to.equal("private");
            expect(vpc.egressNeedsPublicIp).to.equal(false);
            expect(await valueOf(vpc.egressSubnetIds)).to.deep.equal(await valueOf(vpc.privateSubnetIds));
            expect(rec.ofType(T.route)).to.deep.equal([]);
        });

        it("runs one Auto Scaling group of exactly one instance per zone, in that zone's public subnet", async () => {
            expect(
                groups().map((g) => [g.inputs.name, g.inputs.vpcZoneIdentifiers, g.inputs.minSize, g.inputs.maxSize]),
            ).to.deep.equal([
                ["main-nat-us-east-1a", ["subnet-public-us-east-1a"], 1, 1],
                ["main-nat-us-east-1b", ["subnet-public-us-east-1b"], 1, 1],
            ]);
            for (const g of groups()) expect(g.inputs).to.include({ healthCheckType: "EC2", desiredCapacity: 1 });
            expect(await valueOf(vpc.natInstanceGroupNames)).to.deep.equal([
                "main-nat-us-east-1a",
                "main-nat-us-east-1b",
            ]);
        });

        it("launches Graviton nano instances: IMDSv2 only, encrypted root volume, no key pair, a public IP", () => {
            const lts = rec.ofType(T.lt);
            expect(lts).to.have.length(2);
            for (const lt of lts) {
                expect(lt.inputs).to.include({
                    instanceType: "t4g.nano",
                    imageId: "resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64",
                });
                expect(lt.inputs).not.to.have.property("keyName");
                expect(lt.inputs.metadataOptions).to.deep.equal({
                    httpEndpoint: "enabled",
                    httpTokens: "required",
                    httpPutResponseHopLimit: 1,
                    instanceMetadataTags: "disabled",
                });
                expect(lt.inputs.blockDeviceMappings[0].ebs).to.include({ encrypted: "true", volumeType: "gp3" });
                expect(lt.inputs.networkInterfaces[0]).to.include({ associatePublicIpAddress: "true" });
            }
        });

        it("admits only the VPC's CIDR, never the internet, and forwards out to the internet", () => {
            const sg = rec.one(T.sg, "main-nat-sg");
            const ingress = rec.ofType(T.ingress).filter((r) => r.inputs.securityGroupId === sg.id);
            expect(ingress.map((r) => [r.inputs.ipProtocol, r.inputs.cidrIpv4])).to.deep.equal([["-1", "10.0.0.0/16"]]);
            const egress = rec.ofType(T.egress).filter((r) => r.inputs.securityGroupId === sg.id);
            expect(egress.map((r) => [r.inputs.ipProtocol, r.inputs.cidrIpv4])).to.deep.equal([["-1", "0.0.0.0/0"]]);
            for (const lt of rec.ofType(T.lt))
                expect(lt.inputs.networkInterfaces[0].securityGroups).to.deep.equal([sg.id]);
        });

        it("scopes each zone's role to that zone's private route table and profile", () => {
            const policies = rec.ofType(T.rolePolicy).filter((p) => p.name.startsWith("main-nat-"));
            expect(policies.map((p) => p.name)).to.deep.equal(["main-nat-1-policy", "main-nat-2-policy"]);
            const routeResources = policies.map((p) => JSON.parse(p.inputs.policy).Statement[0].Resource);
            expect(routeResources).to.deep.equal([
                [ec2Arn("route-table/rtb-private-us-east-1a")],
                [ec2Arn("route-table/rtb-private-us-east-1b")],
            ]);
            const profiles = rec.ofType(T.profile);
            policies.forEach((p, z) => {
                const self = JSON.parse(p.inputs.policy).Statement[1];
                expect(self.Condition).to.deep.equal({ ArnEquals: { "ec2:InstanceProfile": profiles[z].state.arn } });
            });
        });

        it("boots each instance with its zone's route table in the user data, after its policy exists", () => {
            rec.ofType(T.lt).forEach((lt: Registration, z) => {
                const script = Buffer.from(lt.inputs.userData, "base64").toString("utf8");
                expect(script).to.contain(`for RTB in rtb-private-${ZONES[z]}; do`);
                expect(lt.dependencies).to.include(rec.one(T.rolePolicy, `main-nat-${z + 1}-policy`).urn);
            });
        });
    });

    it("bad input registers nothing", async () => {
        const message = await failsBeforeRegistering(
            () => new SecureVpc("bad", { natStrategy: "Instance", natInstanceType: "t4g.enormous" }),
        );
        expect(message).to.contain('natInstanceType: "t4g.enormous" is not an EC2 instance type');
    });
});

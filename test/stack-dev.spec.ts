import { mocksReady } from "./harness/mocks";
import { internetIngress } from "./harness/baseline";
import { evaluateStack, StackEvaluation } from "./harness/stack";
import { baseline, T } from "./harness/stackBaseline";
import { expect } from "chai";

describe("dev stack through index.ts", () => {
    before(() => mocksReady);

    let dev: StackEvaluation;
    before(async () => {
        dev = await evaluateStack("dev");
    });
    baseline("dev", () => dev, 7);

    it("uses the cheap ingress: HTTP API + VPC link, no load balancer, no WAF", () => {
        const rec = dev.recording;
        expect(rec.ofType(T.lb)).to.be.empty;
        expect(rec.ofType(T.waf)).to.be.empty;
        expect(rec.ofType(T.api)).to.have.length(1);
        expect(rec.one(T.service).inputs.serviceRegistries.registryArn).to.be.a("string");
        expect(internetIngress(rec)).to.be.empty;
        expect(String(dev.outputs.applicationUrl)).to.match(/execute-api/);
    });

    it("has no NAT gateway; instances sit in public subnets with a public IP and no inbound rule", () => {
        const rec = dev.recording;
        const vpc = rec.one(T.vpc);
        expect(vpc.inputs.natGateways.strategy).to.equal("None");
        const lt = rec.one("aws:ec2/launchTemplate:LaunchTemplate");
        expect(String(lt.inputs.networkInterfaces[0].associatePublicIpAddress)).to.equal("true");
        const asg = rec.one("aws:autoscaling/group:Group");
        expect(asg.inputs.vpcZoneIdentifiers.every((id: string) => id.startsWith("subnet-public-"))).to.equal(true);
        const instanceSg = rec
            .ofType(T.sg)
            .find((sg) => lt.inputs.networkInterfaces[0].securityGroups.includes(sg.id))!;
        expect(rec.ofType(T.ingressRule).filter((r) => r.inputs.securityGroupId === instanceSg.id)).to.be.empty;
        expect(instanceSg.inputs.ingress ?? []).to.be.empty;
    });

    it("runs the small sizes of the environments table", () => {
        const rec = dev.recording;
        expect(rec.one(T.rds).inputs).to.include({
            instanceClass: "db.t4g.micro",
            multiAz: false,
            allocatedStorage: 20,
        });
        expect(rec.one(T.task).inputs).to.include({ cpu: "256", memory: "512" });
        expect(rec.one("aws:ec2/launchTemplate:LaunchTemplate").inputs.instanceType).to.equal("t4g.micro");
    });
});

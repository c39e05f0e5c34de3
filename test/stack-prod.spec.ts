import { mocksReady, Registration } from "./harness/mocks";
import { evaluateStack, StackEvaluation } from "./harness/stack";
import { A, authBaseline } from "./harness/stackAuth";
import { baseline, T } from "./harness/stackBaseline";
import { expect } from "chai";

describe("prod stack through index.ts", () => {
    before(() => mocksReady);

    let prod: StackEvaluation;
    before(async () => {
        prod = await evaluateStack("prod");
    });
    authBaseline(() => prod, true);
    baseline("prod", () => prod, 30);

    it("checks tokens in the application: no API Gateway authorizer; the pool is protected from deletion", () => {
        const rec = prod.recording;
        expect(rec.ofType(A.authorizer)).to.be.empty;
        const pool = rec.one(A.pool);
        expect(pool.inputs.deletionProtection).to.equal("ACTIVE");
        expect(pool.protect && pool.retainOnDelete, "pulumi protect and retainOnDelete").to.equal(true);
    });

    it("has a Multi-AZ database with deletion protection, protected from pulumi destroy", () => {
        const db: Registration = prod.recording.one(T.rds);
        expect(db.inputs).to.include({ multiAz: true, deletionProtection: true, backupRetentionPeriod: 7 });
        expect(db.inputs.skipFinalSnapshot).to.equal(false);
        expect(db.protect || db.retainOnDelete).to.equal(true);
    });

    it("has a load balancer with deletion protection, an HTTPS listener with TLS 1.3 and HTTP redirecting", () => {
        const rec = prod.recording;
        const lb = rec.one(T.lb);
        expect(lb.inputs.enableDeletionProtection).to.equal(true);
        expect(lb.inputs.internal ?? false).to.equal(false);
        const listeners = rec.ofType(T.listener);
        const https = listeners.find((l) => l.inputs.port === 443)!;
        expect(https.inputs.protocol).to.equal("HTTPS");
        expect(https.inputs.sslPolicy).to.match(/TLS13/);
        expect(https.inputs.certificateArn).to.equal(rec.one("aws:acm/certificate:Certificate").state.arn);
        const http = listeners.find((l) => l.inputs.port === 80)!;
        expect(http.inputs.defaultActions[0].type).to.equal("redirect");
        expect(http.inputs.defaultActions[0].redirect).to.include({ protocol: "HTTPS", port: "443" });
    });

    it("puts the WAF web ACL on the distribution (scope CLOUDFRONT, us-east-1), none on the load balancer", () => {
        const rec = prod.recording;
        const acl = rec.one(T.waf);
        expect(acl.inputs.scope).to.equal("CLOUDFRONT");
        const provider = rec.ofType("pulumi:providers:aws").find((p) => acl.provider.startsWith(`${p.urn}::`))!;
        expect(provider.inputs.region).to.equal("us-east-1");
        expect(rec.one(T.cdn).inputs.webAclId).to.equal(acl.state.arn);
        expect(rec.ofType(T.wafAssoc)).to.be.empty;
    });

    it("has one NAT gateway per AZ and instances in private subnets without public IPs", () => {
        const rec = prod.recording;
        expect(rec.one(T.vpc).inputs.natGateways.strategy).to.equal("OnePerAz");
        const lt = rec.one("aws:ec2/launchTemplate:LaunchTemplate");
        expect(String(lt.inputs.networkInterfaces?.[0]?.associatePublicIpAddress ?? false)).to.equal("false");
        const asg = rec.one("aws:autoscaling/group:Group");
        expect(asg.inputs.vpcZoneIdentifiers.every((id: string) => id.startsWith("subnet-private-"))).to.equal(true);
    });

    it("scales 2-10 tasks on CPU at 70 % and 2-10 instances", () => {
        const rec = prod.recording;
        const target = rec.one("aws:appautoscaling/target:Target");
        expect(target.inputs).to.include({ minCapacity: 2, maxCapacity: 10 });
        const cpu = rec
            .ofType("aws:appautoscaling/policy:Policy")
            .find(
                (p) =>
                    p.inputs.targetTrackingScalingPolicyConfiguration.predefinedMetricSpecification
                        .predefinedMetricType === "ECSServiceAverageCPUUtilization",
            )!;
        expect(cpu.inputs.targetTrackingScalingPolicyConfiguration.targetValue).to.equal(70);
        expect(rec.one("aws:autoscaling/group:Group").inputs).to.include({ minSize: 2, maxSize: 10 });
    });
});

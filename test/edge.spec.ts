import { mocksReady, record } from "./harness/mocks";
import { expect } from "chai";
import { DomainCertificate, MANAGED_RULE_GROUPS, WebFirewall, webAclRules } from "../stacks/edge";

describe("edge: WAF and certificate", () => {
    before(() => mocksReady);

    it("web ACL rules: the four AWS managed groups in order, then a blocking per-IP rate limit", () => {
        const rules = webAclRules("web", 1500);
        expect(rules.map((r) => r.name)).to.deep.equal([...MANAGED_RULE_GROUPS, "rate-limit-per-ip"]);
        expect(rules.map((r) => r.priority)).to.deep.equal([1, 2, 3, 4, 5]);
        expect(rules[4]).to.deep.include({
            action: { block: {} },
            statement: { rateBasedStatement: { limit: 1500, aggregateKeyType: "IP" } },
        });
        expect(rules.slice(0, 4).every((r) => JSON.stringify(r.overrideAction) === '{"none":{}}')).to.equal(true);
    });

    it("associates the ACL with the load balancer and logs to an aws-waf-logs- group with retention", async () => {
        const rec = await record(
            () =>
                new WebFirewall("web-waf", {
                    loadBalancerArn: "arn:aws:elasticloadbalancing:lb",
                    logRetentionDays: 30,
                }),
        );
        const acl = rec.one("aws:wafv2/webAcl:WebAcl");
        expect(acl.inputs.scope).to.equal("REGIONAL");
        expect(acl.inputs.defaultAction).to.deep.equal({ allow: {} });
        const assoc = rec.one("aws:wafv2/webAclAssociation:WebAclAssociation");
        expect(assoc.inputs).to.deep.include({
            resourceArn: "arn:aws:elasticloadbalancing:lb",
            webAclArn: acl.state.arn,
        });
        const logs = rec.one("aws:cloudwatch/logGroup:LogGroup");
        expect(logs.inputs.name).to.match(/^aws-waf-logs-/);
        expect(logs.inputs.retentionInDays).to.equal(30);
        const logging = rec.one("aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration");
        expect(logging.inputs.logDestinationConfigs).to.deep.equal([logs.state.arn]);
        expect(logging.inputs.redactedFields).to.deep.include({ singleHeader: { name: "authorization" } });
    });

    it("validates the certificate by DNS in the existing zone before exposing its ARN", async () => {
        const rec = await record(
            () => new DomainCertificate("web", { domainName: "app.example.com", hostedZoneName: "example.com" }),
        );
        const cert = rec.one("aws:acm/certificate:Certificate");
        expect(cert.inputs).to.include({ domainName: "app.example.com", validationMethod: "DNS" });
        const validationRecord = rec.one("aws:route53/record:Record");
        expect(validationRecord.inputs.type).to.equal("CNAME");
        expect(validationRecord.inputs.zoneId).to.equal("Z0123456789ABCDEFGHIJ");
        const validation = rec.one("aws:acm/certificateValidation:CertificateValidation");
        expect(validation.inputs.certificateArn).to.equal(cert.state.arn);
        expect(validation.inputs.validationRecordFqdns).to.deep.equal([validationRecord.state.fqdn]);
    });
});

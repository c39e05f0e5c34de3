import { failsBeforeRegistering, mocksReady, record } from "./harness/mocks";
import { expect } from "chai";
import { DomainCertificate, WebFirewall } from "../components";
import { MANAGED_RULE_GROUPS, webAclRules } from "../components/edge";

const ALB = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/50dc6c495c0c9188";

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
                    loadBalancerArn: ALB,
                    logRetentionDays: 30,
                }),
        );
        const acl = rec.one("aws:wafv2/webAcl:WebAcl");
        expect(acl.inputs.scope).to.equal("REGIONAL");
        expect(acl.inputs.defaultAction).to.deep.equal({ allow: {} });
        const assoc = rec.one("aws:wafv2/webAclAssociation:WebAclAssociation");
        expect(assoc.inputs).to.deep.include({
            resourceArn: ALB,
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

    it("WebFirewall: defaults from one constant, every bad argument refused before registering", async () => {
        const rec = await record(() => new WebFirewall("waf", { loadBalancerArn: ALB }));
        expect(rec.one("aws:cloudwatch/logGroup:LogGroup").inputs.retentionInDays).to.equal(90);
        const rate = rec.one("aws:wafv2/webAcl:WebAcl").inputs.rules[4].statement.rateBasedStatement;
        expect(rate.limit).to.equal(2000);
        const message = await failsBeforeRegistering(
            () =>
                new WebFirewall("waf!", {
                    loadBalancerArn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/x/1",
                    ratePer5MinPerIp: 5,
                    logRetentionDays: 10,
                }),
        );
        expect(message).to.equal(
            [
                'WebFirewall "waf!": invalid values:',
                '  - name: "waf!" cannot name a web ACL: expected at most 124 letters, digits, _ or - (it becomes "<name>-acl")',
                '  - loadBalancerArn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/x/1" is not an Application Load Balancer ARN (arn:aws:elasticloadbalancing:<region>:<account>:loadbalancer/app/<name>/<id>)',
                "  - ratePer5MinPerIp: 5 is out of range: expected an integer from 10 to 2000000000",
                "  - logRetentionDays: 10 is not a CloudWatch Logs retention: expected one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653",
            ].join("\n"),
        );
    });

    it("DomainCertificate: host names, and the domain inside the zone, checked before registering", async () => {
        const message = await failsBeforeRegistering(
            () => new DomainCertificate("web", { domainName: "app.example.org", hostedZoneName: "example.com" }),
        );
        expect(message).to.equal(
            'DomainCertificate "web": invalid value:\n  - domainName: "app.example.org" is not inside hostedZoneName "example.com": DNS validation writes its record in that zone',
        );
        const both = await failsBeforeRegistering(
            () => new DomainCertificate("web", { domainName: "", hostedZoneName: "Example..com" }),
        );
        expect(both).to.contain('domainName: "" is not a valid DNS host name');
        expect(both).to.contain('hostedZoneName: "Example..com" is not a valid DNS host name');
    });
});

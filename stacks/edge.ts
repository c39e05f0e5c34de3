import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** AWS managed rule groups on the web ACL (name, priority). */
export const MANAGED_RULE_GROUPS = [
    "AWSManagedRulesCommonRuleSet",
    "AWSManagedRulesKnownBadInputsRuleSet",
    "AWSManagedRulesSQLiRuleSet",
    "AWSManagedRulesAmazonIpReputationList",
] as const;

/** The web ACL's rules as plain data: managed groups first, then the rate limit. */
export function webAclRules(name: string, ratePer5MinPerIp: number): aws.types.input.wafv2.WebAclRule[] {
    const visibility = (metric: string) => ({
        cloudwatchMetricsEnabled: true,
        sampledRequestsEnabled: true,
        metricName: metric,
    });
    return [
        ...MANAGED_RULE_GROUPS.map((group, i) => ({
            name: group,
            priority: i + 1,
            overrideAction: { none: {} },
            statement: { managedRuleGroupStatement: { vendorName: "AWS", name: group } },
            visibilityConfig: visibility(`${name}-${group}`),
        })),
        {
            name: "rate-limit-per-ip",
            priority: MANAGED_RULE_GROUPS.length + 1,
            action: { block: {} },
            statement: { rateBasedStatement: { limit: ratePer5MinPerIp, aggregateKeyType: "IP" } },
            visibilityConfig: visibility(`${name}-rate-limit`),
        },
    ];
}

export interface WebFirewallArgs {
    /** ARN of the Application Load Balancer to protect. */
    readonly loadBalancerArn: pulumi.Input<string>;
    /** Requests per 5 minutes per client IP before blocking. @default 2000 */
    readonly ratePer5MinPerIp?: number;
    /** Retention of the WAF log group (days). */
    readonly logRetentionDays: number;
    readonly tags?: Record<string, string>;
}

/**
 * WAFv2 regional web ACL on the ALB: AWS managed rule groups (common, known
 * bad inputs, SQL injection, IP reputation) and a per-IP rate limit, with
 * logging to a CloudWatch log group (WAF requires the `aws-waf-logs-` prefix).
 */
export class WebFirewall extends pulumi.ComponentResource {
    public readonly webAclArn: pulumi.Output<string>;
    public readonly logGroupName: pulumi.Output<string>;

    constructor(name: string, args: WebFirewallArgs, opts?: pulumi.ComponentResourceOptions) {
        super("aws-webapp:index:WebFirewall", name, {}, opts);
        const tags = (role: string) => ({ ...args.tags, Name: `${name}-${role}` });
        const acl = new aws.wafv2.WebAcl(
            `${name}-acl`,
            {
                name: `${name}-acl`,
                scope: "REGIONAL",
                defaultAction: { allow: {} },
                rules: webAclRules(name, args.ratePer5MinPerIp ?? 2000),
                visibilityConfig: {
                    cloudwatchMetricsEnabled: true,
                    sampledRequestsEnabled: true,
                    metricName: `${name}-acl`,
                },
                tags: tags("acl"),
            },
            { parent: this },
        );
        new aws.wafv2.WebAclAssociation(
            `${name}-alb`,
            { resourceArn: args.loadBalancerArn, webAclArn: acl.arn },
            { parent: this },
        );
        const logs = new aws.cloudwatch.LogGroup(
            `${name}-logs`,
            { name: `aws-waf-logs-${name}`, retentionInDays: args.logRetentionDays, tags: tags("logs") },
            { parent: this },
        );
        new aws.wafv2.WebAclLoggingConfiguration(
            `${name}-logging`,
            {
                resourceArn: acl.arn,
                logDestinationConfigs: [logs.arn],
                // Never log credentials or session cookies.
                redactedFields: [{ singleHeader: { name: "authorization" } }, { singleHeader: { name: "cookie" } }],
            },
            { parent: this },
        );
        this.webAclArn = acl.arn;
        this.logGroupName = logs.name;
        this.registerOutputs({ webAclArn: this.webAclArn, logGroupName: this.logGroupName });
    }
}

export interface DomainCertificateArgs {
    /** Host name of the application, e.g. app.example.com. */
    readonly domainName: string;
    /** Existing public Route 53 zone holding it, e.g. example.com. */
    readonly hostedZoneName: string;
    readonly tags?: Record<string, string>;
}

/**
 * ACM certificate for the application's host name, validated by DNS in the
 * existing Route 53 zone. `certificateArn` resolves only once ACM has issued
 * it, so the HTTPS listener never points at a pending certificate.
 */
export class DomainCertificate extends pulumi.ComponentResource {
    public readonly certificateArn: pulumi.Output<string>;
    public readonly zoneId: pulumi.Output<string>;

    constructor(name: string, args: DomainCertificateArgs, opts?: pulumi.ComponentResourceOptions) {
        super("aws-webapp:index:DomainCertificate", name, {}, opts);
        const zone = aws.route53.getZoneOutput({ name: args.hostedZoneName, privateZone: false }, { parent: this });
        const cert = new aws.acm.Certificate(
            `${name}-cert`,
            { domainName: args.domainName, validationMethod: "DNS", tags: { ...args.tags, Name: `${name}-cert` } },
            { parent: this },
        );
        const option = cert.domainValidationOptions[0];
        const record = new aws.route53.Record(
            `${name}-cert-validation`,
            {
                zoneId: zone.zoneId,
                name: option.resourceRecordName,
                type: option.resourceRecordType,
                records: [option.resourceRecordValue],
                ttl: 300,
                allowOverwrite: true,
            },
            { parent: this },
        );
        const validation = new aws.acm.CertificateValidation(
            `${name}-cert-validated`,
            { certificateArn: cert.arn, validationRecordFqdns: [record.fqdn] },
            { parent: this },
        );
        this.certificateArn = validation.certificateArn;
        this.zoneId = zone.zoneId;
        this.registerOutputs({ certificateArn: this.certificateArn, zoneId: this.zoneId });
    }
}

/** Alias A record from the application's host name to the load balancer. */
export function aliasRecord(
    name: string,
    args: {
        zoneId: pulumi.Input<string>;
        domainName: string;
        targetDnsName: pulumi.Input<string>;
        targetZoneId: pulumi.Input<string>;
    },
    opts: pulumi.CustomResourceOptions,
): aws.route53.Record {
    return new aws.route53.Record(
        `${name}-alias`,
        {
            zoneId: args.zoneId,
            name: args.domainName,
            type: "A",
            aliases: [{ name: args.targetDnsName, zoneId: args.targetZoneId, evaluateTargetHealth: true }],
        },
        opts,
    );
}

import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { integer, logRetentionDays, nonEmptyString } from "../shared/checks";
import { usEast1ProviderArgs } from "../billing/provider";
import { checkTags, nameTags } from "../shared/tags";
import { isKnown, Problems } from "../shared/validation";
import { MAX_RATE_LIMIT, MIN_RATE_LIMIT, webAclRules } from "./webAclRules";

/** Where a web ACL applies: regional resources (an ALB), or CloudFront distributions. */
export const WebAclScope = {
    /** An Application Load Balancer in the stack's region (associated here). */
    Regional: "REGIONAL",
    /** CloudFront distributions: created in us-east-1, attached by the distribution's `webAclId`. */
    CloudFront: "CLOUDFRONT",
} as const;
export type WebAclScope = (typeof WebAclScope)[keyof typeof WebAclScope];

/** Defaults of {@link WebFirewallArgs}: the one place they are written. */
export const WEB_FIREWALL_DEFAULTS = {
    ratePer5MinPerIp: 2000,
    logRetentionDays: 90,
    scope: "REGIONAL" as WebAclScope,
} as const;

/** Arguments of {@link WebFirewall}. */
export interface WebFirewallArgs {
    /**
     * Scope of the web ACL. `CLOUDFRONT` creates it (and its log group) in us-east-1 with a
     * provider of its own that copies the stack's `aws:` settings; pass `webAclArn` to the
     * distribution (StaticSite's `webAclArn`).
     * @default WEB_FIREWALL_DEFAULTS.scope
     */
    readonly scope?: WebAclScope;
    /** ARN of the Application Load Balancer to protect (scope REGIONAL only: required there). */
    readonly loadBalancerArn?: pulumi.Input<string>;
    /**
     * Requests per 5 minutes per client IP before WAF blocks that IP (10 to 2000000000).
     * @default WEB_FIREWALL_DEFAULTS.ratePer5MinPerIp
     */
    readonly ratePer5MinPerIp?: number;
    /**
     * Retention of the WAF log group (days; a CloudWatch Logs retention).
     * @default WEB_FIREWALL_DEFAULTS.logRetentionDays
     */
    readonly logRetentionDays?: number;
    /** Tags added to the web ACL and the log group (with a `Name` tag). */
    readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/** Component names WAF accepts in the web ACL name `<name>-acl` (letters, digits, `_`, `-`; at most 124). */
const ACL_NAME = /^[A-Za-z0-9_-]{1,124}$/;

/** Applies the defaults and checks every argument of a WebFirewall; one ValidationError lists every problem. */
export function resolveWebFirewallArgs(name: string, args: WebFirewallArgs) {
    const problems = new Problems(`WebFirewall "${name}"`);
    const a = (args ?? {}) as Partial<WebFirewallArgs>;
    if (!ACL_NAME.test(name)) {
        problems.add(
            `name: ${JSON.stringify(name)} cannot name a web ACL: expected at most 124 letters, digits, _ or - (it becomes "<name>-acl")`,
        );
    }
    const scope = a.scope ?? WEB_FIREWALL_DEFAULTS.scope;
    problems.expect(
        (Object.values(WebAclScope) as unknown[]).includes(scope),
        "scope",
        scope,
        'is not "REGIONAL" or "CLOUDFRONT"',
    );
    if (scope === "CLOUDFRONT" && a.loadBalancerArn !== undefined)
        problems.add(
            "loadBalancerArn: is set with scope CLOUDFRONT: expected it unset (the distribution names the web ACL)",
        );
    if (scope === "REGIONAL" && a.loadBalancerArn === undefined)
        problems.add("loadBalancerArn: is required with scope REGIONAL: expected an Application Load Balancer ARN");
    if (a.loadBalancerArn !== undefined && isKnown(a.loadBalancerArn)) {
        problems.check(
            "loadBalancerArn",
            a.loadBalancerArn,
            (v) =>
                nonEmptyString("an Application Load Balancer ARN")(v) ??
                (/^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:loadbalancer\/app\//.test(v as string)
                    ? undefined
                    : "is not an Application Load Balancer ARN (arn:aws:elasticloadbalancing:<region>:<account>:loadbalancer/app/<name>/<id>)"),
        );
    }
    const ratePer5MinPerIp = a.ratePer5MinPerIp ?? WEB_FIREWALL_DEFAULTS.ratePer5MinPerIp;
    problems.check("ratePer5MinPerIp", ratePer5MinPerIp, integer(MIN_RATE_LIMIT, MAX_RATE_LIMIT));
    const retention = a.logRetentionDays ?? WEB_FIREWALL_DEFAULTS.logRetentionDays;
    problems.check("logRetentionDays", retention, logRetentionDays);
    checkTags(problems, "tags", a.tags);
    problems.throwIfAny();
    return { ratePer5MinPerIp, logRetentionDays: retention, scope };
}

/** A WebFirewall's arguments with defaults applied and every check passed. */
export type WebFirewallSettings = ReturnType<typeof resolveWebFirewallArgs>;

/**
 * WAFv2 web ACL on an Application Load Balancer (regional) or for CloudFront
 * distributions (scope CLOUDFRONT, in us-east-1): AWS managed rule
 * groups (common, known bad inputs, SQL injection, IP reputation) and a
 * per-IP rate limit, with logging to a CloudWatch log group (WAF requires the
 * `aws-waf-logs-` prefix) that never records credentials or cookies.
 */
export class WebFirewall extends pulumi.ComponentResource {
    /** ARN of the web ACL. */
    public readonly webAclArn: pulumi.Output<string>;
    /** Name of the WAF log group (`aws-waf-logs-<name>`). */
    public readonly logGroupName: pulumi.Output<string>;

    constructor(name: string, args: WebFirewallArgs, opts?: pulumi.ComponentResourceOptions) {
        const s = resolveWebFirewallArgs(name, args);
        super("aws-webapp:index:WebFirewall", name, {}, opts);
        const tags = (role: string) => nameTags(`${name}-${role}`, args.tags);
        // CloudFront's web ACLs and their log groups live in us-east-1.
        const child: pulumi.CustomResourceOptions =
            s.scope === "CLOUDFRONT"
                ? {
                      parent: this,
                      provider: new aws.Provider(`${name}-us-east-1`, usEast1ProviderArgs(), { parent: this }),
                  }
                : { parent: this };
        const acl = new aws.wafv2.WebAcl(
            `${name}-acl`,
            {
                name: `${name}-acl`,
                scope: s.scope,
                defaultAction: { allow: {} },
                rules: webAclRules(name, s.ratePer5MinPerIp),
                visibilityConfig: {
                    cloudwatchMetricsEnabled: true,
                    sampledRequestsEnabled: true,
                    metricName: `${name}-acl`,
                },
                tags: tags("acl"),
            },
            child,
        );
        if (args.loadBalancerArn !== undefined)
            new aws.wafv2.WebAclAssociation(
                `${name}-alb`,
                { resourceArn: args.loadBalancerArn, webAclArn: acl.arn },
                child,
            );
        const logs = new aws.cloudwatch.LogGroup(
            `${name}-logs`,
            { name: `aws-waf-logs-${name}`, retentionInDays: s.logRetentionDays, tags: tags("logs") },
            child,
        );
        new aws.wafv2.WebAclLoggingConfiguration(
            `${name}-logging`,
            {
                resourceArn: acl.arn,
                logDestinationConfigs: [logs.arn],
                // Never log credentials or session cookies.
                redactedFields: [{ singleHeader: { name: "authorization" } }, { singleHeader: { name: "cookie" } }],
            },
            child,
        );
        this.webAclArn = acl.arn;
        this.logGroupName = logs.name;
        this.registerOutputs({ webAclArn: this.webAclArn, logGroupName: this.logGroupName });
    }
}

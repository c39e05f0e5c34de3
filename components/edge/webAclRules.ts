import type * as aws from "@pulumi/aws";

/** AWS managed rule groups on the web ACL, in priority order. */
export const MANAGED_RULE_GROUPS = [
    "AWSManagedRulesCommonRuleSet",
    "AWSManagedRulesKnownBadInputsRuleSet",
    "AWSManagedRulesSQLiRuleSet",
    "AWSManagedRulesAmazonIpReputationList",
] as const;

/** Rate limits WAF accepts for a rate-based rule (requests per 5 minutes per IP). */
export const MIN_RATE_LIMIT = 10;
export const MAX_RATE_LIMIT = 2_000_000_000;

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

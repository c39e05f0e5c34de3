/**
 * Ingress rules in their three AWS provider shapes, normalised, and the test
 * for "open to the internet".
 */

/** Addresses that mean "the whole internet". */
export const ANYWHERE = ["0.0.0.0/0", "::/0"];
/** The only internet-facing ports the baseline allows (on the load balancer). */
export const WEB_PORTS = [80, 443];

/** One ingress permission, whatever resource declared it. */
export interface IngressRule {
    readonly protocol: string;
    readonly fromPort: number;
    readonly toPort: number;
    readonly cidrs: string[];
}

/** Inline rules of an `aws.ec2.SecurityGroup` (`ingress` list). */
export function inlineIngress(props: Record<string, any>): IngressRule[] {
    return ((props.ingress ?? []) as Record<string, any>[]).map((r) => ({
        protocol: String(r.protocol ?? ""),
        fromPort: Number(r.fromPort),
        toPort: Number(r.toPort),
        cidrs: [...(r.cidrBlocks ?? []), ...(r.ipv6CidrBlocks ?? [])],
    }));
}

/** An `aws.ec2.SecurityGroupRule` of type ingress (none for egress). */
export function securityGroupRuleIngress(props: Record<string, any>): IngressRule[] {
    if (props.type !== "ingress") return [];
    return [
        {
            protocol: String(props.protocol ?? ""),
            fromPort: Number(props.fromPort),
            toPort: Number(props.toPort),
            cidrs: [...(props.cidrBlocks ?? []), ...(props.ipv6CidrBlocks ?? [])],
        },
    ];
}

/** An `aws.vpc.SecurityGroupIngressRule`. */
export function vpcIngressRule(props: Record<string, any>): IngressRule[] {
    return [
        {
            protocol: String(props.ipProtocol ?? ""),
            fromPort: Number(props.fromPort ?? -1),
            toPort: Number(props.toPort ?? -1),
            cidrs: [props.cidrIpv4, props.cidrIpv6].filter((c): c is string => typeof c === "string"),
        },
    ];
}

/** True when the rule admits the internet. */
export function isFromInternet(rule: IngressRule): boolean {
    return rule.cidrs.some((c) => ANYWHERE.includes(c));
}

/** True when the rule opens exactly one web port (80 or 443) over TCP. */
export function isWebPortOnly(rule: IngressRule): boolean {
    const tcp = rule.protocol === "tcp" || rule.protocol === "6";
    return tcp && rule.fromPort === rule.toPort && WEB_PORTS.includes(rule.fromPort);
}

/** `tcp 22-22`, `all traffic` ... for messages. */
export function describeRule(rule: IngressRule): string {
    if (rule.protocol === "-1" || rule.protocol === "all") return "all traffic";
    const ports = rule.fromPort === rule.toPort ? `${rule.fromPort}` : `${rule.fromPort}-${rule.toPort}`;
    return `${rule.protocol} ${ports}`;
}

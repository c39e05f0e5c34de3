/**
 * Exposure: only the load balancer accepts traffic from the internet, and
 * only on TCP 80/443. Two policies: a per-resource check of every ingress rule
 * (nothing but 80/443 may be open to 0.0.0.0/0 or ::/0), and a whole-stack
 * check that any group open on 80/443 belongs to an internet-facing load
 * balancer.
 */
import * as aws from "@pulumi/aws";
import { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import {
    describeRule,
    inlineIngress,
    IngressRule,
    isFromInternet,
    isWebPortOnly,
    securityGroupRuleIngress,
    vpcIngressRule,
} from "../support/ingress";
import { typeToken } from "../support/types";

const SG = typeToken(aws.ec2.SecurityGroup);
const SG_RULE = typeToken(aws.ec2.SecurityGroupRule);
const VPC_INGRESS = typeToken(aws.vpc.SecurityGroupIngressRule);
const LOAD_BALANCERS = [typeToken(aws.lb.LoadBalancer), typeToken(aws.alb.LoadBalancer)];

/** The ingress rules a resource declares, if it is one of the three shapes. */
export function ingressRulesOf(type: string, props: Record<string, any>): IngressRule[] {
    if (type === SG) return inlineIngress(props);
    if (type === SG_RULE) return securityGroupRuleIngress(props);
    if (type === VPC_INGRESS) return vpcIngressRule(props);
    return [];
}

export const noInternetIngress: ResourceValidationPolicy = {
    name: "no-internet-ingress-except-web",
    description: "Security group ingress from 0.0.0.0/0 or ::/0 is limited to TCP 80 and 443.",
    severity: "critical",
    validateResource: (args, reportViolation) => {
        if (![SG, SG_RULE, VPC_INGRESS].includes(args.type)) {
            args.notApplicable("only security groups and their ingress rules");
        }
        for (const rule of ingressRulesOf(args.type, args.props).filter(isFromInternet)) {
            if (!isWebPortOnly(rule)) {
                reportViolation(
                    `admits ${rule.cidrs.join(", ")} on ${describeRule(rule)}: only the load balancer may accept ` +
                        `internet traffic, on tcp 80 or 443; admit other sources by security group instead`,
                );
            }
        }
    },
};

/** Security group ids and URNs attached to internet-facing load balancers. */
function loadBalancerGroups(resources: PolicyResource[]): { ids: Set<string>; urns: Set<string> } {
    const ids = new Set<string>();
    const urns = new Set<string>();
    for (const lb of resources.filter((r) => LOAD_BALANCERS.includes(r.type))) {
        if (lb.props.internal === true) continue;
        for (const id of lb.props.securityGroups ?? []) ids.add(String(id));
        for (const dep of [...(lb.propertyDependencies?.securityGroups ?? []), ...(lb.dependencies ?? [])]) {
            if (dep.type === SG) urns.add(dep.urn);
        }
    }
    return { ids, urns };
}

export const internetIngressOnlyOnLoadBalancer: StackValidationPolicy = {
    name: "internet-ingress-only-on-load-balancer",
    description: "A security group open to the internet (on 80/443) belongs to an internet-facing load balancer.",
    severity: "high",
    validateStack: (args, reportViolation) => {
        const attached = loadBalancerGroups(args.resources);
        const groups = args.resources.filter((r) => r.type === SG);
        const groupById = new Map(groups.map((g) => [String(g.props.id ?? ""), g]));
        for (const r of args.resources) {
            const open = ingressRulesOf(r.type, r.props).filter(isFromInternet);
            if (open.length === 0) continue;
            // The group the rule belongs to: the resource itself, or its securityGroupId.
            const group = r.type === SG ? r : groupById.get(String(r.props.securityGroupId ?? ""));
            const groupId = r.type === SG ? String(r.props.id ?? "") : String(r.props.securityGroupId ?? "");
            const onLoadBalancer =
                (groupId !== "" && attached.ids.has(groupId)) || (group !== undefined && attached.urns.has(group.urn));
            if (!onLoadBalancer) {
                reportViolation(
                    `${r.name} admits the internet (${open.map(describeRule).join(", ")}) on security group ` +
                        `${group?.name ?? (groupId || "unknown")}, which no internet-facing load balancer uses`,
                    r.urn,
                );
            }
        }
    },
};

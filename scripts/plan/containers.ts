/**
 * Which container of the architecture (client, edge, ingress, service,
 * database, messages, cache, image pipeline, billing, observability) each
 * resource belongs to, from its type token, its inputs and the component it
 * sits in.
 */
import type { PlanResource } from "./model";
import { Graph, isBookkeeping } from "./graph";
import { at, list, str } from "./values";

export const CONTAINERS = [
    "client",
    "edge",
    "ingress",
    "service",
    "database",
    "messages",
    "cache",
    "pipeline",
    "billing",
    "observability",
] as const;
export type Container = (typeof CONTAINERS)[number];
/** `network` holds the VPC: drawn as a frame, not a node. */
export type Placement = Container | "network";

/** Type-token prefixes that decide the container by themselves. */
const BY_PREFIX: [string, Placement][] = [
    ["aws:wafv2/", "edge"],
    ["aws:waf/", "edge"],
    ["aws:wafregional/", "edge"],
    ["aws:route53/", "edge"],
    ["aws:acm/", "edge"],
    ["aws:cloudfront/", "edge"],
    ["aws:shield/", "edge"],
    ["aws:lb/", "ingress"],
    ["aws:alb/", "ingress"],
    ["aws:elb/", "ingress"],
    ["aws:apigatewayv2/", "ingress"],
    ["aws:apigateway/", "ingress"],
    ["awsx:lb:", "ingress"],
    ["aws:ecs/", "service"],
    ["aws:autoscaling/", "service"],
    ["aws:ec2/launchTemplate:", "service"],
    ["aws:ec2/instance:", "service"],
    ["aws:ecr/", "service"],
    ["aws:appautoscaling/", "service"],
    ["aws:servicediscovery/", "service"],
    ["awsx:ecs:", "service"],
    ["awsx:ecr:", "service"],
    ["docker:", "service"],
    ["aws:rds/", "database"],
    ["aws:dynamodb/", "messages"],
    ["aws:elasticache/", "cache"],
    ["aws:lambda/", "pipeline"],
    ["aws:budgets/", "billing"],
    ["aws:cloudwatch/dashboard:", "observability"],
    ["aws:cloudwatch/compositeAlarm:", "observability"],
    ["awsx:ec2:Vpc", "network"],
    ["aws:ec2/vpc:", "network"],
    ["aws:ec2/subnet:", "network"],
    ["aws:ec2/natGateway:", "network"],
    ["aws:ec2/internetGateway:", "network"],
    ["aws:ec2/routeTable:", "network"],
    ["aws:ec2/vpcEndpoint:", "network"],
];

/** Types that belong to whatever component holds them, with this placement when none does. */
const FALLBACK: [string, Placement][] = [
    ["aws:s3/", "pipeline"],
    ["aws:sqs/", "pipeline"],
    ["aws:sns/", "pipeline"],
];

/** A billing alarm watches AWS/Billing; any other alarm is observability. */
function alarmPlacement(r: PlanResource): Placement {
    const namespaces = [
        str(r.inputs.namespace),
        ...(list(r.inputs.metricQueries) ?? []).map((q) => str(at(q, "metric.namespace"))),
    ];
    return namespaces.includes("AWS/Billing") ? "billing" : "observability";
}

/** Components whose every descendant is drawn in one container (a MessageTable's consumer is not the image pipeline). */
const WHOLE_COMPONENTS: Readonly<Record<string, Placement>> = {
    "aws-webapp:index:MessageTable": "messages",
    "aws-webapp:index:Cache": "cache",
};

function wholeComponentPlacement(graph: Graph, r: PlanResource): Placement | undefined {
    for (let p = graph.parentOf(r); p; p = graph.parentOf(p)) {
        if (WHOLE_COMPONENTS[p.type]) return WHOLE_COMPONENTS[p.type];
    }
    return undefined;
}

/** The placement a type (and its inputs) decides alone, if any. */
export function strongPlacement(r: PlanResource): Placement | undefined {
    if (r.type === "aws:cloudwatch/metricAlarm:MetricAlarm") return alarmPlacement(r);
    return BY_PREFIX.find(([p]) => r.type.startsWith(p))?.[1];
}

/**
 * Places every resource: by type when the type decides; otherwise like the
 * nearest enclosing component, which takes the placement most of its
 * type-decided descendants have (a topic inside BillingAlarm is billing, a
 * bucket inside EcsEc2Service is service); otherwise by a fallback per type.
 * Unplaced resources (IAM, security groups outside any component...) are not drawn.
 */
export function placeResources(graph: Graph): Map<string, Placement> {
    const placed = new Map<string, Placement>();
    const componentPlacement = new Map<string, Placement | undefined>();
    const ofComponent = (c: PlanResource): Placement | undefined => {
        if (componentPlacement.has(c.urn)) return componentPlacement.get(c.urn);
        const votes = new Map<Placement, number>();
        for (const d of graph.descendantsOf(c)) {
            const p = strongPlacement(d);
            if (p) votes.set(p, (votes.get(p) ?? 0) + 1);
        }
        let best: Placement | undefined;
        for (const p of [...CONTAINERS, "network"] as Placement[]) {
            if ((votes.get(p) ?? 0) > (best ? votes.get(best)! : 0)) best = p;
        }
        const result = best ?? (graph.parentOf(c) ? ofComponent(graph.parentOf(c)!) : undefined);
        componentPlacement.set(c.urn, result);
        return result;
    };
    for (const r of graph.resources) {
        if (isBookkeeping(r.type)) continue;
        let p = wholeComponentPlacement(graph, r) ?? strongPlacement(r);
        if (p === undefined && r.custom) {
            const parent = graph.parentOf(r);
            p = parent ? ofComponent(parent) : undefined;
            p ??= FALLBACK.find(([prefix]) => r.type.startsWith(prefix))?.[1];
        }
        if (p !== undefined) placed.set(r.urn, p);
    }
    return placed;
}

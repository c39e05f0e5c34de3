/**
 * Container-level architecture diagram (Mermaid flowchart) from the resource
 * graph: a node per container that has resources, edges from the wiring
 * (one resource's inputs taken from another's outputs).
 */
import type { Diagram, DiagramEdge, DiagramNode, PlanResource } from "./model";
import { Container, CONTAINERS, Placement, placeResources } from "./containers";
import { Graph } from "./graph";
import { at, bool, list, num, str } from "./values";

const TITLES: Record<Container, string> = {
    client: "client",
    edge: "edge",
    ingress: "ingress",
    service: "service",
    database: "database",
    messages: "messages",
    cache: "cache",
    pipeline: "image pipeline",
    billing: "billing (us-east-1)",
    observability: "observability",
};

/** Request-path and watching relations between containers, in the direction drawn. */
const CANONICAL: { a: Container; b: Container; label: string; dashed: boolean }[] = [
    { a: "edge", b: "ingress", label: "filters, routes", dashed: false },
    { a: "ingress", b: "service", label: "forwards", dashed: false },
    { a: "service", b: "database", label: "PostgreSQL", dashed: false },
    { a: "service", b: "messages", label: "DynamoDB (gateway endpoint)", dashed: false },
    { a: "service", b: "cache", label: "Valkey (TLS)", dashed: false },
    { a: "service", b: "pipeline", label: "uploads", dashed: false },
    { a: "ingress", b: "pipeline", label: "", dashed: false },
    { a: "edge", b: "service", label: "", dashed: false },
];

const count = (rs: PlanResource[], type: string) => rs.filter((r) => r.type === type).length;
const some = (rs: PlanResource[], prefix: string) => rs.some((r) => r.type.startsWith(prefix));
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** One-line summary of what a container holds. */
function describe(c: Container, rs: PlanResource[]): string {
    const parts: string[] = [];
    switch (c) {
        case "edge": {
            const acl = rs.find((r) => r.type === "aws:wafv2/webAcl:WebAcl");
            if (acl) parts.push(`WAF web ACL (${plural(list(acl.inputs.rules)?.length ?? 0, "rule")})`);
            if (some(rs, "aws:route53/")) parts.push("Route 53");
            if (some(rs, "aws:acm/")) parts.push("ACM certificate");
            if (some(rs, "aws:cloudfront/")) parts.push("CloudFront");
            break;
        }
        case "ingress": {
            for (const lb of rs.filter((r) => /^aws:(lb|alb)\/loadBalancer:/.test(r.type))) {
                const kind = (str(lb.inputs.loadBalancerType) ?? "application") === "application" ? "ALB" : "NLB";
                const ports = rs
                    .filter((r) => r.type === "aws:lb/listener:Listener")
                    .map((l) => num(l.inputs.port))
                    .filter((p) => p !== undefined)
                    .sort((a, b) => a! - b!);
                parts.push(
                    `${kind}, ${bool(lb.inputs.internal) ? "internal" : "internet-facing"}${ports.length ? ` :${ports.join(", :")}` : ""}`,
                );
            }
            const apis = rs.filter((r) => r.type === "aws:apigatewayv2/api:Api");
            for (const api of apis) parts.push(`${str(api.inputs.protocolType) ?? "HTTP"} API`);
            if (count(rs, "aws:apigatewayv2/vpcLink:VpcLink")) parts.push("VPC link");
            if (some(rs, "aws:apigateway/")) parts.push("REST API");
            break;
        }
        case "service": {
            const svc = rs.filter((r) => r.type === "aws:ecs/service:Service");
            const tasks = svc.reduce((s, r) => s + (num(r.inputs.desiredCount) ?? 0), 0);
            if (svc.length) parts.push(`ECS ${plural(svc.length, "service")}, ${plural(tasks, "task")}`);
            for (const asg of rs.filter((r) => r.type === "aws:autoscaling/group:Group")) {
                const lt = rs.find(
                    (r) => r.type === "aws:ec2/launchTemplate:LaunchTemplate" && asg.dependencies.includes(r.urn),
                );
                const override = str(at(asg.inputs, "mixedInstancesPolicy.launchTemplate.overrides.0.instanceType"));
                const type = override ?? str(lt?.inputs.instanceType) ?? "EC2";
                parts.push(`${num(asg.inputs.desiredCapacity) ?? num(asg.inputs.minSize) ?? "?"} x ${type}`);
            }
            const instances = count(rs, "aws:ec2/instance:Instance");
            if (instances) parts.push(plural(instances, "EC2 instance"));
            if (some(rs, "aws:servicediscovery/")) parts.push("Cloud Map");
            if (some(rs, "aws:ecr/")) parts.push("ECR");
            break;
        }
        case "database":
            for (const db of rs.filter((r) => r.type === "aws:rds/instance:Instance")) {
                parts.push(
                    `RDS ${str(db.inputs.engine) ?? ""} ${str(db.inputs.engineVersion) ?? ""} ${str(db.inputs.instanceClass) ?? ""}${bool(db.inputs.multiAz) ? " Multi-AZ" : ""}`.replace(
                        /\s+/g,
                        " ",
                    ),
                );
            }
            break;
        case "messages":
            if (some(rs, "aws:dynamodb/")) parts.push("DynamoDB on demand");
            if (count(rs, "aws:lambda/eventSourceMapping:EventSourceMapping")) parts.push("stream Lambda");
            if (some(rs, "aws:sqs/")) parts.push("SQS failure queue");
            break;
        case "cache":
            for (const c of rs.filter((r) => r.type === "aws:elasticache/serverlessCache:ServerlessCache")) {
                parts.push(`ElastiCache Serverless ${str(c.inputs.engine) ?? ""}`.trim());
            }
            break;
        case "pipeline":
            if (some(rs, "aws:s3/")) parts.push("S3");
            if (count(rs, "aws:lambda/function:Function")) parts.push("Lambda");
            if (some(rs, "aws:sns/")) parts.push("SNS");
            if (some(rs, "aws:sqs/")) parts.push("SQS DLQ");
            break;
        case "billing": {
            const alarms = count(rs, "aws:cloudwatch/metricAlarm:MetricAlarm");
            if (alarms) parts.push(`EstimatedCharges ${alarms === 1 ? "alarm" : `alarms (${alarms})`}`);
            if (some(rs, "aws:budgets/")) parts.push("Budget");
            if (some(rs, "aws:sns/")) parts.push("SNS email");
            break;
        }
        case "observability": {
            const alarms = count(rs, "aws:cloudwatch/metricAlarm:MetricAlarm");
            if (alarms) parts.push(plural(alarms, "alarm"));
            const boards = count(rs, "aws:cloudwatch/dashboard:Dashboard");
            if (boards) parts.push(plural(boards, "dashboard"));
            if (some(rs, "aws:sns/")) parts.push("SNS");
            break;
        }
        case "client":
            break;
    }
    return parts.join(" + ");
}

/** A Mermaid-safe label (no double quotes or brackets that end a node). */
function safe(text: string): string {
    return text.replace(/"/g, "'").replace(/[[\]{}]/g, "");
}

function shape(id: Container, label: string): string {
    if (id === "client") return `${id}(["${label}"])`;
    if (id === "database" || id === "messages") return `${id}[("${label}")]`;
    return `${id}["${label}"]`;
}

/** Builds the diagram of a plan's resources. */
export function buildDiagram(resources: readonly PlanResource[], graph = new Graph(resources)): Diagram {
    const placed = placeResources(graph);
    const members = new Map<Placement, PlanResource[]>();
    for (const r of resources) {
        const p = placed.get(r.urn);
        if (p) members.set(p, [...(members.get(p) ?? []), r]);
    }
    const has = (c: Container) => (members.get(c)?.length ?? 0) > 0;
    // The client reaches the first public container: the edge, else a public ingress.
    const publicIngress = (members.get("ingress") ?? []).some(
        (r) =>
            (/^aws:(lb|alb)\/loadBalancer:/.test(r.type) && bool(r.inputs.internal) !== true) ||
            r.type === "aws:apigatewayv2/api:Api" ||
            r.type.startsWith("aws:apigateway/restApi"),
    );
    const entry: Container | undefined = has("edge") ? "edge" : publicIngress ? "ingress" : undefined;

    const nodes: DiagramNode[] = [];
    for (const c of CONTAINERS) {
        if (c === "client" ? entry === undefined : !has(c)) continue;
        const detail = c === "client" ? "" : describe(c, members.get(c)!);
        nodes.push({
            id: c,
            label: safe(detail ? `${TITLES[c]}: ${detail}` : TITLES[c]),
            resources: c === "client" ? 0 : members.get(c)!.length,
        });
    }

    // Pairs of containers wired together (in either direction).
    const pairs = new Set<string>();
    const directed = new Map<string, [Container, Container]>();
    for (const r of resources) {
        const a = placed.get(r.urn);
        if (!a || a === "network") continue;
        for (const d of graph.dependenciesOf(r)) {
            const b = placed.get(d.urn);
            if (!b || b === "network" || b === a) continue;
            const key = [a, b].sort().join("|");
            pairs.add(key);
            if (!directed.has(key)) directed.set(key, [a, b]);
        }
    }
    const edges: DiagramEdge[] = [];
    if (entry) edges.push({ from: "client", to: entry, label: "HTTPS", dashed: false });
    for (const c of CANONICAL) {
        if (pairs.delete([c.a, c.b].sort().join("|")))
            edges.push({ from: c.a, to: c.b, label: c.label, dashed: c.dashed });
    }
    for (const key of [...pairs].sort()) {
        const [a, b] = directed.get(key)!;
        const watcher = [a, b].find((x) => x === "observability" || x === "billing");
        if (watcher) {
            const other = watcher === a ? b : a;
            edges.push({ from: watcher, to: other, label: watcher === "observability" ? "alarms" : "", dashed: true });
        } else {
            // Otherwise: the dependent uses what it depends on.
            edges.push({ from: a, to: b, label: "", dashed: false });
        }
    }
    edges.sort(
        (x, y) =>
            Number(x.dashed) - Number(y.dashed) ||
            CONTAINERS.indexOf(x.from as Container) - CONTAINERS.indexOf(y.from as Container) ||
            CONTAINERS.indexOf(x.to as Container) - CONTAINERS.indexOf(y.to as Container),
    );

    const vpc = has("service") && (members.get("network")?.length ?? 0) > 0;
    return { nodes, edges, vpc, mermaid: mermaid(nodes, edges, vpc, members) };
}

function mermaid(
    nodes: readonly DiagramNode[],
    edges: readonly DiagramEdge[],
    vpc: boolean,
    members: Map<Placement, PlanResource[]>,
): string {
    const lines = ["flowchart LR"];
    const inVpc = new Set<string>();
    if (vpc) {
        inVpc.add("service");
        inVpc.add("database");
        inVpc.add("cache");
        const albInVpc = (members.get("ingress") ?? []).some((r) => /^aws:(lb|alb)\/loadBalancer:/.test(r.type));
        if (albInVpc) inVpc.add("ingress");
    }
    for (const n of nodes) if (!inVpc.has(n.id)) lines.push(`    ${shape(n.id as Container, n.label)}`);
    if (vpc) {
        lines.push(`    subgraph vpc["VPC"]`);
        for (const n of nodes) if (inVpc.has(n.id)) lines.push(`        ${shape(n.id as Container, n.label)}`);
        lines.push("    end");
    }
    if (nodes.length === 0) lines.push(`    empty["no resources yet"]`);
    for (const e of edges) {
        const arrow = e.dashed ? "-.->" : "-->";
        lines.push(`    ${e.from} ${arrow}${e.label ? `|"${safe(e.label)}"|` : ""} ${e.to}`);
    }
    return lines.join("\n");
}

import { mocksReady } from "./harness/mocks";
import { readStackConfig } from "./harness/stack";
import { expect } from "chai";
import { execFile } from "child_process";
import * as fc from "fast-check";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Io, main } from "../scripts/plan";
import { buildPlan, Plan } from "../scripts/plan/build";
import { awsxNatCount, marketSplit, priceResources } from "../scripts/plan/cost";
import { changedPaths, diffPlans } from "../scripts/plan/diff";
import { evaluate, isVolatile, listStacks, symbolize } from "../scripts/plan/evaluate";
import {
    architectureFile,
    costSummaryFile,
    regenerateCommand,
    renderArchitecture,
    renderCostSummary,
} from "../scripts/plan/markdown";
import type { CostReport, PlanDocument, PlanResource } from "../scripts/plan/model";
import { loadPrices } from "../scripts/plan/prices";
import { readPreview } from "../scripts/plan/preview";
import { ROOT } from "../scripts/plan/cli";
import { planResource } from "./harness/planResources";

/** A synthetic resource as the mock engine or a preview would record it. */
const res = planResource;

const prices = loadPrices(ROOT);
const H = 730;
const FIXTURE = path.join(ROOT, "test", "fixtures", "preview-prod.json");
/** Idle monthly cost targets of the environments table (ARCHITECTURE.md; dev at most 20 USD since issue 21). */
const TARGETS: Record<string, number> = { dev: 20, prod: 200 };
/** USD a month, rounded to cents as the cost table does. */
const usd = (x: number) => Math.round(x * 100) / 100;

// ------------------------------------------------------------------ helpers

function price(resources: PlanResource[]): CostReport {
    return priceResources(resources, prices);
}

function line(cost: CostReport, key: string) {
    return cost.items.find((i) => i.key === key);
}

function launchTemplate(type: string, extra: Record<string, unknown> = {}) {
    return res("aws:ec2/launchTemplate:LaunchTemplate", "app-lt", {
        instanceType: type,
        blockDeviceMappings: [
            { deviceName: "/dev/xvda", ebs: { volumeSize: 30, volumeType: "gp3", encrypted: "true" } },
        ],
        metadataOptions: { httpTokens: "required" },
        ...extra,
    });
}

function group(lt: PlanResource, inputs: Record<string, unknown>) {
    return res(
        "aws:autoscaling/group:Group",
        "app-asg",
        { minSize: 1, maxSize: 10, ...inputs },
        { dependencies: [lt.urn] },
    );
}

function awsxVpc(inputs: Record<string, unknown>) {
    return res("awsx:ec2:Vpc", "main-vpc", { cidrBlock: "10.0.0.0/16", ...inputs }, { custom: false });
}

/** Captures what the CLI prints. */
function captureIo(): Io & { out: string[]; err: string[] } {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, stdout: (t) => out.push(t), stderr: (t) => err.push(t), root: ROOT, cwd: ROOT };
}

function tmpDir(): string {
    return fs.mkdtempSync(path.join(os.tmpdir(), "plan-spec-"));
}

// ------------------------------------------------------------------ cost rules

describe("plan: cost rules on synthetic registrations", () => {
    it("prices an Auto Scaling group by the launch template's instance type x desired count, and its volumes", () => {
        const lt = launchTemplate("t4g.small");
        const cost = price([lt, group(lt, { desiredCapacity: 3 })]);
        expect(line(cost, "ec2:t4g.small:on-demand")).to.include({ quantity: 3, monthlyUsd: usd(3 * 0.0168 * H) });
        expect(line(cost, "ebs:gp3")).to.include({ quantity: 90, monthlyUsd: usd(90 * 0.08) });
        expect(cost.unpriced).to.be.empty;
        expect(cost.totalUsd).to.equal(usd(usd(3 * 0.0168 * H) + usd(90 * 0.08)));
    });

    it("falls back to minSize when desiredCapacity is unset, and prices public IPs of instances that get one", () => {
        const lt = launchTemplate("t3.micro", { networkInterfaces: [{ associatePublicIpAddress: "true" }] });
        const cost = price([lt, group(lt, { minSize: 2 })]);
        expect(line(cost, "ec2:t3.micro:on-demand")).to.include({ quantity: 2 });
        expect(line(cost, "ipv4:instance")).to.include({ quantity: 2, monthlyUsd: usd(2 * 0.005 * H) });
    });

    it("splits a mixed-instances group into on-demand and spot from the base and the percentage", () => {
        const lt = launchTemplate("t4g.medium");
        const asg = group(lt, {
            desiredCapacity: 4,
            mixedInstancesPolicy: {
                instancesDistribution: { onDemandBaseCapacity: 1, onDemandPercentageAboveBaseCapacity: 50 },
                launchTemplate: {
                    launchTemplateSpecification: { launchTemplateId: lt.id },
                    overrides: [{ instanceType: "t4g.medium" }],
                },
            },
        });
        const cost = price([lt, asg]);
        // base 1 + ceil(50 % of 3) = 3 on demand, 1 spot at (1 - 0.65) of the price.
        expect(line(cost, "ec2:t4g.medium:on-demand")).to.include({ quantity: 3, monthlyUsd: usd(3 * 0.0336 * H) });
        expect(line(cost, "ec2:t4g.medium:spot")).to.include({ quantity: 1, monthlyUsd: usd(0.0336 * 0.35 * H) });
        expect(cost.notes.join("\n")).to.match(/Spot instances priced at 35 % of on-demand/);
    });

    it("prices an all-spot group (onDemandPercentageAboveBaseCapacity 0, the dev setting) at the spot discount", () => {
        const lt = launchTemplate("t4g.small");
        const asg = group(lt, {
            desiredCapacity: 1,
            mixedInstancesPolicy: {
                instancesDistribution: { onDemandBaseCapacity: 0, onDemandPercentageAboveBaseCapacity: 0 },
                launchTemplate: { launchTemplateSpecification: {}, overrides: [{ instanceType: "t4g.small" }] },
            },
        });
        const cost = price([lt, asg]);
        expect(line(cost, "ec2:t4g.small:on-demand")).to.be.undefined;
        expect(line(cost, "ec2:t4g.small:spot")).to.include({ quantity: 1, monthlyUsd: usd(0.0168 * 0.35 * H) });
    });

    it("splits markets consistently for any count, base and percentage", () => {
        fc.assert(
            fc.property(fc.nat(50), fc.nat(60), fc.integer({ min: 0, max: 100 }), (count, base, pct) => {
                const { onDemand, spot } = marketSplit(count, base, pct);
                expect(onDemand + spot).to.equal(count);
                expect(onDemand).to.be.at.least(Math.min(count, base));
                expect(spot).to.be.at.least(0);
                if (pct === 100) expect(spot).to.equal(0);
                if (pct === 0) expect(onDemand).to.equal(Math.min(count, base));
                expect(marketSplit(count, base, Math.min(100, pct + 10)).onDemand).to.be.at.least(onDemand);
            }),
        );
    });

    it("reports an unknown instance type as unpriced instead of pricing it at zero", () => {
        const lt = launchTemplate("x9z.huge");
        const cost = price([lt, group(lt, { desiredCapacity: 2 })]);
        expect(cost.items.filter((i) => i.key.startsWith("ec2:"))).to.be.empty;
        expect(cost.unpriced).to.deep.include({
            type: "aws:autoscaling/group:Group",
            name: "app-asg",
            reason: "instance type x9z.huge is not in the price table (2 instances)",
        });
    });

    it("reports a group whose launch template cannot be found, a volume sized by the AMI and a type without a rule", () => {
        const orphan = res("aws:autoscaling/group:Group", "lost", {
            desiredCapacity: 1,
            launchTemplate: { id: "lt-x" },
        });
        const bare = launchTemplate("t3.small", { blockDeviceMappings: undefined });
        const cache = res("aws:elasticache/replicationGroup:ReplicationGroup", "cache", {
            nodeType: "cache.t4g.micro",
        });
        const cost = price([orphan, bare, group(bare, { desiredCapacity: 1 }), cache]);
        expect(cost.unpriced.map((u) => `${u.name}: ${u.reason}`)).to.have.members([
            "lost: its launch template is not among the resources it depends on",
            "app-asg: root volume size comes from the AMI (no blockDeviceMappings)",
            "cache: ElastiCache replication group: hourly-priced, no price rule",
        ]);
    });

    for (const [strategy, zones, expected] of [
        ["None", 2, 0],
        ["Single", 2, 1],
        ["Single", 3, 1],
        ["OnePerAz", 2, 2],
        ["OnePerAz", 3, 3],
    ] as const) {
        it(`prices NAT strategy ${strategy} over ${zones} zones as ${expected} gateway(s) and as many addresses`, () => {
            const cost = price([awsxVpc({ numberOfAvailabilityZones: zones, natGateways: { strategy } })]);
            expect(line(cost, "nat")?.quantity ?? 0).to.equal(expected);
            expect(line(cost, "ipv4:nat")?.quantity ?? 0).to.equal(expected);
            expect(cost.totalUsd).to.equal(usd(usd(expected * 0.045 * H) + usd(expected * 0.005 * H)));
        });
    }

    it("follows awsx's defaults: three zones and one NAT gateway per zone when public and private subnets exist", () => {
        expect(awsxNatCount({})).to.equal(3);
        expect(awsxNatCount({ availabilityZoneNames: ["a", "b"] })).to.equal(2);
        expect(awsxNatCount({ subnetSpecs: [{ type: "Public" }, { type: "Isolated" }] })).to.equal(0);
    });

    it("does not count NAT gateways twice when a preview lists the awsx VPC's children", () => {
        const vpc = awsxVpc({ numberOfAvailabilityZones: 2, natGateways: { strategy: "OnePerAz" } });
        const children = [1, 2].flatMap((i) => [
            res("aws:ec2/eip:Eip", `main-vpc-${i}`, { domain: "vpc" }, { parent: vpc.urn }),
            res("aws:ec2/natGateway:NatGateway", `main-vpc-${i}`, {}, { parent: vpc.urn }),
        ]);
        const cost = price([vpc, ...children]);
        expect(line(cost, "nat")?.quantity).to.equal(2);
        expect(line(cost, "ipv4:nat")).to.be.undefined;
        expect(line(cost, "ipv4:eip")?.quantity).to.equal(2);
    });

    it("prices a Multi-AZ database at twice the instance and storage price, plus its managed master secret", () => {
        const db = res("aws:rds/instance:Instance", "db", {
            engine: "postgres",
            instanceClass: "db.t4g.small",
            allocatedStorage: 20,
            storageType: "gp3",
            multiAz: true,
            manageMasterUserPassword: true,
        });
        const cost = price([db]);
        expect(line(cost, "rds:db.t4g.small:Multi-AZ")).to.include({ monthlyUsd: usd(2 * 0.032 * H) });
        expect(line(cost, "rds-storage:gp3:Multi-AZ")).to.include({ quantity: 20, monthlyUsd: usd(20 * 0.115 * 2) });
        expect(line(cost, "secretsmanager:secret")).to.deep.include({
            monthlyUsd: 0.4,
            resources: ["db (RDS-managed master secret)"],
        });
    });

    it("prices a Single-AZ database once, and reports an unknown class", () => {
        const single = res("aws:rds/instance:Instance", "db", {
            engine: "postgres",
            instanceClass: "db.t4g.micro",
            allocatedStorage: 20,
            storageType: "gp3",
        });
        const cost = price([single]);
        expect(line(cost, "rds:db.t4g.micro:Single-AZ")).to.include({ monthlyUsd: usd(0.016 * H) });
        expect(line(cost, "rds-storage:gp3:Single-AZ")).to.include({ monthlyUsd: usd(20 * 0.115) });
        const odd = price([
            res("aws:rds/instance:Instance", "big", { instanceClass: "db.x9.huge", allocatedStorage: 20 }),
        ]);
        expect(odd.unpriced).to.deep.include({
            type: "aws:rds/instance:Instance",
            name: "big",
            reason: "instance class db.x9.huge is not in the price table",
        });
    });

    it("prices an internet-facing ALB with one public address per zone, an internal one without", () => {
        const pub = res("aws:lb/loadBalancer:LoadBalancer", "public", { internal: false, subnets: ["s1", "s2"] });
        const internal = res("aws:lb/loadBalancer:LoadBalancer", "private", { internal: true, subnets: ["s1", "s2"] });
        const cost = price([pub, internal]);
        expect(line(cost, "lb:application")).to.include({ quantity: 2, monthlyUsd: usd(2 * 0.0225 * H) });
        expect(line(cost, "ipv4:lb")).to.deep.include({ quantity: 2, resources: ["public"] });
    });

    it("assumes one load balancer node per VPC zone when the subnets are known only after deployment, and says so", () => {
        const vpc = awsxVpc({ numberOfAvailabilityZones: 3, natGateways: { strategy: "None" } });
        const lb = res("aws:lb/loadBalancer:LoadBalancer", "alb", { subnets: "<computed>" });
        const cost = price([vpc, lb]);
        expect(line(cost, "ipv4:lb")?.quantity).to.equal(3);
        expect(cost.notes.join("\n")).to.include("alb: its subnets are known only after deployment");
    });

    it("prices interface endpoints per zone, gateway endpoints not at all", () => {
        const cost = price([
            res("aws:ec2/vpcEndpoint:VpcEndpoint", "ecr", { vpcEndpointType: "Interface", subnetIds: ["a", "b"] }),
            res("aws:ec2/vpcEndpoint:VpcEndpoint", "s3", { vpcEndpointType: "Gateway" }),
        ]);
        expect(line(cost, "vpce:interface")).to.deep.include({
            quantity: 2,
            monthlyUsd: usd(2 * 0.01 * H),
            resources: ["ecr"],
        });
    });

    it("prices a WAF web ACL per month and per rule (a managed group is one rule), paid groups on top", () => {
        const rule = (name: string) => ({
            name,
            statement: { managedRuleGroupStatement: { vendorName: "AWS", name } },
        });
        const acl = res("aws:wafv2/webAcl:WebAcl", "acl", {
            rules: [rule("AWSManagedRulesCommonRuleSet"), rule("AWSManagedRulesBotControlRuleSet"), { name: "rate" }],
        });
        const cost = price([acl]);
        expect(line(cost, "waf:acl")?.monthlyUsd).to.equal(5);
        expect(line(cost, "waf:rule")).to.include({ quantity: 3, monthlyUsd: 3 });
        expect(line(cost, "waf:managed:AWSManagedRulesBotControlRuleSet")?.monthlyUsd).to.equal(10);
        expect(cost.totalUsd).to.equal(18);
    });

    it("prices alarms per metric (metric math per metric in the query), dashboards, secrets, keys, zones, Cloud Map", () => {
        const mathAlarm = res("aws:cloudwatch/metricAlarm:MetricAlarm", "billing", {
            metricQueries: [
                { id: "m1", metric: { namespace: "AWS/Billing", metricName: "EstimatedCharges", period: 21600 } },
                { id: "e1", expression: "IF(RATE(m1)>0,RATE(m1)*86400,0)" },
            ],
        });
        const twoMetrics = res("aws:cloudwatch/metricAlarm:MetricAlarm", "ratio", {
            metricQueries: [
                { id: "a", metric: { period: 60 } },
                { id: "b", metric: { period: 60 } },
                { id: "e", expression: "a/b" },
            ],
        });
        const fast = res("aws:cloudwatch/metricAlarm:MetricAlarm", "fast", { metricName: "X", period: 10 });
        const cost = price([
            mathAlarm,
            twoMetrics,
            fast,
            res("aws:cloudwatch/metricAlarm:MetricAlarm", "cpu", { metricName: "CPUUtilization", period: 300 }),
            res("aws:cloudwatch/dashboard:Dashboard", "board"),
            res("aws:secretsmanager/secret:Secret", "secret"),
            res("aws:kms/key:Key", "key"),
            res("aws:route53/zone:Zone", "zone"),
            res("aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace", "ns"),
            res("aws:ecs/service:Service", "svc", { desiredCount: 2, serviceRegistries: { registryArn: "arn" } }),
        ]);
        expect(line(cost, "cloudwatch:alarm-metric")?.quantity).to.equal(4);
        expect(line(cost, "cloudwatch:alarm-metric-hr")).to.include({ quantity: 1, monthlyUsd: 0.3 });
        expect(line(cost, "cloudwatch:dashboard")?.monthlyUsd).to.equal(3);
        expect(line(cost, "secretsmanager:secret")?.monthlyUsd).to.equal(0.4);
        expect(line(cost, "kms:key")?.monthlyUsd).to.equal(1);
        expect(line(cost, "route53:zone")).to.deep.include({
            quantity: 2,
            resources: ["zone", "ns (Cloud Map namespace)"],
        });
        expect(line(cost, "cloudmap:instance")).to.include({ quantity: 2, monthlyUsd: 0.2 });
        expect(cost.totalUsd).to.equal(usd(0.4 + 0.3 + 3 + 0.4 + 1 + 1 + 0.2));
    });

    it("lists usage-priced services at $0.00 so they are visibly considered", () => {
        const cost = price([
            res("aws:apigatewayv2/api:Api", "api", { protocolType: "HTTP" }),
            res("aws:lambda/function:Function", "fn"),
            res("aws:s3/bucketV2:BucketV2", "bucket"),
            res("aws:sns/topic:Topic", "topic"),
            res("aws:sqs/queue:Queue", "dlq"),
        ]);
        expect(cost.items.map((i) => [i.label, i.monthlyUsd])).to.deep.equal([
            ["API Gateway HTTP API", 0],
            ["Lambda functions", 0],
            ["S3 buckets", 0],
            ["SNS topics", 0],
            ["SQS queues", 0],
        ]);
        expect(cost.totalUsd).to.equal(0);
    });
});

describe("plan: mock-made values", () => {
    it("replaces counter-made ids and outputs in inputs with <name.property>, leaving the rest", () => {
        const sg = {
            name: "web-sg",
            id: "sg-8a7b1c46e94ef0d56",
            inputs: { vpcId: "vpc-1" },
            state: { arn: "arn:aws:ec2:x" },
        };
        const db = {
            name: "db",
            id: "db-id",
            inputs: { engine: "postgres" },
            state: { engine: "postgres", address: "db.ce486158688d.us-east-1.rds.amazonaws.com" },
        };
        const stable = symbolize([sg, db]);
        expect(
            stable({
                securityGroupId: "sg-8a7b1c46e94ef0d56",
                env: "DB_HOST=db.ce486158688d.us-east-1.rds.amazonaws.com",
                n: 5,
            }),
        ).to.deep.equal({ securityGroupId: "<web-sg.id>", env: "DB_HOST=<db.address>", n: 5 });
        expect(stable("db-id")).to.equal("db-id");
        expect(isVolatile("subnet-public-us-east-1a")).to.equal(false);
        expect(isVolatile("123456789012")).to.equal(false);
    });
});

// ------------------------------------------------------------------ diagram

describe("plan: architecture diagram", () => {
    it("draws a dev-like stack (HTTP API, no edge): client straight to the ingress, S3 inside the service not a pipeline", () => {
        const svc = res("aws-webapp:index:EcsEc2Service", "app", {}, { custom: false });
        const api = res("aws:apigatewayv2/api:Api", "app-api", { protocolType: "HTTP" }, { parent: svc.urn });
        const discovery = res("aws:servicediscovery/service:Service", "app-discovery", {}, { parent: svc.urn });
        const integration = res(
            "aws:apigatewayv2/integration:Integration",
            "app-int",
            {},
            {
                parent: svc.urn,
                dependencies: [api.urn, discovery.urn],
            },
        );
        const cluster = res("aws:ecs/cluster:Cluster", "app-cluster", {}, { parent: svc.urn });
        const ecs = res("aws:ecs/service:Service", "app-service", { desiredCount: 1 }, { parent: svc.urn });
        const logs = res("aws:s3/bucket:Bucket", "app-logs", {}, { parent: svc.urn });
        const resources = [svc, api, discovery, integration, cluster, ecs, logs];
        const plan = buildPlan({ stack: "t", source: "mocks", resources, outputs: {} }, prices);
        expect(plan.diagram.nodes.map((n) => n.id)).to.deep.equal(["client", "ingress", "service"]);
        expect(plan.diagram.edges).to.deep.equal([
            { from: "client", to: "ingress", label: "HTTPS", dashed: false },
            { from: "ingress", to: "service", label: "forwards", dashed: false },
        ]);
        expect(plan.diagram.mermaid).to.include('ingress["ingress: HTTP API"]');
    });

    it("draws no client when nothing is reachable from the internet", () => {
        const db = res("aws:rds/instance:Instance", "db", {
            engine: "postgres",
            instanceClass: "db.t4g.micro",
            allocatedStorage: 20,
        });
        const plan = buildPlan({ stack: "t", source: "mocks", resources: [db], outputs: {} }, prices);
        expect(plan.diagram.nodes.map((n) => n.id)).to.deep.equal(["database"]);
        expect(plan.diagram.mermaid).to.equal('flowchart LR\n    database[("database: RDS postgres db.t4g.micro")]');
    });
});

// ------------------------------------------------------------------ preview JSON

describe("plan: --from-preview (pulumi preview --json)", () => {
    const text = fs.readFileSync(FIXTURE, "utf8");

    it("reads the steps that remain after the update, once each, with inputs, parents and dependencies", () => {
        const p = readPreview(text, "preview-prod.json");
        expect(p.stack).to.equal("prod");
        expect(p.project).to.equal("aws-webapp");
        expect(p.resources.map((r) => r.name)).not.to.include("main-legacy-eip"); // op: delete
        expect(p.resources.filter((r) => r.type === "aws:ecs/service:Service")).to.have.length(1); // op: update
        expect(p.outputs).to.deep.equal({ environmentName: "prod", region: "us-east-1", url: "<computed>" });
        const asg = p.resources.find((r) => r.type === "aws:autoscaling/group:Group")!;
        expect(asg.dependencies).to.include(p.resources.find((r) => r.name === "app-lt")!.urn);
        const lambda = p.resources.find((r) => r.type === "aws:lambda/function:Function")!;
        expect(lambda.inputs.code).to.equal("<archive lambda/image-resizer>");
    });

    it("refuses a document that is not a preview", () => {
        expect(() => readPreview("{}", "x.json")).to.throw(
            "x.json has no steps[]: expected the output of pulumi preview --json",
        );
        expect(() => readPreview("nope", "x.json")).to.throw(/x.json is not JSON/);
    });

    it("prints the same cost table and diagram for a prod preview, and writes nothing", async () => {
        const io = captureIo();
        expect(await main(["--from-preview", FIXTURE, "--json"], io)).to.equal(0);
        const doc = JSON.parse(io.out.join("\n")) as PlanDocument;
        const expected: Record<string, number> = {
            "ec2:t4g.medium:on-demand": usd(2 * 0.0336 * H),
            "ebs:gp3": usd(2 * 30 * 0.08),
            nat: usd(2 * 0.045 * H),
            "ipv4:eip": usd(2 * 0.005 * H),
            "ipv4:lb": usd(2 * 0.005 * H),
            "lb:application": usd(0.0225 * H),
            "rds:db.t4g.small:Multi-AZ": usd(2 * 0.032 * H),
            "rds-storage:gp3:Multi-AZ": usd(20 * 0.23),
            "secretsmanager:secret": 0.4,
            "kms:key": 1,
            "waf:acl": 5,
            "waf:rule": 5,
            "cloudwatch:alarm-metric": 1.2,
            "cloudwatch:dashboard": 3,
            // Container Insights on the cluster: 11 cluster + 13 service + 8 task-family metrics.
            "cloudwatch:container-insights": usd(32 * 0.3),
            // Flow logs (ALL) to CloudWatch Logs: 0.5 GB estimated idle volume, ingested and stored.
            "logs:flow-logs": usd(0.5 * (0.5 + 0.03)),
        };
        const priced = Object.fromEntries(
            doc.costItems.filter((i) => i.monthlyUsd > 0).map((i) => [i.key, i.monthlyUsd]),
        );
        expect(priced).to.deep.equal(expected);
        expect(doc.total).to.equal(usd(Object.values(expected).reduce((a, b) => a + b, 0)));
        expect(doc.unpriced).to.deep.equal([]);
        expect(doc.source).to.equal("preview");
        expect(doc.diagram.nodes.map((n) => n.id)).to.deep.equal([
            "client",
            "edge",
            "ingress",
            "service",
            "database",
            "pipeline",
            "billing",
            "observability",
        ]);
        const edges = doc.diagram.edges.map((e) => `${e.from}${e.dashed ? " -.-> " : " --> "}${e.to}`);
        expect(edges).to.include.members([
            "client --> edge",
            "edge --> ingress",
            "ingress --> service",
            "service --> database",
            "service --> pipeline",
            "observability -.-> database",
        ]);
        expect(io.err.join("\n")).not.to.include("wrote");
    });

    it("fails clearly on a missing or foreign file", async () => {
        const missing = captureIo();
        expect(await main(["--from-preview", "no/such.json"], missing)).to.equal(1);
        expect(missing.err.join("\n")).to.include("--from-preview no/such.json: no such file");
        const foreign = captureIo();
        expect(await main(["--from-preview", "package.json"], foreign)).to.equal(1);
        expect(foreign.err.join("\n")).to.include("package.json has no steps[]");
    });

    it("exits 2 with --strict when something is unpriced (an instance type not in the table)", async () => {
        const dir = tmpDir();
        const odd = path.join(dir, "preview-odd.json");
        fs.writeFileSync(odd, text.replace('"instanceType": "t4g.medium"', '"instanceType": "x9z.huge"'));
        const io = captureIo();
        expect(await main(["--from-preview", odd, "--strict"], io)).to.equal(2);
        expect(io.out.join("\n")).to.include(
            "unpriced: aws:autoscaling:Group app-asg: instance type x9z.huge is not in the price table",
        );
        expect(await main(["--from-preview", odd], captureIo())).to.equal(0);
    });
});

// ------------------------------------------------------------------ diff

describe("plan: --diff", () => {
    function planOf(type: string, extra: PlanResource[] = []): PlanDocument {
        const lt = launchTemplate(type);
        const resources = [lt, group(lt, { desiredCapacity: 2 }), ...extra];
        return buildPlan({ stack: "t", source: "mocks", resources, outputs: {} }, prices).doc;
    }

    it("detects a changed instance type and prices the delta", () => {
        const d = diffPlans(planOf("t4g.small"), planOf("t4g.medium"));
        expect(d.changed).to.deep.equal([
            {
                type: "aws:ec2/launchTemplate:LaunchTemplate",
                name: "app-lt",
                changes: [{ path: "instanceType", before: "t4g.small", after: "t4g.medium" }],
            },
        ]);
        const small = usd(2 * 0.0168 * H);
        const medium = usd(2 * 0.0336 * H);
        expect(d.cost.delta).to.equal(usd(medium - small));
        expect(d.cost.items.map((i) => [i.key, i.delta])).to.deep.equal([
            ["ec2:t4g.small:on-demand", -small],
            ["ec2:t4g.medium:on-demand", medium],
        ]);
    });

    it("lists added and removed resources and nested changed paths", () => {
        const eip = res("aws:ec2/eip:Eip", "extra", { domain: "vpc" });
        const d = diffPlans(planOf("t4g.small", [eip]), planOf("t4g.small", [res("aws:kms/key:Key", "k")]));
        expect(d.added).to.deep.equal([{ type: "aws:kms/key:Key", name: "k" }]);
        expect(d.removed).to.deep.equal([{ type: "aws:ec2/eip:Eip", name: "extra" }]);
        expect(d.cost.delta).to.equal(usd(1 - 0.005 * H));
        expect(changedPaths({ a: [{ b: 1 }, 2], c: "x" }, { a: [{ b: 3 }], c: "x", d: true })).to.deep.equal([
            { path: "a.0.b", before: 1, after: 3 },
            { path: "a.1", before: 2, after: undefined },
            { path: "d", before: undefined, after: true },
        ]);
    });

    it("compares a preview with a saved --json plan from the CLI", async () => {
        const dir = tmpDir();
        const larger = path.join(dir, "preview-large.json");
        fs.writeFileSync(
            larger,
            fs.readFileSync(FIXTURE, "utf8").replace('"instanceType": "t4g.medium"', '"instanceType": "t4g.large"'),
        );
        const saved = captureIo();
        expect(await main(["--from-preview", larger, "--json"], saved)).to.equal(0);
        const base = path.join(dir, "base.json");
        fs.writeFileSync(base, saved.out.join("\n"));

        const io = captureIo();
        expect(await main(["--from-preview", FIXTURE, "--diff", base], io)).to.equal(0);
        const text = io.out.join("\n");
        expect(text).to.include("~ aws:ec2/launchTemplate:LaunchTemplate app-lt");
        expect(text).to.include('instanceType: "t4g.large" -> "t4g.medium"');
        const delta = usd(usd(2 * 0.0336 * H) - usd(2 * 0.0672 * H));
        expect(text).to.include(`(-${Math.abs(delta).toFixed(2)})`);
        expect(text).to.match(/Resources: 0 added, 0 removed, 1 changed/);
    });

    it("refuses a file that is not a saved plan", async () => {
        const io = captureIo();
        expect(await main(["--from-preview", FIXTURE, "--diff", "package.json"], io)).to.equal(1);
        expect(io.err.join("\n")).to.include("--diff package.json: not a plan saved with --json");
    });
});

// ------------------------------------------------------------------ the real stacks

describe("plan: the real dev and prod stacks", () => {
    const plans: Record<string, Plan> = {};

    before(async () => {
        await mocksReady;
        for (const stack of ["dev", "prod"]) {
            const { resources, outputs } = await evaluate(stack, ROOT);
            plans[stack] = buildPlan({ stack, source: "mocks", resources, outputs }, prices);
        }
    });

    for (const stack of ["dev", "prod"]) {
        it(`${stack}: idle cost within the environment's target (${TARGETS[stack]} USD), everything priced`, () => {
            const p = plans[stack];
            expect(p.cost.unpriced, "unpriced resources").to.deep.equal([]);
            expect(p.cost.totalUsd).to.be.at.most(TARGETS[stack]);
            const sum = p.cost.items.reduce((s, i) => s + Math.round(i.monthlyUsd * 100), 0) / 100;
            expect(p.cost.totalUsd).to.equal(sum);
        });

        it(`${stack}: a diagram node for every container that has resources`, () => {
            const p = plans[stack];
            const types = p.doc.resources.map((r) => r.type);
            const nodes = p.diagram.nodes.map((n) => n.id);
            const expectNode = (id: string, prefixes: string[]) => {
                if (types.some((t) => prefixes.some((x) => t.startsWith(x)))) expect(nodes, id).to.include(id);
            };
            expectNode("edge", ["aws:wafv2/", "aws:route53/", "aws:acm/"]);
            expectNode("ingress", ["aws:lb/", "aws:apigatewayv2/"]);
            expectNode("service", ["aws:ecs/", "aws:autoscaling/"]);
            expectNode("database", ["aws:rds/"]);
            expectNode("pipeline", ["aws:lambda/"]);
            expectNode("billing", ["aws:budgets/"]);
            expectNode("observability", ["aws:cloudwatch/dashboard"]);
            for (const e of p.diagram.edges) expect(nodes).to.include.members([e.from, e.to]);
            expect(p.diagram.mermaid.split("\n")[0]).to.equal("flowchart LR");
        });

        it(`${stack}: shows what issue 15's bar asks (teardown, tags, database user, budget, thresholds, insights, scaling)`, () => {
            const shows = (topic: string) => plans[stack].checks.filter((c) => c.topic === topic).map((c) => c.shows);
            const dev = stack === "dev";
            expect(shows("bucket on destroy")[0]).to.equal(
                dev
                    ? "force-destroyed (destroy empties it)"
                    : "kept: not force-destroyed (destroy stops while it holds objects)",
            );
            expect(shows("image tags")).to.deep.equal([
                "IMMUTABLE except build-*: no re-pushable immutable tag (builds push build-<hash>, run by digest)",
            ]);
            expect(shows("database user of the app")).to.deep.equal([
                // The app and the sign-up trigger (stacks/auth.ts) each connect as their own role.
                `traffic as auth_trigger, app with IAM authentication (${stack}-auth-trigger-policy, ${stack}-web-task-policy), not the master user dbadmin`,
            ]);
            expect(shows("budget scope")).to.deep.equal([`filtered by tag Environment = ${stack}`]);
            const idle = plans[stack].cost.totalUsd;
            expect(shows("budget threshold vs idle cost")[0]).to.match(
                new RegExp(`^80 % actual notice at [0-9.]+ USD > idle ${idle.toFixed(2)} USD a month$`),
            );
            // The account-wide alarm lives in one stack (prod), above that stack's idle daily cost.
            expect(shows("daily charges alarm vs idle cost")).to.have.length(dev ? 0 : 1);
            if (!dev)
                expect(shows("daily charges alarm vs idle cost")[0]).to.match(/^[0-9.]+ USD a day > this stack's idle/);
            expect(shows("Container Insights")[0]).to.match(
                dev
                    ? /^off \(enabled would add [1-9][0-9.]* USD a month\)$/
                    : /^enabled: [1-9][0-9.]* USD a month \(in the idle cost\)$/,
            );
            expect(shows("service scaling")).to.deep.equal([dev ? "1–2 tasks" : "2–10 tasks"]);
            // dev's HTTP API: its VPC link gets a request a day (inactive after 60 idle days otherwise).
            expect(shows("VPC link activity")).to.deep.equal(
                dev ? ["kept active: rate(1 day) GET /api/health through the API"] : [],
            );
        });

        it(`${stack}: the committed ${architectureFile(stack)} is current`, () => {
            const file = path.join(ROOT, architectureFile(stack));
            const committed = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "(missing)";
            expect(committed, `${architectureFile(stack)} is stale: run \`${regenerateCommand(stack)}\``).to.equal(
                renderArchitecture(plans[stack]),
            );
            const summary = path.join(ROOT, costSummaryFile(stack));
            const committedSummary = fs.existsSync(summary) ? fs.readFileSync(summary, "utf8") : "(missing)";
            expect(
                committedSummary,
                `${costSummaryFile(stack)} is stale: run \`${regenerateCommand(stack)}\``,
            ).to.equal(renderCostSummary(plans[stack]));
            expect(JSON.parse(committedSummary).idleMonthlyCostUsd).to.equal(plans[stack].cost.totalUsd);
            // The README reports the same figure.
            const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
            expect(readme).to.include(`| ${stack} | ${plans[stack].cost.totalUsd.toFixed(2)} USD |`);
        });
    }

    it("prints the plan of dev as JSON with a progress line on stderr, in-process", async () => {
        const io = captureIo();
        expect(await main(["dev", "--json", "--no-write"], io)).to.equal(0);
        expect(io.err[0]).to.equal("evaluating stack dev ...");
        const doc = JSON.parse(io.out.join("\n")) as PlanDocument;
        expect(Object.keys(doc)).to.include.members(["resources", "outputs", "costItems", "unpriced", "total"]);
        expect(doc.outputs.environmentName).to.equal("dev");
        expect(doc.total).to.equal(plans.dev.cost.totalUsd);
        expect(doc.resources).to.have.length(plans.dev.doc.resources.length);
    });

    it("prints the report of prod and writes the architecture document where --out says", async () => {
        const out = path.join(tmpDir(), "architecture-prod.md");
        const io = captureIo();
        expect(await main(["prod", "--out", out], io)).to.equal(0);
        const text = io.out.join("\n");
        for (const heading of ["Resources", "Counts by type", "Stack outputs", "Idle monthly cost"])
            expect(text).to.include(heading);
        expect(text).to.match(new RegExp(`total\\s+${plans.prod.cost.totalUsd.toFixed(2)}`));
        expect(fs.readFileSync(out, "utf8")).to.equal(renderArchitecture(plans.prod));
    });

    it("what-if: a changed instance type in dev is found by --diff dev and its cost delta priced", async () => {
        const io = captureIo();
        const argv = ["dev", "--config", "aws-webapp:instanceType=t4g.medium", "--diff", "dev", "--json"];
        expect(await main(argv, io)).to.equal(0);
        const d = JSON.parse(io.out.join("\n"));
        expect(d.added).to.deep.equal([]);
        expect(d.removed).to.deep.equal([]);
        const typeChanges = d.changed.flatMap((r: { changes: { path: string; before: unknown; after: unknown }[] }) =>
            r.changes.filter((c) => /(^|\.)instanceType$/.test(c.path)),
        );
        expect(typeChanges).not.to.be.empty;
        // dev's configured type (Pulumi.dev.yaml) moves to t4g.medium.
        const devType = readStackConfig("dev")["aws-webapp:instanceType"];
        expect(devType).to.not.equal("t4g.medium");
        for (const c of typeChanges) expect([c.before, c.after]).to.deep.equal([devType, "t4g.medium"]);
        // Each EC2 line moves from dev's type to t4g.medium with the same count and market.
        const base = plans.dev.cost.items.filter((i) => i.key.startsWith(`ec2:${devType}:`));
        expect(base).not.to.be.empty;
        let expected = 0;
        for (const b of base) {
            const market = b.key.split(":")[2];
            const now = usd(b.quantity * 0.0336 * (market === "spot" ? 0.35 : 1) * H);
            expect(d.cost.items).to.deep.include({
                key: `ec2:t4g.medium:${market}`,
                label: `EC2 t4g.medium ${market}`,
                beforeQuantity: 0,
                afterQuantity: b.quantity,
                before: 0,
                after: now,
                delta: now,
            });
            expected += now - b.monthlyUsd;
        }
        expect(d.cost.delta).to.equal(usd(expected));
        expect(d.cost.delta).to.be.greaterThan(0);
        expect(io.err.join("\n")).not.to.include("wrote"); // --config never rewrites the committed documents
    });
});

// ------------------------------------------------------------------ errors

describe("plan: error paths", () => {
    before(() => mocksReady);

    it("bad config: prints the program's error listing every bad key, exits 1, writes nothing", async () => {
        const out = path.join(tmpDir(), "never.md");
        const io = captureIo();
        const code = await main(
            [
                "dev",
                "--config",
                "aws-webapp:vpcCidr=10.0.0.0/33",
                "--config",
                "aws-webapp:natStrategy=Double",
                "--out",
                out,
            ],
            io,
        );
        expect(code).to.equal(1);
        const err = io.err.join("\n");
        expect(err).to.include('stack "dev" configuration: invalid values:');
        expect(err).to.include('aws-webapp:vpcCidr: "10.0.0.0/33" is not a valid IPv4 CIDR block');
        expect(err).to.include('aws-webapp:natStrategy: "Double" is not one of "None", "Single", "OnePerAz"');
        expect(io.out).to.deep.equal([]);
        expect(fs.existsSync(out)).to.equal(false);
    });

    it("unknown stack: lists the Pulumi.*.yaml stacks present, exits 1", async () => {
        const io = captureIo();
        expect(await main(["staging"], io)).to.equal(1);
        expect(listStacks(ROOT)).to.include.members(["dev", "prod"]);
        expect(io.err.join("\n")).to.include(
            `unknown stack "staging": there is no Pulumi.staging.yaml. Stacks present: ${listStacks(ROOT).join(", ")}`,
        );
    });

    it("bad arguments: usage and exit 1", async () => {
        for (const argv of [[], ["dev", "--bogus"], ["dev", "prod"], ["dev", "--config", "novalue"]]) {
            const io = captureIo();
            expect(await main(argv, io), argv.join(" ")).to.equal(1);
            expect(io.err.join("\n")).to.match(/usage: npm run plan|expected <namespace>:<key>=<value>/);
        }
    });

    it("npm run plan passes its arguments through (child process): unknown stack exits 1", function (done) {
        this.timeout(20000);
        execFile(
            "npm",
            ["run", "--silent", "plan", "--", "nosuchstack", "--json"],
            { cwd: ROOT },
            (error, stdout, stderr) => {
                try {
                    expect(error?.code).to.equal(1);
                    expect(stdout).to.equal("");
                    expect(stderr).to.include('unknown stack "nosuchstack"');
                    expect(stderr).to.include(`Stacks present: ${listStacks(ROOT).join(", ")}`);
                    done();
                } catch (e) {
                    done(e);
                }
            },
        );
    });
});

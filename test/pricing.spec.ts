import { expect } from "chai";
import { mocksReady } from "./harness/mocks";
import { Io, main } from "../scripts/plan";
import { priceResources } from "../scripts/plan/cost";
import type { PlanDocument } from "../scripts/plan/model";
import { FALLBACK_REGION, loadPrices, pricedRegions, pricesForRegion } from "../scripts/plan/prices";
import { ROOT } from "../scripts/plan/cli";
import { hourlyPrices, type Offer, refreshTable } from "../scripts/refresh-prices";
import { planResource } from "./harness/planResources";

/** A synthetic resource as the mock engine or a preview would record it. */
const res = planResource;

/** The regions the docs name: each has its own table. */
const DOCUMENTED = ["ap-southeast-1", "eu-central-1", "eu-west-1", "us-east-1", "us-west-2"];
const base = loadPrices(ROOT);

function captureIo(): Io & { out: string[]; err: string[] } {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, stdout: (t) => out.push(t), stderr: (t) => err.push(t), root: ROOT, cwd: ROOT };
}

describe("pricing: one table per region", () => {
    it("has a dated table for every region the docs name, each listing the same types as us-east-1", () => {
        expect(pricedRegions(ROOT)).to.include.members(DOCUMENTED);
        for (const region of pricedRegions(ROOT)) {
            const t = loadPrices(ROOT, region);
            expect(t.region, region).to.equal(region);
            expect(t.takenOn, region).to.match(/^\d{4}-\d{2}-\d{2}$/);
            expect(Object.keys(t.ec2.hourly), region).to.deep.equal(Object.keys(base.ec2.hourly));
            expect(Object.keys(t.rds.hourly), region).to.deep.equal(Object.keys(base.rds.hourly));
        }
    });

    it("prices the regions differently where AWS does (NAT gateway, EC2, RDS)", () => {
        const eu = loadPrices(ROOT, "eu-west-1");
        expect(eu.natGateway.hourly).to.be.greaterThan(base.natGateway.hourly);
        expect(eu.ec2.hourly["t4g.micro"]).to.be.greaterThan(base.ec2.hourly["t4g.micro"]);
        expect(eu.rds.hourly["db.t4g.micro"]).to.be.greaterThan(base.rds.hourly["db.t4g.micro"]);
    });

    it("stands the fallback in for a region without a table, and says which region is missing", () => {
        expect(pricesForRegion(ROOT, "eu-west-1")).to.deep.equal({ prices: loadPrices(ROOT, "eu-west-1") });
        const missing = pricesForRegion(ROOT, "ca-central-1");
        expect(missing.missingRegion).to.equal("ca-central-1");
        expect(missing.prices.region).to.equal(FALLBACK_REGION);
        expect(() => loadPrices(ROOT, "xx-nowhere-1")).to.throw(/ENOENT/);
    });
});

describe("pricing: the plan of a stack in another region", function () {
    this.timeout(60000);
    before(() => mocksReady);

    async function plan(region: string, strict = false, config: string[] = []) {
        const io = captureIo();
        const argv = [
            "dev",
            "--config",
            `aws:region=${region}`,
            ...config.flatMap((c) => ["--config", c]),
            "--json",
            "--no-write",
            ...(strict ? ["--strict"] : []),
        ];
        const code = await main(argv, io);
        return {
            code,
            io,
            doc: code === 0 || code === 2 ? (JSON.parse(io.out.join("\n")) as PlanDocument) : undefined,
        };
    }

    it("prices a stack in eu-west-1 from eu-west-1 prices", async () => {
        // The RDS instance mode (dev's default is the serverless mode, priced at its storage only).
        const { code, doc } = await plan("eu-west-1", false, ["aws-webapp:dbMode=instance"]);
        expect(code).to.equal(0);
        expect(doc!.prices).to.deep.equal({
            file: "pricing/eu-west-1.json",
            region: "eu-west-1",
            takenOn: loadPrices(ROOT, "eu-west-1").takenOn,
        });
        const rds = doc!.costItems.find((i) => i.key.startsWith("rds:") && i.key.includes("db.t4g.micro"));
        expect(rds?.rate).to.equal(`$${loadPrices(ROOT, "eu-west-1").rds.hourly["db.t4g.micro"]}/h`);
    });

    it("prices NAT instances (natStrategy Instance) as on-demand instances with their volume and address", async () => {
        const gateways = await plan("us-east-1", false, ["aws-webapp:natStrategy=OnePerAz"]);
        const instances = await plan("us-east-1", false, ["aws-webapp:natStrategy=Instance"]);
        const p = loadPrices(ROOT, "us-east-1");
        const item = (d: PlanDocument | undefined, key: string) => d!.costItems.find((i) => i.key === key);
        expect(item(instances.doc, "nat")).to.equal(undefined);
        expect(item(gateways.doc, "nat")?.quantity).to.equal(2);
        const nano = instances.doc!.costItems.find((i) => i.label === "EC2 t4g.nano on-demand")!;
        expect(nano.quantity).to.equal(2);
        expect(nano.monthlyUsd).to.equal(Math.round(2 * p.ec2.hourly["t4g.nano"] * 730 * 100) / 100);
        // Two more public addresses (the NAT instances') and two 8 GB root volumes.
        const ipv4 = (d: PlanDocument | undefined) =>
            d!.costItems.filter((i) => i.label.startsWith("Public IPv4")).reduce((n, i) => n + i.quantity, 0);
        expect(ipv4(instances.doc)).to.equal(ipv4(gateways.doc));
        expect(instances.doc!.total).to.be.below(gateways.doc!.total - 50);
    });

    it("flags a region without a table in the plan, and --strict refuses it (exit 2)", async () => {
        const strict = await plan("ca-central-1", true);
        expect(strict.code).to.equal(2);
        expect(strict.doc!.prices).to.include({ region: "us-east-1", missingRegion: "ca-central-1" });
        expect(strict.doc!.notes[0]).to.match(/^No price table for ca-central-1: priced with us-east-1 prices/);
        expect(strict.io.err.join("\n")).to.include("--strict: no price table for ca-central-1");
    });
});

describe("pricing: Container Insights and flow logs are not free", () => {
    const p = base.containerInsights;
    const metric = base.cloudwatch.customMetricMonthly;

    function cluster(value: string | undefined) {
        return res("aws:ecs/cluster:Cluster", "cluster", {
            settings: value === undefined ? [] : [{ name: "containerInsights", value }],
        });
    }

    it("prices Container Insights per cluster, service and task family as custom metrics", () => {
        const c = cluster("enabled");
        const service = (name: string, family: string) =>
            res(
                "aws:ecs/service:Service",
                name,
                { taskDefinition: `arn:aws:ecs:us-east-1:123456789012:task-definition/${family}:3` },
                { dependencies: [c.urn] },
            );
        const other = res("aws:ecs/service:Service", "elsewhere", {}, { dependencies: [] });
        const cost = priceResources([c, service("api", "api"), service("web", "web"), other], base);
        const line = cost.items.find((i) => i.key === "cloudwatch:container-insights");
        const metrics = p.clusterMetrics + 2 * p.serviceMetrics + 2 * p.taskFamilyMetrics;
        expect(line).to.include({ quantity: metrics, monthlyUsd: Math.round(metrics * metric * 100) / 100 });
        expect(metrics * metric, "several USD a month").to.be.greaterThan(5);
    });

    it("prices nothing with Container Insights off, and reports enhanced observability as unpriced", () => {
        for (const off of [undefined, "disabled"])
            expect(priceResources([cluster(off)], base).items, String(off)).to.deep.equal([]);
        const enhanced = priceResources([cluster("enhanced")], base);
        expect(enhanced.unpriced.map((u) => u.reason)).to.deep.equal([
            "Container Insights with enhanced observability is billed per observation",
        ]);
    });

    it("prices flow logs by the idle volume of their traffic type and destination", () => {
        const f = base.flowLogs;
        const cost = (inputs: Record<string, unknown>) =>
            priceResources([res("aws:ec2/flowLog:FlowLog", "flow", inputs)], base).items[0];
        expect(cost({ trafficType: "ALL", logDestinationType: "cloud-watch-logs" })).to.include({
            key: "logs:flow-logs",
            quantity: f.idleGbMonth.ALL,
            monthlyUsd: Math.round(f.idleGbMonth.ALL * (f.gbIngested + f.gbStoredMonth) * 100) / 100,
        });
        expect(cost({ trafficType: "REJECT" }).quantity).to.equal(f.idleGbMonth.REJECT);
        expect(cost({ trafficType: "ALL", logDestinationType: "s3" })).to.include({
            key: "logs:flow-logs-s3",
            monthlyUsd: Math.round(f.idleGbMonth.ALL * f.gbIngestedS3 * 100) / 100,
        });
    });
});

describe("pricing: refresh from the AWS Price List bulk offer files", () => {
    /** A bulk offer file in the Price List's shape, cut down to a few products. */
    function offer(products: { sku: string; attributes: Record<string, string>; usd: string; unit?: string }[]): Offer {
        return {
            publicationDate: "2026-11-20T18:00:00Z",
            products: Object.fromEntries(products.map((p) => [p.sku, { sku: p.sku, attributes: p.attributes }])),
            terms: {
                OnDemand: Object.fromEntries(
                    products.map((p) => [
                        p.sku,
                        {
                            [`${p.sku}.JRTCKXETXF`]: {
                                priceDimensions: {
                                    [`${p.sku}.JRTCKXETXF.6YS6EN2CT7`]: {
                                        unit: p.unit ?? "Hrs",
                                        pricePerUnit: { USD: p.usd },
                                    },
                                },
                            },
                        },
                    ]),
                ),
            },
        };
    }
    const linux = { operatingSystem: "Linux", tenancy: "Shared", preInstalledSw: "NA", capacitystatus: "Used" };
    const ec2 = offer([
        { sku: "A", attributes: { ...linux, instanceType: "t4g.micro", regionCode: "eu-west-1" }, usd: "0.0092000000" },
        { sku: "B", attributes: { ...linux, instanceType: "t4g.micro", operatingSystem: "Windows" }, usd: "0.5" },
        { sku: "C", attributes: { ...linux, instanceType: "t4g.micro", tenancy: "Dedicated" }, usd: "0.9" },
        {
            sku: "D",
            attributes: { ...linux, instanceType: "t4g.small", capacitystatus: "UnusedCapacityReservation" },
            usd: "0.7",
        },
        { sku: "E", attributes: { ...linux, instanceType: "t4g.small", regionCode: "eu-west-1" }, usd: "0.0184000000" },
        { sku: "F", attributes: { ...linux, instanceType: "t4g.medium", regionCode: "us-east-1" }, usd: "0.0336" },
    ]);
    const rds = offer([
        {
            sku: "R",
            attributes: { instanceType: "db.t4g.micro", databaseEngine: "PostgreSQL", deploymentOption: "Single-AZ" },
            usd: "0.0180000000",
        },
        {
            sku: "S",
            attributes: { instanceType: "db.t4g.micro", databaseEngine: "PostgreSQL", deploymentOption: "Multi-AZ" },
            usd: "0.036",
        },
        {
            sku: "T",
            attributes: { instanceType: "db.t4g.micro", databaseEngine: "MySQL", deploymentOption: "Single-AZ" },
            usd: "0.017",
        },
    ]);

    it("reads on-demand Linux shared-tenancy instance-hours of the region, nothing else", () => {
        expect([...hourlyPrices(ec2, "ec2", "eu-west-1")]).to.deep.equal([
            ["t4g.micro", 0.0092],
            ["t4g.small", 0.0184],
        ]);
        expect([...hourlyPrices(rds, "rds", "eu-west-1")]).to.deep.equal([["db.t4g.micro", 0.018]]);
    });

    it("re-prices only the listed types, keeps and reports the rest, and dates the table by the offers", () => {
        const table = loadPrices(ROOT, "eu-west-1");
        const { table: fresh, missing } = refreshTable(table, { ec2, rds });
        expect(fresh.takenOn).to.equal("2026-11-20");
        expect(fresh.ec2.hourly["t4g.micro"]).to.equal(0.0092);
        expect(fresh.ec2.hourly["t4g.medium"], "another region's product is ignored").to.equal(
            table.ec2.hourly["t4g.medium"],
        );
        expect(fresh.rds.hourly["db.t4g.micro"]).to.equal(0.018);
        expect(missing).to.include("ec2 t4g.medium").and.not.include("ec2 t4g.micro");
        expect(Object.keys(fresh.ec2.hourly)).to.deep.equal(Object.keys(table.ec2.hourly));
        expect(fresh.natGateway).to.deep.equal(table.natGateway);
    });
});

describe("pricing: Aurora Serverless v2, ElastiCache Serverless and pay-per-use services", () => {
    const a = base.aurora;
    const cents = (x: number) => Math.round(x * 100) / 100;

    function aurora(min: number | undefined, instanceClass = "db.serverless") {
        const cluster = res("aws:rds/cluster:Cluster", "db-cluster", {
            engine: "aurora-postgresql",
            ...(min === undefined ? {} : { serverlessv2ScalingConfiguration: { minCapacity: min, maxCapacity: 4 } }),
        });
        const instance = res(
            "aws:rds/clusterInstance:ClusterInstance",
            "db-writer",
            { instanceClass },
            {
                dependencies: [cluster.urn],
            },
        );
        return priceResources([cluster, instance], base);
    }

    it("prices a paused-capable cluster (0 ACU) at its storage only, and says the first connection waits", () => {
        const cost = aurora(0);
        expect(cost.items.map((i) => i.key)).to.deep.equal(["aurora-storage"]);
        expect(cost.totalUsd).to.equal(cents(a.idleStorageGb * a.storageGbMonth));
        expect(cost.notes.join("\n")).to.match(/pauses when idle/);
        // The assumption is stated: the storage a small database uses, and no I/O while paused.
        expect(cost.notes.join("\n")).to.contain(
            `Aurora storage priced at ${a.idleStorageGb} GB used (a small, new database; billed on use), no I/O while idle (I/O is $${a.ioPerMillion} per million requests, usage).`,
        );
    });

    it("prices a running minimum in ACU-hours, a provisioned class by the hour, an unknown minimum as unpriced", () => {
        expect(aurora(0.5).items.find((i) => i.key === "aurora:serverless")?.monthlyUsd).to.equal(
            cents(0.5 * a.acuHourly * 730),
        );
        expect(
            aurora(undefined, "db.r6g.large").items.find((i) => i.key === "aurora:db.r6g.large")?.monthlyUsd,
        ).to.equal(cents(a.hourly["db.r6g.large"] * 730));
        expect(aurora(undefined).unpriced.map((u) => u.reason)).to.deep.equal([
            "Serverless v2 instance whose cluster's minimum capacity is unknown",
        ]);
    });

    it("prices an idle Valkey serverless cache at its 100 MB minimum, a larger configured minimum above it", () => {
        const e = base.elasticacheServerless;
        const cache = (inputs: Record<string, unknown>) =>
            priceResources([res("aws:elasticache/serverlessCache:ServerlessCache", "cache", inputs)], base);
        expect(cache({ engine: "valkey" }).totalUsd).to.equal(cents(e.minimumGb.valkey * e.gbHour.valkey * 730));
        expect(
            cache({ engine: "valkey", cacheUsageLimits: { dataStorage: { minimum: 2, unit: "GB" } } }).totalUsd,
        ).to.equal(cents(2 * e.gbHour.valkey * 730));
    });

    it("says DynamoDB on demand costs only its storage and PITR idle, and prices the cache a stack leaves off", () => {
        const table = res("aws:dynamodb/table:Table", "messages", { pointInTimeRecovery: { enabled: true } });
        const component = res("aws-webapp:index:MessageTable", "msgs");
        const without = priceResources([component, table], base);
        expect(without.totalUsd).to.equal(0);
        expect(without.notes.find((n) => n.startsWith("DynamoDB on demand"))).to.match(
            /point-in-time recovery.*PITR \$0\.20\/GB-mo/,
        );
        const e = base.elasticacheServerless;
        const minimum = (Math.round(e.minimumGb.valkey * e.gbHour.valkey * 730 * 100) / 100).toFixed(2);
        expect(without.notes).to.include(
            `No cache in this stack (aws-webapp:cacheEnabled is false): turning it on adds ElastiCache Serverless for Valkey at least $${minimum} a month (${e.minimumGb.valkey} GB minimum x $${e.gbHour.valkey}/GB-h), more with stored data and ECPUs.`,
        );
        const cache = res("aws:elasticache/serverlessCache:ServerlessCache", "cache", { engine: "valkey" });
        const withCache = priceResources([component, table, cache], base);
        expect(withCache.notes.some((n) => n.startsWith("No cache"))).to.equal(false);
        expect(withCache.totalUsd).to.equal(Number(minimum));
        const provisioned = priceResources(
            [res("aws:dynamodb/table:Table", "t", { billingMode: "PROVISIONED" })],
            base,
        );
        expect(provisioned.unpriced.map((u) => u.name)).to.deep.equal(["t"]);
    });

    it("lists DynamoDB, Cognito, CloudFront and schedules at $0.00 idle, with their usage rates", () => {
        const cost = priceResources(
            [
                res("aws:dynamodb/table:Table", "messages"),
                res("aws:cognito/userPool:UserPool", "users"),
                res("aws:cloudfront/distribution:Distribution", "site"),
                res("aws:scheduler/schedule:Schedule", "office-hours"),
            ],
            base,
        );
        expect(cost.totalUsd).to.equal(0);
        expect(cost.unpriced).to.deep.equal([]);
        expect(cost.items.find((i) => i.key === "usage:cognito")?.rate).to.match(/free to 10,000 MAU/);
    });
});

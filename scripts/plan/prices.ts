import * as fs from "fs";
import * as path from "path";
import { z } from "zod";

/** The repository's price table (us-east-1 on-demand list prices). */
export const PRICE_FILE = path.join("pricing", "us-east-1.json");

const usd = z.number().nonnegative();
const table = z.record(z.string(), usd);
const section = <T extends z.ZodRawShape>(shape: T) =>
    z.object({ source: z.url(), note: z.string().optional(), ...shape });

/** Shape of pricing/us-east-1.json: every section names the AWS page its figures come from. */
export const priceTableSchema = z.object({
    region: z.string(),
    currency: z.literal("USD"),
    takenOn: z.iso.date(),
    about: z.string(),
    hoursPerMonth: z.number().positive(),
    ec2: section({ unit: z.string(), hourly: table }),
    ec2Spot: section({ discount: z.number().min(0).lt(1) }),
    ebs: section({
        unit: z.string(),
        gbMonth: table,
        gp3IncludedIops: z.number(),
        gp3IopsMonth: usd,
        gp3IncludedThroughputMbps: z.number(),
        gp3ThroughputMbpsMonth: usd,
        defaultVolumeType: z.string(),
        defaultVolumeTypeNote: z.string(),
    }),
    natGateway: section({ hourly: usd }),
    publicIpv4: section({ hourly: usd }),
    interfaceEndpoint: section({ hourlyPerAz: usd }),
    loadBalancer: section({
        applicationHourly: usd,
        networkHourly: usd,
        classicHourly: usd,
        lcuHourly: usd,
        idleLcu: z.number().nonnegative(),
    }),
    rds: section({
        engines: z.array(z.string()),
        unit: z.string(),
        hourly: table,
        storageGbMonth: table,
        defaultStorageType: z.string(),
        multiAzFactor: z.number().positive(),
        freePerformanceInsightsDays: z.number(),
    }),
    waf: section({ webAclMonthly: usd, ruleMonthly: usd, paidManagedRuleGroupsMonthly: table }),
    cloudwatch: section({
        alarmMetricMonthly: usd,
        highResolutionAlarmMetricMonthly: usd,
        compositeAlarmMonthly: usd,
        dashboardMonthly: usd,
        freeTier: z.object({ alarmMetrics: z.number(), dashboards: z.number() }),
    }),
    secretsManager: section({ secretMonthly: usd }),
    kms: section({ keyMonthly: usd }),
    route53: section({ hostedZoneMonthly: usd }),
    cloudMap: section({ instanceMonthly: usd }),
    usage: section({ rates: z.record(z.string(), z.object({ rate: z.string(), source: z.url() })) }),
});

export type PriceTable = z.output<typeof priceTableSchema>;

/** Reads and checks the price table; a malformed table is an error, never a silent zero. */
export function loadPrices(root: string): PriceTable {
    const file = path.join(root, PRICE_FILE);
    const parsed = priceTableSchema.safeParse(JSON.parse(fs.readFileSync(file, "utf8")));
    if (!parsed.success) {
        const lines = parsed.error.issues.map((i) => `  - ${i.path.join(".")}: ${i.message}`);
        throw new Error(`${PRICE_FILE} is malformed:\n${lines.join("\n")}`);
    }
    return parsed.data;
}

import * as fs from "fs";
import * as path from "path";
import { z } from "zod";

/** Folder of the price tables, one file per region (`pricing/<region>.json`). */
export const PRICE_DIR = "pricing";
/** The region whose table prices a stack of a region without one (flagged, never silent). */
export const FALLBACK_REGION = "us-east-1";

/** The table file of a region, relative to the repository root (forward slashes). */
export function priceFile(region: string): string {
    return `${PRICE_DIR}/${region}.json`;
}

/** Regions that have a price table. */
export function pricedRegions(root: string): string[] {
    return fs
        .readdirSync(path.join(root, PRICE_DIR))
        .filter((f) => /^[a-z]{2}(-[a-z]+)+-\d+\.json$/.test(f))
        .map((f) => f.replace(/\.json$/, ""))
        .sort();
}

const usd = z.number().nonnegative();
const table = z.record(z.string(), usd);
const section = <T extends z.ZodRawShape>(shape: T) =>
    z.object({ source: z.url(), note: z.string().optional(), ...shape });

/** Shape of a pricing/<region>.json: every section names the AWS page its figures come from. */
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
    aurora: section({
        engines: z.array(z.string()),
        acuHourly: usd,
        hourly: table,
        storageGbMonth: usd,
        ioPerMillion: usd,
        idleStorageGb: z.number().nonnegative(),
    }),
    elasticacheServerless: section({ gbHour: table, minimumGb: table, ecpuPerMillion: table }),
    waf: section({ webAclMonthly: usd, ruleMonthly: usd, paidManagedRuleGroupsMonthly: table }),
    cloudwatch: section({
        alarmMetricMonthly: usd,
        highResolutionAlarmMetricMonthly: usd,
        compositeAlarmMonthly: usd,
        dashboardMonthly: usd,
        customMetricMonthly: usd,
        freeTier: z.object({ alarmMetrics: z.number(), dashboards: z.number() }),
    }),
    containerInsights: section({
        clusterMetrics: z.number().int().nonnegative(),
        serviceMetrics: z.number().int().nonnegative(),
        taskFamilyMetrics: z.number().int().nonnegative(),
    }),
    flowLogs: section({
        gbIngested: usd,
        gbIngestedS3: usd,
        gbStoredMonth: usd,
        idleGbMonth: z.object({
            ALL: z.number().nonnegative(),
            ACCEPT: z.number().nonnegative(),
            REJECT: z.number().nonnegative(),
        }),
    }),
    secretsManager: section({ secretMonthly: usd }),
    kms: section({ keyMonthly: usd }),
    route53: section({ hostedZoneMonthly: usd }),
    cloudMap: section({ instanceMonthly: usd }),
    usage: section({ rates: z.record(z.string(), z.object({ rate: z.string(), source: z.url() })) }),
});

export type PriceTable = z.output<typeof priceTableSchema>;

/**
 * Reads and checks the price table of a region; a malformed table is an
 * error, never a silent zero. The table's own `region` must match its file.
 */
export function loadPrices(root: string, region: string = FALLBACK_REGION): PriceTable {
    const file = priceFile(region);
    const parsed = priceTableSchema.safeParse(JSON.parse(fs.readFileSync(path.join(root, file), "utf8")));
    if (!parsed.success) {
        const lines = parsed.error.issues.map((i) => `  - ${i.path.join(".")}: ${i.message}`);
        throw new Error(`${file} is malformed:\n${lines.join("\n")}`);
    }
    if (parsed.data.region !== region) throw new Error(`${file} holds the prices of ${parsed.data.region}`);
    return parsed.data;
}

/** The prices a stack in `region` is priced with. */
export interface RegionPrices {
    readonly prices: PriceTable;
    /** The stack's region when it has no table and the fallback's prices stand in. */
    readonly missingRegion?: string;
}

/** The region's table, or the fallback region's, flagged, for a region without one. */
export function pricesForRegion(root: string, region: string | undefined): RegionPrices {
    const wanted = region ?? FALLBACK_REGION;
    if (pricedRegions(root).includes(wanted)) return { prices: loadPrices(root, wanted) };
    return { prices: loadPrices(root, FALLBACK_REGION), missingRegion: wanted };
}

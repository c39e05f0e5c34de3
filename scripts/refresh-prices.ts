/**
 * `npx ts-node scripts/refresh-prices.ts <region> --ec2 <offer> --rds <offer> [--write]`
 *
 * Refreshes the instance-hour prices of pricing/<region>.json from the AWS
 * Price List bulk offer files of that region (JSON), given as local files or,
 * when online, as their URLs:
 *
 *   https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonEC2/current/<region>/index.json
 *   https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonRDS/current/<region>/index.json
 *
 * Only the types the table already lists are updated (Linux, shared tenancy,
 * no pre-installed software, on-demand; RDS PostgreSQL Single-AZ), so the
 * table stays small; `takenOn` becomes the offers' publication date. A type
 * the offer does not price is reported and keeps its old figure. Flat rates
 * (NAT gateway, load balancers, storage) are kept by hand: their offer
 * entries are many and differently shaped, and change rarely.
 */
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { loadPrices, priceFile, type PriceTable } from "./plan/prices";

/** The parts of a bulk offer file this script reads. */
export interface Offer {
    readonly publicationDate?: string;
    readonly products: Record<string, { readonly sku: string; readonly attributes: Record<string, string> }>;
    readonly terms: {
        readonly OnDemand: Record<
            string,
            Record<
                string,
                { readonly priceDimensions: Record<string, { unit: string; pricePerUnit: { USD: string } }> }
            >
        >;
    };
}

/** Which products of an offer are the instance-hours the table lists. */
export type Kind = "ec2" | "rds";

function matches(kind: Kind, region: string, a: Record<string, string>): boolean {
    if (a.regionCode !== undefined && a.regionCode !== region) return false;
    if (kind === "ec2")
        return (
            a.operatingSystem === "Linux" &&
            a.tenancy === "Shared" &&
            (a.preInstalledSw ?? "NA") === "NA" &&
            (a.capacitystatus ?? "Used") === "Used" &&
            (a.licenseModel ?? "No License required") === "No License required"
        );
    return a.databaseEngine === "PostgreSQL" && a.deploymentOption === "Single-AZ";
}

/** Hourly on-demand USD per instance type of one kind, from an offer. */
export function hourlyPrices(offer: Offer, kind: Kind, region: string): Map<string, number> {
    const out = new Map<string, number>();
    for (const product of Object.values(offer.products)) {
        const a = product.attributes;
        if (!a.instanceType || !matches(kind, region, a)) continue;
        for (const term of Object.values(offer.terms.OnDemand[product.sku] ?? {})) {
            for (const d of Object.values(term.priceDimensions)) {
                const usd = Number(d.pricePerUnit.USD);
                if (/^hrs?$/i.test(d.unit) && Number.isFinite(usd) && usd > 0) out.set(a.instanceType, usd);
            }
        }
    }
    return out;
}

/** The table with its listed types re-priced from the offers; `missing` lists types an offer did not price. */
export function refreshTable(
    table: PriceTable,
    offers: Partial<Record<Kind, Offer>>,
): { table: PriceTable; missing: string[] } {
    const missing: string[] = [];
    const reprice = (kind: Kind, current: Record<string, number>) => {
        const offer = offers[kind];
        if (!offer) return current;
        const found = hourlyPrices(offer, kind, table.region);
        return Object.fromEntries(
            Object.entries(current).map(([type, old]) => {
                const fresh = found.get(type);
                if (fresh === undefined) missing.push(`${kind} ${type}`);
                return [type, fresh ?? old];
            }),
        );
    };
    const dates = Object.values(offers)
        .map((o) => o?.publicationDate?.slice(0, 10))
        .filter((d): d is string => d !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(d))
        .sort();
    return {
        table: {
            ...table,
            takenOn: dates[0] ?? table.takenOn,
            ec2: { ...table.ec2, hourly: reprice("ec2", table.ec2.hourly) },
            rds: { ...table.rds, hourly: reprice("rds", table.rds.hourly) },
        },
        missing,
    };
}

async function readOffer(source: string): Promise<Offer> {
    if (/^https:\/\//.test(source)) {
        const res = await fetch(source);
        if (!res.ok) throw new Error(`${source}: HTTP ${res.status}`);
        return (await res.json()) as Offer;
    }
    return JSON.parse(fs.readFileSync(source, "utf8")) as Offer;
}

async function main(argv: string[]): Promise<number> {
    const { values, positionals } = parseArgs({
        args: argv,
        allowPositionals: true,
        options: { ec2: { type: "string" }, rds: { type: "string" }, write: { type: "boolean" } },
    });
    const region = positionals[0];
    if (!region || (!values.ec2 && !values.rds)) {
        process.stderr.write(
            "usage: refresh-prices <region> --ec2 <offer file|url> --rds <offer file|url> [--write]\n",
        );
        return 1;
    }
    const root = path.resolve(__dirname, "..");
    const offers: Partial<Record<Kind, Offer>> = {};
    if (values.ec2) offers.ec2 = await readOffer(values.ec2);
    if (values.rds) offers.rds = await readOffer(values.rds);
    const { table, missing } = refreshTable(loadPrices(root, region), offers);
    for (const m of missing) process.stderr.write(`not in the offer, kept: ${m}\n`);
    const text = `${JSON.stringify(table, null, 2)}\n`;
    if (values.write) fs.writeFileSync(path.join(root, priceFile(region)), text);
    else process.stdout.write(text);
    return 0;
}

if (require.main === module) {
    main(process.argv.slice(2)).then(
        (code) => process.exit(code),
        (e: Error) => {
            process.stderr.write(`refresh-prices: ${e.message}\n`);
            process.exit(1);
        },
    );
}

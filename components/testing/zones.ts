/**
 * The mocks' availability zones and offerings: each region's zones as the
 * shared region table counts them (components/shared/data/regions.json),
 * named and numbered as AWS does (`us-east-1a`, zone id `use1-az1`), every
 * instance type and DB class of the shared table offered in every zone unless
 * the engine's `unavailable` option says otherwise; a type or class the
 * table does not know is offered nowhere (it does not exist).
 */
import { DB_INSTANCE_CLASSES, dbInstanceClassInfo, INSTANCE_TYPES } from "../shared/instanceTypes";
import { regionInfo } from "../shared/regions";
import type { MockContext } from "./context";

/** What the engine's options add to a context for zone answers. */
export interface ZoneContext extends MockContext {
    /** The region's zone names, replacing the table's (e.g. to model an account with fewer zones). */
    readonly zones?: readonly string[];
    /** Instance types and DB classes a zone does not offer, by zone name. */
    readonly unavailable?: Readonly<Record<string, readonly string[]>>;
}

/** Zones the mocks assume for a region the table does not list. */
const UNLISTED_REGION_ZONES = 3;

/** `us-east-1` → `use1`, `ap-northeast-1` → `apne1`, `us-gov-west-1` → `usgw1` (AWS's zone id prefixes). */
export function zoneIdPrefix(region: string): string {
    const parts = region.split("-");
    const word = (w: string) => w.replace(/north|south|east|west|central|gov/g, (d) => d[0]).replace(/[^a-z0-9]/g, "");
    return parts[0] + parts.slice(1, -1).map(word).join("") + parts[parts.length - 1];
}

/** The context region's zone names, in order. */
export function regionZoneNames(c: ZoneContext): string[] {
    if (c.zones) return [...c.zones];
    const count = regionInfo(c.region)?.zones ?? UNLISTED_REGION_ZONES;
    return Array.from({ length: count }, (_, i) => `${c.region}${String.fromCharCode(97 + i)}`);
}

/** Zone id of a zone name of the context's region (`us-east-1c` → `use1-az3`). */
export function zoneIdOf(c: ZoneContext, zone: string): string {
    return `${zoneIdPrefix(c.region)}-az${regionZoneNames(c).indexOf(zone) + 1}`;
}

/** `aws:index/getAvailabilityZones:getAvailabilityZones`, honouring excludeNames and excludeZoneIds. */
export function availabilityZones(c: ZoneContext, inputs: Record<string, any>): Record<string, any> {
    const excluded = new Set<string>([...(inputs.excludeNames ?? [])]);
    const excludedIds = new Set<string>([...(inputs.excludeZoneIds ?? [])]);
    const names = regionZoneNames(c).filter((z) => !excluded.has(z) && !excludedIds.has(zoneIdOf(c, z)));
    return {
        names,
        zoneIds: names.map((z) => zoneIdOf(c, z)),
        groupNames: names.map(() => c.region),
        id: c.region,
    };
}

function offered(c: ZoneContext, zone: string, what: string): boolean {
    return !(c.unavailable?.[zone] ?? []).includes(what);
}

/** Matches an EC2 filter value (`t4g.*`, `m7g.?large`) against a name. */
function globMatch(pattern: string, value: string): boolean {
    const re = pattern
        .replace(/[.+^${}()|[\]\\]/g, "\\$&")
        .replace(/\*/g, ".*")
        .replace(/\?/g, ".");
    return new RegExp(`^${re}$`).test(value);
}

/** `aws:ec2/getInstanceTypeOfferings:getInstanceTypeOfferings` by region, zone name or zone id. */
export function instanceTypeOfferings(c: ZoneContext, inputs: Record<string, any>): Record<string, any> {
    const filters: { name: string; values: string[] }[] = inputs.filters ?? [];
    const values = (name: string) => filters.find((f) => f.name === name)?.values;
    const wanted = values("instance-type");
    const types = INSTANCE_TYPES.filter((t) => !wanted || wanted.some((w) => globMatch(w, t)));
    const locationType: string = inputs.locationType ?? "region";
    const locationsWanted = values("location");
    const rows: { type: string; location: string }[] = [];
    for (const type of types) {
        if (locationType === "region") {
            if (regionZoneNames(c).some((z) => offered(c, z, type))) rows.push({ type, location: c.region });
            continue;
        }
        for (const zone of regionZoneNames(c)) {
            if (!offered(c, zone, type)) continue;
            rows.push({ type, location: locationType === "availability-zone-id" ? zoneIdOf(c, zone) : zone });
        }
    }
    const kept = rows.filter((r) => !locationsWanted || locationsWanted.includes(r.location));
    return {
        instanceTypes: kept.map((r) => r.type),
        locations: kept.map((r) => r.location),
        locationTypes: kept.map(() => locationType),
        locationType,
        region: c.region,
        id: c.region,
    };
}

/** `aws:rds/getOrderableDbInstance:getOrderableDbInstance`: the first matching class and its zones. */
export function orderableDbInstance(c: ZoneContext, inputs: Record<string, any>): Record<string, any> {
    const candidates: string[] = inputs.instanceClass
        ? [inputs.instanceClass]
        : (inputs.preferredInstanceClasses ?? DB_INSTANCE_CLASSES);
    for (const instanceClass of candidates) {
        // Aurora Serverless v2 writers are the class db.serverless (aurora-postgresql, aurora-mysql).
        const serverless = instanceClass === "db.serverless" && String(inputs.engine ?? "").startsWith("aurora");
        if (!serverless && !dbInstanceClassInfo(instanceClass)) continue;
        const zones = regionZoneNames(c).filter((z) => offered(c, z, instanceClass));
        if (zones.length === 0) continue;
        return {
            availabilityZones: zones,
            availabilityZoneGroup: "",
            engine: inputs.engine ?? "postgres",
            engineVersion: inputs.engineVersion ?? "17.5",
            instanceClass,
            licenseModel: "postgresql-license",
            storageType: inputs.storageType ?? "gp3",
            multiAzCapable: true,
            supportsIamDatabaseAuthentication: true,
            supportsStorageEncryption: true,
            supportsPerformanceInsights: true,
            vpc: true,
            region: c.region,
            id: instanceClass,
        };
    }
    // What the provider reports when DescribeOrderableDBInstanceOptions matches nothing.
    throw new Error("no RDS Orderable DB Instance found matching criteria; try different search");
}

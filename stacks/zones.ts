/**
 * The availability zones of an environment, chosen before anything is
 * registered: the region's zones as the provider reports them
 * (`aws.getAvailabilityZones`), narrowed to those that offer the configured
 * EC2 instance type (`ec2.getInstanceTypeOfferings`, location type
 * availability-zone) and RDS DB instance class (`rds.getOrderableDbInstance`),
 * or the zones pinned by `availabilityZoneNames`. Zone letters map to
 * different physical zones per account and some zones lack Graviton types or
 * a DB class, so the first N letters are not enough.
 *
 * The look-up is one function with invokes ({@link lookUpZoneOfferings});
 * the choice and its problems are pure ({@link chooseZones}).
 */
import * as aws from "@pulumi/aws";
import { dbInstanceClassInfo, instanceTypeInfo } from "../components/shared/instanceTypes";
import { show } from "../components/shared/validation";

type Key = (k: "availabilityZones" | "availabilityZoneNames" | "instanceType" | "dbInstanceClass" | "dbMode") => string;

/** The DB instance class Aurora Serverless v2 writers run as. */
export const SERVERLESS_DB_CLASS = "db.serverless";

/** The zone settings of an environment's configuration. */
export interface ZoneConfig {
    readonly availabilityZones: number;
    readonly availabilityZoneNames: readonly string[];
    readonly instanceType: string;
    readonly dbInstanceClass: string;
    /** `serverless`: Aurora PostgreSQL Serverless v2 (`db.serverless`), whatever dbInstanceClass says. */
    readonly dbMode?: string;
}

/** Pure problems of pinned zone names: duplicates, another region's zones, fewer names than zones. */
export function zoneNameProblems(c: ZoneConfig, region: string | undefined, key: Key): string[] {
    const names = c.availabilityZoneNames;
    if (names.length === 0) return [];
    const problems: string[] = [];
    names.forEach((zone, i) => {
        if (
            region !== undefined &&
            !(zone.startsWith(region) && /^[a-z](-[a-z0-9-]+)?$/.test(zone.slice(region.length)))
        )
            problems.push(`${key("availabilityZoneNames")}[${i}]: ${show(zone)} is not a zone of ${region}`);
        else if (names.indexOf(zone) !== i)
            problems.push(`${key("availabilityZoneNames")}[${i}]: ${show(zone)} is listed twice`);
    });
    if (c.availabilityZones > names.length)
        problems.push(
            `${key("availabilityZones")}: ${c.availabilityZones} is more than the ${names.length} zones of ${key("availabilityZoneNames")} (${names.join(", ")})`,
        );
    return problems;
}

/** What the provider reports about the region's zones. */
export interface ZoneOfferings {
    /** Available zones that need no opt-in, in the provider's order. */
    readonly zones: readonly string[];
    /** Zones offering the instance type (undefined: not looked up, e.g. a type not in the table). */
    readonly instanceType?: ReadonlySet<string>;
    /** Zones offering the DB instance class (undefined: not looked up). */
    readonly dbInstanceClass?: ReadonlySet<string>;
}

/**
 * Asks the provider for the region's zones and the zones that offer the
 * instance type and the DB class (invokes only: nothing is registered). A
 * type or class missing from the shared table is not looked up (it is
 * refused on its own).
 */
export async function lookUpZoneOfferings(c: ZoneConfig): Promise<ZoneOfferings> {
    const [zones, instance, db] = await Promise.all([
        aws.getAvailabilityZones({
            state: "available",
            filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }],
        }),
        instanceTypeInfo(c.instanceType)
            ? aws.ec2.getInstanceTypeOfferings({
                  locationType: "availability-zone",
                  filters: [{ name: "instance-type", values: [c.instanceType] }],
              })
            : undefined,
        c.dbMode === "serverless"
            ? aws.rds.getOrderableDbInstance({
                  engine: "aurora-postgresql",
                  instanceClass: SERVERLESS_DB_CLASS,
                  engineLatestVersion: true,
              })
            : dbInstanceClassInfo(c.dbInstanceClass)
              ? aws.rds.getOrderableDbInstance({
                    engine: "postgres",
                    instanceClass: c.dbInstanceClass,
                    storageType: "gp3",
                    // The classes a zone offers do not depend on the minor version.
                    engineLatestVersion: true,
                })
              : undefined,
    ]);
    return {
        zones: zones.names,
        instanceType: instance && new Set(instance.locations),
        dbInstanceClass: db && new Set(db.availabilityZones),
    };
}

/** The database's class as messages name it (`aws-webapp:dbInstanceClass db.t4g.micro`). */
function dbLabel(c: ZoneConfig, key: Key): string {
    return c.dbMode === "serverless"
        ? `${key("dbMode")} serverless (${SERVERLESS_DB_CLASS})`
        : `${key("dbInstanceClass")} ${c.dbInstanceClass}`;
}

/** What a zone lacks of the configuration, as text (`does not offer …`), or undefined. */
function lacks(zone: string, c: ZoneConfig, o: ZoneOfferings, key: Key): string | undefined {
    const missing: string[] = [];
    if (o.instanceType && !o.instanceType.has(zone)) missing.push(`${key("instanceType")} ${c.instanceType}`);
    if (o.dbInstanceClass && !o.dbInstanceClass.has(zone)) missing.push(dbLabel(c, key));
    return missing.length > 0 ? `does not offer ${missing.join(" nor ")}` : undefined;
}

/** The zones chosen for the VPC, or the problems that prevent a choice. */
export interface ZoneChoice {
    readonly zones?: string[];
    readonly problems: string[];
}

/**
 * Chooses the VPC's zones: the pinned `availabilityZoneNames` (each must be
 * one of the region's available zones offering the instance type and the DB
 * class), or the first `availabilityZones` of the region's zones that offer
 * both. Pure.
 */
export function chooseZones(c: ZoneConfig, region: string, o: ZoneOfferings, key: Key): ZoneChoice {
    const problems: string[] = [];
    const n = c.availabilityZones;
    if (c.availabilityZoneNames.length > 0) {
        const used = c.availabilityZoneNames.slice(0, n);
        used.forEach((zone, i) => {
            const at = `${key("availabilityZoneNames")}[${i}]: ${show(zone)}`;
            if (!o.zones.includes(zone))
                problems.push(`${at} is not an available zone of ${region} (the provider lists ${o.zones.join(", ")})`);
            else {
                const gap = lacks(zone, c, o, key);
                if (gap) problems.push(`${at} ${gap}`);
            }
        });
        return problems.length > 0 ? { problems } : { zones: [...used], problems };
    }
    if (n > o.zones.length) {
        problems.push(
            `${key("availabilityZones")}: ${n} is more than the ${o.zones.length} availability zones the provider lists for ${region} (${o.zones.join(", ")})`,
        );
        return { problems };
    }
    const suitable = o.zones.filter((z) => lacks(z, c, o, key) === undefined);
    if (n > suitable.length) {
        const gaps = o.zones
            .filter((z) => !suitable.includes(z))
            .map((z) => `${z} ${lacks(z, c, o, key)}`)
            .join("; ");
        problems.push(
            `${key("availabilityZones")}: ${n} is more than the ${suitable.length} zones of ${region} that offer ${key("instanceType")} ${c.instanceType} and ${dbLabel(c, key)} (${suitable.join(", ") || "none"}; ${gaps})`,
        );
        return { problems };
    }
    return { zones: suitable.slice(0, n), problems };
}

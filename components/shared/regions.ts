/**
 * AWS regions and their availability zone counts, read from
 * `data/regions.json` (the one table; edit it there when AWS opens a region).
 */
import type { Check } from "./checks";
import data from "./data/regions.json";

/** One region of the table. */
export interface RegionInfo {
    /** Region code, e.g. `eu-west-1`. */
    readonly region: string;
    /** Display name, e.g. `Europe (Ireland)`. */
    readonly name: string;
    /** Availability zones a new account can use there. */
    readonly zones: number;
}

const TABLE: Readonly<Record<string, { readonly name: string; readonly zones: number }>> = data.regions;

/** Every region code of the table, sorted. */
export const REGIONS: readonly string[] = Object.keys(TABLE).sort();

/** The table's entry for `region`, or undefined when the region does not exist (or is not in the table yet). */
export function regionInfo(region: string): RegionInfo | undefined {
    const entry = Object.prototype.hasOwnProperty.call(TABLE, region) ? TABLE[region] : undefined;
    return entry && { region, ...entry };
}

/** A region of the table. Message: `is not an AWS region such as us-east-1 (see components/shared/data/regions.json)`. */
export const awsRegion: Check = (value) =>
    typeof value === "string" && regionInfo(value) !== undefined
        ? undefined
        : "is not an AWS region such as us-east-1 (see components/shared/data/regions.json)";

/**
 * At most as many availability zones as `region` offers. Passes when the
 * region is unknown (that is {@link awsRegion}'s problem).
 *
 * Message: `is more than the 2 availability zones of us-west-1`.
 */
export function zonesOf(region: string): Check {
    const info = regionInfo(region);
    return (value) =>
        info === undefined || typeof value !== "number" || value <= info.zones
            ? undefined
            : `is more than the ${info.zones} availability zones of ${region}`;
}

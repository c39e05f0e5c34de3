/**
 * Subnet layout maths for SecureVpc: the same allocation awsx's `"Auto"`
 * subnet strategy performs (zones split the VPC evenly; inside a zone each
 * spec is placed in order, aligned to its own size), computed up front so a
 * layout that cannot fit is refused before anything is registered.
 */
import { Cidr } from "../shared/cidr";

/** The three subnet tiers, in the order they are allocated inside each zone. */
export const TIERS = ["private", "public", "isolated"] as const;
export type Tier = (typeof TIERS)[number];

/** awsx subnet type of each tier. */
export const TIER_TYPES = { private: "Private", public: "Public", isolated: "Isolated" } as const;

/** Smallest and largest prefix AWS accepts for a VPC or a subnet. */
export const MIN_PREFIX = 16;
export const MAX_PREFIX = 28;

/** Prefix length per tier. */
export type TierMasks = Readonly<Record<Tier, number>>;

/** Bits needed to number `count` zones (awsx: `ceil(log2(count))`). */
export function zoneBits(count: number): number {
    return count <= 1 ? 0 : Math.ceil(Math.log2(count));
}

/** Default zone block prefix: the VPC divided evenly between the zones, as awsx does. */
export function defaultZoneCidrMask(vpcPrefix: number, zoneCount: number): number {
    return vpcPrefix + zoneBits(zoneCount);
}

/**
 * Default prefix per tier for a zone block of `/zoneMask`: private gets half
 * the zone (but no bigger than /20, 4,096 addresses), public a quarter (no
 * bigger than /24), isolated an eighth (no bigger than /24), never smaller than
 * /28. In a /16 VPC over 2 zones that is private /20, public /24, isolated
 * /24; in a /24 over 2 zones, /26, /27 and /28.
 */
export function defaultTierMasks(zoneMask: number): TierMasks {
    const clamp = (m: number, floor: number) => Math.min(MAX_PREFIX, Math.max(m, floor));
    return {
        private: clamp(zoneMask + 1, 20),
        public: clamp(zoneMask + 2, 24),
        isolated: clamp(zoneMask + 3, 24),
    };
}

/** Number of addresses in a block of this prefix. */
export function blockSize(prefix: number): number {
    return 2 ** (32 - prefix);
}

/** Renders an unsigned 32-bit address and a prefix as `a.b.c.d/n`. */
export function formatCidr(address: number, prefix: number): string {
    const octets = [24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256);
    return `${octets.join(".")}/${prefix}`;
}

/** One planned subnet. */
export interface PlannedSubnet {
    readonly tier: Tier;
    /** 0-based zone index. */
    readonly zone: number;
    readonly cidrBlock: string;
    /** First address (unsigned 32-bit). */
    readonly start: number;
    /** Address after the last one. */
    readonly end: number;
}

/** The planned layout, or why it cannot fit. */
export interface LayoutPlan {
    readonly zoneCidrMask: number;
    /** Zone blocks, one per zone. */
    readonly zoneBlocks: readonly string[];
    /** Every subnet, zone by zone, tiers in {@link TIERS} order. */
    readonly subnets: readonly PlannedSubnet[];
    /** Addresses one zone's subnets span, alignment gaps included. */
    readonly spanPerZone: number;
    /** True when every subnet lies inside its zone's block (hence inside the VPC, without overlap). */
    readonly fits: boolean;
}

/**
 * Places the subnets exactly as awsx's `"Auto"` strategy does: zone `i`
 * starts at `vpc + i * size(zoneMask)`; inside a zone the first spec starts at
 * the zone's base and each next one at the first address after the previous
 * one that is aligned to its own size. Does not check anything except whether
 * the result fits (see {@link LayoutPlan.fits}).
 */
export function planLayout(vpc: Cidr, zoneCount: number, zoneCidrMask: number, masks: TierMasks): LayoutPlan {
    const zoneSize = blockSize(zoneCidrMask);
    const subnets: PlannedSubnet[] = [];
    const zoneBlocks: string[] = [];
    let spanPerZone = 0;
    let fits = true;
    for (let zone = 0; zone < zoneCount; zone++) {
        const zoneStart = vpc.address + zone * zoneSize;
        zoneBlocks.push(formatCidr(zoneStart, zoneCidrMask));
        let next = zoneStart;
        for (const tier of TIERS) {
            const size = blockSize(masks[tier]);
            const start = Math.ceil(next / size) * size;
            const end = start + size;
            subnets.push({ tier, zone, cidrBlock: formatCidr(start, masks[tier]), start, end });
            next = end;
        }
        spanPerZone = next - zoneStart;
        if (next > zoneStart + zoneSize) fits = false;
    }
    return { zoneCidrMask, zoneBlocks, subnets, spanPerZone, fits };
}

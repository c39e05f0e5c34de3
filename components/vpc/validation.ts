/**
 * Defaults and up-front validation of SecureVpc arguments: pure functions, so
 * every problem is reported together before any resource is registered.
 */
import { isPrivateCidr, parseCidr } from "../shared/cidr";
import * as pulumi from "@pulumi/pulumi";
import {
    kmsKeyArn,
    LOG_RETENTION_DAYS,
    logRetentionDays,
    natInstanceType as natInstanceTypeCheck,
    oneOf,
} from "../shared/checks";
import { NAT_INSTANCE_DEFAULTS } from "./natInstancePolicies";
import { checkTags } from "../shared/tags";
import { isKnown, Problems, show } from "../shared/validation";
import {
    blockSize,
    defaultTierMasks,
    defaultZoneCidrMask,
    LayoutPlan,
    MAX_PREFIX,
    MIN_PREFIX,
    planLayout,
    Tier,
    TierMasks,
    TIERS,
} from "./layout";

// An `as const` object and a type of the same name (its values): TypeScript callers pass `NatStrategy.Single`
// or `"Single"`, and Pulumi's component provider infers a schema enum from it (the form its analyzer reads).
/** NAT strategies: awsx's `NatGatewayStrategy` values, plus NAT instances (awsx then creates no gateway). */
export const NatStrategy = {
    /** No NAT gateway: private subnets have no internet egress (the public tier is the egress tier). */
    None: "None",
    /** One NAT gateway: one zone's failure cuts the egress of every zone. */
    Single: "Single",
    /** One NAT gateway per zone (highly available). */
    OnePerAz: "OnePerAz",
    /**
     * One NAT instance per zone (Graviton nano by default; an Auto Scaling group of one heals it): about a
     * fifth of a gateway's hourly price, burstable throughput, minutes of egress loss while one is replaced.
     */
    Instance: "Instance",
} as const;
export type NatStrategy = (typeof NatStrategy)[keyof typeof NatStrategy];
/** The values of {@link NatStrategy}, in declaration order (the order validation messages list them in). */
export const NAT_STRATEGIES: readonly NatStrategy[] = Object.values(NatStrategy);

/** Retention values CloudWatch Logs accepts (days): the shared list. */
export const FLOW_LOG_RETENTION_DAYS = LOG_RETENTION_DAYS;

export const DEFAULT_CIDR_BLOCK = "10.0.0.0/16";
export const DEFAULT_ZONE_COUNT = 2;
export const DEFAULT_NAT_STRATEGY: NatStrategy = "OnePerAz";
export const DEFAULT_FLOW_LOG_RETENTION_DAYS = 90;
/** The free DynamoDB gateway endpoint is created unless turned off. */
export const DEFAULT_DYNAMODB_ENDPOINT = true;

/** Argument name of each tier's mask. */
export const MASK_ARGS: Readonly<Record<Tier, string>> = {
    private: "privateSubnetCidrMask",
    public: "publicSubnetCidrMask",
    isolated: "isolatedSubnetCidrMask",
};

/** The plain (validated up front) part of SecureVpcArgs. */
export interface PlainVpcArgs {
    readonly cidrBlock?: string;
    readonly availabilityZoneCount?: number;
    readonly availabilityZoneNames?: readonly string[];
    readonly availabilityZoneCidrMask?: number;
    readonly publicSubnetCidrMask?: number;
    readonly privateSubnetCidrMask?: number;
    readonly isolatedSubnetCidrMask?: number;
    readonly natStrategy?: NatStrategy;
    readonly natInstanceType?: string;
    readonly flowLogRetentionDays?: number;
    /** Checked when it is a plain string (an Output is passed through). */
    readonly flowLogKmsKeyArn?: unknown;
    readonly interfaceEndpoints?: readonly string[];
    readonly dynamoDbEndpoint?: boolean;
    /** Only checked for its shape: a plain map (its values may be Outputs), not an Output of a map. */
    readonly tags?: unknown;
}

const isInt = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v);

/** Availability zone names such as `us-east-1a`, `eu-central-1c` or `us-west-2-lax-1a`. */
const ZONE_NAME = /^[a-z]{2}(-[a-z0-9]+)+[a-z]$/;

/** Endpoint service short names such as `ecr.api`, `logs`, `ssmmessages`, `secretsmanager`. */
const ENDPOINT_SERVICE = /^[a-z0-9]+(-[a-z0-9]+)*(\.[a-z0-9]+(-[a-z0-9]+)*)*$/;

/** Problems of a VPC CIDR block: canonical IPv4, RFC 1918, /16 to /28. */
export function checkCidrBlock(problems: Problems, cidrBlock: unknown): void {
    const cidr = typeof cidrBlock === "string" ? parseCidr(cidrBlock) : undefined;
    if (!cidr) {
        problems.add(`cidrBlock: ${show(cidrBlock)} is not a valid IPv4 CIDR block`);
        return;
    }
    problems.expect(
        cidr.prefix >= MIN_PREFIX && cidr.prefix <= MAX_PREFIX,
        "cidrBlock",
        cidrBlock,
        `has a prefix outside /${MIN_PREFIX} to /${MAX_PREFIX} (the VPC sizes AWS accepts)`,
    );
    problems.expect(isPrivateCidr(cidr), "cidrBlock", cidrBlock, "is not a private (RFC 1918) range");
}

/**
 * Applies defaults and checks every plain argument: CIDR block, zone count
 * (against the given zone names, if any), zone and tier masks (each subnet
 * must fit in its zone's share of the VPC, alignment included), NAT strategy,
 * flow log retention and interface endpoint names. Throws one
 * `ValidationError` listing every problem; returns the resolved settings.
 */
export function resolveVpcArgs(name: string, args: PlainVpcArgs) {
    const problems = new Problems(`SecureVpc "${name}"`);

    const cidrBlock = args.cidrBlock ?? DEFAULT_CIDR_BLOCK;
    const countBefore = problems.count;
    checkCidrBlock(problems, cidrBlock);
    const cidr = problems.count === countBefore ? parseCidr(cidrBlock) : undefined;

    const names = args.availabilityZoneNames;
    let namesOk = true;
    if (names !== undefined) {
        if (!Array.isArray(names)) {
            problems.add(`availabilityZoneNames: ${show(names)} is not a list of availability zone names`);
            namesOk = false;
        } else {
            names.forEach((zone, i) => {
                if (typeof zone !== "string" || !ZONE_NAME.test(zone)) {
                    problems.add(
                        `availabilityZoneNames[${i}]: ${show(zone)} is not an availability zone name such as "us-east-1a"`,
                    );
                    namesOk = false;
                }
            });
            const duplicates = names.filter((zone, i) => names.indexOf(zone) !== i);
            if (duplicates.length > 0) {
                problems.add(
                    `availabilityZoneNames: ${show(names)} lists ${[...new Set(duplicates)].map((d) => show(d)).join(", ")} more than once`,
                );
                namesOk = false;
            }
        }
    }

    const zoneCount = args.availabilityZoneCount ?? DEFAULT_ZONE_COUNT;
    let countOk = isInt(zoneCount) && zoneCount >= 2;
    problems.expect(
        countOk,
        "availabilityZoneCount",
        zoneCount,
        "is out of range: expected a whole number of at least 2 (every tier spans two or more zones)",
    );
    if (countOk && namesOk && names !== undefined && zoneCount > names.length) {
        problems.add(
            `availabilityZoneCount: ${zoneCount} is more than the ${names.length} zones in availabilityZoneNames (${names.join(", ")})`,
        );
        countOk = false;
    }

    const natStrategy = args.natStrategy ?? DEFAULT_NAT_STRATEGY;
    problems.check("natStrategy", natStrategy, oneOf(NAT_STRATEGIES));
    const natInstanceType = args.natInstanceType ?? NAT_INSTANCE_DEFAULTS.natInstanceType;
    if (natStrategy === "Instance") problems.check("natInstanceType", natInstanceType, natInstanceTypeCheck);
    else if (args.natInstanceType !== undefined)
        problems.expect(
            false,
            "natInstanceType",
            args.natInstanceType,
            `needs natStrategy "Instance" (it is ${show(natStrategy)}): leave it unset`,
        );

    const flowLogRetentionDays = args.flowLogRetentionDays ?? DEFAULT_FLOW_LOG_RETENTION_DAYS;
    problems.check("flowLogRetentionDays", flowLogRetentionDays, logRetentionDays);
    // CloudWatch Logs requires the key ARN (an alias ARN is refused by CreateLogGroup).
    if (args.flowLogKmsKeyArn !== undefined && isKnown(args.flowLogKmsKeyArn)) {
        problems.check(
            "flowLogKmsKeyArn",
            args.flowLogKmsKeyArn,
            kmsKeyArn({ why: "as CloudWatch Logs requires for a log group" }),
        );
    }

    const dynamoDbEndpoint = args.dynamoDbEndpoint ?? DEFAULT_DYNAMODB_ENDPOINT;
    problems.expect(
        typeof dynamoDbEndpoint === "boolean",
        "dynamoDbEndpoint",
        dynamoDbEndpoint,
        "is not true or false",
    );
    const interfaceEndpoints = args.interfaceEndpoints ?? [];
    if (!Array.isArray(interfaceEndpoints)) {
        problems.add(`interfaceEndpoints: ${show(interfaceEndpoints)} is not a list of endpoint service names`);
    } else {
        interfaceEndpoints.forEach((svc, i) => {
            if (typeof svc !== "string" || !ENDPOINT_SERVICE.test(svc) || svc.startsWith("com.amazonaws.")) {
                problems.add(
                    `interfaceEndpoints[${i}]: ${show(svc)} is not an endpoint service short name such as "ecr.api" (the com.amazonaws.<region>. prefix is added)`,
                );
            } else if (svc === "s3") {
                problems.add(
                    `interfaceEndpoints[${i}]: "s3" is already served by the VPC's free S3 gateway endpoint; remove it`,
                );
            } else if (svc === "dynamodb" && dynamoDbEndpoint === true) {
                problems.add(
                    `interfaceEndpoints[${i}]: "dynamodb" is already served by the VPC's free DynamoDB gateway endpoint; remove it (or set dynamoDbEndpoint false)`,
                );
            }
        });
        const duplicates = interfaceEndpoints.filter((svc, i) => interfaceEndpoints.indexOf(svc) !== i);
        if (duplicates.length > 0) {
            problems.add(
                `interfaceEndpoints: ${show(interfaceEndpoints)} lists ${[...new Set(duplicates)].map((d) => show(d)).join(", ")} more than once`,
            );
        }
    }

    // awsx's Vpc is a remote component: it receives a tags map that is an Output (or carries dependencies)
    // as an Output object and spreads it into its children's tags, which then fail to register. Under the
    // test mocks awsx never runs, so this only shows up in a real deployment: refuse it up front.
    const tags = args.tags;
    if (pulumi.Output.isInstance(tags)) {
        problems.add(
            "tags: <output> is not a plain map of tags: pass an object whose values may be Outputs (awsx's Vpc cannot use a map that is itself an Output)",
        );
    } else if (tags !== undefined && (typeof tags !== "object" || tags === null || Array.isArray(tags))) {
        problems.add(`tags: ${show(tags)} is not a map of tags`);
    } else {
        checkTags(problems, "tags", tags);
    }

    // Zone block and tier masks: only meaningful once the CIDR and count are sound.
    const minZoneMask = cidr && countOk ? defaultZoneCidrMask(cidr.prefix, zoneCount) : undefined;
    const zoneMask = args.availabilityZoneCidrMask ?? minZoneMask;
    let zoneMaskOk = true;
    if (args.availabilityZoneCidrMask === undefined && minZoneMask !== undefined && minZoneMask > MAX_PREFIX) {
        problems.add(
            `cidrBlock: ${show(cidrBlock)} is too small for ${zoneCount} zones: each would get a /${minZoneMask}, narrower than the /${MAX_PREFIX} smallest subnet`,
        );
        zoneMaskOk = false;
    }
    if (args.availabilityZoneCidrMask !== undefined) {
        zoneMaskOk = isInt(zoneMask) && zoneMask >= MIN_PREFIX && zoneMask <= MAX_PREFIX;
        problems.expect(
            zoneMaskOk,
            "availabilityZoneCidrMask",
            zoneMask,
            `is out of range: expected a whole number from ${MIN_PREFIX} to ${MAX_PREFIX}`,
        );
        if (zoneMaskOk && minZoneMask !== undefined && zoneMask! < minZoneMask) {
            problems.add(
                `availabilityZoneCidrMask: ${zoneMask} is too wide: ${zoneCount} zones of /${zoneMask} do not fit in ${cidrBlock}; expected /${minZoneMask} or narrower`,
            );
            zoneMaskOk = false;
        }
    }

    const defaults = defaultTierMasks(zoneMask ?? MIN_PREFIX);
    const masks: TierMasks = {
        private: args.privateSubnetCidrMask ?? defaults.private,
        public: args.publicSubnetCidrMask ?? defaults.public,
        isolated: args.isolatedSubnetCidrMask ?? defaults.isolated,
    };
    let masksOk = true;
    for (const tier of TIERS) {
        const mask = masks[tier];
        if (!isInt(mask) || mask < MIN_PREFIX || mask > MAX_PREFIX) {
            problems.add(
                `${MASK_ARGS[tier]}: ${show(mask)} is out of range: expected a whole number from ${MIN_PREFIX} to ${MAX_PREFIX} (the subnet sizes AWS accepts)`,
            );
            masksOk = false;
        } else if (zoneMask !== undefined && zoneMaskOk && mask < zoneMask) {
            problems.add(
                `${MASK_ARGS[tier]}: ${mask} is wider than a zone's share of ${cidrBlock} (/${zoneMask} for ${zoneCount} zones): expected /${zoneMask} or narrower`,
            );
            masksOk = false;
        }
    }

    let layout: LayoutPlan | undefined;
    if (cidr && countOk && zoneMask !== undefined && zoneMaskOk && masksOk) {
        layout = planLayout(cidr, zoneCount, zoneMask, masks);
        if (!layout.fits) {
            const given = TIERS.map((t) => `${MASK_ARGS[t]} /${masks[t]}`).join(", ");
            problems.add(
                `${TIERS.map((t) => MASK_ARGS[t]).join(", ")}: ${given} need ${layout.spanPerZone} addresses per zone (alignment included), but each of the ${zoneCount} zones of ${cidrBlock} has ${blockSize(zoneMask)} (/${zoneMask}): use narrower masks, a wider cidrBlock or fewer zones`,
            );
        }
    }

    problems.throwIfAny();
    return {
        cidrBlock: cidrBlock as string,
        availabilityZoneCount: zoneCount as number,
        availabilityZoneNames: names?.slice(0, zoneCount),
        availabilityZoneCidrMask: zoneMask!,
        masks,
        natStrategy,
        natInstanceType,
        flowLogRetentionDays,
        interfaceEndpoints: [...interfaceEndpoints],
        dynamoDbEndpoint: dynamoDbEndpoint === true,
        layout: layout!,
    };
}

/**
 * Picks the first `count` of the region's zones, or throws naming
 * `availabilityZoneCount` when the region has fewer.
 */
export function pickRegionZones(name: string, count: number, regionZones: readonly string[]): string[] {
    new Problems(`SecureVpc "${name}"`)
        .expect(
            count <= regionZones.length,
            "availabilityZoneCount",
            count,
            `is more than the ${regionZones.length} availability zones the region offers (${regionZones.join(", ")})`,
        )
        .throwIfAny();
    return regionZones.slice(0, count);
}

/** Arguments with defaults applied and every up-front check passed (what {@link resolveVpcArgs} returns). */
export type ResolvedVpcArgs = ReturnType<typeof resolveVpcArgs>;

/**
 * Defaults and validation of Cache's arguments (pure). Every problem is
 * collected and thrown as one ValidationError before anything is registered.
 */
import { isKnown, Problems } from "../shared/validation";
import {
    checkBoolean,
    checkEnum,
    checkId,
    checkIdList,
    checkInt,
    defaultPhysicalName,
    isKmsKeyArn,
    SECURITY_GROUP_ID,
    SUBNET_ID,
    VPC_ID,
} from "./inputChecks";
import type { CacheArgs } from "./cache";

/** Valkey major versions ElastiCache Serverless offers. */
export const ValkeyMajorVersion = {
    /** Valkey 7.2. */
    V7: "7",
    /** Valkey 8. */
    V8: "8",
} as const;
export type ValkeyMajorVersion = (typeof ValkeyMajorVersion)[keyof typeof ValkeyMajorVersion];
/** The values of {@link ValkeyMajorVersion}, in declaration order. */
export const VALKEY_MAJOR_VERSIONS: readonly ValkeyMajorVersion[] = Object.values(ValkeyMajorVersion);

/** Port of the primary endpoint (reads and writes) and of the reader endpoint. */
export const CACHE_PORTS = { primary: 6379, reader: 6380 } as const;

/** The rules of the cache's subnets (a whole Output list is checked by them once known). */
export const CACHE_SUBNETS = {
    pattern: SUBNET_ID,
    what: "subnet id (subnet-...)",
    min: 2,
    max: 3,
    minMessage: "has fewer than two subnets: expected private subnets in two or three availability zones",
};

/** Default values of the arguments, named by their `@default` tags. */
export const CACHE_DEFAULTS = {
    engineVersion: "8" as ValkeyMajorVersion,
    maxDataStorageGb: 1,
    maxEcpuPerSecond: 5000,
    dailySnapshotTime: "04:00",
    /** Days of daily snapshots kept: 7 in production, else 1. */
    snapshotRetentionDays: (production: boolean) => (production ? 7 : 1),
} as const;

const CACHE_NAME = /^[a-z][a-z0-9-]{0,39}$/;

/** Why a serverless cache name is invalid, or undefined. */
export function cacheNameProblem(name: string): string | undefined {
    if (!CACHE_NAME.test(name)) {
        return "is not a cache name: expected a lower-case letter then up to 39 lower-case letters, digits or hyphens";
    }
    if (name.endsWith("-") || name.includes("--")) return "may not end with a hyphen or contain two in a row";
    return undefined;
}

/** Resolves and validates the arguments of a Cache named `name` in `project`/`stack`. */
export function resolveCacheSettings(name: string, args: CacheArgs, project: string, stack: string) {
    const problems = new Problems(`Cache "${name}"`);
    const a = (args ?? {}) as CacheArgs;
    const d = CACHE_DEFAULTS;

    const production = a.production ?? false;
    checkBoolean(problems, "production", production);
    const isProd = production === true;

    checkId(problems, "vpcId", a.vpcId, VPC_ID, "a VPC id (vpc-...)");
    checkIdList(
        problems,
        "subnetIds",
        a.subnetIds,
        CACHE_SUBNETS.pattern,
        CACHE_SUBNETS.what,
        CACHE_SUBNETS.min,
        CACHE_SUBNETS.minMessage,
        true,
    );
    if (Array.isArray(a.subnetIds) && a.subnetIds.length > CACHE_SUBNETS.max) {
        problems.add(`subnetIds: ${a.subnetIds.length} ids are more than the ${CACHE_SUBNETS.max} accepted`);
    }
    const allowed = a.allowedSecurityGroupIds ?? [];
    checkIdList(problems, "allowedSecurityGroupIds", allowed, SECURITY_GROUP_ID, "security group id (sg-...)", 0, "");

    const explicitName = a.cacheName !== undefined;
    const cacheName = a.cacheName ?? defaultPhysicalName(project, stack, name, 40);
    const why = typeof cacheName === "string" ? cacheNameProblem(cacheName) : "is not a string";
    if (why) {
        problems.add(
            explicitName
                ? `cacheName: ${JSON.stringify(cacheName)} ${why}`
                : `cacheName: ${JSON.stringify(cacheName)} (derived from the project, stack and name) ${why}: pass an explicit cacheName`,
        );
    }
    const engineVersion = a.engineVersion ?? d.engineVersion;
    checkEnum(problems, "engineVersion", engineVersion, VALKEY_MAJOR_VERSIONS);
    const maxDataStorageGb = a.maxDataStorageGb ?? d.maxDataStorageGb;
    checkInt(problems, "maxDataStorageGb", maxDataStorageGb, 1, 5000, "GB");
    const maxEcpuPerSecond = a.maxEcpuPerSecond ?? d.maxEcpuPerSecond;
    checkInt(problems, "maxEcpuPerSecond", maxEcpuPerSecond, 1000, 15_000_000, "ECPUs per second");
    const snapshotRetentionDays = a.snapshotRetentionDays ?? d.snapshotRetentionDays(isProd);
    checkInt(problems, "snapshotRetentionDays", snapshotRetentionDays, 0, 35, "days");
    const dailySnapshotTime = a.dailySnapshotTime ?? d.dailySnapshotTime;
    problems.expect(
        typeof dailySnapshotTime === "string" && /^([01]\d|2[0-3]):[0-5]\d$/.test(dailySnapshotTime),
        "dailySnapshotTime",
        dailySnapshotTime,
        "is not a time of day: expected HH:MM in UTC, e.g. 04:00",
    );
    if (a.kmsKeyArn !== undefined && isKnown(a.kmsKeyArn)) {
        problems.expect(
            isKmsKeyArn(a.kmsKeyArn),
            "kmsKeyArn",
            a.kmsKeyArn,
            "is not a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)",
        );
    }

    problems.throwIfAny();
    return {
        production: isProd,
        cacheName: cacheName as string,
        engineVersion: engineVersion as ValkeyMajorVersion,
        maxDataStorageGb: maxDataStorageGb as number,
        maxEcpuPerSecond: maxEcpuPerSecond as number,
        snapshotRetentionDays: snapshotRetentionDays as number,
        dailySnapshotTime: dailySnapshotTime as string,
    };
}

export type CacheSettings = ReturnType<typeof resolveCacheSettings>;

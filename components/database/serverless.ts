/**
 * Pure logic of {@link PostgresDb}'s Aurora PostgreSQL Serverless v2 mode:
 * the mode enum, its defaults, engine versions that can scale to zero, the
 * capacity and auto-pause checks, and the names Aurora gives its log groups
 * and instances. Plain data in, plain data out (unit-tested directly).
 */
import { integer, stepped } from "../shared/checks";
import { Problems } from "../shared/validation";

/** How a PostgresDb runs: one RDS instance, or an Aurora Serverless v2 cluster. */
export const PostgresDbMode = {
    /** RDS for PostgreSQL: one DB instance (Multi-AZ optional), gp3 storage, billed by the hour. */
    Instance: "instance",
    /**
     * Aurora PostgreSQL Serverless v2: a cluster with a `db.serverless` writer (and a reader with
     * `multiAz`), billed per ACU-hour; at a minimum of 0 ACU it pauses when idle (storage only).
     */
    Serverless: "serverless",
} as const;
export type PostgresDbMode = (typeof PostgresDbMode)[keyof typeof PostgresDbMode];
/** The values of {@link PostgresDbMode}, in declaration order. */
export const POSTGRES_DB_MODES: readonly PostgresDbMode[] = Object.values(PostgresDbMode);

/** Defaults of the serverless mode's arguments. */
export const SERVERLESS_DEFAULTS = {
    /** Aurora PostgreSQL engine version (scales to zero); minor upgrades are deliberate (raise it). */
    auroraEngineVersion: "16.6",
    /** Minimum capacity (ACU): 0 pauses the cluster when no connection is open. */
    minCapacityAcu: 0,
    /** Maximum capacity (ACU); 1 ACU is about 2 GiB of memory. */
    maxCapacityAcu: 2,
    /** Seconds without a connection before a 0-ACU cluster pauses (300 to 86400). */
    secondsUntilAutoPause: 300,
} as const;

/**
 * First minor release of each Aurora PostgreSQL major that supports a minimum
 * capacity of 0 ACU (automatic pause): 13.15, 14.12, 15.7, 16.3, every 17.
 */
export const SCALE_TO_ZERO_MIN_MINOR: Readonly<Record<number, number>> = { 13: 15, 14: 12, 15: 7, 16: 3, 17: 4 };

/** Capacity limits of Serverless v2 (ACU). */
export const MAX_ACU = 256;

/** The only log type Aurora PostgreSQL exports to CloudWatch Logs that this component keeps (one log group). */
export const AURORA_LOG_EXPORTS = ["postgresql"] as const;

/** Suffixes of the cluster's instance identifiers (the cluster carries the plain identifier). */
export const WRITER_SUFFIX = "-writer";
export const READER_SUFFIX = "-reader";

/** Parses `major.minor` (e.g. "16.6"); undefined when the syntax is wrong. */
export function parseAuroraVersion(version: unknown): { major: number; minor: number } | undefined {
    if (typeof version !== "string") return undefined;
    const m = /^(\d{2})\.(\d{1,2})$/.exec(version);
    return m ? { major: Number(m[1]), minor: Number(m[2]) } : undefined;
}

/** What is wrong with an Aurora PostgreSQL version for scale to zero, or undefined when it is fine. */
export function auroraVersionProblem(version: unknown): string | undefined {
    const list = Object.entries(SCALE_TO_ZERO_MIN_MINOR)
        .map(([major, minor]) => `${major}.${minor}+`)
        .join(", ");
    const v = parseAuroraVersion(version);
    if (!v) return `is not an Aurora PostgreSQL version: expected major.minor such as "16.6" (${list})`;
    const least = SCALE_TO_ZERO_MIN_MINOR[v.major];
    if (least === undefined) return `is not an Aurora PostgreSQL major this component deploys: expected ${list}`;
    if (v.minor < least)
        return `cannot scale to zero: Aurora PostgreSQL ${v.major} pauses from ${v.major}.${least}; expected ${list}`;
    return undefined;
}

/** Parameter group family of an Aurora PostgreSQL version, e.g. `aurora-postgresql16`. */
export function auroraParameterGroupFamily(version: string): string {
    return `aurora-postgresql${version.split(".")[0]}`;
}

/** CloudWatch log group Aurora writes one exported log type of a cluster to. */
export function clusterLogGroupName(clusterIdentifier: string, logType: string): string {
    return `/aws/rds/cluster/${clusterIdentifier}/${logType}`;
}

/** Identifiers of the cluster's instances: the writer, plus a reader in another zone with `multiAz`. */
export function clusterInstanceIdentifiers(identifier: string, multiAz: boolean): string[] {
    return [`${identifier}${WRITER_SUFFIX}`, ...(multiAz ? [`${identifier}${READER_SUFFIX}`] : [])];
}

/** The serverless mode's arguments (a subset of PostgresDbArgs). */
export interface ServerlessArgsView {
    readonly mode?: unknown;
    readonly auroraEngineVersion?: unknown;
    readonly minCapacityAcu?: unknown;
    readonly maxCapacityAcu?: unknown;
    readonly secondsUntilAutoPause?: unknown;
    readonly instanceClass?: unknown;
    readonly engineVersion?: unknown;
    readonly allocatedStorageGb?: unknown;
    readonly maxAllocatedStorageGb?: unknown;
    readonly identifier?: unknown;
    readonly backupRetentionDays?: unknown;
}

/** Arguments that only the instance mode reads. */
const INSTANCE_ONLY = ["instanceClass", "engineVersion", "allocatedStorageGb", "maxAllocatedStorageGb"] as const;
/** Arguments that only the serverless mode reads. */
const SERVERLESS_ONLY = ["auroraEngineVersion", "minCapacityAcu", "maxCapacityAcu", "secondsUntilAutoPause"] as const;

/** The serverless settings once checked. */
export interface ServerlessSettings {
    readonly auroraEngineVersion: string;
    readonly clusterParameterGroupFamily: string;
    readonly minCapacityAcu: number;
    readonly maxCapacityAcu: number;
    /** Set only at a minimum of 0 ACU (Aurora refuses it otherwise). */
    readonly secondsUntilAutoPause: number | undefined;
}

/**
 * Checks the mode and the mode-specific arguments, adding every problem to
 * `problems`: an argument of the other mode is refused (it would be
 * silently ignored), capacities are 0 to 256 ACU in halves with a maximum of
 * at least 1 and not below the minimum, the auto-pause delay is 300 to 86400
 * seconds and only given with a 0 minimum, the engine version can scale to
 * zero, the identifier leaves room for the instances' suffixes and backups
 * are kept (Aurora keeps at least one day). Returns the mode and, in
 * serverless mode, its settings.
 */
export function resolveServerless(
    problems: Problems,
    a: ServerlessArgsView,
    identifier: unknown,
): { mode: PostgresDbMode; serverless: ServerlessSettings | undefined } {
    const mode = (a.mode ?? PostgresDbMode.Instance) as PostgresDbMode;
    if (!POSTGRES_DB_MODES.includes(mode)) {
        const modes = POSTGRES_DB_MODES.map((m) => JSON.stringify(m)).join(" or ");
        problems.expect(false, "mode", mode, `is not a PostgresDb mode: expected ${modes}`);
        return { mode: PostgresDbMode.Instance, serverless: undefined };
    }
    const view = a as Record<string, unknown>;
    const foreign = mode === "serverless" ? INSTANCE_ONLY : SERVERLESS_ONLY;
    for (const key of foreign) {
        if (view[key] !== undefined)
            problems.expect(false, key, view[key], `does not apply in mode ${JSON.stringify(mode)}: leave it unset`);
    }
    if (mode !== "serverless") return { mode, serverless: undefined };

    const d = SERVERLESS_DEFAULTS;
    const version = a.auroraEngineVersion ?? d.auroraEngineVersion;
    const versionWhy = auroraVersionProblem(version);
    if (versionWhy) problems.expect(false, "auroraEngineVersion", version, versionWhy);
    const acu = (max: number) => stepped(0, max, 0.5, `a capacity in ACU from 0 to ${max} in steps of 0.5`);
    const min = a.minCapacityAcu ?? d.minCapacityAcu;
    const max = a.maxCapacityAcu ?? d.maxCapacityAcu;
    const minOk = problems.check("minCapacityAcu", min, acu(MAX_ACU));
    const maxOk = problems.check(
        "maxCapacityAcu",
        max,
        stepped(1, MAX_ACU, 0.5, `a capacity in ACU from 1 to ${MAX_ACU} in steps of 0.5`),
    );
    if (minOk && maxOk && (max as number) < (min as number))
        problems.expect(false, "maxCapacityAcu", max, `is below minCapacityAcu (${min}): expected at least ${min}`);
    const pause = a.secondsUntilAutoPause ?? (min === 0 ? d.secondsUntilAutoPause : undefined);
    if (pause !== undefined) {
        if (minOk && min !== 0)
            problems.expect(
                false,
                "secondsUntilAutoPause",
                pause,
                `needs minCapacityAcu 0 (it is ${min}): only a cluster that scales to zero pauses`,
            );
        else problems.check("secondsUntilAutoPause", pause, integer(300, 86400));
    }
    if (typeof identifier === "string" && identifier.length + WRITER_SUFFIX.length > 63)
        problems.expect(
            false,
            "identifier",
            identifier,
            `is ${identifier.length} characters long: the serverless mode's instances append "${WRITER_SUFFIX}", so expected at most ${63 - WRITER_SUFFIX.length}`,
        );
    if (a.backupRetentionDays === 0)
        problems.expect(false, "backupRetentionDays", 0, "cannot be 0 in serverless mode: Aurora keeps at least 1 day");
    return {
        mode,
        serverless: {
            auroraEngineVersion: version as string,
            clusterParameterGroupFamily: versionWhy ? "" : auroraParameterGroupFamily(version as string),
            minCapacityAcu: min as number,
            maxCapacityAcu: max as number,
            secondsUntilAutoPause: min === 0 ? (pause as number) : undefined,
        },
    };
}

/**
 * Pure logic behind {@link PostgresDb}: argument defaults and validation,
 * RDS naming rules, backup/maintenance window arithmetic, the parameter group
 * contents and the Enhanced Monitoring trust policy. Everything here is plain
 * data in, plain data out, so it is unit-tested directly.
 */
import * as pulumi from "@pulumi/pulumi";
import { kmsKeyArn, LOG_RETENTION_DAYS, logRetentionDays as logRetentionCheck } from "../shared/checks";
import { dbInstanceClass } from "../shared/instanceTypes";
import { checkTags } from "../shared/tags";
import { isKnown, Problems } from "../shared/validation";
import type { PostgresDbArgs } from "./postgresDb";
import { resolveServerless } from "./serverless";

// Each enum is an `as const` object and a type of the same name (its values): TypeScript callers pass
// `PostgresMajorVersion.V17` or `"17"`, and Pulumi's component provider infers a schema enum from it (the
// form its analyzer reads).

/** PostgreSQL major versions this component deploys (both in RDS standard support). */
export const PostgresMajorVersion = {
    /** PostgreSQL 16. */
    V16: "16",
    /** PostgreSQL 17. */
    V17: "17",
} as const;
export type PostgresMajorVersion = (typeof PostgresMajorVersion)[keyof typeof PostgresMajorVersion];
/** The values of {@link PostgresMajorVersion}, in declaration order (the order validation messages list them in). */
export const POSTGRES_MAJOR_VERSIONS: readonly PostgresMajorVersion[] = Object.values(PostgresMajorVersion);

/** The port RDS for PostgreSQL listens on; the security group admits only this port. */
export const POSTGRES_PORT = 5432;

/** gp3 storage limits for RDS for PostgreSQL (GiB). */
export const MIN_STORAGE_GB = 20;
export const MAX_STORAGE_GB = 65536;

/** Minimum automated-backup retention of a production database (days). */
export const PRODUCTION_MIN_BACKUP_RETENTION_DAYS = 7;

/** Enhanced Monitoring intervals RDS accepts (seconds; 0 disables). */
export const MONITORING_INTERVALS = [0, 1, 5, 10, 15, 30, 60] as const;

/** Retention values CloudWatch Logs accepts (days): the shared list. */
export { LOG_RETENTION_DAYS };

/** Values of the `log_statement` PostgreSQL parameter. */
export const PostgresLogStatement = {
    /** No statement is logged (slow statements still are, per `log_min_duration_statement`). */
    None: "none",
    /** Data definition statements (CREATE, ALTER, DROP ...). */
    Ddl: "ddl",
    /** `ddl` plus data-modifying statements (INSERT, UPDATE, DELETE, TRUNCATE, COPY FROM ...). */
    Mod: "mod",
    /** Every statement. */
    All: "all",
} as const;
export type PostgresLogStatement = (typeof PostgresLogStatement)[keyof typeof PostgresLogStatement];
/** The values of {@link PostgresLogStatement}, in declaration order (the order validation messages list them in). */
export const LOG_STATEMENT_VALUES: readonly PostgresLogStatement[] = Object.values(PostgresLogStatement);

/** The log types RDS for PostgreSQL exports to CloudWatch Logs; one log group each. */
export const CLOUDWATCH_LOG_EXPORTS = ["postgresql", "upgrade"] as const;

const VPC_ID = /^vpc-[0-9a-z]+$/;
const SUBNET_ID = /^subnet-[0-9a-z-]+$/;
const SECURITY_GROUP_ID = /^sg-[0-9a-z]+$/;
const PG_IDENTIFIER = /^[A-Za-z][A-Za-z0-9_]{0,62}$/;
const RESERVED_DB_NAMES = ["postgres", "rdsadmin", "template0", "template1"];
const RESERVED_USERNAMES = ["rdsadmin", "rdsrepladmin", "rds_superuser", "public"];

/**
 * Checks an RDS DB instance identifier: 1 to 63 lowercase letters, digits or
 * hyphens, starting with a letter, not ending with a hyphen and without two
 * consecutive hyphens. Returns what is wrong, or undefined when it is valid.
 */
export function identifierProblem(identifier: string): string | undefined {
    if (identifier.length === 0) return "is empty";
    if (identifier.length > 63) return `is ${identifier.length} characters long: RDS allows at most 63`;
    if (!/^[a-z0-9-]+$/.test(identifier)) return "may contain only lowercase letters, digits and hyphens";
    if (!/^[a-z]/.test(identifier)) return "must start with a letter";
    if (identifier.endsWith("-")) return "must not end with a hyphen";
    if (identifier.includes("--")) return "must not contain two consecutive hyphens";
    return undefined;
}

/**
 * The default instance identifier: `<name>-<stack>`, lowercased, every run of
 * other characters turned into one hyphen, hyphens trimmed from the ends.
 * Including the stack keeps dev and prod apart when they share an account and
 * region. The result is validated like an explicit identifier.
 */
export function defaultIdentifier(name: string, stack: string): string {
    return `${name}-${stack}`
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, "-")
        .replace(/^-+|-+$/g, "");
}

/** The name of the snapshot RDS takes when the instance is deleted. */
export function finalSnapshotIdentifier(identifier: string, suffix: string): string {
    return `${identifier}-final-${suffix}`;
}

/** CloudWatch log group RDS writes one exported log type to. */
export function logGroupName(identifier: string, logType: string): string {
    return `/aws/rds/instance/${identifier}/${logType}`;
}

/** Parameter group family of a major version, e.g. `postgres17`. */
export function parameterGroupFamily(major: PostgresMajorVersion): string {
    return `postgres${major}`;
}

/** A time range in minutes: `start` from the origin of its period, `length` > 0. */
export interface TimeRange {
    readonly start: number;
    readonly length: number;
}

const MINUTES_PER_DAY = 1440;
const MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY;
const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const HHMM = "([01]\\d|2[0-3]):([0-5]\\d)";

/**
 * Parses a daily backup window `hh24:mi-hh24:mi` (UTC) into minutes of the
 * day; a window may cross midnight. Undefined when the syntax is wrong.
 */
export function parseBackupWindow(window: string): TimeRange | undefined {
    const m = new RegExp(`^${HHMM}-${HHMM}$`).exec(window);
    if (!m) return undefined;
    const start = Number(m[1]) * 60 + Number(m[2]);
    const end = Number(m[3]) * 60 + Number(m[4]);
    return { start, length: (end - start + MINUTES_PER_DAY) % MINUTES_PER_DAY };
}

/**
 * Parses a weekly maintenance window `ddd:hh24:mi-ddd:hh24:mi` (UTC, days
 * mon..sun, any case) into minutes of the week from Monday 00:00; a window
 * may cross the end of the week. Undefined when the syntax is wrong.
 */
export function parseMaintenanceWindow(window: string): TimeRange | undefined {
    const day = `(${DAYS.join("|")})`;
    const m = new RegExp(`^${day}:${HHMM}-${day}:${HHMM}$`).exec(window.toLowerCase());
    if (!m) return undefined;
    const at = (d: string, h: string, mi: string) => DAYS.indexOf(d) * MINUTES_PER_DAY + Number(h) * 60 + Number(mi);
    const start = at(m[1], m[2], m[3]);
    const end = at(m[4], m[5], m[6]);
    return { start, length: (end - start + MINUTES_PER_WEEK) % MINUTES_PER_WEEK };
}

/** True when two ranges on a circle of `period` minutes share at least one minute. */
function overlapOnCircle(a: TimeRange, b: TimeRange, period: number): boolean {
    const mod = (x: number) => ((x % period) + period) % period;
    return mod(b.start - a.start) < a.length || mod(a.start - b.start) < b.length;
}

/**
 * True when the daily backup window and the weekly maintenance window overlap
 * on any day of the week (RDS refuses overlapping windows).
 */
export function windowsOverlap(backup: TimeRange, maintenance: TimeRange): boolean {
    for (let day = 0; day < 7; day++) {
        const daily: TimeRange = { start: day * MINUTES_PER_DAY + backup.start, length: backup.length };
        if (overlapOnCircle(daily, maintenance, MINUTES_PER_WEEK)) return true;
    }
    return false;
}

/** One parameter of the DB parameter group. */
export interface DbParameter {
    readonly name: string;
    readonly value: string;
    readonly applyMethod: "immediate" | "pending-reboot";
}

/** The logging settings that end up in the parameter group. */
export interface LoggingSettings {
    readonly logMinDurationStatementMs: number;
    readonly logStatement: PostgresLogStatement;
    readonly logConnections: boolean;
    readonly logDisconnections: boolean;
}

/**
 * The parameter group's parameters: `rds.force_ssl = 1` (clients must use
 * TLS) plus the logging settings. All are dynamic parameters, applied
 * without a reboot.
 */
export function postgresParameters(logging: LoggingSettings): DbParameter[] {
    const flag = (b: boolean) => (b ? "1" : "0");
    const p = (name: string, value: string): DbParameter => ({ name, value, applyMethod: "immediate" });
    return [
        p("rds.force_ssl", "1"),
        p("log_min_duration_statement", String(logging.logMinDurationStatementMs)),
        p("log_statement", logging.logStatement),
        p("log_connections", flag(logging.logConnections)),
        p("log_disconnections", flag(logging.logDisconnections)),
        p("log_lock_waits", "1"),
    ];
}

/** Where a DB instance lives, for the ARN its monitoring role is scoped to. */
export interface InstanceScope {
    readonly partition: string;
    readonly region: string;
    readonly accountId: string;
    /** The DB instance identifier, or the identifiers of a cluster's instances. */
    readonly identifier: string | readonly string[];
}

/**
 * Trust policy of the Enhanced Monitoring role: only the RDS monitoring
 * service may assume it, only on behalf of this account and only for this
 * instance (confused-deputy guard: `aws:SourceAccount` and `aws:SourceArn`).
 */
export function monitoringTrustPolicy(scope: InstanceScope): object {
    const { partition, region, accountId, identifier } = scope;
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Principal: { Service: "monitoring.rds.amazonaws.com" },
                Action: "sts:AssumeRole",
                Condition: {
                    StringEquals: {
                        "aws:SourceAccount": accountId,
                        "aws:SourceArn":
                            typeof identifier === "string"
                                ? `arn:${partition}:rds:${region}:${accountId}:db:${identifier}`
                                : identifier.map((id) => `arn:${partition}:rds:${region}:${accountId}:db:${id}`),
                    },
                },
            },
        ],
    };
}

/** ARN of the AWS managed policy Enhanced Monitoring needs, in a partition. */
export function monitoringPolicyArn(partition: string): string {
    return `arn:${partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole`;
}

/**
 * Prefix of the `rds-db:connect` resource ARN for IAM database
 * authentication, derived from the instance ARN
 * (`arn:<partition>:rds:<region>:<account>:db:<id>`) and its resource id;
 * append `/<db user>` to grant one user.
 */
export function iamConnectArnPrefix(instanceArn: string, resourceId: string): string {
    const parts = instanceArn.split(":");
    if (parts.length < 7 || parts[0] !== "arn" || parts[2] !== "rds") {
        throw new Error(`not an RDS DB instance ARN: ${instanceArn}`);
    }
    const [, partition, , region, account] = parts;
    return `arn:${partition}:rds-db:${region}:${account}:dbuser:${resourceId}`;
}

/** Defaults that depend on the production switch. */
export function postgresDbDefaults(production: boolean) {
    return {
        engineVersion: "17" as PostgresMajorVersion,
        instanceClass: "db.t4g.micro",
        allocatedStorageGb: MIN_STORAGE_GB,
        dbName: "app",
        masterUsername: "dbadmin",
        multiAz: production,
        backupRetentionDays: production ? PRODUCTION_MIN_BACKUP_RETENTION_DAYS : 1,
        backupWindow: "03:00-04:00",
        maintenanceWindow: "sun:04:30-sun:05:30",
        deletionProtection: production,
        skipFinalSnapshot: !production,
        performanceInsights: production,
        performanceInsightsRetentionDays: 7,
        monitoringIntervalSeconds: production ? 60 : 0,
        logRetentionDays: production ? 30 : 7,
        logMinDurationStatementMs: 1000,
        logStatement: "none" as PostgresLogStatement,
        logConnections: true,
        logDisconnections: true,
        applyImmediately: !production,
        extendedSupport: false,
        caCertIdentifier: "rds-ca-rsa2048-g1",
    };
}

/**
 * Smallest storage-autoscaling ceiling RDS accepts for an initial size: at
 * least 10 % above it (a ceiling equal to the allocated storage, or less than
 * 10 % above, fails with "Invalid max storage size"). Whole GiB, rounded up.
 */
export function minMaxAllocatedStorageGb(allocatedStorageGb: number): number {
    return Math.ceil((allocatedStorageGb * 110) / 100);
}

/**
 * Default storage-autoscaling ceiling: 100 GiB, or 26 % above the initial size
 * when that is larger (AWS recommends at least 26 % so RDS does not report
 * the ceiling as reached right after its first scaling step), capped at the
 * gp3 maximum.
 */
export function defaultMaxAllocatedStorageGb(allocatedStorageGb: number): number {
    return Math.min(MAX_STORAGE_GB, Math.max(100, Math.ceil((allocatedStorageGb * 126) / 100)));
}

/** Renders a list whose elements may be Outputs (shown as `<output>`). */
function showList(list: readonly unknown[]): string {
    return `[${list.map((v) => (isKnown(v as pulumi.Input<unknown>) ? JSON.stringify(v) : "<output>")).join(", ")}]`;
}

function isInt(n: unknown): n is number {
    return typeof n === "number" && Number.isInteger(n);
}

function checkIdList(
    problems: Problems,
    key: string,
    list: unknown,
    pattern: RegExp,
    what: string,
    min: number,
    minMessage: string,
): void {
    // A whole Output<string[]> (or a Promise of one) is checked once its value is known: see isolatedSubnetIdsWhenKnown.
    if (!isKnown(list as pulumi.Input<unknown>)) return;
    if (!Array.isArray(list)) {
        problems.add(`${key}: ${JSON.stringify(list)} is not a list: expected a list of ${what}s`);
        return;
    }
    if (list.length < min) problems.add(`${key}: ${showList(list)} ${minMessage}`);
    const seen = new Set<string>();
    list.forEach((id, i) => {
        if (!isKnown(id)) return;
        if (typeof id !== "string" || !pattern.test(id)) {
            problems.add(`${key}[${i}]: ${JSON.stringify(id)} is not a ${what}`);
        } else if (seen.has(id)) {
            problems.add(`${key}[${i}]: ${JSON.stringify(id)} is listed twice`);
        }
        if (typeof id === "string") seen.add(id);
    });
}

function checkIsolatedSubnetIds(problems: Problems, list: unknown): void {
    checkIdList(
        problems,
        "isolatedSubnetIds",
        list,
        SUBNET_ID,
        "subnet id (subnet-...)",
        2,
        "has fewer than two subnets: expected isolated subnets in at least two availability zones",
    );
}

/**
 * The isolated subnet ids of a PostgresDb given as a whole `Output<string[]>`
 * (e.g. `SecureVpc.isolatedSubnetIds`), checked by the same rules as a plain
 * list once the deployment knows them: throws a ValidationError naming
 * `isolatedSubnetIds` during preview or update, before the subnet group is created.
 */
export function isolatedSubnetIdsWhenKnown(name: string, ids: readonly string[]): string[] {
    const problems = new Problems(`PostgresDb "${name}"`);
    checkIsolatedSubnetIds(problems, ids);
    problems.throwIfAny();
    return [...ids];
}

function checkBoolean(problems: Problems, key: string, value: unknown): void {
    problems.expect(typeof value === "boolean", key, value, "is not a boolean: expected true or false");
}

/**
 * Applies the defaults and validates every argument of a PostgresDb named
 * `name` in stack `stack`. Collects every problem and throws one
 * ValidationError naming each bad argument, so a caller fixes everything in
 * one round. Values that are Outputs are checked only where their value is
 * not needed (they are passed through unchanged).
 */
export function resolvePostgresDbSettings(name: string, args: PostgresDbArgs, stack: string) {
    const problems = new Problems(`PostgresDb "${name}"`);
    const a = (args ?? {}) as PostgresDbArgs;

    const production = a.production ?? false;
    checkBoolean(problems, "production", production);
    const isProd = production === true;
    const d = postgresDbDefaults(isProd);

    // Network placement.
    if (a.vpcId === undefined) problems.add("vpcId: undefined is required: expected the id of the VPC");
    else if (isKnown(a.vpcId)) {
        problems.expect(
            typeof a.vpcId === "string" && VPC_ID.test(a.vpcId),
            "vpcId",
            a.vpcId,
            "is not a VPC id (vpc-...)",
        );
    }
    checkIsolatedSubnetIds(problems, a.isolatedSubnetIds);
    if (!isKnown(a.allowedSecurityGroupIds as pulumi.Input<unknown>)) {
        problems.add(
            "allowedSecurityGroupIds: <output> is a whole Output: expected a list whose elements may be Outputs " +
                "(one ingress rule is created per security group, so their number must be known before deployment)",
        );
    }
    // Omitted: groups are admitted later with PostgresDb.allowFrom; given, it lists at least one.
    if (a.allowedSecurityGroupIds !== undefined)
        checkIdList(
            problems,
            "allowedSecurityGroupIds",
            a.allowedSecurityGroupIds,
            SECURITY_GROUP_ID,
            "security group id (sg-...)",
            1,
            "is empty: expected at least one security group allowed to connect on port 5432",
        );

    // Identity.
    const explicitIdentifier = a.identifier !== undefined;
    const identifier = a.identifier ?? defaultIdentifier(name, stack);
    if (typeof identifier !== "string") {
        problems.expect(false, "identifier", identifier, "is not a string: expected an RDS DB instance identifier");
    } else {
        const why = identifierProblem(identifier);
        if (why !== undefined) {
            problems.add(
                explicitIdentifier
                    ? `identifier: ${JSON.stringify(identifier)} ${why}`
                    : `identifier: ${JSON.stringify(identifier)} (derived from the name "${name}" and the stack "${stack}") ${why}: pass an explicit identifier`,
            );
        }
    }

    const engineVersion = a.engineVersion ?? d.engineVersion;
    const engineOk = (POSTGRES_MAJOR_VERSIONS as readonly unknown[]).includes(engineVersion);
    problems.expect(
        engineOk,
        "engineVersion",
        engineVersion,
        `is not a supported PostgreSQL major version: expected ${POSTGRES_MAJOR_VERSIONS.map((v) => JSON.stringify(v)).join(" or ")}`,
    );

    const instanceClass = a.instanceClass ?? d.instanceClass;
    if (isKnown(instanceClass)) problems.check("instanceClass", instanceClass, dbInstanceClass);

    // Storage.
    const allocated = a.allocatedStorageGb ?? d.allocatedStorageGb;
    const allocatedOk = isInt(allocated) && allocated >= MIN_STORAGE_GB && allocated <= MAX_STORAGE_GB;
    problems.expect(
        allocatedOk,
        "allocatedStorageGb",
        allocated,
        `is out of range: expected a whole number of GiB from ${MIN_STORAGE_GB} to ${MAX_STORAGE_GB}`,
    );
    const maxAllocated = a.maxAllocatedStorageGb ?? (allocatedOk ? defaultMaxAllocatedStorageGb(allocated) : 0);
    if (!isInt(maxAllocated) || maxAllocated > MAX_STORAGE_GB || maxAllocated < MIN_STORAGE_GB) {
        problems.expect(
            false,
            "maxAllocatedStorageGb",
            maxAllocated,
            `is out of range: expected a whole number of GiB from ${MIN_STORAGE_GB} to ${MAX_STORAGE_GB}`,
        );
    } else if (allocatedOk && maxAllocated < allocated) {
        problems.expect(
            false,
            "maxAllocatedStorageGb",
            maxAllocated,
            `is below allocatedStorageGb (${allocated}): the storage autoscaling ceiling must be at least the initial size`,
        );
    } else if (allocatedOk && maxAllocated < minMaxAllocatedStorageGb(allocated)) {
        const least = minMaxAllocatedStorageGb(allocated);
        problems.expect(
            false,
            "maxAllocatedStorageGb",
            maxAllocated,
            least > MAX_STORAGE_GB
                ? `leaves no room for storage autoscaling: RDS needs a ceiling at least 10% above allocatedStorageGb (${allocated}), i.e. ${least}, beyond the ${MAX_STORAGE_GB} GiB maximum; lower allocatedStorageGb`
                : `is less than 10% above allocatedStorageGb (${allocated}): RDS refuses such a storage autoscaling ceiling; expected at least ${least}`,
        );
    }

    // RDS stores the key ARN it resolved: an alias would show as a change on every deployment.
    if (a.kmsKeyArn !== undefined && isKnown(a.kmsKeyArn)) {
        problems.check(
            "kmsKeyArn",
            a.kmsKeyArn,
            kmsKeyArn({ why: "which RDS records in place of an alias (else a change on every deployment)" }),
        );
    }

    // Database and master user names.
    const dbName = a.dbName ?? d.dbName;
    if (typeof dbName !== "string" || !PG_IDENTIFIER.test(dbName)) {
        problems.expect(
            false,
            "dbName",
            dbName,
            "is not a database name: expected a letter then up to 62 letters, digits or underscores",
        );
    } else if (RESERVED_DB_NAMES.includes(dbName.toLowerCase())) {
        problems.expect(false, "dbName", dbName, "is reserved: choose another database name");
    }
    const masterUsername = a.masterUsername ?? d.masterUsername;
    if (typeof masterUsername !== "string" || !PG_IDENTIFIER.test(masterUsername)) {
        problems.expect(
            false,
            "masterUsername",
            masterUsername,
            "is not a user name: expected a letter then up to 62 letters, digits or underscores",
        );
    } else if (RESERVED_USERNAMES.includes(masterUsername.toLowerCase()) || /^(pg_|rds)/i.test(masterUsername)) {
        problems.expect(
            false,
            "masterUsername",
            masterUsername,
            "is reserved by PostgreSQL or RDS: choose another user name",
        );
    }

    // Availability and backups.
    const multiAz = a.multiAz ?? d.multiAz;
    checkBoolean(problems, "multiAz", multiAz);
    const retention = a.backupRetentionDays ?? d.backupRetentionDays;
    if (!isInt(retention) || retention < 0 || retention > 35) {
        problems.expect(
            false,
            "backupRetentionDays",
            retention,
            "is out of range: expected a whole number of days from 0 to 35",
        );
    } else if (isProd && retention < PRODUCTION_MIN_BACKUP_RETENTION_DAYS) {
        problems.expect(
            false,
            "backupRetentionDays",
            retention,
            `is below ${PRODUCTION_MIN_BACKUP_RETENTION_DAYS}: a production database keeps at least ${PRODUCTION_MIN_BACKUP_RETENTION_DAYS} days of automated backups (0 would disable them)`,
        );
    }

    const backupWindow = a.backupWindow ?? d.backupWindow;
    const backup = typeof backupWindow === "string" ? parseBackupWindow(backupWindow) : undefined;
    if (backup === undefined) {
        problems.expect(
            false,
            "backupWindow",
            backupWindow,
            "is not a daily window: expected hh24:mi-hh24:mi in UTC, e.g. 03:00-04:00",
        );
    } else if (backup.length < 30) {
        problems.expect(false, "backupWindow", backupWindow, "is shorter than 30 minutes: RDS needs at least 30");
    }
    const maintenanceWindow =
        typeof a.maintenanceWindow === "string"
            ? a.maintenanceWindow.toLowerCase()
            : (a.maintenanceWindow ?? d.maintenanceWindow);
    const maintenance = typeof maintenanceWindow === "string" ? parseMaintenanceWindow(maintenanceWindow) : undefined;
    if (maintenance === undefined) {
        problems.expect(
            false,
            "maintenanceWindow",
            maintenanceWindow,
            "is not a weekly window: expected ddd:hh24:mi-ddd:hh24:mi in UTC, e.g. sun:04:30-sun:05:30",
        );
    } else if (maintenance.length < 30) {
        problems.expect(
            false,
            "maintenanceWindow",
            maintenanceWindow,
            "is shorter than 30 minutes: RDS needs at least 30",
        );
    }
    if (
        backup &&
        maintenance &&
        backup.length >= 30 &&
        maintenance.length >= 30 &&
        windowsOverlap(backup, maintenance)
    ) {
        problems.expect(
            false,
            "maintenanceWindow",
            maintenanceWindow,
            `overlaps backupWindow ${JSON.stringify(backupWindow)}: RDS requires separate windows`,
        );
    }

    // Protection.
    const deletionProtection = a.deletionProtection ?? d.deletionProtection;
    checkBoolean(problems, "deletionProtection", deletionProtection);
    if (isProd && deletionProtection === false) {
        problems.expect(false, "deletionProtection", false, "cannot be turned off for a production database");
    }
    const skipFinalSnapshot = a.skipFinalSnapshot ?? d.skipFinalSnapshot;
    checkBoolean(problems, "skipFinalSnapshot", skipFinalSnapshot);
    if (isProd && skipFinalSnapshot === true) {
        problems.expect(
            false,
            "skipFinalSnapshot",
            true,
            "cannot be set for a production database: its final snapshot is never skipped",
        );
    }

    // Monitoring and logs.
    const performanceInsights = a.performanceInsights ?? d.performanceInsights;
    checkBoolean(problems, "performanceInsights", performanceInsights);
    const piRetention = a.performanceInsightsRetentionDays ?? d.performanceInsightsRetentionDays;
    problems.expect(
        isInt(piRetention) &&
            (piRetention === 7 ||
                piRetention === 731 ||
                (piRetention % 31 === 0 && piRetention > 0 && piRetention < 731)),
        "performanceInsightsRetentionDays",
        piRetention,
        "is not a Performance Insights retention: expected 7 (free tier), a multiple of 31 below 731, or 731",
    );
    const monitoringInterval = a.monitoringIntervalSeconds ?? d.monitoringIntervalSeconds;
    problems.expect(
        (MONITORING_INTERVALS as readonly unknown[]).includes(monitoringInterval),
        "monitoringIntervalSeconds",
        monitoringInterval,
        `is not an Enhanced Monitoring interval: expected one of ${MONITORING_INTERVALS.join(", ")} (0 disables it)`,
    );
    const logRetentionDays = a.logRetentionDays ?? d.logRetentionDays;
    problems.check("logRetentionDays", logRetentionDays, logRetentionCheck);
    const logMinDuration = a.logMinDurationStatementMs ?? d.logMinDurationStatementMs;
    problems.expect(
        isInt(logMinDuration) && logMinDuration >= -1 && logMinDuration <= 2147483647,
        "logMinDurationStatementMs",
        logMinDuration,
        "is out of range: expected a whole number of milliseconds from 0 to 2147483647, or -1 to disable",
    );
    const logStatement = a.logStatement ?? d.logStatement;
    problems.expect(
        (LOG_STATEMENT_VALUES as readonly unknown[]).includes(logStatement),
        "logStatement",
        logStatement,
        `is not a log_statement value: expected one of ${LOG_STATEMENT_VALUES.map((v) => JSON.stringify(v)).join(", ")}`,
    );
    const logConnections = a.logConnections ?? d.logConnections;
    checkBoolean(problems, "logConnections", logConnections);
    const logDisconnections = a.logDisconnections ?? d.logDisconnections;
    checkBoolean(problems, "logDisconnections", logDisconnections);

    const applyImmediately = a.applyImmediately ?? d.applyImmediately;
    checkBoolean(problems, "applyImmediately", applyImmediately);
    const extendedSupport = a.extendedSupport ?? d.extendedSupport;
    checkBoolean(problems, "extendedSupport", extendedSupport);
    const caCertIdentifier = a.caCertIdentifier ?? d.caCertIdentifier;
    if (isKnown(caCertIdentifier)) {
        problems.expect(
            typeof caCertIdentifier === "string" && /^rds-ca-[a-z0-9-]+$/.test(caCertIdentifier),
            "caCertIdentifier",
            caCertIdentifier,
            "is not an RDS CA identifier such as rds-ca-rsa2048-g1",
        );
    }

    // Mode: instance (RDS) or serverless (Aurora), and the arguments of each.
    const { mode, serverless } = resolveServerless(problems, a, identifier);

    checkTags(problems, "tags", a.tags);

    problems.throwIfAny();

    return {
        mode,
        serverless,
        production: isProd,
        identifier: identifier as string,
        engineVersion,
        parameterGroupFamily: parameterGroupFamily(engineVersion),
        instanceClass,
        allocatedStorageGb: allocated,
        maxAllocatedStorageGb: maxAllocated,
        dbName,
        masterUsername,
        multiAz,
        backupRetentionDays: retention,
        backupWindow,
        maintenanceWindow: maintenanceWindow as string,
        deletionProtection,
        skipFinalSnapshot,
        performanceInsights,
        performanceInsightsRetentionDays: piRetention,
        monitoringIntervalSeconds: monitoringInterval,
        logRetentionDays,
        logMinDurationStatementMs: logMinDuration,
        logStatement,
        logConnections,
        logDisconnections,
        applyImmediately,
        extendedSupport,
        caCertIdentifier,
    };
}

/** A PostgresDb's arguments with defaults applied and every check passed (what the resolver returns). */
export type PostgresDbSettings = ReturnType<typeof resolvePostgresDbSettings>;

import type * as pulumi from "@pulumi/pulumi";
import type { PostgresLogStatement, PostgresMajorVersion } from "./validation";
import type { PostgresDbMode } from "./serverless";

/**
 * Arguments of {@link PostgresDb}. Values the component must check before
 * creating anything (sizes, counts, versions, switches, windows) are plain
 * types; ids and ARNs may be Outputs. The subnet and security-group lists are
 * plain arrays (of Inputs) so their length is known up front.
 */
export interface PostgresDbArgs {
    /** Id of the VPC the database's security group belongs to. */
    readonly vpcId: pulumi.Input<string>;
    /**
     * Isolated subnets (no route to the internet) for the DB subnet group, in
     * at least two availability zones: a list of ids (each may be an Output),
     * checked before anything is registered, or a whole `Output<string[]>`
     * such as `SecureVpc.isolatedSubnetIds`, checked by the same rules once
     * the deployment knows it (before the subnet group is created).
     */
    readonly isolatedSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /**
     * Security groups (e.g. the ECS service's) allowed to connect on 5432:
     * a plain array of at least one; or omitted, and groups created later
     * admitted with `allowFrom`. No CIDR rule is ever created.
     * @default none (admit groups with `allowFrom`)
     */
    readonly allowedSecurityGroupIds?: pulumi.Input<string>[];
    /**
     * `"instance"`: RDS for PostgreSQL, one DB instance billed by the hour. `"serverless"`: Aurora
     * PostgreSQL Serverless v2, a cluster with one `db.serverless` writer (plus a reader in another zone
     * with `multiAz`) billed per ACU-hour, which pauses when idle at `minCapacityAcu` 0 (storage is then
     * the only charge; the first connection after a pause waits about 15 s). Both modes have the same
     * outputs, IAM authentication, managed master password, encryption, TLS and log exports. Changing the
     * mode of a deployed database replaces it (dump or snapshot the data first).
     * @default "instance"
     */
    readonly mode?: PostgresDbMode;
    /**
     * Serverless mode: Aurora PostgreSQL version `major.minor` that supports scale to zero (13.15+,
     * 14.12+, 15.7+, 16.3+, 17.4+). Automatic minor upgrades are off (the deployed version stays the one
     * given, so no `up` tries to downgrade); raise it to upgrade (applied in the maintenance window in
     * production). A major upgrade is refused by the cluster (`allowMajorVersionUpgrade: false`).
     * @default SERVERLESS_DEFAULTS.auroraEngineVersion
     */
    readonly auroraEngineVersion?: string;
    /**
     * Serverless mode: minimum capacity in ACU (0 to 256 in halves); 0 lets the cluster pause.
     * @default SERVERLESS_DEFAULTS.minCapacityAcu
     */
    readonly minCapacityAcu?: number;
    /**
     * Serverless mode: maximum capacity in ACU (1 to 256 in halves, at least the minimum).
     * @default SERVERLESS_DEFAULTS.maxCapacityAcu
     */
    readonly maxCapacityAcu?: number;
    /**
     * Serverless mode at a 0 minimum: seconds without a connection before the cluster pauses (300 to 86400).
     * @default SERVERLESS_DEFAULTS.secondsUntilAutoPause
     */
    readonly secondsUntilAutoPause?: number;
    /**
     * Production switch: turns on Multi-AZ, deletion protection, a final
     * snapshot, Performance Insights, Enhanced Monitoring (60 s), 7-day
     * backups, 30-day log retention, and the `protect` + `retainOnDelete`
     * resource options on the instance; forbids turning protection off or
     * keeping fewer than 7 days of backups.
     * @default false
     */
    readonly production?: boolean;
    /**
     * RDS instance identifier (also names the log groups, the final snapshot
     * and the metric dimension). Changing it replaces the instance.
     * @default `<name>-<stack>` lowercased, other characters turned into hyphens
     */
    readonly identifier?: string;
    /**
     * Instance mode: PostgreSQL major version; RDS picks the latest minor and upgrades
     * minors automatically in the maintenance window.
     * @default "17"
     */
    readonly engineVersion?: PostgresMajorVersion;
    /** Instance mode: RDS instance class. @default "db.t4g.micro" */
    readonly instanceClass?: pulumi.Input<string>;
    /** Instance mode: initial gp3 storage in GiB (20 to 65536; Aurora storage grows by itself). @default 20 */
    readonly allocatedStorageGb?: number;
    /**
     * Instance mode: storage autoscaling ceiling in GiB: at least 10 % above
     * `allocatedStorageGb` (RDS refuses a smaller ceiling), at most 65536.
     * @default 100, or 26 % above allocatedStorageGb when that is larger (capped at 65536)
     */
    readonly maxAllocatedStorageGb?: number;
    /**
     * Customer managed KMS key ARN for storage, the master user secret and
     * Performance Insights. Storage and Performance Insights keys cannot be
     * changed after creation.
     * @default the AWS managed keys (aws/rds, aws/secretsmanager)
     */
    readonly kmsKeyArn?: pulumi.Input<string>;
    /** Name of the database created with the instance. @default "app" */
    readonly dbName?: string;
    /**
     * Master user name. Its password is generated and rotated by RDS in
     * Secrets Manager; there is no password argument.
     * @default "dbadmin"
     */
    readonly masterUsername?: string;
    /** Multi-AZ deployment (a standby in a second zone). @default production */
    readonly multiAz?: boolean;
    /**
     * Automated backup retention in days (0 to 35; 0 disables backups and is
     * refused in production, which needs at least 7).
     * @default 7 in production, else 1
     */
    readonly backupRetentionDays?: number;
    /** Daily backup window, UTC, `hh24:mi-hh24:mi`, at least 30 minutes. @default "03:00-04:00" */
    readonly backupWindow?: string;
    /**
     * Weekly maintenance window, UTC, `ddd:hh24:mi-ddd:hh24:mi`, at least 30
     * minutes, not overlapping the backup window.
     * @default "sun:04:30-sun:05:30"
     */
    readonly maintenanceWindow?: string;
    /** RDS deletion protection (cannot be turned off in production). @default production */
    readonly deletionProtection?: boolean;
    /**
     * Skip the final snapshot when the instance is deleted (refused in
     * production). The snapshot is named `<identifier>-final-<8 hex>`: a
     * random suffix drawn once per database, so a re-created stack never
     * collides with an earlier final snapshot.
     * @default true outside production, false in production
     */
    readonly skipFinalSnapshot?: boolean;
    /** Performance Insights. @default production */
    readonly performanceInsights?: boolean;
    /** Performance Insights retention in days (7 is free). @default 7 */
    readonly performanceInsightsRetentionDays?: number;
    /**
     * Enhanced Monitoring interval in seconds (0, 1, 5, 10, 15, 30 or 60; 0
     * disables it and creates no monitoring role).
     * @default 60 in production, else 0
     */
    readonly monitoringIntervalSeconds?: number;
    /**
     * Retention (days) of the log groups the `postgresql` and `upgrade` logs
     * are exported to.
     * @default 30 in production, else 7
     */
    readonly logRetentionDays?: number;
    /** `log_min_duration_statement` in ms (-1 disables slow-statement logging). @default 1000 */
    readonly logMinDurationStatementMs?: number;
    /**
     * `log_statement`: none, ddl, mod or all. Statements that set passwords
     * (`ALTER ROLE ... PASSWORD`) are logged verbatim with ddl/mod/all.
     * @default "none"
     */
    readonly logStatement?: PostgresLogStatement;
    /** `log_connections`. @default true */
    readonly logConnections?: boolean;
    /** `log_disconnections`. @default true */
    readonly logDisconnections?: boolean;
    /**
     * Apply modifications at once instead of in the next maintenance window.
     * @default true outside production, false in production
     */
    readonly applyImmediately?: boolean;
    /**
     * Enrol in paid RDS Extended Support when the major version leaves
     * standard support (decided at creation only; when false RDS upgrades
     * the major version itself at end of standard support).
     * @default false
     */
    readonly extendedSupport?: boolean;
    /** Certificate authority of the server certificate. @default "rds-ca-rsa2048-g1" */
    readonly caCertIdentifier?: pulumi.Input<string>;
    /** Tags merged into every taggable child (each also gets a `Name` tag). @default {} */
    readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

// Output types are named interfaces, not object literal types, so that Pulumi's component provider can
// describe them. The index signature keeps the dimensions assignable to a metric alarm's `dimensions`.
/** CloudWatch dimensions of a PostgresDb's `AWS/RDS` metrics. */
export interface PostgresMetricDimensions {
    readonly [dimension: string]: string;
    /** The RDS instance identifier (serverless mode: the writer instance's). */
    readonly DBInstanceIdentifier: string;
}

/** Log groups receiving a PostgresDb's exported logs, by log type. */
export interface PostgresLogGroupNames {
    /** Log group of the `postgresql` log. */
    readonly postgresql: pulumi.Output<string>;
    /** Log group of the `upgrade` log (instance mode; Aurora exports no upgrade log). */
    readonly upgrade?: pulumi.Output<string>;
}

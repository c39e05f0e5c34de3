import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { nameTags } from "../shared/tags";
import { isKnown, ValidationError } from "../shared/validation";
import {
    CLOUDWATCH_LOG_EXPORTS,
    isolatedSubnetIdsWhenKnown,
    finalSnapshotIdentifier,
    iamConnectArnPrefix,
    logGroupName,
    PostgresLogStatement,
    monitoringPolicyArn,
    monitoringTrustPolicy,
    POSTGRES_PORT,
    PostgresMajorVersion,
    postgresParameters,
    resolvePostgresDbSettings,
} from "./validation";

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
     * PostgreSQL major version; RDS picks the latest minor and upgrades
     * minors automatically in the maintenance window.
     * @default "17"
     */
    readonly engineVersion?: PostgresMajorVersion;
    /** RDS instance class. @default "db.t4g.micro" */
    readonly instanceClass?: pulumi.Input<string>;
    /** Initial gp3 storage in GiB (20 to 65536). @default 20 */
    readonly allocatedStorageGb?: number;
    /**
     * Storage autoscaling ceiling in GiB: at least 10 % above
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
     * production). The snapshot is named `<identifier>-final`.
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
    /** The RDS instance identifier. */
    readonly DBInstanceIdentifier: string;
}

/** Log groups receiving a PostgresDb's exported logs, by log type. */
export interface PostgresLogGroupNames {
    /** Log group of the `postgresql` log. */
    readonly postgresql: pulumi.Output<string>;
    /** Log group of the `upgrade` log. */
    readonly upgrade: pulumi.Output<string>;
}

/**
 * A private, encrypted RDS for PostgreSQL instance: isolated subnets, its own
 * security group admitting 5432 only from given security groups, TLS forced
 * by its parameter group, the master password generated and kept by RDS in
 * Secrets Manager, IAM database authentication, backups, log exports into
 * log groups with retention, and production protections behind one switch.
 */
export class PostgresDb extends pulumi.ComponentResource {
    public static readonly TYPE = "aws-webapp:index:PostgresDb";

    /** `address:port` of the instance. */
    public readonly endpoint: pulumi.Output<string>;
    /** DNS name of the instance. */
    public readonly address: pulumi.Output<string>;
    /** Port the instance listens on (5432). */
    public readonly port: pulumi.Output<number>;
    /** Name of the database created with the instance. */
    public readonly dbName: pulumi.Output<string>;
    /** Master user name (its password is in the secret below). */
    public readonly masterUsername: pulumi.Output<string>;
    /** ARN of the RDS-managed Secrets Manager secret holding `{"username","password"}`. */
    public readonly masterUserSecretArn: pulumi.Output<string>;
    /** The database's security group (add it to nothing; it admits the allowed groups). */
    public readonly securityGroupId: pulumi.Output<string>;
    /** RDS instance identifier. */
    public readonly instanceIdentifier: pulumi.Output<string>;
    /** ARN of the instance. */
    public readonly arn: pulumi.Output<string>;
    /** Resource id (`db-...`) used in `rds-db:connect` ARNs. */
    public readonly resourceId: pulumi.Output<string>;
    /** `arn:<partition>:rds-db:<region>:<account>:dbuser:<resourceId>`: append `/<db user>` for IAM auth policies. */
    public readonly iamConnectArnPrefix: pulumi.Output<string>;
    /** CloudWatch dimensions of the instance's `AWS/RDS` metrics. */
    public readonly metricDimensions: pulumi.Output<PostgresMetricDimensions>;
    /** Initial allocated storage (GiB), e.g. for free-storage alarm thresholds. */
    public readonly allocatedStorageGb: number;
    /** Storage autoscaling ceiling (GiB). */
    public readonly maxAllocatedStorageGb: number;
    /** Log groups receiving the exported logs, by log type (`postgresql`, `upgrade`). */
    public readonly logGroupNames: PostgresLogGroupNames;
    /** Name of the DB parameter group. */
    public readonly parameterGroupName: pulumi.Output<string>;
    /** Name of the DB subnet group. */
    public readonly subnetGroupName: pulumi.Output<string>;
    /** ARN of the Enhanced Monitoring role, when monitoring is on. */
    public readonly monitoringRoleArn: pulumi.Output<string | undefined>;

    constructor(name: string, args: PostgresDbArgs, opts?: pulumi.ComponentResourceOptions) {
        // Defaults and validation run before super(): super() registers the
        // component itself, and bad input must register nothing at all.
        const s = resolvePostgresDbSettings(name, args, pulumi.getStack());
        super(PostgresDb.TYPE, name, {}, opts);

        const id = s.identifier;
        const tags = (child: string) => nameTags(child, args.tags);

        // Security group: no inline rules (so no default egress either), one
        // ingress rule per allowed security group on 5432, never a CIDR.
        const sgName = `${name}-sg`;
        const securityGroup = new aws.ec2.SecurityGroup(
            sgName,
            {
                // "rds-" first: security group names may not start with "sg-".
                namePrefix: `rds-${id}-`,
                description: `PostgreSQL ${id}: TCP ${POSTGRES_PORT} from allowed security groups only`,
                vpcId: args.vpcId,
                revokeRulesOnDelete: true,
                tags: tags(sgName),
            },
            { parent: this },
        );
        const admit: Admission = { name, securityGroupId: securityGroup.id, tags: args.tags };
        admissions.set(this, admit);
        (args.allowedSecurityGroupIds ?? []).forEach((sourceId, i) =>
            admitSecurityGroup(this, admit, `${name}-from-${i}`, sourceId, {}),
        );

        const subnetGroupName = `${name}-subnets`;
        const subnetGroup = new aws.rds.SubnetGroup(
            subnetGroupName,
            {
                namePrefix: `${id}-`,
                description: `Isolated subnets of PostgreSQL ${id}`,
                subnetIds: isKnown(args.isolatedSubnetIds)
                    ? [...args.isolatedSubnetIds]
                    : pulumi.output(args.isolatedSubnetIds).apply((ids) => isolatedSubnetIdsWhenKnown(name, ids)),
                tags: tags(subnetGroupName),
            },
            { parent: this },
        );

        const paramsName = `${name}-params`;
        const parameterGroup = new aws.rds.ParameterGroup(
            paramsName,
            {
                namePrefix: `${id}-${s.parameterGroupFamily}-`,
                family: s.parameterGroupFamily,
                description: `PostgreSQL ${id}: TLS required, logging`,
                parameters: postgresParameters(s),
                tags: tags(paramsName),
            },
            { parent: this },
        );

        // Log groups RDS exports to, created first with a retention so RDS
        // does not create never-expiring ones itself.
        const logGroups = CLOUDWATCH_LOG_EXPORTS.map((logType) => {
            const logName = `${name}-${logType}-logs`;
            return new aws.cloudwatch.LogGroup(
                logName,
                { name: logGroupName(id, logType), retentionInDays: s.logRetentionDays, tags: tags(logName) },
                { parent: this },
            );
        });

        // Enhanced Monitoring role, only when monitoring is on.
        let monitoringRole: aws.iam.Role | undefined;
        let monitoringAttachment: aws.iam.RolePolicyAttachment | undefined;
        if (s.monitoringIntervalSeconds > 0) {
            const account = aws.getCallerIdentityOutput({}, { parent: this });
            const partition = aws.getPartitionOutput({}, { parent: this });
            const roleName = `${name}-monitoring-role`;
            monitoringRole = new aws.iam.Role(
                roleName,
                {
                    description: `RDS Enhanced Monitoring of ${id}`,
                    assumeRolePolicy: pulumi
                        .all([account.accountId, partition.partition, aws.getRegionOutput({}, { parent: this }).region])
                        .apply(([accountId, p, region]) =>
                            JSON.stringify(monitoringTrustPolicy({ partition: p, region, accountId, identifier: id })),
                        ),
                    tags: tags(roleName),
                },
                { parent: this },
            );
            monitoringAttachment = new aws.iam.RolePolicyAttachment(
                `${name}-monitoring-policy`,
                { role: monitoringRole.name, policyArn: partition.partition.apply(monitoringPolicyArn) },
                { parent: this },
            );
        }

        const instanceName = `${name}-instance`;
        const kmsKeyArn = args.kmsKeyArn;
        // The final snapshot's name must be new each time an instance is deleted (RDS refuses a name
        // that exists, so a stack re-created under the same identifier could not be destroyed again):
        // a random suffix drawn once per instance identifier.
        const finalSnapshotName = s.skipFinalSnapshot
            ? undefined
            : new random.RandomId(
                  `${name}-final-snapshot-suffix`,
                  { byteLength: 4, keepers: { identifier: id } },
                  { parent: this },
              ).hex.apply((suffix) => finalSnapshotIdentifier(id, suffix));
        const instance = new aws.rds.Instance(
            instanceName,
            {
                identifier: id,
                engine: "postgres",
                engineVersion: s.engineVersion,
                allowMajorVersionUpgrade: false,
                autoMinorVersionUpgrade: true,
                engineLifecycleSupport: s.extendedSupport
                    ? "open-source-rds-extended-support"
                    : "open-source-rds-extended-support-disabled",
                instanceClass: s.instanceClass,
                caCertIdentifier: s.caCertIdentifier,

                allocatedStorage: s.allocatedStorageGb,
                maxAllocatedStorage: s.maxAllocatedStorageGb,
                storageType: "gp3",
                storageEncrypted: true,
                kmsKeyId: kmsKeyArn,

                dbName: s.dbName,
                username: s.masterUsername,
                manageMasterUserPassword: true,
                masterUserSecretKmsKeyId: kmsKeyArn,
                iamDatabaseAuthenticationEnabled: true,

                port: POSTGRES_PORT,
                dbSubnetGroupName: subnetGroup.name,
                vpcSecurityGroupIds: [securityGroup.id],
                publiclyAccessible: false,
                networkType: "IPV4",
                parameterGroupName: parameterGroup.name,

                multiAz: s.multiAz,
                backupRetentionPeriod: s.backupRetentionDays,
                backupWindow: s.backupWindow,
                maintenanceWindow: s.maintenanceWindow,
                copyTagsToSnapshot: true,
                deleteAutomatedBackups: !s.production,
                deletionProtection: s.deletionProtection,
                skipFinalSnapshot: s.skipFinalSnapshot,
                finalSnapshotIdentifier: finalSnapshotName,
                applyImmediately: s.applyImmediately,

                enabledCloudwatchLogsExports: [...CLOUDWATCH_LOG_EXPORTS],
                performanceInsightsEnabled: s.performanceInsights,
                performanceInsightsRetentionPeriod: s.performanceInsights
                    ? s.performanceInsightsRetentionDays
                    : undefined,
                performanceInsightsKmsKeyId: s.performanceInsights ? kmsKeyArn : undefined,
                monitoringInterval: s.monitoringIntervalSeconds,
                monitoringRoleArn: monitoringRole?.arn,

                tags: tags(instanceName),
            },
            {
                parent: this,
                dependsOn: [...logGroups, ...(monitoringAttachment ? [monitoringAttachment] : [])],
                // Only set when on: an explicit false would override a
                // `protect` the caller put on the component.
                ...(s.production ? { protect: true, retainOnDelete: true } : {}),
            },
        );

        this.endpoint = instance.endpoint;
        this.address = instance.address;
        this.port = instance.port;
        this.dbName = pulumi.output(s.dbName);
        this.masterUsername = pulumi.output(s.masterUsername);
        this.masterUserSecretArn = instance.masterUserSecrets.apply((secrets) => {
            const arn = secrets?.[0]?.secretArn;
            if (!arn) throw new Error(`PostgresDb "${name}": RDS reported no managed master user secret for ${id}`);
            return arn;
        });
        this.securityGroupId = securityGroup.id;
        this.instanceIdentifier = instance.identifier;
        this.arn = instance.arn;
        this.resourceId = instance.resourceId;
        this.iamConnectArnPrefix = pulumi
            .all([instance.arn, instance.resourceId])
            .apply(([arn, resourceId]) => iamConnectArnPrefix(arn, resourceId));
        this.metricDimensions = instance.identifier.apply((DBInstanceIdentifier): PostgresMetricDimensions => ({
            DBInstanceIdentifier,
        }));
        this.allocatedStorageGb = s.allocatedStorageGb;
        this.maxAllocatedStorageGb = s.maxAllocatedStorageGb;
        this.logGroupNames = { postgresql: logGroups[0].name, upgrade: logGroups[1].name };
        this.parameterGroupName = parameterGroup.name;
        this.subnetGroupName = subnetGroup.name;
        this.monitoringRoleArn = monitoringRole ? monitoringRole.arn : pulumi.output(undefined);

        this.registerOutputs({
            endpoint: this.endpoint,
            address: this.address,
            port: this.port,
            dbName: this.dbName,
            masterUsername: this.masterUsername,
            masterUserSecretArn: this.masterUserSecretArn,
            securityGroupId: this.securityGroupId,
            instanceIdentifier: this.instanceIdentifier,
            arn: this.arn,
            resourceId: this.resourceId,
            iamConnectArnPrefix: this.iamConnectArnPrefix,
            metricDimensions: this.metricDimensions,
            allocatedStorageGb: this.allocatedStorageGb,
            maxAllocatedStorageGb: this.maxAllocatedStorageGb,
            logGroupNames: this.logGroupNames,
            parameterGroupName: this.parameterGroupName,
            subnetGroupName: this.subnetGroupName,
            monitoringRoleArn: this.monitoringRoleArn,
        });
    }

    /**
     * Admits a security group created after the database (a service that
     * receives the database's endpoint) on 5432: one ingress rule
     * `<name>-from-<label>`, like those of `allowedSecurityGroupIds`. `aliases`
     * keeps a rule deployed before under another name (nothing is replaced).
     */
    allowFrom(
        label: string,
        securityGroupId: pulumi.Input<string>,
        opts: { readonly aliases?: pulumi.Input<string | pulumi.Alias>[] } = {},
    ): aws.vpc.SecurityGroupIngressRule {
        const admit = admissions.get(this)!;
        if (typeof label !== "string" || !/^[a-z0-9][a-z0-9-]{0,39}$/.test(label))
            throw new ValidationError(`PostgresDb "${admit.name}".allowFrom`, [
                `label: ${JSON.stringify(label)} is not a rule label: expected 1 to 40 lower-case letters, digits and hyphens`,
            ]);
        return admitSecurityGroup(this, admit, `${admit.name}-from-${label}`, securityGroupId, opts);
    }
}

/** What allowFrom needs of a database (kept off the class: its properties are the component's outputs). */
interface Admission {
    readonly name: string;
    readonly securityGroupId: pulumi.Output<string>;
    readonly tags: PostgresDbArgs["tags"];
}
const admissions = new WeakMap<PostgresDb, Admission>();

function admitSecurityGroup(
    db: PostgresDb,
    admit: Admission,
    ruleName: string,
    sourceId: pulumi.Input<string>,
    opts: { readonly aliases?: pulumi.Input<string | pulumi.Alias>[] },
): aws.vpc.SecurityGroupIngressRule {
    return new aws.vpc.SecurityGroupIngressRule(
        ruleName,
        {
            securityGroupId: admit.securityGroupId,
            referencedSecurityGroupId: sourceId,
            ipProtocol: "tcp",
            fromPort: POSTGRES_PORT,
            toPort: POSTGRES_PORT,
            description: "PostgreSQL from an allowed security group",
            tags: nameTags(ruleName, admit.tags),
        },
        { parent: db, aliases: opts.aliases },
    );
}

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
    monitoringPolicyArn,
    monitoringTrustPolicy,
    POSTGRES_PORT,
    resolvePostgresDbSettings,
} from "./validation";
import { type AuroraParts, createAuroraCluster } from "./aurora";
import { createRdsInstance, type RdsInstanceParts } from "./rdsInstance";
import type { PostgresDbArgs, PostgresLogGroupNames, PostgresMetricDimensions } from "./postgresDbArgs";
import { AURORA_LOG_EXPORTS, clusterInstanceIdentifiers, clusterLogGroupName, type PostgresDbMode } from "./serverless";

export type { PostgresDbArgs, PostgresLogGroupNames, PostgresMetricDimensions } from "./postgresDbArgs";

/**
 * A private, encrypted PostgreSQL database: an RDS for PostgreSQL instance,
 * or (`mode: "serverless"`) an Aurora PostgreSQL Serverless v2 cluster that
 * scales to zero. Either way: isolated subnets, its own security group
 * admitting 5432 only from given security groups, TLS forced by its parameter
 * group, the master password generated and kept by RDS in Secrets Manager,
 * IAM database authentication, backups, log exports into log groups with
 * retention, and production protections behind one switch.
 */
export class PostgresDb extends pulumi.ComponentResource {
    public static readonly TYPE = "aws-webapp:index:PostgresDb";

    /** The mode in effect: `"instance"` (RDS) or `"serverless"` (Aurora Serverless v2), e.g. for `Observability.databaseServerless`. */
    public readonly mode: PostgresDbMode;
    /** `address:port` of the instance (serverless mode: of the cluster's writer endpoint). */
    public readonly endpoint: pulumi.Output<string>;
    /** DNS name of the instance (serverless mode: the cluster's writer endpoint). */
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
    /** RDS instance identifier (serverless mode: the writer instance's; the cluster carries `identifier`). */
    public readonly instanceIdentifier: pulumi.Output<string>;
    /** ARN of the instance (serverless mode: of the cluster). */
    public readonly arn: pulumi.Output<string>;
    /** Resource id used in `rds-db:connect` ARNs: the instance's `db-...` (serverless mode: the cluster's `cluster-...`). */
    public readonly resourceId: pulumi.Output<string>;
    /** `arn:<partition>:rds-db:<region>:<account>:dbuser:<resourceId>`: append `/<db user>` for IAM auth policies. */
    public readonly iamConnectArnPrefix: pulumi.Output<string>;
    /** CloudWatch dimensions of the instance's `AWS/RDS` metrics. */
    public readonly metricDimensions: pulumi.Output<PostgresMetricDimensions>;
    /** Initial allocated storage (GiB), e.g. for free-storage alarm thresholds (0 in serverless mode: Aurora storage grows by itself). */
    public readonly allocatedStorageGb: number;
    /** Storage autoscaling ceiling (GiB; 0 in serverless mode). */
    public readonly maxAllocatedStorageGb: number;
    /** Log groups receiving the exported logs, by log type (`postgresql`, `upgrade`). */
    public readonly logGroupNames: PostgresLogGroupNames;
    /** Name of the DB parameter group (serverless mode: of the DB cluster parameter group). */
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

        // Log groups RDS exports to, created first with a retention so RDS
        // does not create never-expiring ones itself.
        const serverless = s.serverless;
        const logTypes: readonly string[] = serverless ? AURORA_LOG_EXPORTS : CLOUDWATCH_LOG_EXPORTS;
        const logGroups = logTypes.map((logType) => {
            const logName = `${name}-${logType}-logs`;
            const groupName = serverless ? clusterLogGroupName(id, logType) : logGroupName(id, logType);
            return new aws.cloudwatch.LogGroup(
                logName,
                { name: groupName, retentionInDays: s.logRetentionDays, tags: tags(logName) },
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
                            JSON.stringify(
                                monitoringTrustPolicy({
                                    partition: p,
                                    region,
                                    accountId,
                                    identifier: serverless ? clusterInstanceIdentifiers(id, s.multiAz) : id,
                                }),
                            ),
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

        const kmsKeyArn = args.kmsKeyArn;
        // The final snapshot's name must be new each time the database is deleted (RDS refuses a name
        // that exists, so a stack re-created under the same identifier could not be destroyed again):
        // a random suffix drawn once per identifier.
        const finalSnapshotName = s.skipFinalSnapshot
            ? undefined
            : new random.RandomId(
                  `${name}-final-snapshot-suffix`,
                  { byteLength: 4, keepers: { identifier: id } },
                  { parent: this },
              ).hex.apply((suffix) => finalSnapshotIdentifier(id, suffix));
        const shared = {
            name,
            settings: s,
            subnetGroupName: subnetGroup.name,
            securityGroupId: securityGroup.id,
            kmsKeyArn,
            finalSnapshotName,
            monitoringRoleArn: monitoringRole?.arn,
            dependsOn: [...logGroups, ...(monitoringAttachment ? [monitoringAttachment] : [])],
            tags: args.tags,
        };
        const db: DbHandles = serverless
            ? auroraHandles(createAuroraCluster(this, { ...shared, serverless }))
            : rdsInstanceHandles(createRdsInstance(this, shared));

        this.mode = s.mode;
        this.endpoint = db.endpoint;
        this.address = db.address;
        this.port = db.port;
        this.dbName = pulumi.output(s.dbName);
        this.masterUsername = pulumi.output(s.masterUsername);
        this.masterUserSecretArn = db.masterUserSecrets.apply((secrets) => {
            const arn = secrets?.[0]?.secretArn;
            if (!arn) throw new Error(`PostgresDb "${name}": RDS reported no managed master user secret for ${id}`);
            return arn;
        });
        this.securityGroupId = securityGroup.id;
        this.instanceIdentifier = db.instanceIdentifier;
        this.arn = db.arn;
        this.resourceId = db.resourceId;
        this.iamConnectArnPrefix = pulumi
            .all([db.arn, db.resourceId])
            .apply(([arn, resourceId]) => iamConnectArnPrefix(arn, resourceId));
        this.metricDimensions = db.instanceIdentifier.apply((DBInstanceIdentifier): PostgresMetricDimensions => ({
            DBInstanceIdentifier,
        }));
        // Aurora storage grows by itself: nothing is allocated in serverless mode.
        this.allocatedStorageGb = serverless ? 0 : s.allocatedStorageGb;
        this.maxAllocatedStorageGb = serverless ? 0 : s.maxAllocatedStorageGb;
        this.logGroupNames = serverless
            ? { postgresql: logGroups[0].name }
            : { postgresql: logGroups[0].name, upgrade: logGroups[1].name };
        this.parameterGroupName = db.parameterGroupName;
        this.subnetGroupName = subnetGroup.name;
        this.monitoringRoleArn = monitoringRole ? monitoringRole.arn : pulumi.output(undefined);

        this.registerOutputs({
            mode: this.mode,
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

/** The outputs a PostgresDb reads from either mode's children. */
interface DbHandles {
    readonly endpoint: pulumi.Output<string>;
    readonly address: pulumi.Output<string>;
    readonly port: pulumi.Output<number>;
    readonly masterUserSecrets: pulumi.Output<{ secretArn?: string }[] | undefined>;
    readonly instanceIdentifier: pulumi.Output<string>;
    readonly arn: pulumi.Output<string>;
    readonly resourceId: pulumi.Output<string>;
    readonly parameterGroupName: pulumi.Output<string>;
}

function rdsInstanceHandles({ instance, parameterGroup }: RdsInstanceParts): DbHandles {
    return {
        endpoint: instance.endpoint,
        address: instance.address,
        port: instance.port,
        masterUserSecrets: instance.masterUserSecrets,
        instanceIdentifier: instance.identifier,
        arn: instance.arn,
        resourceId: instance.resourceId,
        parameterGroupName: parameterGroup.name,
    };
}

/**
 * Serverless mode: the cluster's writer endpoint, its ARN and resource id
 * (`cluster-...`, what `rds-db:connect` ARNs name for Aurora) and the writer
 * instance's identifier (the `AWS/RDS` metrics' dimension).
 */
function auroraHandles({ cluster, instances, parameterGroup }: AuroraParts): DbHandles {
    return {
        endpoint: pulumi.interpolate`${cluster.endpoint}:${cluster.port}`,
        address: cluster.endpoint,
        port: cluster.port,
        masterUserSecrets: cluster.masterUserSecrets,
        instanceIdentifier: instances[0].identifier,
        arn: cluster.arn,
        resourceId: cluster.clusterResourceId,
        parameterGroupName: parameterGroup.name,
    };
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

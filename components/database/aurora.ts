/**
 * The children of a PostgresDb in serverless mode: an Aurora PostgreSQL
 * cluster parameter group (TLS forced, logging), the cluster (Serverless v2
 * scaling, scale to zero, IAM authentication, managed master password,
 * encryption, log export, backups and protections) and its `db.serverless`
 * instances (a writer, plus a reader in another zone with `multiAz`).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { nameTags } from "../shared/tags";
import type { RdsInstanceInputs } from "./rdsInstance";
import { AURORA_LOG_EXPORTS, clusterInstanceIdentifiers, type ServerlessSettings } from "./serverless";
import { POSTGRES_PORT, postgresParameters } from "./validation";

/** What the serverless children share with the rest of the component: the instance mode's inputs and the cluster's settings. */
export interface AuroraInputs extends RdsInstanceInputs {
    readonly serverless: ServerlessSettings;
}

/** The serverless children a PostgresDb reads its outputs from. */
export interface AuroraParts {
    readonly parameterGroup: aws.rds.ClusterParameterGroup;
    readonly cluster: aws.rds.Cluster;
    readonly instances: aws.rds.ClusterInstance[];
}

/** Creates the cluster parameter group, the cluster and its instances under `parent`. */
export function createAuroraCluster(parent: pulumi.Resource, i: AuroraInputs): AuroraParts {
    const { name, settings: s, serverless: v } = i;
    const id = s.identifier;
    const tags = (child: string) => nameTags(child, i.tags);

    const paramsName = `${name}-cluster-params`;
    const parameterGroup = new aws.rds.ClusterParameterGroup(
        paramsName,
        {
            namePrefix: `${id}-${v.clusterParameterGroupFamily}-`,
            family: v.clusterParameterGroupFamily,
            description: `Aurora PostgreSQL ${id}: TLS required, logging`,
            parameters: postgresParameters(s),
            tags: tags(paramsName),
        },
        { parent },
    );

    const clusterName = `${name}-cluster`;
    const cluster = new aws.rds.Cluster(
        clusterName,
        {
            clusterIdentifier: id,
            engine: "aurora-postgresql",
            engineMode: "provisioned",
            engineVersion: v.auroraEngineVersion,
            allowMajorVersionUpgrade: false,
            engineLifecycleSupport: s.extendedSupport
                ? "open-source-rds-extended-support"
                : "open-source-rds-extended-support-disabled",
            serverlessv2ScalingConfiguration: {
                minCapacity: v.minCapacityAcu,
                maxCapacity: v.maxCapacityAcu,
                secondsUntilAutoPause: v.secondsUntilAutoPause,
            },
            storageEncrypted: true,
            kmsKeyId: i.kmsKeyArn,

            databaseName: s.dbName,
            masterUsername: s.masterUsername,
            manageMasterUserPassword: true,
            masterUserSecretKmsKeyId: i.kmsKeyArn,
            iamDatabaseAuthenticationEnabled: true,

            port: POSTGRES_PORT,
            dbSubnetGroupName: i.subnetGroupName,
            vpcSecurityGroupIds: [i.securityGroupId],
            networkType: "IPV4",
            dbClusterParameterGroupName: parameterGroup.name,

            backupRetentionPeriod: s.backupRetentionDays,
            preferredBackupWindow: s.backupWindow,
            preferredMaintenanceWindow: s.maintenanceWindow,
            copyTagsToSnapshot: true,
            deleteAutomatedBackups: !s.production,
            deletionProtection: s.deletionProtection,
            skipFinalSnapshot: s.skipFinalSnapshot,
            finalSnapshotIdentifier: i.finalSnapshotName,
            applyImmediately: s.applyImmediately,
            enabledCloudwatchLogsExports: [...AURORA_LOG_EXPORTS],
            tags: tags(clusterName),
        },
        {
            parent,
            dependsOn: i.dependsOn,
            ...(s.production ? { protect: true, retainOnDelete: true } : {}),
        },
    );

    const instances = clusterInstanceIdentifiers(id, s.multiAz).map((identifier, n) => {
        const role = n === 0 ? "writer" : "reader";
        const instanceName = `${name}-${role}`;
        return new aws.rds.ClusterInstance(
            instanceName,
            {
                identifier,
                clusterIdentifier: cluster.id,
                engine: "aurora-postgresql",
                engineVersion: cluster.engineVersion,
                instanceClass: "db.serverless",
                // The writer fails over to the reader first.
                promotionTier: n,
                publiclyAccessible: false,
                dbSubnetGroupName: i.subnetGroupName,
                // The cluster's version is a full major.minor (scale to zero needs a minimum minor): an
                // automatic minor upgrade would leave the code behind, and the next `up` would try to
                // downgrade. Minor upgrades are deliberate: raise auroraEngineVersion.
                autoMinorVersionUpgrade: false,
                caCertIdentifier: s.caCertIdentifier,
                preferredMaintenanceWindow: s.maintenanceWindow,
                applyImmediately: s.applyImmediately,
                copyTagsToSnapshot: true,
                performanceInsightsEnabled: s.performanceInsights,
                performanceInsightsRetentionPeriod: s.performanceInsights
                    ? s.performanceInsightsRetentionDays
                    : undefined,
                performanceInsightsKmsKeyId: s.performanceInsights ? i.kmsKeyArn : undefined,
                monitoringInterval: s.monitoringIntervalSeconds,
                monitoringRoleArn: i.monitoringRoleArn,
                tags: tags(instanceName),
            },
            { parent, ...(s.production ? { protect: true, retainOnDelete: true } : {}) },
        );
    });
    return { parameterGroup, cluster, instances };
}

/**
 * The children of a PostgresDb in instance mode: the DB parameter group (TLS
 * forced, logging) and the RDS for PostgreSQL instance.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { nameTags } from "../shared/tags";
import { CLOUDWATCH_LOG_EXPORTS, POSTGRES_PORT, postgresParameters, type PostgresDbSettings } from "./validation";

/** What the instance-mode children share with the rest of the component. */
export interface RdsInstanceInputs {
    readonly name: string;
    readonly settings: PostgresDbSettings;
    readonly subnetGroupName: pulumi.Input<string>;
    readonly securityGroupId: pulumi.Input<string>;
    readonly kmsKeyArn: pulumi.Input<string> | undefined;
    readonly finalSnapshotName: pulumi.Input<string> | undefined;
    readonly monitoringRoleArn: pulumi.Input<string> | undefined;
    readonly dependsOn: pulumi.Resource[];
    readonly tags: pulumi.Input<Record<string, pulumi.Input<string>>> | undefined;
}

/** The instance-mode children a PostgresDb reads its outputs from. */
export interface RdsInstanceParts {
    readonly parameterGroup: aws.rds.ParameterGroup;
    readonly instance: aws.rds.Instance;
}

/** Creates the parameter group and the instance under `parent` (their names and URNs are those of before the serverless mode). */
export function createRdsInstance(parent: pulumi.Resource, i: RdsInstanceInputs): RdsInstanceParts {
    const { name, settings: s } = i;
    const id = s.identifier;
    const tags = (child: string) => nameTags(child, i.tags);

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
        { parent },
    );

    const instanceName = `${name}-instance`;
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
            kmsKeyId: i.kmsKeyArn,

            dbName: s.dbName,
            username: s.masterUsername,
            manageMasterUserPassword: true,
            masterUserSecretKmsKeyId: i.kmsKeyArn,
            iamDatabaseAuthenticationEnabled: true,

            port: POSTGRES_PORT,
            dbSubnetGroupName: i.subnetGroupName,
            vpcSecurityGroupIds: [i.securityGroupId],
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
            finalSnapshotIdentifier: i.finalSnapshotName,
            applyImmediately: s.applyImmediately,

            enabledCloudwatchLogsExports: [...CLOUDWATCH_LOG_EXPORTS],
            performanceInsightsEnabled: s.performanceInsights,
            performanceInsightsRetentionPeriod: s.performanceInsights ? s.performanceInsightsRetentionDays : undefined,
            performanceInsightsKmsKeyId: s.performanceInsights ? i.kmsKeyArn : undefined,
            monitoringInterval: s.monitoringIntervalSeconds,
            monitoringRoleArn: i.monitoringRoleArn,

            tags: tags(instanceName),
        },
        {
            parent,
            dependsOn: i.dependsOn,
            // Only set when on: an explicit false would override a
            // `protect` the caller put on the component.
            ...(s.production ? { protect: true, retainOnDelete: true } : {}),
        },
    );
    return { parameterGroup, instance };
}

import type * as pulumi from "@pulumi/pulumi";
import type { PostgresDbArgs, SecureVpc } from "../components";
import type { EnvironmentConfig } from "./config";

/**
 * The environment's PostgresDb arguments: the arguments both modes share, and
 * those of the configured mode only (the component refuses the other mode's).
 */
export function databaseArgs(
    config: EnvironmentConfig,
    vpc: Pick<SecureVpc, "vpcId" | "isolatedSubnetIds">,
    tags: Record<string, string>,
): PostgresDbArgs {
    const shared = {
        vpcId: vpc.vpcId,
        isolatedSubnetIds: vpc.isolatedSubnetIds,
        production: config.environment === "prod",
        multiAz: config.dbMultiAz,
        backupRetentionDays: config.dbBackupRetentionDays,
        performanceInsights: config.dbPerformanceInsights,
        logRetentionDays: config.logRetentionDays,
        tags,
    };
    if (config.dbMode === "serverless")
        return {
            ...shared,
            mode: "serverless",
            auroraEngineVersion: config.dbAuroraEngineVersion,
            minCapacityAcu: config.dbMinCapacityAcu,
            maxCapacityAcu: config.dbMaxCapacityAcu,
        };
    return {
        ...shared,
        engineVersion: config.dbEngineVersion,
        instanceClass: config.dbInstanceClass,
        allocatedStorageGb: config.dbAllocatedStorageGb,
        maxAllocatedStorageGb: config.dbMaxAllocatedStorageGb,
    };
}

/**
 * Database client settings of the application's environment: a paused
 * Aurora cluster takes about 15 s to resume on the first connection, so the
 * client waits 30 s instead of the app's default 3 s.
 */
export function databaseClientEnvironment(config: EnvironmentConfig): Record<string, pulumi.Input<string>> {
    return config.dbMode === "serverless" && config.dbMinCapacityAcu === 0 ? { DB_CONNECT_TIMEOUT_MS: "30000" } : {};
}

/** RDS: never publicly accessible, storage always encrypted, backups on, Multi-AZ in production. */
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { isProduction } from "../support/environment";

export const rdsPrivateAndEncrypted: ResourceValidationPolicy = {
    name: "rds-private-and-encrypted",
    description: "RDS instances and clusters are not publicly accessible and encrypt their storage.",
    severity: "critical",
    validateResource: [
        validateResourceOfType(aws.rds.Instance, (db, _args, reportViolation) => {
            if (db.publiclyAccessible === true) {
                reportViolation("publiclyAccessible is true: the database must only be reachable inside the VPC");
            }
            // A read replica inherits its source's encryption.
            if (db.replicateSourceDb === undefined && db.storageEncrypted !== true) {
                reportViolation("storageEncrypted is not true: database storage must be encrypted at rest");
            }
        }),
        validateResourceOfType(aws.rds.Cluster, (cluster, _args, reportViolation) => {
            if (cluster.storageEncrypted !== true) {
                reportViolation("storageEncrypted is not true: cluster storage must be encrypted at rest");
            }
        }),
        validateResourceOfType(aws.rds.ClusterInstance, (instance, _args, reportViolation) => {
            if (instance.publiclyAccessible === true) {
                reportViolation("publiclyAccessible is true: the database must only be reachable inside the VPC");
            }
        }),
    ],
};

/** RDS instances keep automated backups (a retention of 0 days turns them off). */
export const rdsBackupsEnabled: ResourceValidationPolicy = {
    name: "rds-instance-backup-enabled",
    description: "RDS instances keep automated backups (backupRetentionPeriod is not 0).",
    severity: "high",
    validateResource: validateResourceOfType(aws.rds.Instance, (db, _args, reportViolation) => {
        if (db.backupRetentionPeriod === 0) {
            reportViolation("backupRetentionPeriod is 0: automated backups are off; keep at least 1 day (7+ in prod)");
        }
    }),
};

/** Production databases run in two zones (dev is single-AZ by design). */
export const rdsMultiAzInProduction: ResourceValidationPolicy = {
    name: "rds-instance-multi-az-enabled",
    description: "RDS instances of production stacks are Multi-AZ.",
    severity: "high",
    validateResource: validateResourceOfType(aws.rds.Instance, (db, args, reportViolation) => {
        if (!isProduction(args.urn)) args.notApplicable("not a production stack");
        if (db.multiAz !== true) {
            reportViolation("multiAz is not true: a production database must run in multiple AZs (standby)");
        }
    }),
};

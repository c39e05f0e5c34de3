/** RDS: never publicly accessible, storage always encrypted. */
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";

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

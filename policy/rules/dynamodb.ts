/** DynamoDB tables are encrypted with a KMS key (AWS managed or customer managed) and keep point-in-time recovery. */
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";

export const dynamodbTableEncrypted: ResourceValidationPolicy = {
    name: "dynamodb-table-encryption-enabled",
    description: "DynamoDB tables do not turn server-side encryption with KMS off.",
    severity: "medium",
    validateResource: validateResourceOfType(aws.dynamodb.Table, (table, _args, reportViolation) => {
        if (table.serverSideEncryption?.enabled === false) {
            reportViolation(
                "serverSideEncryption.enabled is false: DynamoDB must have server side encryption enabled with a KMS key",
            );
        }
    }),
};

/** FSBP DynamoDB.2: point-in-time recovery (35 days of continuous backups). */
export const dynamodbPointInTimeRecovery: ResourceValidationPolicy = {
    name: "dynamodb-point-in-time-recovery",
    description: "DynamoDB tables have point-in-time recovery on (AWS FSBP DynamoDB.2).",
    severity: "medium",
    validateResource: validateResourceOfType(aws.dynamodb.Table, (table, _args, reportViolation) => {
        if (table.pointInTimeRecovery?.enabled !== true) {
            reportViolation(
                "pointInTimeRecovery.enabled is not true: the table could not be restored to a moment before a bad write or a deletion",
            );
        }
    }),
};

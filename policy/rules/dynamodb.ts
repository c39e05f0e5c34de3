/** DynamoDB tables are encrypted with a KMS key (AWS managed or customer managed). */
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

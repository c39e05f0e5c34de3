/** Logs: every CloudWatch log group has a retention. */
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";

export const logGroupRetention: ResourceValidationPolicy = {
    name: "log-group-retention",
    description: "Every CloudWatch log group sets retentionInDays (logs are not kept forever).",
    severity: "medium",
    validateResource: validateResourceOfType(aws.cloudwatch.LogGroup, (group, _args, reportViolation) => {
        const days = group.retentionInDays;
        if (typeof days !== "number" || days <= 0) {
            reportViolation(`retentionInDays is ${JSON.stringify(days)}: set a retention (in days) on every log group`);
        }
    }),
};

/** SNS topics and SQS queues are encrypted at rest. */
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";

export const messagingEncrypted: ResourceValidationPolicy = {
    name: "sns-sqs-encrypted",
    description: "SNS topics use a KMS key; SQS queues keep server-side encryption on (SSE-SQS or KMS).",
    severity: "medium",
    validateResource: [
        validateResourceOfType(aws.sns.Topic, (topic, _args, reportViolation) => {
            if (typeof topic.kmsMasterKeyId !== "string" || topic.kmsMasterKeyId === "") {
                reportViolation("kmsMasterKeyId is not set: the topic would store messages unencrypted");
            }
        }),
        validateResourceOfType(aws.sqs.Queue, (queue, _args, reportViolation) => {
            // New queues use SSE-SQS unless it is turned off; a KMS key also encrypts.
            const kms = typeof queue.kmsMasterKeyId === "string" && queue.kmsMasterKeyId !== "";
            if (queue.sqsManagedSseEnabled === false && !kms) {
                reportViolation("sqsManagedSseEnabled is false and no kmsMasterKeyId: the queue is unencrypted");
            }
        }),
    ],
};

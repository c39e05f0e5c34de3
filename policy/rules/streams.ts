/**
 * Stream consumers do not lose or block on failing records: an event source
 * mapping that reads a stream (DynamoDB or Kinesis: it has a starting
 * position) has an on-failure destination and a bounded number of retries.
 * Without them a poison record is retried until it expires (up to a day or
 * a year), holding back every later record of its shard, and is then lost.
 */
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";

export const streamConsumerFailureDestination: ResourceValidationPolicy = {
    name: "stream-consumer-failure-destination",
    description: "Lambda stream mappings (DynamoDB, Kinesis) have an on-failure destination and bounded retries.",
    severity: "medium",
    validateResource: validateResourceOfType(aws.lambda.EventSourceMapping, (mapping, args, reportViolation) => {
        const arn = typeof mapping.eventSourceArn === "string" ? mapping.eventSourceArn : "";
        const isStream = mapping.startingPosition !== undefined || /:(dynamodb|kinesis):/.test(arn);
        if (!isStream) args.notApplicable("not a stream mapping (a queue mapping has no starting position)");
        const destination = mapping.destinationConfig?.onFailure?.destinationArn;
        if (typeof destination !== "string" || destination === "") {
            reportViolation(
                "destinationConfig.onFailure.destinationArn is not set: a batch that keeps failing is dropped without a trace",
            );
        }
        const retries = mapping.maximumRetryAttempts;
        if (retries === undefined || retries === -1) {
            reportViolation(
                "maximumRetryAttempts is unset or -1 (retry until the record expires): a poison record blocks its shard",
            );
        }
    }),
};

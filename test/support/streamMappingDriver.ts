/**
 * A small stand-in for the Lambda service's DynamoDB stream event source
 * mapping, for tests: it filters records with the mapping's filter pattern,
 * cuts batches of `batchSize` in shard order and invokes a handler, following
 * the documented failure semantics (Lambda developer guide, "Using Lambda
 * with DynamoDB": error handling, bisect, on-failure destinations):
 *
 * - a batch that succeeds is checkpointed and the next one follows;
 * - a failing batch with `bisectBatchOnFunctionError` and more than one
 *   record is split in two halves, each processed in order as a batch of its
 *   own (splitting does not use a retry: each half starts its own count);
 * - a failing batch that cannot be split is retried `maximumRetryAttempts`
 *   times; then its description (not the records: shard and sequence-number
 *   range, as Lambda sends to an on-failure destination) goes to the
 *   destination and the mapping moves on.
 *
 * Simplifications (documented so a reader knows what is not modelled): one
 * shard, no record age limit, no parallelization, no batching window.
 */
import type { DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";

/** What Lambda sends to an on-failure destination for a stream batch (trimmed to what the tests read). */
export interface FailedBatchDescription {
    readonly requestContext: { readonly condition: "RetryAttemptsExhausted"; readonly approximateInvokeCount: number };
    readonly responseContext: { readonly functionError: "Unhandled" };
    readonly DDBStreamBatchInfo: {
        readonly shardId: string;
        readonly startSequenceNumber: string;
        readonly endSequenceNumber: string;
        readonly batchSize: number;
        readonly streamArn: string;
    };
}

export interface MappingOptions {
    readonly batchSize: number;
    readonly bisectBatchOnFunctionError: boolean;
    readonly maximumRetryAttempts: number;
    /** The mapping's filter pattern (JSON), as in FilterCriteria.Filters[].Pattern. */
    readonly filterPattern?: string;
}

export interface DriverResult {
    /** Every invocation, as the list of sequence numbers it carried. */
    readonly invocations: string[][];
    /** What reached the on-failure destination. */
    readonly failed: FailedBatchDescription[];
    /** Records the filter dropped (never delivered). */
    readonly filteredOut: number;
}

/** Matches a value against one Lambda event-filter pattern node (exact values and `prefix` rules). */
export function matchesPattern(pattern: unknown, value: unknown): boolean {
    if (Array.isArray(pattern)) {
        return pattern.some((rule) =>
            rule !== null && typeof rule === "object"
                ? "prefix" in rule && typeof value === "string" && value.startsWith(String(rule.prefix))
                : rule === value,
        );
    }
    if (pattern !== null && typeof pattern === "object") {
        if (value === null || typeof value !== "object") return false;
        return Object.entries(pattern).every(([k, p]) => matchesPattern(p, (value as Record<string, unknown>)[k]));
    }
    return pattern === value;
}

export async function driveStream(
    records: readonly DynamoDBRecord[],
    handler: (event: DynamoDBStreamEvent) => Promise<unknown>,
    o: MappingOptions,
): Promise<DriverResult> {
    const pattern = o.filterPattern === undefined ? undefined : JSON.parse(o.filterPattern);
    const delivered = pattern ? records.filter((r) => matchesPattern(pattern, r)) : [...records];
    const invocations: string[][] = [];
    const failed: FailedBatchDescription[] = [];

    const invoke = async (batch: readonly DynamoDBRecord[]) => {
        invocations.push(batch.map((r) => r.dynamodb?.SequenceNumber ?? "?"));
        try {
            // Lambda serializes the event: the handler never shares objects with the stream.
            await handler(JSON.parse(JSON.stringify({ Records: batch })));
            return true;
        } catch {
            return false;
        }
    };

    const process = async (batch: readonly DynamoDBRecord[]): Promise<void> => {
        if (await invoke(batch)) return;
        if (o.bisectBatchOnFunctionError && batch.length > 1) {
            const middle = Math.ceil(batch.length / 2);
            await process(batch.slice(0, middle));
            await process(batch.slice(middle));
            return;
        }
        for (let retry = 1; retry <= o.maximumRetryAttempts; retry++) {
            if (await invoke(batch)) return;
        }
        failed.push({
            requestContext: { condition: "RetryAttemptsExhausted", approximateInvokeCount: o.maximumRetryAttempts + 1 },
            responseContext: { functionError: "Unhandled" },
            DDBStreamBatchInfo: {
                shardId: "shardId-00000001700000000000-0123abcd",
                startSequenceNumber: batch[0].dynamodb?.SequenceNumber ?? "",
                endSequenceNumber: batch[batch.length - 1].dynamodb?.SequenceNumber ?? "",
                batchSize: batch.length,
                streamArn: batch[0].eventSourceARN ?? "",
            },
        });
    };

    for (let i = 0; i < delivered.length; i += o.batchSize) await process(delivered.slice(i, i + o.batchSize));
    return { invocations, failed, filteredOut: records.length - delivered.length };
}

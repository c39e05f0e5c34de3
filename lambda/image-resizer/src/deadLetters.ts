/**
 * Permanent failures go straight to the dead-letter queue, one message per
 * failed record, sent by the handler itself (`sqs:SendMessage` on exactly
 * that queue); the invocation then succeeds, so Lambda neither retries them
 * nor re-runs the event's other records. Transient failures still fail the
 * invocation: Lambda retries the event and, when the retries are spent,
 * sends it to the same queue as its on-failure destination (a message of
 * Lambda's own format, with `requestContext` and `requestPayload`).
 */
import { SendMessageCommand, type SendMessageCommandOutput } from "@aws-sdk/client-sqs";
import type { PermanentReason } from "./errors";

/** The SQS operation the handler uses (an SQSClient satisfies it). */
export interface DeadLetterSender {
    send(command: SendMessageCommand): Promise<SendMessageCommandOutput>;
}

export const DEAD_LETTER_TYPE = "image.failed";

/** Body of a dead-letter message for a permanent failure. */
export interface DeadLetterMessage {
    readonly type: typeof DEAD_LETTER_TYPE;
    readonly reason: PermanentReason;
    /** `Name: message` of the failure, e.g. `PermanentError: object is 314572800 bytes, above maxUploadBytes (33554432)`. */
    readonly error: string;
    readonly bucket?: string;
    readonly key?: string;
    readonly sourceETag?: string;
    readonly sequencer?: string;
    readonly failedAt: string;
    /** The event record as received (the whole event for `bad-event`), cut to stay within SQS's 256 KiB. */
    readonly record: unknown;
}

/** SQS's message size limit is 256 KiB; the record is cut well below it. */
export const MAX_RECORD_CHARS = 200_000;

function boundedRecord(record: unknown): unknown {
    let json: string | undefined;
    try {
        json = JSON.stringify(record);
    } catch {
        return String(record);
    }
    if (json === undefined) return null;
    return json.length <= MAX_RECORD_CHARS ? record : { truncated: true, json: json.slice(0, MAX_RECORD_CHARS) };
}

export function deadLetterMessage(m: Omit<DeadLetterMessage, "type" | "failedAt" | "record"> & { record: unknown }) {
    const message: DeadLetterMessage = {
        type: DEAD_LETTER_TYPE,
        reason: m.reason,
        error: m.error,
        bucket: m.bucket,
        key: m.key,
        sourceETag: m.sourceETag,
        sequencer: m.sequencer,
        failedAt: new Date().toISOString(),
        record: boundedRecord(m.record),
    };
    return message;
}

/** Sends one dead-letter message (attributes `type` and `reason` for filtering and alarms). */
export async function sendDeadLetter(
    sqs: DeadLetterSender,
    queueUrl: string,
    message: DeadLetterMessage,
): Promise<string | undefined> {
    const sent = await sqs.send(
        new SendMessageCommand({
            QueueUrl: queueUrl,
            MessageBody: JSON.stringify(message),
            MessageAttributes: {
                type: { DataType: "String", StringValue: DEAD_LETTER_TYPE },
                reason: { DataType: "String", StringValue: message.reason },
            },
        }),
    );
    return sent.MessageId;
}

/**
 * DynamoDB stream consumer of the message table: for every new message it
 * updates each participant's conversation summary (last message, preview,
 * unread count: one more for the others, zero for the sender, who has read
 * the conversation up to their own message). Idempotent: a summary only
 * moves forward to a newer message id, so a record delivered again
 * (retries, bisected batches) changes nothing.
 *
 * Failure handling is the event source mapping's: a record that cannot be
 * applied makes the invocation fail; Lambda bisects the batch until the bad
 * record is alone, retries it, then sends its batch description to the
 * on-failure queue and moves on (see docs/components/MessageTable.md).
 */
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import type { DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";
import { CONVERSATION_PREFIX, MESSAGE_ID, MESSAGE_PREFIX } from "../../../components/data/messageKeys";

/** A new message as the consumer needs it. */
export interface StreamMessage {
    readonly conversationId: string;
    readonly messageId: string;
    readonly senderId: string;
    readonly participants: readonly string[];
    readonly sentAt: string;
    /** The first characters of the body (at most {@link PREVIEW_LENGTH}). */
    readonly preview: string;
}

export const PREVIEW_LENGTH = 140;

/** Where summaries are kept (the table itself, see store.ts). */
export interface SummaryStore {
    /** Moves `participant`'s summary to `message` unless it already is at it or later. */
    applyMessage(message: StreamMessage, participant: string): Promise<"applied" | "unchanged">;
}

export type Logger = (entry: Record<string, unknown>) => void;

/** A stream record that holds a message but cannot be applied: retrying will not help. */
export class MalformedMessageError extends Error {
    constructor(eventId: string | undefined, problem: string) {
        super(`message-stream: record ${eventId ?? "?"} is not a valid message: ${problem}`);
        this.name = "MalformedMessageError";
    }
}

const isText = (v: unknown): v is string => typeof v === "string" && v.length > 0;

/**
 * The message a record inserts, or undefined when the record is not a new
 * message (summaries' own updates, removals, TTL expiries). Throws
 * {@link MalformedMessageError} for a message item that lacks what a summary needs.
 */
export function messageFromRecord(record: DynamoDBRecord): StreamMessage | undefined {
    const image = record.dynamodb?.NewImage;
    const sk = record.dynamodb?.Keys?.sk?.S;
    if (record.eventName !== "INSERT" || !image || !sk?.startsWith(MESSAGE_PREFIX)) return undefined;
    const item = unmarshall(image as Record<string, AttributeValue>);
    const fail = (problem: string): never => {
        throw new MalformedMessageError(record.eventID, problem);
    };
    const pk = String(item.pk ?? "");
    if (!pk.startsWith(CONVERSATION_PREFIX)) fail(`pk ${JSON.stringify(item.pk)} is not CONV#<conversation>`);
    const conversationId = pk.slice(CONVERSATION_PREFIX.length);
    const messageId = sk.slice(MESSAGE_PREFIX.length);
    if (!MESSAGE_ID.test(messageId)) fail(`sk ${JSON.stringify(sk)} is not MSG#<ULID>`);
    if (!isText(item.senderId)) fail("senderId is missing");
    const participants = item.participants instanceof Set ? [...item.participants] : item.participants;
    if (!Array.isArray(participants) || participants.length === 0 || !participants.every(isText)) {
        fail("participants is not a non-empty list of user ids");
    }
    if (!participants.includes(item.senderId)) fail("the sender is not a participant");
    if (typeof item.body !== "string") fail("body is not a string");
    if (!isText(item.sentAt) || Number.isNaN(Date.parse(item.sentAt))) fail("sentAt is not a timestamp");
    return {
        conversationId,
        messageId,
        senderId: item.senderId,
        participants: [...new Set(participants as string[])].sort(),
        sentAt: item.sentAt,
        preview: [...(item.body as string)].slice(0, PREVIEW_LENGTH).join(""),
    };
}

export interface HandlerDeps {
    readonly store: SummaryStore;
    readonly log?: Logger;
}

export function createHandler(deps: HandlerDeps) {
    const log = deps.log ?? ((entry) => console.log(JSON.stringify(entry)));
    return async function handler(event: DynamoDBStreamEvent): Promise<void> {
        let applied = 0;
        let unchanged = 0;
        // In order: records of one conversation share a partition key and arrive in order.
        for (const record of event.Records) {
            let message: StreamMessage | undefined;
            try {
                message = messageFromRecord(record);
            } catch (e) {
                log({ message: "malformed message record", eventID: record.eventID, error: (e as Error).message });
                throw e;
            }
            if (!message) continue;
            for (const participant of message.participants) {
                const result = await deps.store.applyMessage(message, participant);
                if (result === "applied") applied += 1;
                else unchanged += 1;
            }
        }
        log({ message: "batch applied", records: event.Records.length, applied, unchanged });
    };
}

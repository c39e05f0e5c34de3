/**
 * Conversations and messages in the MessageTable (DynamoDB), by the key
 * design of tableKeys.ts:
 *
 *   conversation  CONV#<id> / META            participants, createdBy, createdAt (written once)
 *   message       CONV#<id> / MSG#<ULID>      senderId, participants, body, sentAt
 *   summary       CONV#<id> / MEMBER#<user>   kept by the stream consumer; byUser index USER#<user> / <last ULID>
 *
 * Exactly these calls, which are the task role's grant (MessageTable.apiStatements):
 * GetItem, PutItem, Query and UpdateItem on the table, Query on the byUser index.
 * Every read of a member list is strongly consistent: a sender must not be
 * told "not a participant" of a conversation created a moment ago.
 */
import { ConditionalCheckFailedException, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
    DynamoDBDocumentClient,
    GetCommand,
    PutCommand,
    QueryCommand,
    UpdateCommand,
    type QueryCommandInput,
} from "@aws-sdk/lib-dynamodb";
import {
    BY_USER_INDEX,
    CONVERSATION_META,
    conversationKey,
    MESSAGE_PREFIX,
    memberKey,
    messageKey,
    userKey,
} from "./tableKeys";

export interface Conversation {
    readonly conversationId: string;
    readonly participants: readonly string[];
    readonly createdBy: string;
    readonly createdAt: string;
}

export interface Message {
    readonly conversationId: string;
    readonly messageId: string;
    readonly senderId: string;
    readonly body: string;
    readonly sentAt: string;
}

/** A user's view of a conversation (the consumer's summary item). */
export interface ConversationSummary {
    readonly conversationId: string;
    readonly lastMessageId: string;
    readonly lastMessageAt: string;
    readonly lastSenderId: string;
    readonly lastMessagePreview: string;
    readonly unreadCount: number;
    readonly lastReadMessageId?: string;
}

/** One page, newest first; `nextBefore` is the cursor of the next (older) page, null at the end. */
export interface Page<T> {
    readonly items: T[];
    readonly nextBefore: string | null;
}

const isConditionFailure = (e: unknown) =>
    e instanceof ConditionalCheckFailedException || (e as Error)?.name === "ConditionalCheckFailedException";

function toParticipants(value: unknown): string[] {
    const list = value instanceof Set ? [...value] : Array.isArray(value) ? value : [];
    return list.filter((v): v is string => typeof v === "string").sort();
}

export class MessageStore {
    private readonly doc: DynamoDBDocumentClient;

    constructor(
        client: DynamoDBClient,
        readonly tableName: string,
    ) {
        this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
    }

    /** The conversation's own item, or undefined when there is none. */
    async getConversation(conversationId: string): Promise<Conversation | undefined> {
        const { Item } = await this.doc.send(
            new GetCommand({
                TableName: this.tableName,
                Key: { pk: conversationKey(conversationId), sk: CONVERSATION_META },
                ConsistentRead: true,
            }),
        );
        if (!Item) return undefined;
        return {
            conversationId,
            participants: toParticipants(Item.participants),
            createdBy: String(Item.createdBy),
            createdAt: String(Item.createdAt),
        };
    }

    /**
     * Creates the conversation unless it exists; either way returns the one
     * stored (two first messages racing end with the same participants).
     */
    async createConversation(c: Conversation): Promise<Conversation> {
        try {
            await this.doc.send(
                new PutCommand({
                    TableName: this.tableName,
                    Item: {
                        pk: conversationKey(c.conversationId),
                        sk: CONVERSATION_META,
                        conversationId: c.conversationId,
                        participants: [...c.participants].sort(),
                        createdBy: c.createdBy,
                        createdAt: c.createdAt,
                    },
                    ConditionExpression: "attribute_not_exists(pk)",
                }),
            );
            return { ...c, participants: [...c.participants].sort() };
        } catch (e) {
            if (!isConditionFailure(e)) throw e;
            const existing = await this.getConversation(c.conversationId);
            if (!existing) throw e;
            return existing;
        }
    }

    /**
     * Stores a message (never overwriting one: ids are ULIDs). The stream
     * consumer then moves each participant's summary to it.
     */
    async putMessage(m: Message, participants: readonly string[]): Promise<void> {
        await this.doc.send(
            new PutCommand({
                TableName: this.tableName,
                Item: {
                    pk: conversationKey(m.conversationId),
                    sk: messageKey(m.messageId),
                    conversationId: m.conversationId,
                    messageId: m.messageId,
                    senderId: m.senderId,
                    participants: [...participants],
                    body: m.body,
                    sentAt: m.sentAt,
                },
                ConditionExpression: "attribute_not_exists(pk)",
            }),
        );
    }

    /** A page of the conversation's messages older than `before` (a message id), newest first. */
    async listMessages(conversationId: string, limit: number, before?: string): Promise<Page<Message>> {
        const values: Record<string, string> = { ":pk": conversationKey(conversationId), ":lo": MESSAGE_PREFIX };
        let condition = "pk = :pk AND begins_with(sk, :lo)";
        if (before !== undefined) {
            // BETWEEN is inclusive: the `before` message itself is dropped below.
            condition = "pk = :pk AND sk BETWEEN :lo AND :hi";
            values[":hi"] = messageKey(before);
        }
        const rows = await this.query(
            { KeyConditionExpression: condition, ExpressionAttributeValues: values, ConsistentRead: true },
            limit + 2,
        );
        const messages = rows
            .map((r) => ({
                conversationId,
                messageId: String(r.sk).slice(MESSAGE_PREFIX.length),
                senderId: String(r.senderId),
                body: String(r.body),
                sentAt: String(r.sentAt),
            }))
            .filter((m) => m.messageId !== before);
        return page(messages, limit, (m) => m.messageId);
    }

    /** A page of `userId`'s conversations whose last message is older than `before`, latest first. */
    async listConversations(userId: string, limit: number, before?: string): Promise<Page<ConversationSummary>> {
        const values: Record<string, string> = { ":u": userKey(userId) };
        let condition = "gsi1pk = :u";
        if (before !== undefined) {
            condition += " AND gsi1sk < :before";
            values[":before"] = before;
        }
        const rows = await this.query(
            { IndexName: BY_USER_INDEX, KeyConditionExpression: condition, ExpressionAttributeValues: values },
            limit + 1,
        );
        const summaries = rows.map((r): ConversationSummary => ({
            conversationId: String(r.conversationId),
            lastMessageId: String(r.lastMessageId),
            lastMessageAt: String(r.lastMessageAt),
            lastSenderId: String(r.lastSenderId),
            lastMessagePreview: String(r.lastMessagePreview ?? ""),
            unreadCount: Math.max(0, Number(r.unreadCount ?? 0)),
            ...(r.lastReadMessageId ? { lastReadMessageId: String(r.lastReadMessageId) } : {}),
        }));
        return page(summaries, limit, (s) => s.lastMessageId);
    }

    /**
     * Marks `userId`'s summary read up to `messageId`, only while it is still
     * at that message: a newer message applied meanwhile stays unread.
     * Returns false when the summary is elsewhere (or does not exist yet).
     */
    async markRead(conversationId: string, userId: string, messageId: string): Promise<boolean> {
        try {
            await this.doc.send(
                new UpdateCommand({
                    TableName: this.tableName,
                    Key: { pk: conversationKey(conversationId), sk: memberKey(userId) },
                    UpdateExpression: "SET unreadCount = :zero, lastReadMessageId = :mid",
                    ConditionExpression: "lastMessageId = :mid",
                    ExpressionAttributeValues: { ":zero": 0, ":mid": messageId },
                }),
            );
            return true;
        } catch (e) {
            if (isConditionFailure(e)) return false;
            throw e;
        }
    }

    /** Runs a descending query until `wanted` items arrived or the key range is exhausted. */
    private async query(input: Partial<QueryCommandInput>, wanted: number): Promise<Record<string, unknown>[]> {
        const items: Record<string, unknown>[] = [];
        let start: Record<string, unknown> | undefined;
        do {
            const out = await this.doc.send(
                new QueryCommand({
                    TableName: this.tableName,
                    ...input,
                    ScanIndexForward: false,
                    Limit: wanted - items.length,
                    ExclusiveStartKey: start,
                }),
            );
            items.push(...(out.Items ?? []));
            start = out.LastEvaluatedKey;
        } while (start && items.length < wanted);
        return items;
    }
}

/** The first `limit` items and, when there were more, the cursor after the last one. */
function page<T>(items: T[], limit: number, cursor: (item: T) => string): Page<T> {
    const more = items.length > limit;
    const kept = items.slice(0, limit);
    return { items: kept, nextBefore: more && kept.length > 0 ? cursor(kept[kept.length - 1]) : null };
}

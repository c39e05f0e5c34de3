// The DynamoDB side of `npm run local`: dynalite (a DynamoDB-compatible server from npm) on loopback with
// the MessageTable's table (same keys and byUser index), and the table's stream consumer.
//
// dynalite has no DynamoDB Streams (its readme lists them as not implemented), so the consumer
// (lambda/message-stream, the same handler and summary store the Lambda function runs) is fed by a
// poller instead: every `intervalMs` it scans for messages written in the last minute and hands the new
// ones to the handler as INSERT records of the NEW_IMAGE shape, one batch per conversation, in order.
// The consumer is idempotent, so a message seen twice changes nothing; a record it refuses is logged
// and skipped, where the Lambda mapping would bisect and send it to the failure queue.
import {
    CreateTableCommand,
    DynamoDBClient,
    ScanCommand,
    type AttributeValue,
    type CreateTableCommandInput,
} from "@aws-sdk/client-dynamodb";
import type { AttributeValue as StreamAttributeValue, DynamoDBRecord } from "aws-lambda";
import type { AddressInfo } from "net";
import { MESSAGE_PREFIX, newMessageId } from "../../components/data/messageKeys";
import { MESSAGE_TABLE_SCHEMA } from "../../components/data/messageTablePolicies";
import { createHandler, MalformedMessageError } from "../../lambda/message-stream/src/handler";
import { dynamoSummaryStore } from "../../lambda/message-stream/src/store";

/** dynalite accepts any credentials; the SDK insists on some. */
export const DYNAMO_CREDENTIALS = { accessKeyId: "local", secretAccessKey: "local" };
export const LOCAL_MESSAGES_TABLE = "local-messages";

interface Dynalite {
    listen(port: number, host: string, cb: () => void): void;
    close(cb: () => void): void;
    address(): AddressInfo;
}

/** CreateTable input of the component's table: on-demand, pk/sk, the byUser index. */
export function messageTableCreateInput(tableName: string): CreateTableCommandInput {
    const s = MESSAGE_TABLE_SCHEMA;
    return {
        TableName: tableName,
        BillingMode: "PAY_PER_REQUEST",
        AttributeDefinitions: s.attributes.map((a) => ({ AttributeName: a.name, AttributeType: a.type })),
        KeySchema: [
            { AttributeName: s.hashKey, KeyType: "HASH" },
            { AttributeName: s.rangeKey, KeyType: "RANGE" },
        ],
        GlobalSecondaryIndexes: s.globalSecondaryIndexes.map((g) => ({
            IndexName: g.name,
            KeySchema: [
                { AttributeName: g.hashKey, KeyType: "HASH" },
                { AttributeName: g.rangeKey, KeyType: "RANGE" },
            ],
            Projection: { ProjectionType: g.projectionType },
        })),
    };
}

export interface LocalDynamo {
    readonly endpoint: string;
    readonly client: DynamoDBClient;
    stop(): Promise<void>;
}

/** dynalite on 127.0.0.1:`port` (0: any), in memory. */
export async function startDynamo(port: number): Promise<LocalDynamo> {
    const server = require("dynalite")({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 }) as Dynalite;
    await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
    const endpoint = `http://127.0.0.1:${server.address().port}`;
    const client = new DynamoDBClient({ endpoint, region: "us-east-1", credentials: DYNAMO_CREDENTIALS });
    return {
        endpoint,
        client,
        async stop() {
            client.destroy();
            await new Promise<void>((resolve) => server.close(() => resolve()));
        },
    };
}

export async function createMessageTable(client: DynamoDBClient, tableName = LOCAL_MESSAGES_TABLE): Promise<string> {
    await client.send(new CreateTableCommand(messageTableCreateInput(tableName)));
    return tableName;
}

export interface LocalMessageStream {
    /** One scan: hands messages not seen yet to the consumer; resolves with how many. */
    poll(): Promise<number>;
    stop(): Promise<void>;
}

export interface MessageStreamOptions {
    readonly client: DynamoDBClient;
    readonly tableName: string;
    readonly log: (line: string) => void;
    /** Poll interval (ms); 0: no timer, call poll() yourself. @default 500 */
    readonly intervalMs?: number;
    /** How far back each scan looks (ms). @default 60000 */
    readonly windowMs?: number;
    readonly now?: () => number;
}

export function startMessageStream(o: MessageStreamOptions): LocalMessageStream {
    const now = o.now ?? Date.now;
    const windowMs = o.windowMs ?? 60_000;
    const handler = createHandler({
        store: dynamoSummaryStore(o.client, o.tableName),
        log: (e) => e.message !== "batch applied" && o.log(`message-stream: ${JSON.stringify(e)}`),
    });
    const seen = new Map<string, number>();
    let sequence = 0;
    let running: Promise<number> | undefined;

    async function scan(): Promise<Record<string, AttributeValue>[]> {
        // The oldest possible id of the window: its time, then the lowest random part.
        const from = MESSAGE_PREFIX + newMessageId(Math.max(0, now() - windowMs), () => new Uint8Array(10));
        const items: Record<string, AttributeValue>[] = [];
        let start: Record<string, AttributeValue> | undefined;
        do {
            const out = await o.client.send(
                new ScanCommand({
                    TableName: o.tableName,
                    FilterExpression: "begins_with(sk, :msg) AND sk >= :from",
                    ExpressionAttributeValues: { ":msg": { S: MESSAGE_PREFIX }, ":from": { S: from } },
                    ExclusiveStartKey: start,
                }),
            );
            items.push(...(out.Items ?? []));
            start = out.LastEvaluatedKey;
        } while (start);
        return items;
    }

    async function pollOnce(): Promise<number> {
        const fresh = (await scan()).filter((i) => !seen.has(`${i.pk.S}|${i.sk.S}`));
        fresh.sort((a, b) => (a.sk.S! < b.sk.S! ? -1 : a.sk.S! > b.sk.S! ? 1 : 0));
        const byConversation = new Map<string, Record<string, AttributeValue>[]>();
        for (const item of fresh) byConversation.set(item.pk.S!, [...(byConversation.get(item.pk.S!) ?? []), item]);
        for (const items of byConversation.values()) {
            for (const item of items) {
                const record: DynamoDBRecord = {
                    eventID: `local-${++sequence}`,
                    eventName: "INSERT",
                    eventSource: "aws:dynamodb",
                    dynamodb: {
                        Keys: { pk: { S: item.pk.S! }, sk: { S: item.sk.S! } },
                        NewImage: item as Record<string, StreamAttributeValue>,
                        SequenceNumber: String(sequence),
                        StreamViewType: "NEW_IMAGE",
                    },
                };
                try {
                    await handler({ Records: [record] });
                } catch (e) {
                    // A transient failure stops this conversation's batch: the next poll retries it.
                    if (!(e instanceof MalformedMessageError)) throw e;
                    o.log(`message-stream: record ${item.sk.S} skipped: ${e.message}`);
                }
                seen.set(`${item.pk.S}|${item.sk.S}`, now());
            }
        }
        for (const [key, at] of seen) if (at < now() - 2 * windowMs) seen.delete(key);
        return fresh.length;
    }

    const poll = () => (running ??= pollOnce().finally(() => (running = undefined)));
    const interval = o.intervalMs ?? 500;
    const timer =
        interval > 0
            ? setInterval(() => {
                  poll().catch((e: Error) => o.log(`message-stream: poll failed: ${e.message}`));
              }, interval)
            : undefined;
    return {
        poll,
        async stop() {
            if (timer) clearInterval(timer);
            await running?.catch(() => undefined);
        },
    };
}

/**
 * The message stream consumer (lambda/message-stream) against a
 * DynamoDB-compatible server on loopback (dynalite, started here) holding a
 * table with the component's key design, fed with the stream records in
 * test/fixtures/dynamodb-stream-messages.json (written after the documented
 * NEW_IMAGE record shape, not captured from AWS) through a driver that
 * follows the event source mapping's documented semantics
 * (test/support/streamMappingDriver.ts): filter, batches, bisect on error,
 * retries, on-failure destination. The fixture holds a poison record (a
 * message written without its participants).
 */
import {
    CreateTableCommand,
    DeleteTableCommand,
    DynamoDBClient,
    type CreateTableCommandInput,
} from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, QueryCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";
import type { DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";
import { expect } from "chai";
import { execFileSync } from "child_process";
import fc from "fast-check";
import * as fs from "fs";
import type { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import { ensureFunctionBundle } from "../components/data/functionBundle";
import { messageIdTime, newMessageId, MESSAGE_ID } from "../components/data/messageKeys";
import { MESSAGE_TABLE_SCHEMA, streamFilterPattern } from "../components/data/messageTablePolicies";
import { createHandler, messageFromRecord, MalformedMessageError } from "../lambda/message-stream/src/handler";
import { dynamoSummaryStore } from "../lambda/message-stream/src/store";
import { driveStream, matchesPattern } from "./support/streamMappingDriver";

const FIXTURE = path.join(__dirname, "fixtures", "dynamodb-stream-messages.json");
const records = (): DynamoDBRecord[] => (JSON.parse(fs.readFileSync(FIXTURE, "utf8")) as DynamoDBStreamEvent).Records;
const POISON_SEQUENCE = records()[4].dynamodb!.SequenceNumber!;
const MAPPING = {
    batchSize: 100,
    bisectBatchOnFunctionError: true,
    maximumRetryAttempts: 3,
    filterPattern: streamFilterPattern(),
};

/** CreateTable input equal to the component's table (keys, index, on-demand). */
function createTableInput(name: string): CreateTableCommandInput {
    const s = MESSAGE_TABLE_SCHEMA;
    return {
        TableName: name,
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

describe("message stream consumer (lambda/message-stream)", function () {
    this.timeout(30_000);

    describe("message ids and record parsing", () => {
        it("makes ULIDs whose order is the order of their times", () => {
            fc.assert(
                fc.property(
                    fc.integer({ min: 0, max: 2 ** 47 }),
                    fc.integer({ min: 1, max: 2 ** 40 }),
                    fc.uint8Array({ minLength: 10, maxLength: 10 }),
                    fc.uint8Array({ minLength: 10, maxLength: 10 }),
                    (t, dt, r1, r2) => {
                        const a = newMessageId(t, () => r1);
                        const b = newMessageId(t + dt, () => r2);
                        expect(a).to.match(MESSAGE_ID);
                        expect(messageIdTime(a)).to.equal(t);
                        expect(a < b).to.equal(true);
                    },
                ),
                { numRuns: 300 },
            );
        });

        it("reads a new message, skips other records and rejects a message it cannot apply", () => {
            const [first, , , modify, poison] = records();
            expect(messageFromRecord(first)).to.deep.include({
                conversationId: "c-alice-bob",
                senderId: "alice",
                participants: ["alice", "bob"],
                preview: "Hi Bob 👋",
            });
            expect(messageFromRecord(modify)).to.equal(undefined);
            expect(() => messageFromRecord(poison)).to.throw(
                MalformedMessageError,
                "participants is not a non-empty list",
            );
            const long = messageFromRecord(records()[5])!;
            expect([...long.preview]).to.have.length(140);
        });

        it("the mapping's filter delivers only inserted messages", () => {
            const pattern = JSON.parse(streamFilterPattern());
            expect(records().map((r) => matchesPattern(pattern, r))).to.deep.equal([
                true,
                true,
                true,
                false, // a summary update (the consumer's own write)
                true,
                true,
                true,
                false, // a TTL removal
            ]);
        });
    });

    describe("against dynalite on loopback", () => {
        let server: {
            listen(port: number, host: string, cb: () => void): void;
            close(cb: () => void): void;
            address(): AddressInfo;
        };
        let client: DynamoDBClient;
        let doc: DynamoDBDocumentClient;
        let table = "";
        let serial = 0;

        before(async () => {
            server = require("dynalite")({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
            await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
            client = new DynamoDBClient({
                endpoint: `http://127.0.0.1:${server.address().port}`,
                region: "us-east-1",
                credentials: { accessKeyId: "test", secretAccessKey: "test" },
            });
            doc = DynamoDBDocumentClient.from(client);
        });
        after(async () => {
            client?.destroy();
            await new Promise<void>((resolve) => server?.close(() => resolve()));
        });
        beforeEach(async () => {
            table = `messages-${++serial}`;
            await client.send(new CreateTableCommand(createTableInput(table)));
        });
        afterEach(async () => {
            await client.send(new DeleteTableCommand({ TableName: table }));
        });

        const handler = (log: Record<string, unknown>[] = []) =>
            createHandler({ store: dynamoSummaryStore(client, table), log: (e) => log.push(e) });
        const summary = async (conversation: string, user: string) => {
            const out = await doc.send(
                new QueryCommand({
                    TableName: table,
                    KeyConditionExpression: "pk = :pk AND sk = :sk",
                    ExpressionAttributeValues: { ":pk": `CONV#${conversation}`, ":sk": `MEMBER#${user}` },
                }),
            );
            return out.Items?.[0];
        };
        const unread = async () => {
            const out = await doc.send(new ScanCommand({ TableName: table }));
            return Object.fromEntries(
                (out.Items ?? []).map((i) => [`${i.conversationId}/${i.userId}`, i.unreadCount as number]),
            );
        };
        const EXPECTED_UNREAD = {
            "c-alice-bob/alice": 0,
            "c-alice-bob/bob": 1,
            "c-team/alice": 0,
            "c-team/bob": 2,
            "c-team/carol": 1,
        };

        it("keeps last message and unread counts; the poison record ends in the failure destination alone", async () => {
            const result = await driveStream(records(), handler(), MAPPING);
            expect(result.filteredOut).to.equal(2);
            expect(await unread()).to.deep.equal(EXPECTED_UNREAD);
            expect(result.failed).to.have.length(1);
            expect(result.failed[0].DDBStreamBatchInfo).to.include({
                startSequenceNumber: POISON_SEQUENCE,
                endSequenceNumber: POISON_SEQUENCE,
                batchSize: 1,
            });
            // 6 delivered records, the poison one 4th: [1-6] fails → [1-3] ok, [4-6] fails → [4,5] fails →
            // [4] fails and is retried 3 times → destination; [5] ok, [6] ok.
            expect(result.invocations.map((i) => i.length)).to.deep.equal([6, 3, 3, 2, 1, 1, 1, 1, 1, 1]);
            const bob = await summary("c-alice-bob", "bob");
            expect(bob).to.deep.include({
                gsi1pk: "USER#bob",
                lastSenderId: "alice",
                lastMessageId: records()[5].dynamodb!.NewImage!.messageId.S,
            });
            expect(bob!.lastMessagePreview).to.have.length(140);
            const alice = await summary("c-alice-bob", "alice");
            expect(alice!.lastReadMessageId, "the sender has read up to their message").to.equal(alice!.lastMessageId);
        });

        it("is idempotent: redelivering the whole stream changes no count", async () => {
            await driveStream(records(), handler(), MAPPING);
            const log: Record<string, unknown>[] = [];
            await driveStream(records(), handler(log), MAPPING);
            expect(await unread()).to.deep.equal(EXPECTED_UNREAD);
            const batches = log.filter((e) => e.message === "batch applied");
            expect(
                batches.reduce((n, e) => n + (e.applied as number), 0),
                "nothing applied twice",
            ).to.equal(0);
        });

        it("lists a user's conversations through the byUser index, latest first", async () => {
            await driveStream(records(), handler(), MAPPING);
            const out = await doc.send(
                new QueryCommand({
                    TableName: table,
                    IndexName: "byUser",
                    KeyConditionExpression: "gsi1pk = :u",
                    ExpressionAttributeValues: { ":u": "USER#alice" },
                    ScanIndexForward: false,
                }),
            );
            expect(out.Items?.map((i) => [i.conversationId, i.lastMessagePreview])).to.deep.equal([
                ["c-team", "On my way"],
                ["c-alice-bob", `Lunch? ${"x".repeat(133)}`],
            ]);
        });

        it("without bisect, the whole batch around the poison record is lost to the destination", async () => {
            const result = await driveStream(records(), handler(), { ...MAPPING, bisectBatchOnFunctionError: false });
            expect(result.failed).to.have.length(1);
            expect(result.failed[0].DDBStreamBatchInfo.batchSize).to.equal(6);
            expect(result.invocations).to.have.length(4);
            // The records after the poison one never reached the summaries.
            expect((await summary("c-team", "bob"))!.unreadCount).to.equal(1);
        });

        it("a failure of the table itself fails the invocation (Lambda retries it)", async () => {
            const missing = createHandler({ store: dynamoSummaryStore(client, "no-such-table"), log: () => undefined });
            const error = await missing({ Records: records().slice(0, 1) }).then(
                () => undefined,
                (e: Error) => e,
            );
            expect(error?.name).to.equal("ResourceNotFoundException");
        });
    });

    describe("bundle", () => {
        it("builds offline into one index.js that loads under node and checks its environment", () => {
            const out = fs.mkdtempSync(path.join(os.tmpdir(), "message-stream-bundle-"));
            try {
                expect(ensureFunctionBundle("message-stream", { outDir: out }).built).to.equal(true);
                const run = (env: Record<string, string>) =>
                    execFileSync(
                        process.execPath,
                        ["-e", `console.log(typeof require(${JSON.stringify(path.join(out, "index.js"))}).handler)`],
                        { cwd: out, env: { PATH: process.env.PATH ?? "", ...env }, stdio: "pipe" },
                    )
                        .toString()
                        .trim();
                expect(run({ TABLE_NAME: "messages", AWS_REGION: "us-east-1" })).to.equal("function");
                expect(() => run({})).to.throw(/TABLE_NAME is not set/);
            } finally {
                fs.rmSync(out, { recursive: true, force: true });
            }
        });
    });
});

import { failsBeforeRegistering, mocksReady, record, type Recording, valueOf } from "./harness/mocks";
import { logGroupsWithoutRetention, wildcardGrants } from "./harness/baseline";
import { expect } from "chai";
import { MessageTable, type MessageTableArgs } from "../components";
import { apiAccessStatements, consumerRolePolicy } from "../components/data/messageTablePolicies";

const TABLE = "aws:dynamodb/table:Table";
const MAPPING = "aws:lambda/eventSourceMapping:EventSourceMapping";
const QUEUE = "aws:sqs/queue:Queue";
const QUEUE_POLICY = "aws:sqs/queuePolicy:QueuePolicy";
const ROLE = "aws:iam/role:Role";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const FUNCTION = "aws:lambda/function:Function";
const LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup";
const KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

describe("MessageTable", function () {
    this.timeout(30_000);
    before(() => mocksReady);

    describe("IAM documents", () => {
        it("gives the consumer the stream, UpdateItem on the table, the queue and its logs, nothing else", () => {
            const doc = consumerRolePolicy({
                tableArn: "arn:aws:dynamodb:us-east-1:123456789012:table/t",
                streamArn: "arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/2026",
                failureQueueArn: "arn:aws:sqs:us-east-1:123456789012:q",
                logGroupArn: "arn:aws:logs:us-east-1:123456789012:log-group:g",
                kms: { keyArn: KEY, region: "us-east-1" },
            });
            expect(doc.Statement.map((s) => [s.Action, s.Resource])).to.deep.equal([
                [
                    ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"],
                    "arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/2026",
                ],
                ["dynamodb:ListStreams", "arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/*"],
                ["dynamodb:UpdateItem", "arn:aws:dynamodb:us-east-1:123456789012:table/t"],
                ["sqs:SendMessage", "arn:aws:sqs:us-east-1:123456789012:q"],
                [["logs:CreateLogStream", "logs:PutLogEvents"], "arn:aws:logs:us-east-1:123456789012:log-group:g:*"],
                [["kms:Decrypt", "kms:GenerateDataKey"], KEY],
            ]);
            expect(doc.Statement[5].Condition).to.deep.equal({
                StringEquals: { "kms:ViaService": "dynamodb.us-east-1.amazonaws.com" },
            });
        });

        it("gives an API exactly its table and index actions", () => {
            expect(apiAccessStatements("T", "T/index/byUser")).to.deep.equal([
                {
                    sid: "MessagesTable",
                    actions: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:UpdateItem"],
                    resources: ["T"],
                },
                { sid: "MessagesByUser", actions: ["dynamodb:Query"], resources: ["T/index/byUser"] },
            ]);
            expect(apiAccessStatements("T", "I", "K")[2]).to.deep.equal({
                sid: "MessagesKey",
                actions: ["kms:Decrypt", "kms:GenerateDataKey"],
                resources: ["K"],
            });
        });
    });

    describe("validation before registration", () => {
        it("lists every bad argument at once", async () => {
            const message = await failsBeforeRegistering(
                () =>
                    new MessageTable("messages", {
                        production: true,
                        deletionProtection: false,
                        kmsKeyArn: "alias/aws/dynamodb",
                        ttlAttribute: "sk",
                        batchSize: 0,
                        maximumRetryAttempts: -1,
                        maximumRecordAgeSeconds: 10,
                        logRetentionDays: 14,
                    } as MessageTableArgs),
            );
            expect(message).to.equal(
                [
                    'MessageTable "messages": invalid values:',
                    "  - deletionProtection: false cannot be turned off for a production table",
                    '  - kmsKeyArn: "alias/aws/dynamodb" is not a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>; an alias cannot be granted in IAM)',
                    '  - ttlAttribute: "sk" is a key attribute of the table',
                    "  - batchSize: 0 is out of range: expected a whole number of records from 1 to 10000",
                    "  - maximumRetryAttempts: -1 is out of range: expected a whole number of retries from 0 to 10000",
                    "  - maximumRecordAgeSeconds: 10 is out of range: expected -1 (no limit) or a whole number of seconds from 60 to 604800",
                    "  - logRetentionDays: 14 is below 30: production keeps logs at least 30 days",
                ].join("\n"),
            );
        });
    });

    describe("dev (defaults)", () => {
        let rec: Recording;
        let messages: MessageTable;
        before(async () => {
            rec = await record(() => {
                messages = new MessageTable("messages", { tags: { Project: "aws-webapp" } });
            });
        });

        it("is an on-demand table keyed by conversation and message id, with the byUser index", () => {
            const t = rec.one(TABLE).inputs;
            expect(t).to.include({ billingMode: "PAY_PER_REQUEST", hashKey: "pk", rangeKey: "sk" });
            expect(t.globalSecondaryIndexes).to.deep.equal([
                { name: "byUser", hashKey: "gsi1pk", rangeKey: "gsi1sk", projectionType: "ALL" },
            ]);
            expect(t.attributes.map((a: any) => a.name)).to.deep.equal(["pk", "sk", "gsi1pk", "gsi1sk"]);
            expect(messages.indexNames).to.deep.equal({ byUser: "byUser" });
        });

        it("has point-in-time recovery, an AWS owned key, a NEW_IMAGE stream, no TTL, no protection", () => {
            const t = rec.one(TABLE);
            expect(t.inputs.pointInTimeRecovery).to.deep.equal({ enabled: true });
            // No block = the AWS owned key; AWSGuard reads `enabled: false` as unencrypted.
            expect(t.inputs.serverSideEncryption).to.equal(undefined);
            expect(t.inputs).to.include({ streamEnabled: true, streamViewType: "NEW_IMAGE" });
            expect(t.inputs.ttl).to.equal(undefined);
            expect(t.inputs.deletionProtectionEnabled).to.equal(false);
            expect([t.protect, t.retainOnDelete]).to.deep.equal([false, false]);
        });

        it("maps the stream to the consumer with batch size, bisect, retries and the failure queue", () => {
            const m = rec.one(MAPPING).inputs;
            expect(m).to.include({
                startingPosition: "LATEST",
                batchSize: 100,
                bisectBatchOnFunctionError: true,
                maximumRetryAttempts: 3,
                maximumRecordAgeInSeconds: 86400,
                functionName: rec.one(FUNCTION).state.arn,
            });
            expect(m.eventSourceArn).to.equal(rec.one(TABLE).state.streamArn);
            expect(m.destinationConfig).to.deep.equal({ onFailure: { destinationArn: rec.one(QUEUE).state.arn } });
            expect(JSON.parse(m.filterCriteria.filters[0].pattern)).to.deep.equal({
                eventName: ["INSERT"],
                dynamodb: { Keys: { sk: { S: [{ prefix: "MSG#" }] } } },
            });
        });

        it("encrypts the failure queue and refuses plain HTTP to it", () => {
            expect(rec.one(QUEUE).inputs.sqsManagedSseEnabled).to.equal(true);
            const policy = JSON.parse(rec.one(QUEUE_POLICY).inputs.policy);
            expect(policy.Statement).to.deep.equal([
                {
                    Sid: "DenyInsecureTransport",
                    Effect: "Deny",
                    Principal: "*",
                    Action: "sqs:*",
                    Resource: rec.one(QUEUE).state.arn,
                    Condition: { Bool: { "aws:SecureTransport": "false" } },
                },
            ]);
        });

        it("runs the consumer with its own role, scoped to this table, queue and log group", () => {
            const policy = JSON.parse(rec.one(ROLE_POLICY).inputs.policy);
            const resources = policy.Statement.flatMap((s: any) => [s.Resource].flat());
            const tableArn = rec.one(TABLE).state.arn;
            expect(resources).to.include.members([tableArn, rec.one(QUEUE).state.arn]);
            expect(resources.every((r: string) => r.startsWith(tableArn) || !r.includes("dynamodb"))).to.equal(true);
            const trust = JSON.parse(rec.one(ROLE).inputs.assumeRolePolicy);
            expect(trust.Statement[0].Condition).to.deep.equal({
                StringEquals: { "aws:SourceAccount": "123456789012" },
            });
            expect(rec.one(FUNCTION).inputs.environment.variables).to.deep.equal({
                TABLE_NAME: rec.one(TABLE).state.name,
            });
            expect(rec.one(FUNCTION).inputs.vpcConfig).to.equal(undefined);
        });

        it("meets the security baseline and tags every taggable child", () => {
            expect(wildcardGrants(rec)).to.deep.equal([]);
            expect(logGroupsWithoutRetention(rec)).to.deep.equal([]);
            expect(rec.one(LOG_GROUP).inputs.retentionInDays).to.equal(7);
            for (const r of rec.resources.filter((x) => x.inputs.tags !== undefined)) {
                expect(r.inputs.tags, r.name).to.deep.equal({ Project: "aws-webapp", Name: r.name });
            }
        });

        it("outputs what an API needs: table, stream, index ARN and task role statements", async () => {
            const tableArn = rec.one(TABLE).state.arn;
            expect(await valueOf(messages.tableArn)).to.equal(tableArn);
            expect(await valueOf(messages.byUserIndexArn)).to.equal(`${tableArn}/index/byUser`);
            const statements = messages.apiStatements();
            expect(statements).to.have.length(2);
            expect(await valueOf(statements[0].resources[0])).to.equal(tableArn);
            expect(await valueOf(statements[1].resources[0])).to.equal(`${tableArn}/index/byUser`);
        });
    });

    describe("prod (customer managed key, TTL)", () => {
        let rec: Recording;
        let messages: MessageTable;
        before(async () => {
            rec = await record(() => {
                messages = new MessageTable("messages", {
                    production: true,
                    kmsKeyArn: KEY,
                    ttlAttribute: "expiresAt",
                });
            });
        });

        it("is deletion-protected, protected and retained", () => {
            const t = rec.one(TABLE);
            expect(t.inputs.deletionProtectionEnabled).to.equal(true);
            expect([t.protect, t.retainOnDelete]).to.deep.equal([true, true]);
            expect(rec.one(LOG_GROUP).inputs.retentionInDays).to.equal(30);
        });

        it("encrypts with the customer key, expires items by TTL, and grants the key to the API", async () => {
            const t = rec.one(TABLE).inputs;
            expect(t.serverSideEncryption).to.deep.equal({ enabled: true, kmsKeyArn: KEY });
            expect(t.ttl).to.deep.equal({ enabled: true, attributeName: "expiresAt" });
            const statements = messages.apiStatements();
            expect(statements.map((s) => s.sid)).to.deep.equal(["MessagesTable", "MessagesByUser", "MessagesKey"]);
            expect(await valueOf(statements[2].resources[0])).to.equal(KEY);
        });
    });
});

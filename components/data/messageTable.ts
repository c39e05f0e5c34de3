import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { nameTags } from "../shared/tags";
import { ValidationError } from "../shared/validation";
import { ensureFunctionBundle } from "./functionBundle";
import { BY_USER_INDEX, STREAM_ENV } from "./messageKeys";
import {
    apiAccessStatements,
    consumerRolePolicy,
    consumerTrustPolicy,
    failureQueuePolicy,
    MESSAGE_TABLE_SCHEMA,
    streamFilterPattern,
    type TableAccessStatement,
} from "./messageTablePolicies";
import { resolveMessageTableSettings } from "./messageTableSettings";

/**
 * Arguments of {@link MessageTable}. Switches, sizes and names are plain
 * values (validated before anything is registered); the key ARN may be an Output.
 */
export interface MessageTableArgs {
    /**
     * Production switch: deletion protection on (and not removable), the
     * table registered with `protect` and `retainOnDelete`, logs kept at
     * least 30 days.
     * @default false
     */
    readonly production?: boolean;
    /** DynamoDB deletion protection (cannot be turned off in production). @default production */
    readonly deletionProtection?: boolean;
    /**
     * Customer managed KMS key (key ARN) for the table and its stream; the
     * consumer may use it through DynamoDB only.
     * @default undefined (an AWS owned key, free)
     */
    readonly kmsKeyArn?: pulumi.Input<string>;
    /**
     * Attribute holding an expiry time (epoch seconds) after which DynamoDB
     * deletes an item, e.g. `expiresAt`.
     * @default undefined (no TTL)
     */
    readonly ttlAttribute?: string;
    /** Records per consumer invocation, 1 to 10000. @default 100 */
    readonly batchSize?: number;
    /** Seconds to gather records before invoking, 0 to 300. @default 0 */
    readonly batchingWindowSeconds?: number;
    /**
     * Retries of a failing batch (0 to 10000) before its description goes to
     * the failure queue.
     * @default 3
     */
    readonly maximumRetryAttempts?: number;
    /** Oldest record (seconds, 60 to 604800, or -1 for no limit) still processed. @default 86400 */
    readonly maximumRecordAgeSeconds?: number;
    /** Split a failing batch in two and retry the halves (isolates a bad record). @default true */
    readonly bisectBatchOnError?: boolean;
    /** Retention of the consumer's log group (at least 30 in production). @default 30 in production, else 7 */
    readonly logRetentionDays?: number;
    /** Tags merged into every taggable child (each also gets a `Name` tag). @default {} */
    readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * Each table's customer managed key, kept outside the instance: every
 * instance property would become an output of the component's schema.
 */
const tableKeys = new WeakMap<object, pulumi.Input<string> | undefined>();

/** Names of the table's secondary indexes. */
export interface MessageTableIndexNames {
    /** A user's conversations, latest first: gsi1pk = `USER#<id>`, gsi1sk = last message id. */
    readonly byUser: string;
}

/**
 * Direct messages in DynamoDB: an on-demand table keyed by conversation
 * (`pk`) and time-sortable message id (`sk`), a `byUser` index of each
 * user's conversations, point-in-time recovery, encryption (AWS owned or
 * customer managed key), TTL by choice, and a stream of new messages consumed
 * by a Lambda function that keeps each participant's summary (last message,
 * unread count) idempotently, with bisect-on-error, bounded retries and an
 * encrypted, TLS-only SQS queue for batches that still fail.
 */
export class MessageTable extends pulumi.ComponentResource {
    public static readonly TYPE = "aws-webapp:index:MessageTable";

    /** Name of the table. */
    public readonly tableName: pulumi.Output<string>;
    /** ARN of the table. */
    public readonly tableArn: pulumi.Output<string>;
    /** ARN of the table's stream (new images). */
    public readonly streamArn: pulumi.Output<string>;
    /** Names of the secondary indexes. */
    public readonly indexNames: MessageTableIndexNames;
    /** ARN of the byUser index. */
    public readonly byUserIndexArn: pulumi.Output<string>;
    /** Name of the stream consumer (for an Errors / IteratorAge alarm). */
    public readonly consumerFunctionName: pulumi.Output<string>;
    /** ARN of the consumer's execution role. */
    public readonly consumerRoleArn: pulumi.Output<string>;
    /** Log group of the consumer. */
    public readonly consumerLogGroupName: pulumi.Output<string>;
    /** Name of the failure queue (alarm on ApproximateNumberOfMessagesVisible > 0). */
    public readonly failureQueueName: pulumi.Output<string>;
    /** ARN of the failure queue. */
    public readonly failureQueueArn: pulumi.Output<string>;
    /** URL of the failure queue. */
    public readonly failureQueueUrl: pulumi.Output<string>;

    constructor(name: string, args: MessageTableArgs = {}, opts?: pulumi.ComponentResourceOptions) {
        // Defaults, validation and the consumer's bundle before super(): bad input registers nothing.
        const s = resolveMessageTableSettings(name, args);
        let bundleDir: string;
        try {
            bundleDir = ensureFunctionBundle("message-stream").dir;
        } catch (e) {
            throw new ValidationError(`MessageTable "${name}"`, [`consumer bundle: ${(e as Error).message}`]);
        }
        super(MessageTable.TYPE, name, {}, opts);

        const child = { parent: this };
        const tags = (n: string) => nameTags(n, args.tags);
        const accountId = aws.getCallerIdentityOutput({}, child).accountId;
        const region = aws.getRegionOutput({}, child).region;
        tableKeys.set(this, args.kmsKeyArn);

        const tableName = `${name}-table`;
        const table = new aws.dynamodb.Table(
            tableName,
            {
                billingMode: "PAY_PER_REQUEST",
                hashKey: MESSAGE_TABLE_SCHEMA.hashKey,
                rangeKey: MESSAGE_TABLE_SCHEMA.rangeKey,
                attributes: MESSAGE_TABLE_SCHEMA.attributes.map((x) => ({ ...x })),
                globalSecondaryIndexes: MESSAGE_TABLE_SCHEMA.globalSecondaryIndexes.map((x) => ({ ...x })),
                pointInTimeRecovery: { enabled: true },
                // Without a customer key the block is left out: DynamoDB encrypts with an AWS owned key
                // (free). `{ enabled: false }` would mean the same to AWS but reads as "unencrypted" to
                // policy checks such as AWSGuard's dynamodb-table-encryption-enabled.
                serverSideEncryption:
                    args.kmsKeyArn === undefined ? undefined : { enabled: true, kmsKeyArn: args.kmsKeyArn },
                ttl: s.ttlAttribute ? { enabled: true, attributeName: s.ttlAttribute } : undefined,
                streamEnabled: true,
                streamViewType: "NEW_IMAGE",
                deletionProtectionEnabled: s.deletionProtection,
                tags: tags(tableName),
            },
            { ...child, protect: s.production, retainOnDelete: s.production },
        );

        // Batches that still fail after the retries: their description (shard, sequence numbers) lands here.
        const queueName = `${name}-stream-failures`;
        const queue = new aws.sqs.Queue(
            queueName,
            { messageRetentionSeconds: 14 * 24 * 3600, sqsManagedSseEnabled: true, tags: tags(queueName) },
            child,
        );
        const queuePolicy = new aws.sqs.QueuePolicy(
            `${queueName}-policy`,
            { queueUrl: queue.url, policy: queue.arn.apply((arn) => JSON.stringify(failureQueuePolicy(arn))) },
            child,
        );

        const logName = `${name}-consumer-logs`;
        const logGroup = new aws.cloudwatch.LogGroup(
            logName,
            {
                name: `/aws/lambda/${pulumi.getProject()}-${pulumi.getStack()}/${name}-stream-consumer`,
                retentionInDays: s.logRetentionDays,
                tags: tags(logName),
            },
            { ...child, deleteBeforeReplace: true },
        );

        const roleName = `${name}-consumer-role`;
        const role = new aws.iam.Role(
            roleName,
            {
                description: `Execution role of the ${name} message stream consumer`,
                assumeRolePolicy: accountId.apply((a) => JSON.stringify(consumerTrustPolicy(a))),
                tags: tags(roleName),
            },
            child,
        );
        const rolePolicy = new aws.iam.RolePolicy(
            `${name}-consumer-policy`,
            {
                role: role.id,
                policy: pulumi
                    .all([table.arn, table.streamArn, queue.arn, logGroup.arn, args.kmsKeyArn, region])
                    .apply(([tableArn, streamArn, failureQueueArn, logGroupArn, keyArn, r]) =>
                        JSON.stringify(
                            consumerRolePolicy({
                                tableArn,
                                streamArn,
                                failureQueueArn,
                                logGroupArn,
                                kms: keyArn ? { keyArn, region: r } : undefined,
                            }),
                        ),
                    ),
            },
            child,
        );

        const fnName = `${name}-stream-consumer`;
        const fn = new aws.lambda.Function(
            fnName,
            {
                description: `Keeps conversation summaries of ${name} from its DynamoDB stream`,
                role: role.arn,
                runtime: aws.lambda.Runtime.NodeJS22dX,
                handler: "index.handler",
                code: new pulumi.asset.FileArchive(bundleDir),
                architectures: ["arm64"],
                memorySize: 256,
                timeout: 30,
                environment: { variables: { [STREAM_ENV.tableName]: table.name } },
                loggingConfig: {
                    logFormat: "JSON",
                    logGroup: logGroup.name,
                    applicationLogLevel: "INFO",
                    systemLogLevel: "WARN",
                },
                tags: tags(fnName),
            },
            { ...child, dependsOn: [logGroup, rolePolicy] },
        );

        new aws.lambda.EventSourceMapping(
            `${name}-stream-mapping`,
            {
                eventSourceArn: table.streamArn,
                functionName: fn.arn,
                startingPosition: "LATEST",
                batchSize: s.batchSize,
                maximumBatchingWindowInSeconds: s.batchingWindowSeconds,
                bisectBatchOnFunctionError: s.bisectBatchOnError,
                maximumRetryAttempts: s.maximumRetryAttempts,
                maximumRecordAgeInSeconds: s.maximumRecordAgeSeconds,
                parallelizationFactor: 1,
                filterCriteria: { filters: [{ pattern: streamFilterPattern() }] },
                destinationConfig: { onFailure: { destinationArn: queue.arn } },
                tags: tags(`${name}-stream-mapping`),
            },
            { ...child, dependsOn: [rolePolicy, queuePolicy] },
        );

        this.tableName = table.name;
        this.tableArn = table.arn;
        this.streamArn = table.streamArn;
        this.indexNames = { byUser: BY_USER_INDEX };
        this.byUserIndexArn = table.arn.apply((arn) => `${arn}/index/${BY_USER_INDEX}`);
        this.consumerFunctionName = fn.name;
        this.consumerRoleArn = role.arn;
        this.consumerLogGroupName = logGroup.name;
        this.failureQueueName = queue.name;
        this.failureQueueArn = queue.arn;
        this.failureQueueUrl = queue.url;
        this.registerOutputs({
            tableName: this.tableName,
            tableArn: this.tableArn,
            streamArn: this.streamArn,
            indexNames: this.indexNames,
            byUserIndexArn: this.byUserIndexArn,
            consumerFunctionName: this.consumerFunctionName,
            consumerRoleArn: this.consumerRoleArn,
            consumerLogGroupName: this.consumerLogGroupName,
            failureQueueName: this.failureQueueName,
            failureQueueArn: this.failureQueueArn,
            failureQueueUrl: this.failureQueueUrl,
        });
    }

    /**
     * The statements an API's task role needs for exactly the API's actions
     * (EcsEc2Service `taskRoleStatements`): GetItem, PutItem, Query and
     * UpdateItem on the table, Query on the byUser index, and the table's
     * key when it has a customer managed one.
     */
    public apiStatements(): TableAccessStatement<pulumi.Output<string>>[] {
        const keyArn = tableKeys.get(this);
        return apiAccessStatements(
            this.tableArn,
            this.byUserIndexArn,
            keyArn === undefined ? undefined : pulumi.output(keyArn),
        );
    }
}

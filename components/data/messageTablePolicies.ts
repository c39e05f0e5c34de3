/**
 * Pure pieces of MessageTable: the table's schema, the consumer's IAM
 * documents, the failure queue's policy, the stream filter and the
 * statements an API's task role needs. Unit-tested directly.
 */
import { BY_USER_INDEX, MESSAGE_KEYS, MESSAGE_PREFIX } from "./messageKeys";
import { type PolicyDocument, policyDocument as doc, type PolicyStatement } from "../shared/iamDocuments";
/** The execution role's trust policy (one definition: components/shared/iamDocuments.ts). */
export { lambdaTrustPolicy as consumerTrustPolicy } from "../shared/iamDocuments";
export type { PolicyDocument, PolicyStatement };

/** Key attributes and the byUser index, in the shape of both Pulumi's Table args and CreateTable. */
export const MESSAGE_TABLE_SCHEMA = {
    hashKey: MESSAGE_KEYS.pk,
    rangeKey: MESSAGE_KEYS.sk,
    attributes: [
        { name: MESSAGE_KEYS.pk, type: "S" },
        { name: MESSAGE_KEYS.sk, type: "S" },
        { name: MESSAGE_KEYS.gsi1pk, type: "S" },
        { name: MESSAGE_KEYS.gsi1sk, type: "S" },
    ],
    globalSecondaryIndexes: [
        {
            name: BY_USER_INDEX,
            hashKey: MESSAGE_KEYS.gsi1pk,
            rangeKey: MESSAGE_KEYS.gsi1sk,
            projectionType: "ALL",
        },
    ],
} as const;

/**
 * Event filter of the stream mapping: only inserted messages invoke the
 * consumer (its own summary updates, removals and TTL expiries do not, so it
 * never triggers itself).
 */
export function streamFilterPattern(): string {
    return JSON.stringify({
        eventName: ["INSERT"],
        dynamodb: { Keys: { [MESSAGE_KEYS.sk]: { S: [{ prefix: MESSAGE_PREFIX }] } } },
    });
}

export interface ConsumerPermissions {
    readonly tableArn: string;
    readonly streamArn: string;
    readonly failureQueueArn: string;
    /** ARN of the consumer's log group (without `:*`). */
    readonly logGroupArn: string;
    /** The table's customer managed key, used through DynamoDB only. */
    readonly kms?: { readonly keyArn: string; readonly region: string };
}

/**
 * The consumer's only policy: read the table's stream, update summaries in
 * the table, send failed batches' descriptions to the failure queue, write
 * its own logs (and use the table's key through DynamoDB).
 */
export function consumerRolePolicy(p: ConsumerPermissions): PolicyDocument {
    const statements: PolicyStatement[] = [
        {
            Sid: "ReadStream",
            Effect: "Allow",
            Action: ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"],
            Resource: p.streamArn,
        },
        { Sid: "ListStreams", Effect: "Allow", Action: "dynamodb:ListStreams", Resource: `${p.tableArn}/stream/*` },
        { Sid: "UpdateSummaries", Effect: "Allow", Action: "dynamodb:UpdateItem", Resource: p.tableArn },
        { Sid: "SendFailedBatches", Effect: "Allow", Action: "sqs:SendMessage", Resource: p.failureQueueArn },
        {
            Sid: "WriteOwnLogs",
            Effect: "Allow",
            Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
            Resource: `${p.logGroupArn}:*`,
        },
    ];
    if (p.kms) statements.push(kmsThroughDynamoDb(p.kms.keyArn, p.kms.region));
    return doc(...statements);
}

function kmsThroughDynamoDb(keyArn: string, region: string): PolicyStatement {
    return {
        Sid: "UseTableKeyThroughDynamoDb",
        Effect: "Allow",
        Action: ["kms:Decrypt", "kms:GenerateDataKey"],
        Resource: keyArn,
        Condition: { StringEquals: { "kms:ViaService": `dynamodb.${region}.amazonaws.com` } },
    };
}

/** Failure queue policy: refuse every request not made over TLS (it grants nothing). */
export function failureQueuePolicy(queueArn: string): PolicyDocument {
    return doc({
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "sqs:*",
        Resource: queueArn,
        Condition: { Bool: { "aws:SecureTransport": "false" } },
    });
}

/** A statement for EcsEc2Service's `taskRoleStatements` (the same shape). */
export interface TableAccessStatement<T = string> {
    readonly sid: string;
    readonly actions: string[];
    readonly resources: T[];
}

/**
 * What the API's task role needs, exactly: read, write and page through a
 * conversation's messages and update a participant's summary (mark read) on
 * the table; list a user's conversations on the byUser index; with a
 * customer managed key, decrypt and encrypt with it.
 */
export function apiAccessStatements<T>(tableArn: T, indexArn: T, keyArn?: T): TableAccessStatement<T>[] {
    const statements: TableAccessStatement<T>[] = [
        {
            sid: "MessagesTable",
            actions: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:UpdateItem"],
            resources: [tableArn],
        },
        { sid: "MessagesByUser", actions: ["dynamodb:Query"], resources: [indexArn] },
    ];
    if (keyArn !== undefined) {
        statements.push({ sid: "MessagesKey", actions: ["kms:Decrypt", "kms:GenerateDataKey"], resources: [keyArn] });
    }
    return statements;
}

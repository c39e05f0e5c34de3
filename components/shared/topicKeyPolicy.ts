/**
 * Key policy of a customer managed KMS key that encrypts an SNS topic which
 * AWS services (CloudWatch alarms, AWS Budgets) publish to. The AWS managed
 * `alias/aws/sns` key cannot serve such a topic: its policy does not let those
 * services use it, so their notifications would be dropped.
 */

/** Key administration actions granted to the account (delegated to its IAM policies). */
export const KEY_ADMIN_ACTIONS = [
    "kms:Create*",
    "kms:Describe*",
    "kms:Enable*",
    "kms:List*",
    "kms:Put*",
    "kms:Update*",
    "kms:Revoke*",
    "kms:Disable*",
    "kms:Get*",
    "kms:Delete*",
    "kms:TagResource",
    "kms:UntagResource",
    "kms:ScheduleKeyDeletion",
    "kms:CancelKeyDeletion",
    "kms:RotateKeyOnDemand",
] as const;

/** What a publisher to a KMS-encrypted SNS topic needs on the key. */
export const KEY_PUBLISH_ACTIONS = ["kms:Decrypt", "kms:GenerateDataKey*"] as const;

/** An AWS service allowed to publish, limited to its resources of this account. */
export interface TopicPublisher {
    /** Service principal, e.g. `cloudwatch.amazonaws.com`. */
    readonly service: string;
    /** Statement id. */
    readonly sid: string;
    /** ARN pattern of the publishing resources, e.g. `arn:aws:cloudwatch:us-east-1:123456789012:alarm:*`. */
    readonly sourceArn: string;
}

export interface TopicKeyScope {
    readonly accountId: string;
    readonly partition: string;
    /** Region of the topic (SNS uses the key there). */
    readonly region: string;
}

/**
 * Statements: the account administers the key through IAM (without this the
 * key would be unmanageable); the account's principals may use it only
 * through SNS in the topic's region; each publisher service may generate data
 * keys and decrypt for its own resources of this account (confused-deputy
 * conditions). `Resource: "*"` in a key policy means this key only.
 */
export function topicKeyPolicy(scope: TopicKeyScope, publishers: readonly TopicPublisher[]) {
    const root = `arn:${scope.partition}:iam::${scope.accountId}:root`;
    return {
        Version: "2012-10-17" as const,
        Statement: [
            {
                Sid: "AccountAdministersKey",
                Effect: "Allow" as const,
                Principal: { AWS: root },
                Action: [...KEY_ADMIN_ACTIONS],
                Resource: "*",
            },
            {
                Sid: "AccountUsesKeyThroughSns",
                Effect: "Allow" as const,
                Principal: { AWS: root },
                Action: [...KEY_PUBLISH_ACTIONS],
                Resource: "*",
                Condition: {
                    StringEquals: {
                        "kms:ViaService": `sns.${scope.region}.amazonaws.com`,
                        "kms:CallerAccount": scope.accountId,
                    },
                },
            },
            ...publishers.map((p) => ({
                Sid: p.sid,
                Effect: "Allow" as const,
                Principal: { Service: p.service },
                Action: [...KEY_PUBLISH_ACTIONS],
                Resource: "*",
                Condition: {
                    StringEquals: { "aws:SourceAccount": scope.accountId },
                    ArnLike: { "aws:SourceArn": p.sourceArn },
                },
            })),
        ],
    };
}

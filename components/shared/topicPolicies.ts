/**
 * Policies of an SNS topic that AWS services (CloudWatch alarms, AWS Budgets)
 * publish to, and of the customer managed KMS key that encrypts it. The AWS
 * managed `alias/aws/sns` key cannot serve such a topic: its policy does not
 * let those services use it, so their notifications would be dropped.
 */

/** One statement of an IAM, resource or key policy. */
export interface PolicyStatement {
    readonly Sid: string;
    readonly Effect: "Allow" | "Deny";
    readonly Principal: "*" | { readonly Service: string } | { readonly AWS: string };
    readonly Action: string | readonly string[];
    readonly Resource: string;
    readonly Condition?: Record<string, Record<string, string>>;
}

/** An IAM policy document. */
export interface PolicyDocument {
    readonly Version: "2012-10-17";
    readonly Statement: readonly PolicyStatement[];
}

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
    /** Statement id, e.g. `AllowCloudWatchAlarmsOfThisAccount`. */
    readonly sid: string;
    /** Service principal, e.g. `cloudwatch.amazonaws.com`. */
    readonly service: string;
    /** ARN pattern of the publishing resources, e.g. `arn:aws:cloudwatch:us-east-1:123456789012:alarm:*`. */
    readonly sourceArn: string;
}

/** The account, partition and region of a topic. */
export interface TopicKeyScope {
    readonly accountId: string;
    readonly partition: string;
    /** Region of the topic (SNS uses the key there). */
    readonly region: string;
}

/** ARN pattern of every CloudWatch alarm of the account in a region. */
export function accountAlarmsArn(scope: TopicKeyScope): string {
    return `arn:${scope.partition}:cloudwatch:${scope.region}:${scope.accountId}:alarm:*`;
}

/** The publisher entry for this account's CloudWatch alarms in the topic's region. */
export function cloudWatchAlarmsPublisher(scope: TopicKeyScope): TopicPublisher {
    return {
        sid: "AllowCloudWatchAlarmsOfThisAccount",
        service: "cloudwatch.amazonaws.com",
        sourceArn: accountAlarmsArn(scope),
    };
}

const confusedDeputy = (accountId: string, p: TopicPublisher) => ({
    StringEquals: { "aws:SourceAccount": accountId },
    ArnLike: { "aws:SourceArn": p.sourceArn },
});

/**
 * Topic access policy: each publisher service may publish to this topic for
 * its own resources of this account (`aws:SourceAccount` plus
 * `aws:SourceArn`, against the confused deputy) and do nothing else;
 * publishing without TLS is refused. The account's own IAM principals need no
 * statement here (their IAM policies suffice within the account).
 */
export function topicAccessPolicy(
    topicArn: string,
    accountId: string,
    publishers: readonly TopicPublisher[],
): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            ...publishers.map((p) => ({
                Sid: p.sid,
                Effect: "Allow" as const,
                Principal: { Service: p.service },
                Action: "SNS:Publish",
                Resource: topicArn,
                Condition: confusedDeputy(accountId, p),
            })),
            {
                Sid: "DenyPublishWithoutTls",
                Effect: "Deny",
                Principal: "*",
                Action: "SNS:Publish",
                Resource: topicArn,
                Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
        ],
    };
}

/**
 * Key policy: the account administers the key through IAM (without this the
 * key would be unmanageable); the account's principals may use it only
 * through SNS in the topic's region; each publisher service may generate data
 * keys and decrypt, as SNS requires of a publisher, for its own resources of
 * this account. `Resource: "*"` in a key policy means this key only.
 */
export function topicKeyPolicy(scope: TopicKeyScope, publishers: readonly TopicPublisher[]): PolicyDocument {
    const root = `arn:${scope.partition}:iam::${scope.accountId}:root`;
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "AccountAdministersKey",
                Effect: "Allow",
                Principal: { AWS: root },
                Action: [...KEY_ADMIN_ACTIONS],
                Resource: "*",
            },
            {
                Sid: "AccountUsesKeyThroughSns",
                Effect: "Allow",
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
                Condition: confusedDeputy(scope.accountId, p),
            })),
        ],
    };
}

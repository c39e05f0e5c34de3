import * as crypto from "crypto";
import type * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** Billing metrics are published only in us-east-1, whatever region the stack uses. */
export const BILLING_REGION = "us-east-1";

/**
 * Alarm period: 6 hours. AWS publishes `AWS/Billing EstimatedCharges` only a
 * few times a day (roughly every 4 to 6 hours), so a shorter period leaves
 * most periods empty and the rate would be computed from nothing; with 6 h
 * nearly every period holds a fresh data point, and a runaway charge is seen
 * within a quarter of a day rather than the day a 86400 s period (the design
 * note's) would take.
 */
export const BILLING_PERIOD_SECONDS = 21600;

/**
 * Daily-rate metric math (design note 000): RATE(m1) is the change per second
 * between the last two data points of the cumulative month-to-date charge;
 * times 86400 it is USD per day. The IF keeps the first data point of a month,
 * when the charge resets to near zero and the rate is negative, at 0.
 */
export const DAILY_RATE_EXPRESSION = "IF(RATE(m1)>0,RATE(m1)*86400,0)";

/** Label of the returned series, shown in the console and notifications. */
export const DAILY_RATE_LABEL = "Estimated charges, USD per day";

/** The EstimatedCharges metric in USD, as a metric-math input. */
export const ESTIMATED_CHARGES = {
    namespace: "AWS/Billing",
    metricName: "EstimatedCharges",
    dimensions: { Currency: "USD" },
} as const;

/** The metric queries of the daily-rate alarm: `m1` (hidden) and `e1` (returned). */
export function dailyRateQueries(period = BILLING_PERIOD_SECONDS): aws.types.input.cloudwatch.MetricAlarmMetricQuery[] {
    return [
        {
            id: "m1",
            metric: {
                namespace: ESTIMATED_CHARGES.namespace,
                metricName: ESTIMATED_CHARGES.metricName,
                dimensions: { ...ESTIMATED_CHARGES.dimensions },
                period,
                stat: "Maximum",
            },
            returnData: false,
        },
        {
            id: "e1",
            expression: DAILY_RATE_EXPRESSION,
            label: DAILY_RATE_LABEL,
            returnData: true,
        },
    ];
}

/** Budget notification thresholds: 80 % of actual and 100 % of forecasted monthly spend. */
export const BUDGET_ALERTS = [
    { notificationType: "ACTUAL", threshold: 80 },
    { notificationType: "FORECASTED", threshold: 100 },
] as const;

/** The budget's notifications, each delivered to the billing topic. */
export function budgetNotifications(topicArn: pulumi.Input<string>): aws.types.input.budgets.BudgetNotification[] {
    return BUDGET_ALERTS.map((alert) => ({
        notificationType: alert.notificationType,
        threshold: alert.threshold,
        thresholdType: "PERCENTAGE",
        comparisonOperator: "GREATER_THAN",
        subscriberSnsTopicArns: [topicArn],
    }));
}

/** A budget amount as AWS Budgets takes it (a decimal string). */
export function formatUsd(amount: number): string {
    return String(amount);
}

/**
 * Logical name of one email subscription: derived from the address, not its
 * position, so reordering or removing one address does not replace (and
 * re-send confirmation mails to) the others.
 */
export function emailSubscriptionName(name: string, email: string): string {
    const digest = crypto.createHash("sha256").update(email.toLowerCase()).digest("hex");
    return `${name}-email-${digest.slice(0, 10)}`;
}

/** One IAM policy statement, as AWS renders it. */
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

/** Where the billing topic lives. */
export interface TopicScope {
    /** Account that owns the topic, the alarms and the budget. */
    readonly accountId: string;
    /** AWS partition (`aws`, `aws-us-gov`, ...). */
    readonly partition: string;
}

/** ARN pattern of every CloudWatch alarm of the account in the billing region. */
export function accountAlarmsArn(scope: TopicScope): string {
    return `arn:${scope.partition}:cloudwatch:${BILLING_REGION}:${scope.accountId}:alarm:*`;
}

/** ARN pattern of every budget of the account (budgets are global: no region). */
export function accountBudgetsArn(scope: TopicScope): string {
    return `arn:${scope.partition}:budgets::${scope.accountId}:*`;
}

/**
 * Topic access policy: CloudWatch alarms and AWS Budgets of this account (and
 * only of this account: `aws:SourceAccount` plus `aws:SourceArn`, against the
 * confused deputy) may publish to this topic and do nothing else; publishing
 * without TLS is refused. The account's own IAM principals need no statement
 * here (their IAM policies suffice within the account).
 */
export function billingTopicPolicy(topicArn: string, scope: TopicScope): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "AllowCloudWatchAlarmsOfThisAccount",
                Effect: "Allow",
                Principal: { Service: "cloudwatch.amazonaws.com" },
                Action: "SNS:Publish",
                Resource: topicArn,
                Condition: {
                    StringEquals: { "aws:SourceAccount": scope.accountId },
                    ArnLike: { "aws:SourceArn": accountAlarmsArn(scope) },
                },
            },
            {
                Sid: "AllowBudgetsOfThisAccount",
                Effect: "Allow",
                Principal: { Service: "budgets.amazonaws.com" },
                Action: "SNS:Publish",
                Resource: topicArn,
                Condition: {
                    StringEquals: { "aws:SourceAccount": scope.accountId },
                    ArnLike: { "aws:SourceArn": accountBudgetsArn(scope) },
                },
            },
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

/**
 * Policy of the customer managed key that encrypts the billing topic. The
 * AWS managed `alias/aws/sns` key cannot be used: its policy does not let
 * CloudWatch or Budgets use it, so their notifications would be dropped.
 * Statements: the account administers the key through IAM (without this the
 * key would be unmanageable); the account's principals may use it only
 * through SNS in us-east-1 (to publish test messages); CloudWatch alarms and
 * Budgets of this account may generate data keys and decrypt, as SNS requires
 * of a publisher. `Resource: "*"` in a key policy means this key only.
 */
export function billingTopicKeyPolicy(scope: TopicScope): PolicyDocument {
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
                        "kms:ViaService": `sns.${BILLING_REGION}.amazonaws.com`,
                        "kms:CallerAccount": scope.accountId,
                    },
                },
            },
            {
                Sid: "AllowCloudWatchAlarmsOfThisAccount",
                Effect: "Allow",
                Principal: { Service: "cloudwatch.amazonaws.com" },
                Action: [...KEY_PUBLISH_ACTIONS],
                Resource: "*",
                Condition: {
                    StringEquals: { "aws:SourceAccount": scope.accountId },
                    ArnLike: { "aws:SourceArn": accountAlarmsArn(scope) },
                },
            },
            {
                Sid: "AllowBudgetsOfThisAccount",
                Effect: "Allow",
                Principal: { Service: "budgets.amazonaws.com" },
                Action: [...KEY_PUBLISH_ACTIONS],
                Resource: "*",
                Condition: {
                    StringEquals: { "aws:SourceAccount": scope.accountId },
                    ArnLike: { "aws:SourceArn": accountBudgetsArn(scope) },
                },
            },
        ],
    };
}

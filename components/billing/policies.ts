import * as crypto from "crypto";
import type * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
    accountAlarmsArn as sharedAccountAlarmsArn,
    cloudWatchAlarmsPublisher,
    topicAccessPolicy,
    topicKeyPolicy,
    type PolicyDocument,
    type TopicKeyScope,
    type TopicPublisher,
} from "../shared/topicPolicies";

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

/** The `TagKeyValue` cost filter value of a user cost allocation tag: `user:<key>$<value>`. */
export function budgetTagFilter(tag: { readonly key: string; readonly value: string }): string {
    return `user:${tag.key}$${tag.value}`;
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

export type { PolicyDocument, PolicyStatement } from "../shared/topicPolicies";

/** Where the billing topic lives. */
export interface TopicScope {
    /** Account that owns the topic, the alarms and the budget. */
    readonly accountId: string;
    /** AWS partition (`aws`, `aws-us-gov`, ...). */
    readonly partition: string;
}

/** The billing topic's scope: always in the billing region. */
function inBillingRegion(scope: TopicScope): TopicKeyScope {
    return { ...scope, region: BILLING_REGION };
}

/** ARN pattern of every CloudWatch alarm of the account in the billing region. */
export function accountAlarmsArn(scope: TopicScope): string {
    return sharedAccountAlarmsArn(inBillingRegion(scope));
}

/** ARN pattern of every budget of the account (budgets are global: no region). */
export function accountBudgetsArn(scope: TopicScope): string {
    return `arn:${scope.partition}:budgets::${scope.accountId}:*`;
}

/** CloudWatch alarms and AWS Budgets of this account: the billing topic's publishers. */
function billingPublishers(scope: TopicScope): TopicPublisher[] {
    return [
        cloudWatchAlarmsPublisher(inBillingRegion(scope)),
        { sid: "AllowBudgetsOfThisAccount", service: "budgets.amazonaws.com", sourceArn: accountBudgetsArn(scope) },
    ];
}

/**
 * Topic access policy: CloudWatch alarms and AWS Budgets of this account (and
 * only of this account: `aws:SourceAccount` plus `aws:SourceArn`, against the
 * confused deputy) may publish to this topic and do nothing else; publishing
 * without TLS is refused.
 */
export function billingTopicPolicy(topicArn: string, scope: TopicScope): PolicyDocument {
    return topicAccessPolicy(topicArn, scope.accountId, billingPublishers(scope));
}

/**
 * Policy of the customer managed key that encrypts the billing topic (see
 * `topicKeyPolicy`): the account administers it, uses it only through SNS in
 * us-east-1, and CloudWatch alarms and Budgets of this account may use it to
 * publish.
 */
export function billingTopicKeyPolicy(scope: TopicScope): PolicyDocument {
    return topicKeyPolicy(inBillingRegion(scope), billingPublishers(scope));
}

import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { nameTags } from "../shared/tags";
import {
    BILLING_PERIOD_SECONDS,
    billingTopicKeyPolicy,
    billingTopicPolicy,
    budgetNotifications,
    dailyRateQueries,
    budgetTagFilter,
    emailSubscriptionName,
    ESTIMATED_CHARGES,
    formatUsd,
} from "./policies";
import { usEast1ProviderArgs } from "./provider";
import { resolveBillingAlarmArgs, TreatMissingData } from "./validation";

/**
 * Arguments of {@link BillingAlarm}. Amounts, emails and enums are plain
 * values (not Outputs) because they are validated before anything is created.
 */
export interface BillingAlarmArgs {
    /**
     * Alarm when the estimated charges grow by this many USD per day or more
     * (daily rate of `AWS/Billing EstimatedCharges`). Plain number above 0.
     * @default BILLING_ALARM_DEFAULTS.thresholdUsdPerDay
     */
    readonly thresholdUsdPerDay?: number;
    /**
     * Email addresses subscribed to the topic (each must confirm the mail AWS
     * sends). Plain list, validated up front; duplicates are refused. None:
     * no subscription (a warning is logged when topicArn is unset too).
     * @default BILLING_ALARM_DEFAULTS.emails
     */
    readonly emails?: string[];
    /**
     * Existing standard SNS topic in us-east-1 to notify instead of creating
     * one. Its policy (and key policy, if encrypted) must already let
     * `cloudwatch.amazonaws.com` and `budgets.amazonaws.com` publish; `emails`
     * are subscribed to it.
     * @default undefined (a topic is created)
     */
    readonly topicArn?: pulumi.Input<string>;
    /**
     * Encrypt the created topic with a dedicated customer managed KMS key
     * (about 1 USD a month) whose policy lets CloudWatch and Budgets publish.
     * `false` leaves the topic unencrypted at rest. Only for a created topic.
     * @default BILLING_ALARM_DEFAULTS.encryptTopic
     */
    readonly encryptTopic?: boolean;
    /**
     * Monthly AWS Budget (cost, USD) with alerts at 80 % of actual and 100 %
     * of forecasted spend, sent to the topic. Plain number above 0.
     * @default undefined (no budget)
     */
    readonly monthlyBudgetUsd?: number;
    /**
     * Second alarm when the month-to-date estimated charges reach this many
     * USD. Plain number above 0.
     * @default undefined (no absolute alarm)
     */
    readonly monthlyLimitUsd?: number;
    /**
     * How the alarms treat periods without a billing data point (which AWS
     * publishes only a few times a day). `ignore` keeps the current state
     * through a gap (see DEFAULT_TREAT_MISSING_DATA for the reasoning).
     * @default BILLING_ALARM_DEFAULTS.treatMissingData
     */
    readonly treatMissingData?: TreatMissingData;
    /**
     * Create the account-wide alarms on `AWS/Billing EstimatedCharges` (the
     * daily-rate alarm, and the month-to-date one with `monthlyLimitUsd`).
     * Billing metrics exist once per account and count every stack in it, so
     * exactly one stack per account should create them; set `false` in the
     * others, which then keep only their own budget.
     * @default BILLING_ALARM_DEFAULTS.accountAlarms
     */
    readonly accountAlarms?: boolean;
    /**
     * Scope the budget to the costs of resources carrying this cost allocation
     * tag (with `budgetTagValue`), e.g. `Environment`, so each environment in a
     * shared account has its own budget. The tag must be activated once in
     * Billing and Cost Management → Cost allocation tags (it then applies to
     * costs from the activation on, within about 24 hours).
     * @default undefined (the budget tracks the whole account)
     */
    readonly budgetTagKey?: string;
    /** Value of `budgetTagKey` the budget filters on, e.g. `prod`. @default undefined */
    readonly budgetTagValue?: string;
    /**
     * Tags added to every taggable child (next to a `Name` tag). The stack's
     * `aws:defaultTags` apply as well, through the us-east-1 provider.
     * @default {}
     */
    readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * Billing guard: an AWS provider pinned to us-east-1 (the only region with
 * billing metrics) that keeps the stack's credentials and default tags; an
 * SNS topic (KMS-encrypted by default) with email subscriptions, or an
 * existing topic; a CloudWatch alarm on the daily rate of the estimated
 * charges; optionally an alarm on the month-to-date total and a monthly AWS
 * Budget. Billing alerts must be enabled once in the account's Billing
 * preferences (no API does it), or the metric never exists.
 */
export class BillingAlarm extends pulumi.ComponentResource {
    /** Pulumi type token. */
    public static readonly TYPE = "aws-webapp:index:BillingAlarm";

    /** ARN of the topic the alarms and the budget notify. */
    public readonly topicArn: pulumi.Output<string>;
    /** ARN of the KMS key encrypting the created topic (undefined when not encrypted or not created). */
    public readonly topicKeyArn: pulumi.Output<string | undefined>;
    /** ARN of the daily-rate alarm (undefined with `accountAlarms: false`). */
    public readonly alarmArn: pulumi.Output<string | undefined>;
    /** Name of the daily-rate alarm (undefined with `accountAlarms: false`). */
    public readonly alarmName: pulumi.Output<string | undefined>;
    /** ARN of the month-to-date alarm (undefined without monthlyLimitUsd). */
    public readonly monthlyAlarmArn: pulumi.Output<string | undefined>;
    /** Name of the monthly budget (undefined without monthlyBudgetUsd). */
    public readonly budgetName: pulumi.Output<string | undefined>;
    /** ARNs of the email subscriptions ("pending confirmation" until each address confirms). */
    public readonly subscriptionArns: pulumi.Output<string[]>;

    constructor(name: string, args: BillingAlarmArgs = {}, opts?: pulumi.ComponentResourceOptions) {
        // Defaults and validation run before super(): super() registers the
        // component itself, and bad input must leave nothing registered.
        const settings = resolveBillingAlarmArgs(name, args);
        super(BillingAlarm.TYPE, name, {}, opts);

        const existingTopic = args.topicArn;
        if (existingTopic === undefined && settings.emails.length === 0) {
            pulumi.log.warn(
                `BillingAlarm "${name}": no emails and no topicArn: the alarm will notify a topic nobody is subscribed to`,
                this,
            );
        }

        const provider = new aws.Provider(`${name}-us-east-1`, usEast1ProviderArgs(), { parent: this });
        const child = { parent: this, provider };
        const identity = aws.getCallerIdentityOutput({}, child);
        const scope = pulumi
            .all([identity.accountId, aws.getPartitionOutput({}, child).partition])
            .apply(([accountId, partition]) => ({ accountId, partition }));

        let topicArn: pulumi.Output<string>;
        let topicKeyArn: pulumi.Output<string | undefined> = pulumi.output(undefined);
        // Children that must exist before AWS may publish (Budgets checks at creation).
        const publishReady: pulumi.Resource[] = [];
        if (existingTopic === undefined) {
            let key: aws.kms.Key | undefined;
            if (settings.encryptTopic) {
                key = new aws.kms.Key(
                    `${name}-topic-key`,
                    {
                        description: `Encrypts the ${name} billing alert topic`,
                        enableKeyRotation: true,
                        // Nothing is stored under this key (SNS keeps no message after delivery).
                        deletionWindowInDays: 7,
                        policy: scope.apply((s) => JSON.stringify(billingTopicKeyPolicy(s))),
                        tags: nameTags(`${name}-topic-key`, args.tags),
                    },
                    child,
                );
                topicKeyArn = key.arn;
                publishReady.push(key);
            }
            const topic = new aws.sns.Topic(
                `${name}-topic`,
                {
                    displayName: "AWS billing alert",
                    kmsMasterKeyId: key?.arn,
                    tags: nameTags(`${name}-topic`, args.tags),
                },
                child,
            );
            const policy = new aws.sns.TopicPolicy(
                `${name}-topic-policy`,
                {
                    arn: topic.arn,
                    policy: pulumi
                        .all([topic.arn, scope])
                        .apply(([arn, s]) => JSON.stringify(billingTopicPolicy(arn, s))),
                },
                child,
            );
            publishReady.push(policy);
            topicArn = topic.arn;
        } else {
            topicArn = pulumi.output(existingTopic);
        }

        const subscriptions = settings.emails.map(
            (email) =>
                new aws.sns.TopicSubscription(
                    emailSubscriptionName(name, email),
                    { topic: topicArn, protocol: "email", endpoint: email },
                    child,
                ),
        );

        const alarmOpts = { ...child, dependsOn: publishReady };
        const daily = !settings.accountAlarms
            ? undefined
            : new aws.cloudwatch.MetricAlarm(
                  `${name}-daily-charges`,
                  {
                      alarmDescription:
                          `Estimated AWS charges are growing by ${settings.thresholdUsdPerDay} USD per day or more ` +
                          `(daily rate of AWS/Billing EstimatedCharges, evaluated over ${BILLING_PERIOD_SECONDS / 3600} h).`,
                      metricQueries: dailyRateQueries(),
                      comparisonOperator: "GreaterThanOrEqualToThreshold",
                      threshold: settings.thresholdUsdPerDay,
                      evaluationPeriods: 1,
                      datapointsToAlarm: 1,
                      treatMissingData: settings.treatMissingData,
                      actionsEnabled: true,
                      alarmActions: [topicArn],
                      okActions: [topicArn],
                      tags: nameTags(`${name}-daily-charges`, args.tags),
                  },
                  alarmOpts,
              );

        let monthlyAlarmArn: pulumi.Output<string | undefined> = pulumi.output(undefined);
        if (settings.accountAlarms && settings.monthlyLimitUsd !== undefined) {
            const monthly = new aws.cloudwatch.MetricAlarm(
                `${name}-monthly-charges`,
                {
                    alarmDescription: `Month-to-date estimated AWS charges reached ${settings.monthlyLimitUsd} USD.`,
                    namespace: ESTIMATED_CHARGES.namespace,
                    metricName: ESTIMATED_CHARGES.metricName,
                    dimensions: { ...ESTIMATED_CHARGES.dimensions },
                    statistic: "Maximum",
                    period: BILLING_PERIOD_SECONDS,
                    comparisonOperator: "GreaterThanOrEqualToThreshold",
                    threshold: settings.monthlyLimitUsd,
                    evaluationPeriods: 1,
                    datapointsToAlarm: 1,
                    treatMissingData: settings.treatMissingData,
                    actionsEnabled: true,
                    alarmActions: [topicArn],
                    okActions: [topicArn],
                    tags: nameTags(`${name}-monthly-charges`, args.tags),
                },
                alarmOpts,
            );
            monthlyAlarmArn = monthly.arn;
        }

        let budgetName: pulumi.Output<string | undefined> = pulumi.output(undefined);
        if (settings.monthlyBudgetUsd !== undefined) {
            const budget = new aws.budgets.Budget(
                `${name}-budget`,
                {
                    budgetType: "COST",
                    timeUnit: "MONTHLY",
                    limitAmount: formatUsd(settings.monthlyBudgetUsd),
                    limitUnit: "USD",
                    notifications: budgetNotifications(topicArn),
                    costFilters: settings.budgetTag
                        ? [{ name: "TagKeyValue", values: [budgetTagFilter(settings.budgetTag)] }]
                        : undefined,
                    tags: nameTags(`${name}-budget`, args.tags),
                },
                alarmOpts,
            );
            budgetName = budget.name;
        }

        this.topicArn = topicArn;
        this.topicKeyArn = topicKeyArn;
        this.alarmArn = daily ? daily.arn : pulumi.output(undefined);
        this.alarmName = daily ? daily.name : pulumi.output(undefined);
        this.monthlyAlarmArn = monthlyAlarmArn;
        this.budgetName = budgetName;
        this.subscriptionArns = pulumi.all(subscriptions.map((s) => s.arn));
        this.registerOutputs({
            topicArn: this.topicArn,
            topicKeyArn: this.topicKeyArn,
            alarmArn: this.alarmArn,
            alarmName: this.alarmName,
            monthlyAlarmArn: this.monthlyAlarmArn,
            budgetName: this.budgetName,
            subscriptionArns: this.subscriptionArns,
        });
    }
}

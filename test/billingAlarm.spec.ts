import {
    ACCOUNT_ID,
    failsBeforeRegistering,
    mocksReady,
    record,
    Recording,
    Registration,
    valueOf,
} from "./harness/mocks";
import { expect } from "chai";
import * as fc from "fast-check";
import * as pulumi from "@pulumi/pulumi";
import { BillingAlarm, BillingAlarmArgs } from "../components/billing";
import {
    billingTopicKeyPolicy,
    billingTopicPolicy,
    budgetNotifications,
    dailyRateQueries,
    emailSubscriptionName,
    formatUsd,
    PolicyDocument,
} from "../components/billing/policies";
import { COPIED_AWS_CONFIG_KEYS, usEast1ProviderArgs } from "../components/billing/provider";
import { resolveBillingAlarmArgs, TREAT_MISSING_DATA } from "../components/billing/validation";

const T = {
    provider: "pulumi:providers:aws",
    key: "aws:kms/key:Key",
    topic: "aws:sns/topic:Topic",
    topicPolicy: "aws:sns/topicPolicy:TopicPolicy",
    subscription: "aws:sns/topicSubscription:TopicSubscription",
    alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
    budget: "aws:budgets/budget:Budget",
    component: "aws-webapp:index:BillingAlarm",
};

const SCOPE = { accountId: ACCOUNT_ID, partition: "aws" };
const EXISTING_TOPIC = `arn:aws:sns:us-east-1:${ACCOUNT_ID}:org-billing`;

/** Runs `fn` with extra stack config (full `ns:key` names), restoring the previous config afterwards. */
async function withConfig<T>(config: Record<string, string>, fn: () => Promise<T>): Promise<T> {
    const saved = pulumi.runtime.allConfig();
    try {
        for (const [k, v] of Object.entries(config)) pulumi.runtime.setConfig(k, v);
        return await fn();
    } finally {
        pulumi.runtime.setAllConfig(saved);
    }
}

/** The validation message for some args, or fails when they are accepted. */
function errorFor(args: Partial<Record<keyof BillingAlarmArgs, unknown>>): string {
    try {
        resolveBillingAlarmArgs("guard", args as BillingAlarmArgs);
    } catch (e: any) {
        expect(e.name).to.equal("ValidationError");
        return e.message;
    }
    throw new Error(`expected ${JSON.stringify(args)} to be refused`);
}

function parsed(json: unknown): PolicyDocument {
    expect(json, "policy is a JSON string").to.be.a("string");
    return JSON.parse(json as string) as PolicyDocument;
}

function statement(doc: PolicyDocument, sid: string) {
    const found = doc.Statement.filter((s) => s.Sid === sid);
    expect(found, `statement ${sid}`).to.have.length(1);
    return found[0];
}

async function build(name: string, args: BillingAlarmArgs): Promise<{ rec: Recording; component: BillingAlarm }> {
    let component!: BillingAlarm;
    const rec = await record(() => {
        component = new BillingAlarm(name, args);
    });
    return { rec, component };
}

describe("BillingAlarm", () => {
    before(() => mocksReady);

    describe("argument validation (pure)", () => {
        it("applies the defaults: 1 USD/day, ignore missing data, encrypted topic, no budget", () => {
            expect(resolveBillingAlarmArgs("guard", {})).to.deep.equal({
                accountAlarms: true,
                budgetTag: undefined,
                thresholdUsdPerDay: 1,
                emails: [],
                encryptTopic: true,
                monthlyBudgetUsd: undefined,
                monthlyLimitUsd: undefined,
                treatMissingData: "ignore",
            });
        });

        it("refuses a threshold that is not a positive number, naming the argument", () => {
            expect(errorFor({ thresholdUsdPerDay: 0 })).to.equal(
                'BillingAlarm "guard": invalid value:\n  - thresholdUsdPerDay: 0 is not a positive number: expected a daily charge in USD above 0',
            );
            expect(errorFor({ thresholdUsdPerDay: -2 })).to.contain("thresholdUsdPerDay: -2 is not a positive number");
            expect(errorFor({ thresholdUsdPerDay: Number.NaN })).to.contain(
                "thresholdUsdPerDay: null is not a positive",
            );
            expect(errorFor({ thresholdUsdPerDay: Infinity })).to.contain("thresholdUsdPerDay:");
            expect(errorFor({ thresholdUsdPerDay: "1" })).to.contain(
                'thresholdUsdPerDay: "1" is not a positive number',
            );
        });

        it("refuses malformed, duplicate and non-list emails, with the index of each bad entry", () => {
            expect(errorFor({ emails: ["ops@example.com", "not-an-email"] })).to.equal(
                'BillingAlarm "guard": invalid value:\n  - emails[1]: "not-an-email" is not a valid email address',
            );
            expect(errorFor({ emails: ["a@b"] })).to.contain('emails[0]: "a@b" is not a valid email address');
            expect(errorFor({ emails: ["ops@example.com "] })).to.contain("emails[0]");
            expect(errorFor({ emails: ["Ops@Example.com", "ops@example.com"] })).to.contain(
                'emails[1]: "ops@example.com" is listed twice (addresses compare case-insensitively)',
            );
            expect(errorFor({ emails: "ops@example.com" })).to.contain(
                'emails: "ops@example.com" is not a list: expected a list of email addresses',
            );
        });

        it("refuses a budget or monthly limit that is not positive", () => {
            expect(errorFor({ monthlyBudgetUsd: 0 })).to.equal(
                'BillingAlarm "guard": invalid value:\n  - monthlyBudgetUsd: 0 is not a positive number: expected a monthly amount in USD above 0',
            );
            expect(errorFor({ monthlyBudgetUsd: -30 })).to.contain("monthlyBudgetUsd: -30 is not a positive number");
            expect(errorFor({ monthlyLimitUsd: -1 })).to.contain(
                "monthlyLimitUsd: -1 is not a positive number: expected a month-to-date charge in USD above 0",
            );
        });

        it("refuses an unknown missing-data treatment", () => {
            expect(errorFor({ treatMissingData: "zero" })).to.contain(
                'treatMissingData: "zero" is not one of "missing", "ignore", "breaching", "notBreaching"',
            );
            for (const t of TREAT_MISSING_DATA) {
                expect(resolveBillingAlarmArgs("guard", { treatMissingData: t }).treatMissingData).to.equal(t);
            }
        });

        it("refuses a topic ARN outside us-east-1, of another service, or FIFO, and encryptTopic next to it", () => {
            const msg = "is not the ARN of a standard SNS topic in us-east-1";
            expect(errorFor({ topicArn: `arn:aws:sns:eu-west-1:${ACCOUNT_ID}:billing` })).to.contain(
                `topicArn: "arn:aws:sns:eu-west-1:${ACCOUNT_ID}:billing" ${msg}`,
            );
            expect(errorFor({ topicArn: `arn:aws:sqs:us-east-1:${ACCOUNT_ID}:billing` })).to.contain(msg);
            expect(errorFor({ topicArn: `arn:aws:sns:us-east-1:${ACCOUNT_ID}:billing.fifo` })).to.contain(msg);
            expect(errorFor({ topicArn: EXISTING_TOPIC, encryptTopic: true })).to.contain(
                "encryptTopic: true applies only to a topic this component creates: leave it unset when topicArn is given",
            );
            expect(errorFor({ encryptTopic: "yes" })).to.contain('encryptTopic: "yes" is not a boolean');
            // An Output's value is unknown now: accepted, checked by AWS at deployment.
            expect(() => resolveBillingAlarmArgs("guard", { topicArn: pulumi.output("anything") })).not.to.throw();
            expect(() => resolveBillingAlarmArgs("guard", { topicArn: EXISTING_TOPIC })).not.to.throw();
            expect(() =>
                resolveBillingAlarmArgs("guard", { topicArn: "arn:aws-us-gov:sns:us-east-1:123456789012:x" }),
            ).not.to.throw();
        });

        it("lists every bad argument in one error", () => {
            const message = errorFor({ thresholdUsdPerDay: 0, emails: ["x"], monthlyBudgetUsd: -1 });
            expect(message).to.match(/^BillingAlarm "guard": invalid values:\n/);
            expect(
                message
                    .split("\n  - ")
                    .slice(1)
                    .map((l) => l.split(":")[0]),
            ).to.deep.equal(["thresholdUsdPerDay", "emails[0]", "monthlyBudgetUsd"]);
        });

        it("property: any positive finite amount is accepted, any other number refused naming the argument", () => {
            fc.assert(
                fc.property(fc.double({ min: 1e-6, max: 1e9, noNaN: true }), (n) => {
                    const s = resolveBillingAlarmArgs("p", { thresholdUsdPerDay: n, monthlyBudgetUsd: n });
                    return s.thresholdUsdPerDay === n && s.monthlyBudgetUsd === n;
                }),
            );
            fc.assert(
                fc.property(fc.oneof(fc.double({ max: 0 }), fc.constant(Number.NaN), fc.constant(Infinity)), (n) =>
                    errorFor({ thresholdUsdPerDay: n }).includes("thresholdUsdPerDay:"),
                ),
            );
        });

        it("property: well-formed addresses are accepted, anything without an @ is refused", () => {
            const word = fc.stringMatching(/^[a-z0-9]{1,12}$/);
            const address = fc
                .tuple(fc.stringMatching(/^[a-z0-9._%+-]{1,20}$/), word, fc.stringMatching(/^[a-z]{2,6}$/))
                .map(([local, domain, tld]) => `${local}@${domain}.${tld}`);
            fc.assert(
                fc.property(fc.uniqueArray(address, { maxLength: 5 }), (emails) => {
                    return resolveBillingAlarmArgs("p", { emails }).emails.length === emails.length;
                }),
            );
            fc.assert(
                fc.property(
                    fc.string().filter((s) => !s.includes("@")),
                    (bad) => errorFor({ emails: [bad] }).includes(`emails[0]: ${JSON.stringify(bad)}`),
                ),
            );
        });
    });

    describe("policies and metric math (pure)", () => {
        it("builds the daily-rate metric math without the design note's typos", () => {
            const queries = dailyRateQueries();
            expect(queries).to.deep.equal([
                {
                    id: "m1",
                    metric: {
                        namespace: "AWS/Billing",
                        metricName: "EstimatedCharges",
                        dimensions: { Currency: "USD" },
                        period: 21600,
                        stat: "Maximum",
                    },
                    returnData: false,
                },
                {
                    id: "e1",
                    expression: "IF(RATE(m1)>0,RATE(m1)*86400,0)",
                    label: "Estimated charges, USD per day",
                    returnData: true,
                },
            ]);
            const json = JSON.stringify(queries);
            expect(json).not.to.match(/"ID"|ReturData/);
        });

        it("lets only this account's CloudWatch alarms and budgets publish to the topic, over TLS", () => {
            const topic = `arn:aws:sns:us-east-1:${ACCOUNT_ID}:billing`;
            const doc = billingTopicPolicy(topic, SCOPE);
            expect(doc.Statement.map((s) => s.Sid)).to.deep.equal([
                "AllowCloudWatchAlarmsOfThisAccount",
                "AllowBudgetsOfThisAccount",
                "DenyPublishWithoutTls",
            ]);
            expect(statement(doc, "AllowCloudWatchAlarmsOfThisAccount")).to.deep.equal({
                Sid: "AllowCloudWatchAlarmsOfThisAccount",
                Effect: "Allow",
                Principal: { Service: "cloudwatch.amazonaws.com" },
                Action: "SNS:Publish",
                Resource: topic,
                Condition: {
                    StringEquals: { "aws:SourceAccount": ACCOUNT_ID },
                    ArnLike: { "aws:SourceArn": `arn:aws:cloudwatch:us-east-1:${ACCOUNT_ID}:alarm:*` },
                },
            });
            expect(statement(doc, "AllowBudgetsOfThisAccount")).to.deep.equal({
                Sid: "AllowBudgetsOfThisAccount",
                Effect: "Allow",
                Principal: { Service: "budgets.amazonaws.com" },
                Action: "SNS:Publish",
                Resource: topic,
                Condition: {
                    StringEquals: { "aws:SourceAccount": ACCOUNT_ID },
                    ArnLike: { "aws:SourceArn": `arn:aws:budgets::${ACCOUNT_ID}:*` },
                },
            });
            expect(statement(doc, "DenyPublishWithoutTls")).to.deep.include({
                Effect: "Deny",
                Principal: "*",
                Condition: { Bool: { "aws:SecureTransport": "false" } },
            });
            // No statement allows anyone but the two services.
            for (const s of doc.Statement.filter((x) => x.Effect === "Allow")) {
                expect(s.Principal).to.have.property("Service");
                expect(s.Action).to.equal("SNS:Publish");
            }
            expect(
                billingTopicPolicy(topic, { accountId: "210987654321", partition: "aws-us-gov" }).Statement[0],
            ).to.deep.include({
                Condition: {
                    StringEquals: { "aws:SourceAccount": "210987654321" },
                    ArnLike: { "aws:SourceArn": "arn:aws-us-gov:cloudwatch:us-east-1:210987654321:alarm:*" },
                },
            });
        });

        it("key policy: account administers through IAM, services of this account may only encrypt/decrypt, no kms:*", () => {
            const doc = billingTopicKeyPolicy(SCOPE);
            const root = `arn:aws:iam::${ACCOUNT_ID}:root`;
            for (const s of doc.Statement) {
                const actions = ([] as string[]).concat(s.Action);
                expect(actions, s.Sid).not.to.include.members(["*", "kms:*"]);
                expect(s.Effect).to.equal("Allow");
            }
            expect(statement(doc, "AccountAdministersKey").Principal).to.deep.equal({ AWS: root });
            expect(statement(doc, "AccountAdministersKey").Action).to.include.members([
                "kms:Put*",
                "kms:ScheduleKeyDeletion",
            ]);
            expect(statement(doc, "AccountUsesKeyThroughSns")).to.deep.include({
                Principal: { AWS: root },
                Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
                Condition: {
                    StringEquals: { "kms:ViaService": "sns.us-east-1.amazonaws.com", "kms:CallerAccount": ACCOUNT_ID },
                },
            });
            expect(statement(doc, "AllowCloudWatchAlarmsOfThisAccount")).to.deep.include({
                Principal: { Service: "cloudwatch.amazonaws.com" },
                Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
                Condition: {
                    StringEquals: { "aws:SourceAccount": ACCOUNT_ID },
                    ArnLike: { "aws:SourceArn": `arn:aws:cloudwatch:us-east-1:${ACCOUNT_ID}:alarm:*` },
                },
            });
            expect(statement(doc, "AllowBudgetsOfThisAccount")).to.deep.include({
                Principal: { Service: "budgets.amazonaws.com" },
                Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
                Condition: {
                    StringEquals: { "aws:SourceAccount": ACCOUNT_ID },
                    ArnLike: { "aws:SourceArn": `arn:aws:budgets::${ACCOUNT_ID}:*` },
                },
            });
        });

        it("budget notifications: 80 % of actual and 100 % of forecasted spend, to the topic", () => {
            expect(budgetNotifications("arn:topic")).to.deep.equal([
                {
                    notificationType: "ACTUAL",
                    threshold: 80,
                    thresholdType: "PERCENTAGE",
                    comparisonOperator: "GREATER_THAN",
                    subscriberSnsTopicArns: ["arn:topic"],
                },
                {
                    notificationType: "FORECASTED",
                    threshold: 100,
                    thresholdType: "PERCENTAGE",
                    comparisonOperator: "GREATER_THAN",
                    subscriberSnsTopicArns: ["arn:topic"],
                },
            ]);
            expect(formatUsd(30)).to.equal("30");
            expect(formatUsd(12.5)).to.equal("12.5");
        });

        it("names email subscriptions by address, not position, case-insensitively", () => {
            const a = emailSubscriptionName("guard", "ops@example.com");
            expect(a).to.match(/^guard-email-[0-9a-f]{10}$/);
            expect(emailSubscriptionName("guard", "OPS@example.com")).to.equal(a);
            expect(emailSubscriptionName("guard", "dev@example.com")).not.to.equal(a);
        });
    });

    describe("us-east-1 provider arguments", () => {
        it("copies the stack's aws config (profile, tags, roles, credentials as secrets) and pins the region", async () => {
            await withConfig(
                {
                    "aws:region": "eu-west-1",
                    "aws:profile": "billing-admin",
                    "aws:defaultTags": JSON.stringify({ tags: { Project: "aws-webapp", Environment: "dev" } }),
                    "aws:assumeRoles": JSON.stringify([{ roleArn: "arn:aws:iam::123456789012:role/deployer" }]),
                    "aws:accessKey": "AKIAEXAMPLE",
                    "aws:secretKey": "not-really-a-secret",
                    "aws:skipCredentialsValidation": "true",
                    "aws:maxRetries": "7",
                    "aws:allowedAccountIds": JSON.stringify([ACCOUNT_ID]),
                },
                async () => {
                    const args = usEast1ProviderArgs();
                    expect(args.region).to.equal("us-east-1");
                    expect(args.profile).to.equal("billing-admin");
                    expect(args.defaultTags).to.deep.equal({ tags: { Project: "aws-webapp", Environment: "dev" } });
                    expect(args.skipCredentialsValidation).to.equal(true);
                    expect(args.maxRetries).to.equal(7);
                    expect(args.allowedAccountIds).to.deep.equal([ACCOUNT_ID]);
                    expect(await valueOf(args.assumeRoles!)).to.deep.equal([
                        { roleArn: "arn:aws:iam::123456789012:role/deployer" },
                    ]);
                    expect(await valueOf(args.accessKey!)).to.equal("AKIAEXAMPLE");
                    expect(await pulumi.isSecret(pulumi.output(args.secretKey!))).to.equal(true);
                    expect(await pulumi.isSecret(pulumi.output(args.assumeRoles!))).to.equal(true);
                    expect(args).not.to.have.property("token");
                },
            );
        });

        it("passes a legacy single assumeRole on as assumeRoles, and copies nothing that is unset", async () => {
            await withConfig({ "aws:assumeRole": JSON.stringify({ roleArn: "arn:aws:iam::1:role/r" }) }, async () => {
                const args = usEast1ProviderArgs();
                expect(await valueOf(args.assumeRoles!)).to.deep.equal([{ roleArn: "arn:aws:iam::1:role/r" }]);
            });
            const saved = pulumi.runtime.allConfig();
            try {
                pulumi.runtime.setAllConfig({ "aws:region": "ap-southeast-2" });
                expect(usEast1ProviderArgs()).to.deep.equal({ region: "us-east-1" });
            } finally {
                pulumi.runtime.setAllConfig(saved);
            }
            expect(COPIED_AWS_CONFIG_KEYS).to.include.members(["profile", "defaultTags", "assumeRoles", "accessKey"]);
            expect(COPIED_AWS_CONFIG_KEYS).not.to.include("region");
        });
    });

    describe("dev-like, in a eu-west-1 stack", () => {
        let rec: Recording;
        let component: BillingAlarm;
        let provider: Registration;
        let topic: Registration;
        let topicArn: string;

        before(async () => {
            await withConfig(
                {
                    "aws:region": "eu-west-1",
                    "aws:profile": "dev-account",
                    "aws:defaultTags": JSON.stringify({ tags: { Environment: "dev" } }),
                },
                async () => {
                    ({ rec, component } = await build("billing", {
                        thresholdUsdPerDay: 1,
                        emails: ["billing@example.com", "finance@example.com"],
                        monthlyBudgetUsd: 30,
                        tags: { CostCenter: "web" },
                    }));
                },
            );
            provider = rec.one(T.provider);
            topic = rec.one(T.topic);
            topicArn = topic.state.arn;
        });

        it("creates its own provider in us-east-1 that keeps the stack's profile and default tags", () => {
            expect(provider.name).to.equal("billing-us-east-1");
            expect(provider.inputs.region).to.equal("us-east-1");
            expect(provider.inputs.profile).to.equal("dev-account");
            expect(JSON.parse(provider.inputs.defaultTags)).to.deep.equal({ tags: { Environment: "dev" } });
            expect(provider.parent).to.equal(rec.one(T.component).urn);
        });

        it("creates every AWS child with that provider, as a child of the component", () => {
            const componentUrn = rec.one(T.component).urn;
            const children = rec.resources.filter((r) => r.type.startsWith("aws:"));
            expect(children.map((r) => r.type)).to.have.members([
                T.key,
                T.topic,
                T.topicPolicy,
                T.subscription,
                T.subscription,
                T.alarm,
                T.budget,
            ]);
            for (const r of children) {
                expect(r.provider, `${r.name} provider`).to.match(new RegExp(`^${escape(provider.urn)}::.+`));
                expect(r.parent, `${r.name} parent`).to.equal(componentUrn);
            }
        });

        it("alarms on the daily rate of EstimatedCharges with the design note's metric math", () => {
            const alarm = rec.one(T.alarm, "billing-daily-charges");
            expect(alarm.inputs.metricQueries).to.deep.equal([
                {
                    id: "m1",
                    metric: {
                        namespace: "AWS/Billing",
                        metricName: "EstimatedCharges",
                        dimensions: { Currency: "USD" },
                        period: 21600,
                        stat: "Maximum",
                    },
                    returnData: false,
                },
                {
                    id: "e1",
                    expression: "IF(RATE(m1)>0,RATE(m1)*86400,0)",
                    label: "Estimated charges, USD per day",
                    returnData: true,
                },
            ]);
            expect(alarm.inputs).to.include({
                threshold: 1,
                comparisonOperator: "GreaterThanOrEqualToThreshold",
                evaluationPeriods: 1,
                datapointsToAlarm: 1,
                treatMissingData: "ignore",
                actionsEnabled: true,
            });
            // Metric math alarms carry no single-metric fields.
            expect(alarm.inputs).not.to.have.any.keys("metricName", "namespace", "statistic", "period");
            expect(JSON.stringify(alarm.inputs)).not.to.match(/"ID"|ReturData/);
        });

        it("sends alarm and OK notifications to the topic", () => {
            const alarm = rec.one(T.alarm, "billing-daily-charges");
            expect(topicArn).to.match(/^arn:aws:sns:us-east-1:123456789012:/);
            expect(alarm.inputs.alarmActions).to.deep.equal([topicArn]);
            expect(alarm.inputs.okActions).to.deep.equal([topicArn]);
            expect(alarm.inputs).not.to.have.property("insufficientDataActions");
        });

        it("encrypts the topic with a rotated customer managed key whose policy admits CloudWatch and Budgets", () => {
            const key = rec.one(T.key);
            expect(topic.inputs.kmsMasterKeyId).to.equal(key.state.arn);
            expect(topic.inputs.kmsMasterKeyId).not.to.equal("alias/aws/sns");
            expect(key.inputs).to.include({ enableKeyRotation: true, deletionWindowInDays: 7 });
            const doc = parsed(key.inputs.policy);
            expect(doc).to.deep.equal(billingTopicKeyPolicy(SCOPE));
            expect(doc.Statement.map((s) => JSON.stringify(s.Principal))).to.include.members([
                '{"Service":"cloudwatch.amazonaws.com"}',
                '{"Service":"budgets.amazonaws.com"}',
            ]);
        });

        it("attaches a topic policy scoped to this topic and this account", () => {
            const policy = rec.one(T.topicPolicy);
            expect(policy.inputs.arn).to.equal(topicArn);
            const doc = parsed(policy.inputs.policy);
            expect(doc).to.deep.equal(billingTopicPolicy(topicArn, SCOPE));
            for (const s of doc.Statement) expect(s.Resource).to.equal(topicArn);
            expect(statement(doc, "AllowCloudWatchAlarmsOfThisAccount").Condition).to.deep.equal({
                StringEquals: { "aws:SourceAccount": ACCOUNT_ID },
                ArnLike: { "aws:SourceArn": `arn:aws:cloudwatch:us-east-1:${ACCOUNT_ID}:alarm:*` },
            });
            expect(statement(doc, "AllowBudgetsOfThisAccount").Condition?.StringEquals).to.deep.equal({
                "aws:SourceAccount": ACCOUNT_ID,
            });
        });

        it("subscribes each email to the topic", () => {
            const subs = rec.ofType(T.subscription);
            expect(subs.map((s) => s.inputs)).to.have.deep.members([
                { topic: topicArn, protocol: "email", endpoint: "billing@example.com" },
                { topic: topicArn, protocol: "email", endpoint: "finance@example.com" },
            ]);
            expect(subs.map((s) => s.name)).to.have.members([
                emailSubscriptionName("billing", "billing@example.com"),
                emailSubscriptionName("billing", "finance@example.com"),
            ]);
        });

        it("creates a monthly cost budget notifying the topic at 80 % actual and 100 % forecast", () => {
            const budget = rec.one(T.budget, "billing-budget");
            expect(budget.inputs).to.include({
                budgetType: "COST",
                timeUnit: "MONTHLY",
                limitAmount: "30",
                limitUnit: "USD",
            });
            expect(
                budget.inputs.notifications.map((n: any) => [n.notificationType, n.threshold, n.thresholdType]),
            ).to.deep.equal([
                ["ACTUAL", 80, "PERCENTAGE"],
                ["FORECASTED", 100, "PERCENTAGE"],
            ]);
            for (const n of budget.inputs.notifications) {
                expect(n.subscriberSnsTopicArns).to.deep.equal([topicArn]);
                expect(n.comparisonOperator).to.equal("GREATER_THAN");
            }
        });

        it("creates the alarm and the budget only after the topic policy and key exist", () => {
            const ready = [rec.one(T.topicPolicy).urn, rec.one(T.key).urn];
            expect(rec.one(T.budget).dependencies).to.include.members(ready);
            expect(rec.one(T.alarm).dependencies).to.include.members(ready);
        });

        it("has no month-to-date alarm without monthlyLimitUsd", () => {
            expect(rec.ofType(T.alarm).map((a) => a.name)).to.deep.equal(["billing-daily-charges"]);
        });

        it("tags every taggable child with its Name and the caller's tags", () => {
            for (const r of [rec.one(T.key), topic, rec.one(T.alarm), rec.one(T.budget)]) {
                expect(r.inputs.tags, r.name).to.deep.equal({ CostCenter: "web", Name: r.name });
            }
        });

        it("exposes the topic, key and alarm ARNs", async () => {
            expect(await valueOf(component.topicArn)).to.equal(topicArn);
            expect(await valueOf(component.topicKeyArn)).to.equal(rec.one(T.key).state.arn);
            expect(await valueOf(component.alarmArn)).to.equal(rec.one(T.alarm).state.arn);
            expect(await valueOf(component.monthlyAlarmArn)).to.equal(undefined);
            expect(await valueOf(component.subscriptionArns)).to.have.length(2);
        });
    });

    describe("prod-like", () => {
        let rec: Recording;

        before(async () => {
            ({ rec } = await build("billing", {
                thresholdUsdPerDay: 10,
                emails: ["billing@example.com"],
                monthlyBudgetUsd: 250,
                monthlyLimitUsd: 300,
                treatMissingData: "breaching",
            }));
        });

        it("uses the prod threshold and budget", () => {
            expect(rec.one(T.alarm, "billing-daily-charges").inputs).to.include({
                threshold: 10,
                treatMissingData: "breaching",
            });
            expect(rec.one(T.budget).inputs.limitAmount).to.equal("250");
        });

        it("adds a month-to-date alarm on EstimatedCharges at the limit, notifying the topic", () => {
            const topicArn = rec.one(T.topic).state.arn;
            const monthly = rec.one(T.alarm, "billing-monthly-charges");
            expect(monthly.inputs).to.include({
                namespace: "AWS/Billing",
                metricName: "EstimatedCharges",
                statistic: "Maximum",
                period: 21600,
                threshold: 300,
                comparisonOperator: "GreaterThanOrEqualToThreshold",
                evaluationPeriods: 1,
                treatMissingData: "breaching",
            });
            expect(monthly.inputs.dimensions).to.deep.equal({ Currency: "USD" });
            expect(monthly.inputs.alarmActions).to.deep.equal([topicArn]);
            expect(monthly.inputs.okActions).to.deep.equal([topicArn]);
            expect(monthly.provider).to.match(new RegExp(`^${escape(rec.one(T.provider).urn)}::`));
        });
    });

    describe("other shapes", () => {
        it("with an existing topic: creates no topic, key or policy and notifies and subscribes to that topic", async () => {
            const { rec, component } = await build("billing", {
                topicArn: EXISTING_TOPIC,
                emails: ["ops@example.com"],
                monthlyBudgetUsd: 30,
            });
            expect(rec.ofType(T.topic)).to.have.length(0);
            expect(rec.ofType(T.key)).to.have.length(0);
            expect(rec.ofType(T.topicPolicy)).to.have.length(0);
            const alarm = rec.one(T.alarm);
            expect(alarm.inputs.alarmActions).to.deep.equal([EXISTING_TOPIC]);
            expect(alarm.inputs.okActions).to.deep.equal([EXISTING_TOPIC]);
            expect(rec.one(T.subscription).inputs.topic).to.equal(EXISTING_TOPIC);
            for (const n of rec.one(T.budget).inputs.notifications) {
                expect(n.subscriberSnsTopicArns).to.deep.equal([EXISTING_TOPIC]);
            }
            expect(await valueOf(component.topicArn)).to.equal(EXISTING_TOPIC);
            expect(await valueOf(component.topicKeyArn)).to.equal(undefined);
        });

        it("with encryptTopic false: an unencrypted topic and no key (the cost trade-off)", async () => {
            const { rec } = await build("billing", { emails: ["ops@example.com"], encryptTopic: false });
            expect(rec.ofType(T.key)).to.have.length(0);
            expect(rec.one(T.topic).inputs).not.to.have.property("kmsMasterKeyId");
            expect(rec.ofType(T.topicPolicy)).to.have.length(1);
            expect(rec.ofType(T.budget)).to.have.length(0);
        });
    });

    describe("one per account, a budget per environment", () => {
        it("with accountAlarms false: no EstimatedCharges alarm, the budget stays (other stacks share the account)", async () => {
            const { rec, component } = await build("billing", {
                emails: ["ops@example.com"],
                monthlyBudgetUsd: 45,
                accountAlarms: false,
            });
            expect(rec.ofType(T.alarm)).to.have.length(0);
            expect(rec.ofType(T.budget)).to.have.length(1);
            expect(await valueOf(component.alarmArn)).to.equal(undefined);
        });

        it("scopes the budget to one cost allocation tag (TagKeyValue user:<key>$<value>)", async () => {
            const { rec } = await build("billing", {
                monthlyBudgetUsd: 45,
                budgetTagKey: "Environment",
                budgetTagValue: "dev",
            });
            expect(rec.one(T.budget).inputs.costFilters).to.deep.equal([
                { name: "TagKeyValue", values: ["user:Environment$dev"] },
            ]);
        });

        it("tracks the whole account without a tag", async () => {
            const { rec } = await build("billing", { monthlyBudgetUsd: 45 });
            expect(rec.one(T.budget).inputs).not.to.have.property("costFilters");
        });

        it("refuses half a tag, an aws: key, a $ in the tag, a tag without a budget, and a month-to-date limit without account alarms", () => {
            const lines = (args: Partial<Record<keyof BillingAlarmArgs, unknown>>) =>
                errorFor(args)
                    .split("\n")
                    .slice(1)
                    .map((l) => l.trim());
            expect(lines({ monthlyBudgetUsd: 45, budgetTagKey: "Environment" })).to.deep.equal([
                '- budgetTagKey: "Environment" needs budgetTagValue too: the budget filters on one tag, key and value',
            ]);
            expect(lines({ monthlyBudgetUsd: 45, budgetTagKey: "aws:createdBy", budgetTagValue: "x" })).to.deep.equal([
                '- budgetTagKey/budgetTagValue: tag "aws:createdBy" starts with "aws:", a prefix AWS reserves for its own tags',
            ]);
            expect(lines({ monthlyBudgetUsd: 45, budgetTagKey: "Env", budgetTagValue: "a$b" })).to.deep.equal([
                '- budgetTagKey/budgetTagValue: tag "Env" has a value that contains a character AWS refuses in a tag value: expected letters, digits, spaces and _ . : / = + - @',
            ]);
            expect(lines({ budgetTagKey: "Env", budgetTagValue: "dev" })).to.deep.equal([
                '- budgetTagKey: "Env" applies to the budget: set monthlyBudgetUsd too',
            ]);
            expect(lines({ accountAlarms: false, monthlyLimitUsd: 100 })).to.deep.equal([
                "- monthlyLimitUsd: 100 is an account-wide alarm: it needs accountAlarms (true) in this stack",
            ]);
        });
    });

    describe("without emails", () => {
        it("still creates the topic, alarm and budget (subscribers can be added later), and warns", async () => {
            const warnings: string[] = [];
            const original = pulumi.log.warn;
            (pulumi.log as any).warn = (msg: string) => {
                warnings.push(msg);
                return Promise.resolve();
            };
            let rec: Recording;
            try {
                ({ rec } = await build("quiet", { monthlyBudgetUsd: 30 }));
            } finally {
                (pulumi.log as any).warn = original;
            }
            expect(rec.ofType(T.subscription)).to.have.length(0);
            const topicArn = rec.one(T.topic).state.arn;
            expect(rec.one(T.alarm).inputs.alarmActions).to.deep.equal([topicArn]);
            expect(rec.one(T.budget).inputs.notifications[0].subscriberSnsTopicArns).to.deep.equal([topicArn]);
            expect(warnings).to.deep.equal([
                'BillingAlarm "quiet": no emails and no topicArn: the alarm will notify a topic nobody is subscribed to',
            ]);
        });
    });

    describe("bad input is refused before anything is registered", () => {
        it("threshold not positive", async () => {
            const message = await failsBeforeRegistering(
                () => new BillingAlarm("billing", { thresholdUsdPerDay: 0, emails: ["ops@example.com"] }),
            );
            expect(message).to.contain('BillingAlarm "billing"');
            expect(message).to.contain("thresholdUsdPerDay: 0 is not a positive number");
        });

        it("malformed email", async () => {
            const message = await failsBeforeRegistering(
                () => new BillingAlarm("billing", { emails: ["ops@example.com", "ops-at-example.com"] }),
            );
            expect(message).to.contain('emails[1]: "ops-at-example.com" is not a valid email address');
        });

        it("budget not positive", async () => {
            const message = await failsBeforeRegistering(
                () => new BillingAlarm("billing", { emails: ["ops@example.com"], monthlyBudgetUsd: -30 }),
            );
            expect(message).to.contain("monthlyBudgetUsd: -30 is not a positive number");
        });

        it("topic in another region", async () => {
            const message = await failsBeforeRegistering(
                () => new BillingAlarm("billing", { topicArn: `arn:aws:sns:eu-west-1:${ACCOUNT_ID}:billing` }),
            );
            expect(message).to.contain("topicArn:");
        });
    });
});

/** Escapes a string for use inside a RegExp. */
function escape(text: string): string {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

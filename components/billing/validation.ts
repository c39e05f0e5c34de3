import type { BillingAlarmArgs } from "./billingAlarm";
import { email, isEmailAddress, oneOf } from "../shared/checks";
import { checkTags, tagProblems } from "../shared/tags";
import { isKnown, Problems } from "../shared/validation";

export { isEmailAddress };

// An `as const` object and a type of the same name (its values): TypeScript callers pass
// `TreatMissingData.Ignore` or `"ignore"`, and Pulumi's component provider infers a schema enum from it (the
// form its analyzer reads).
/**
 * How the alarms treat periods without an EstimatedCharges data point
 * (CloudWatch's `TreatMissingData` values).
 */
export const TreatMissingData = {
    /** The alarm goes to INSUFFICIENT_DATA when data points are missing. */
    Missing: "missing",
    /** The alarm keeps its current state through a gap. */
    Ignore: "ignore",
    /** A missing data point counts as above the threshold. */
    Breaching: "breaching",
    /** A missing data point counts as within the threshold. */
    NotBreaching: "notBreaching",
} as const;
export type TreatMissingData = (typeof TreatMissingData)[keyof typeof TreatMissingData];
/** The values of {@link TreatMissingData}, in declaration order (the order validation messages list them in). */
export const TREAT_MISSING_DATA: readonly TreatMissingData[] = Object.values(TreatMissingData);

/**
 * Default missing-data treatment: `ignore`. AWS publishes EstimatedCharges
 * only a few times a day and not on a fixed schedule, so some evaluation
 * periods are empty. `ignore` keeps the alarm in its current state through
 * such a gap: an ALARM is not cleared (and no misleading OK email is sent)
 * just because the next data point is late, and an OK alarm does not fire.
 * `breaching` (the design note's choice) would page on every publication gap;
 * `notBreaching` would send an OK while charges are still climbing; `missing`
 * flips the alarm to INSUFFICIENT_DATA and back, sending an OK email each time.
 */
export const DEFAULT_TREAT_MISSING_DATA: TreatMissingData = "ignore";

/** Default daily-rate threshold (USD per day): the design note's 1 USD. */
export const DEFAULT_THRESHOLD_USD_PER_DAY = 1;

/** Defaults of {@link BillingAlarmArgs}: the one place they are written (the TSDoc `@default`s name them). */
export const BILLING_ALARM_DEFAULTS = {
    thresholdUsdPerDay: DEFAULT_THRESHOLD_USD_PER_DAY,
    emails: [] as readonly string[],
    encryptTopic: true,
    treatMissingData: DEFAULT_TREAT_MISSING_DATA,
    /** On, so a stand-alone BillingAlarm guards its account. */
    accountAlarms: true,
} as const;

/** A standard (not FIFO) SNS topic ARN in us-east-1, in any AWS partition. */
const US_EAST_1_TOPIC_ARN = /^arn:aws(-[a-z]+)*:sns:us-east-1:\d{12}:[A-Za-z0-9_-]{1,256}$/;

/** True for the ARN of a standard SNS topic in us-east-1. */
export function isUsEast1TopicArn(value: unknown): value is string {
    return typeof value === "string" && US_EAST_1_TOPIC_ARN.test(value);
}

/** True for a finite number above zero. */
export function isPositiveAmount(value: unknown): value is number {
    return typeof value === "number" && Number.isFinite(value) && value > 0;
}

/** Problems of a budget tag filter: both or neither, a tag AWS accepts (shared tag rules: no `aws:` key). */
function checkBudgetTag(
    problems: Problems,
    key: string | undefined,
    value: string | undefined,
    budget: number | undefined,
): { readonly key: string; readonly value: string } | undefined {
    if (key === undefined && value === undefined) return undefined;
    if (key === undefined || value === undefined) {
        const [given, missing] =
            key === undefined ? ["budgetTagValue", "budgetTagKey"] : ["budgetTagKey", "budgetTagValue"];
        problems.expect(
            false,
            given,
            key ?? value,
            `needs ${missing} too: the budget filters on one tag, key and value`,
        );
        return undefined;
    }
    for (const line of tagProblems({ [key]: value }, [])) problems.add(`budgetTagKey/budgetTagValue: ${line}`);
    problems.expect(budget !== undefined, "budgetTagKey", key, "applies to the budget: set monthlyBudgetUsd too");
    return { key, value };
}

/**
 * Applies the defaults and checks every plain argument, throwing one
 * `ValidationError` (subject `BillingAlarm "<name>"`) that lists each bad
 * argument. `topicArn` is checked only when it is a plain string (an Output's
 * value is unknown until deployment).
 */
export function resolveBillingAlarmArgs(name: string, args: BillingAlarmArgs) {
    const problems = new Problems(`BillingAlarm "${name}"`);

    const thresholdUsdPerDay = args.thresholdUsdPerDay ?? BILLING_ALARM_DEFAULTS.thresholdUsdPerDay;
    problems.expect(
        isPositiveAmount(thresholdUsdPerDay),
        "thresholdUsdPerDay",
        thresholdUsdPerDay,
        "is not a positive number: expected a daily charge in USD above 0",
    );

    const emails: readonly string[] = args.emails ?? BILLING_ALARM_DEFAULTS.emails;
    if (!Array.isArray(emails)) {
        problems.expect(false, "emails", emails, "is not a list: expected a list of email addresses");
    } else {
        const seen = new Set<string>();
        emails.forEach((address: unknown, i) => {
            if (!problems.check(`emails[${i}]`, address, email)) return;
            const key = (address as string).toLowerCase();
            problems.expect(
                !seen.has(key),
                `emails[${i}]`,
                address,
                "is listed twice (addresses compare case-insensitively)",
            );
            seen.add(key);
        });
    }

    const monthlyBudgetUsd = args.monthlyBudgetUsd;
    if (monthlyBudgetUsd !== undefined) {
        problems.expect(
            isPositiveAmount(monthlyBudgetUsd),
            "monthlyBudgetUsd",
            monthlyBudgetUsd,
            "is not a positive number: expected a monthly amount in USD above 0",
        );
    }

    const monthlyLimitUsd = args.monthlyLimitUsd;
    if (monthlyLimitUsd !== undefined) {
        problems.expect(
            isPositiveAmount(monthlyLimitUsd),
            "monthlyLimitUsd",
            monthlyLimitUsd,
            "is not a positive number: expected a month-to-date charge in USD above 0",
        );
    }

    const treatMissingData = args.treatMissingData ?? BILLING_ALARM_DEFAULTS.treatMissingData;
    problems.check("treatMissingData", treatMissingData, oneOf(TREAT_MISSING_DATA));

    if (args.topicArn !== undefined && isKnown(args.topicArn)) {
        problems.expect(
            isUsEast1TopicArn(args.topicArn),
            "topicArn",
            args.topicArn,
            "is not the ARN of a standard SNS topic in us-east-1 (billing alarms can notify only a topic in their own region)",
        );
    }
    if (args.encryptTopic !== undefined) {
        problems.expect(
            typeof args.encryptTopic === "boolean",
            "encryptTopic",
            args.encryptTopic,
            "is not a boolean: expected true or false",
        );
    }
    if (args.topicArn !== undefined && args.encryptTopic !== undefined) {
        problems.expect(
            false,
            "encryptTopic",
            args.encryptTopic,
            "applies only to a topic this component creates: leave it unset when topicArn is given",
        );
    }

    checkTags(problems, "tags", args.tags);

    const accountAlarms = args.accountAlarms ?? BILLING_ALARM_DEFAULTS.accountAlarms;
    problems.expect(
        typeof accountAlarms === "boolean",
        "accountAlarms",
        accountAlarms,
        "is not a boolean: expected true or false",
    );
    if (accountAlarms === false && args.monthlyLimitUsd !== undefined) {
        problems.expect(
            false,
            "monthlyLimitUsd",
            args.monthlyLimitUsd,
            "is an account-wide alarm: it needs accountAlarms (true) in this stack",
        );
    }
    const budgetTag = checkBudgetTag(problems, args.budgetTagKey, args.budgetTagValue, monthlyBudgetUsd);

    problems.throwIfAny();
    return {
        accountAlarms,
        budgetTag,
        thresholdUsdPerDay,
        emails: [...emails],
        encryptTopic: args.encryptTopic ?? BILLING_ALARM_DEFAULTS.encryptTopic,
        monthlyBudgetUsd,
        monthlyLimitUsd,
        treatMissingData,
    };
}

/** Validated arguments with their defaults applied. */
export type BillingAlarmSettings = ReturnType<typeof resolveBillingAlarmArgs>;

/**
 * The one vocabulary of value checks shared by the stack schema
 * (stacks/config.ts) and every component's resolver.
 *
 * A {@link Check} is a plain function: it returns `undefined` when the value
 * is acceptable, or the end of a problem line that says what is wrong and what
 * was expected (`is out of range: expected an integer from 1 to 5`). The
 * caller adds the key and the value, usually through
 * `Problems.check(key, value, check)`, so every message reads
 * `<key>: <value> <what is wrong>: <expectation>`.
 *
 * Related vocabularies live beside this file, named by what they hold:
 * `tags.ts` (AWS tag rules), `regions.ts` (regions and their zone counts),
 * `instanceTypes.ts` (EC2 instance types and RDS DB instance classes, from
 * `data/instanceTypes.json`), `cidr.ts` (IPv4 CIDR blocks), `schedules.ts`
 * (IANA time zones, `HH:MM` clock times, days of the week).
 */
import { instanceType } from "./instanceTypes";

/** A rule for one value: `undefined` when it passes, else what is wrong and what was expected. */
export type Check = (value: unknown) => string | undefined;

/** The first failing message of several checks applied in order (`undefined` when all pass). */
export function all(...checks: readonly Check[]): Check {
    return (value) => {
        for (const check of checks) {
            const problem = check(value);
            if (problem !== undefined) return problem;
        }
        return undefined;
    };
}

/** Lets `undefined` pass (an unset optional argument), else applies `check`. */
export function optional(check: Check): Check {
    return (value) => (value === undefined ? undefined : check(value));
}

/**
 * A whole number from `min` to `max` inclusive.
 *
 * Messages: `is not a number: expected an integer from 1 to 5`,
 * `is not a whole number: expected …`, `is out of range: expected …`.
 */
export function integer(min: number, max: number): Check {
    const range = `expected an integer from ${min} to ${max}`;
    return (value) => {
        if (typeof value !== "number" || Number.isNaN(value)) return `is not a number: ${range}`;
        if (!Number.isInteger(value)) return `is not a whole number: ${range}`;
        if (value < min || value > max) return `is out of range: ${range}`;
        return undefined;
    };
}

/**
 * A finite number from `min` to `max` inclusive; `what` describes the
 * expectation (`a daily charge in USD above 0 and at most 100000`).
 *
 * Messages: `is not a number: expected <what>`, `is out of range: expected <what>`.
 */
export function number(min: number, max: number, what: string): Check {
    return (value) => {
        if (typeof value !== "number" || !Number.isFinite(value)) return `is not a number: expected ${what}`;
        if (value < min || value > max) return `is out of range: expected ${what}`;
        return undefined;
    };
}

/**
 * A number from `min` to `max` inclusive in steps of `step` from `min`
 * (Aurora capacity: 0 to 256 ACU in halves). `what` describes the
 * expectation (`a capacity in ACU from 0 to 256 in steps of 0.5`).
 *
 * Messages: `is not a number: expected <what>`, `is out of range: expected <what>`,
 * `is not a multiple of <step>: expected <what>`.
 */
export function stepped(min: number, max: number, step: number, what: string): Check {
    return all(number(min, max, what), (value) =>
        Number.isInteger(((value as number) - min) / step)
            ? undefined
            : `is not a multiple of ${step}: expected ${what}`,
    );
}

/** `true` or `false`. Message: `is not a boolean: expected true or false`. */
export const boolean: Check = (value) =>
    typeof value === "boolean" ? undefined : "is not a boolean: expected true or false";

/**
 * A string that is not empty (an empty string is refused, never replaced by a
 * default). `what` names the expectation (`a host name`).
 *
 * Messages: `is not a string: expected <what>`, `is empty: expected <what>`.
 */
export function nonEmptyString(what: string): Check {
    return (value) => {
        if (typeof value !== "string") return `is not a string: expected ${what}`;
        if (value.length === 0) return `is empty: expected ${what}`;
        return undefined;
    };
}

/**
 * A non-empty string matching `pattern`. `what` names the expectation and is
 * used in every message: `is not a string: expected <what>`,
 * `is empty: expected <what>`, `is not <what>`.
 */
export function matching(pattern: RegExp, what: string): Check {
    return all(nonEmptyString(what), (value) => (pattern.test(value as string) ? undefined : `is not ${what}`));
}

/**
 * One of a fixed list of values, compared with `===` (so `"17"` is not `17`).
 * Message: `is not one of "a", "b"` (values JSON-quoted, in the order given).
 */
export function oneOf(values: readonly unknown[]): Check {
    const listed = values.map((v) => JSON.stringify(v)).join(", ");
    return (value) => (values.includes(value) ? undefined : `is not one of ${listed}`);
}

/** Retention values CloudWatch Logs accepts (days): `PutRetentionPolicy`'s enumeration. */
export const LOG_RETENTION_DAYS = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** A CloudWatch Logs retention. Message: `is not a CloudWatch Logs retention: expected one of 1, 3, 5, …`. */
export const logRetentionDays: Check = (value) =>
    (LOG_RETENTION_DAYS as readonly unknown[]).includes(value)
        ? undefined
        : `is not a CloudWatch Logs retention: expected one of ${LOG_RETENTION_DAYS.join(", ")}`;

const EMAIL = /^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$/;

/** True for an email address SNS and AWS Budgets accept (at most 254 characters). */
export function isEmailAddress(value: unknown): value is string {
    return typeof value === "string" && value.length <= 254 && EMAIL.test(value);
}

/** An email address SNS and AWS Budgets accept. Message: `is not a valid email address`. */
export const email: Check = (value) => (isEmailAddress(value) ? undefined : "is not a valid email address");

const HOST_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** True for a fully qualified lowercase DNS host name (labels of 1–63, at most 253 characters, no trailing dot). */
export function isHostName(value: unknown): value is string {
    return typeof value === "string" && HOST_NAME.test(value);
}

/** A DNS host name (`app.example.com`). Message: `is not a valid DNS host name`. */
export const hostName: Check = (value) => (isHostName(value) ? undefined : "is not a valid DNS host name");

/** ARN partitions and region names as ARNs spell them (`us-east-1`, `us-gov-west-1`, `cn-north-1`). */
const PARTITION = "aws(-cn|-us-gov|-iso(-[a-z])?)?";
const ARN_REGION = "[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\\d";
const KMS_KEY_ARN = new RegExp(`^arn:${PARTITION}:kms:${ARN_REGION}:\\d{12}:key/[A-Za-z0-9-]+$`);
const KMS_ALIAS_ARN = new RegExp(`^arn:${PARTITION}:kms:${ARN_REGION}:\\d{12}:alias/[A-Za-z0-9/_-]+$`);
const KMS_ALIAS_LIKE = /^(arn:[^:]*:kms:[^:]*:[^:]*:)?alias\//;

/** True for a KMS key ARN (`arn:aws:kms:<region>:<account>:key/<id>`, multi-Region `mrk-` ids included). */
export function isKmsKeyArn(value: unknown): value is string {
    return typeof value === "string" && KMS_KEY_ARN.test(value);
}

/** True for a KMS alias ARN (`arn:aws:kms:<region>:<account>:alias/<name>`). */
export function isKmsAliasArn(value: unknown): value is string {
    return typeof value === "string" && KMS_ALIAS_ARN.test(value);
}

const KEY_ARN_SHAPE = "arn:aws:kms:<region>:<account>:key/<id>";

/**
 * A KMS key reference. **The one rule on aliases**: an alias ARN is accepted
 * only where the value is handed to a service API that resolves aliases
 * itself (`aliases: true`: EBS volumes in a launch template, ECR repository
 * encryption, SNS topics, Secrets Manager secrets). It is refused
 * (`aliases: false`, the default) wherever the ARN is named in an IAM or key
 * policy (IAM matches `kms:*` actions on key ARNs only, so an alias grants
 * nothing and the workload fails at run time), and where the service stores
 * the key ARN (CloudWatch Logs log groups require the key ARN; RDS and
 * Performance Insights return the key ARN, so an alias is a permanent diff).
 * A bare key id or alias name (`alias/my-key`) is never accepted: the ARN
 * fixes the region and account.
 *
 * @param why appended to the alias message when aliases are refused
 *   (`which the function's IAM policy must name`).
 *
 * Messages (aliases refused): `is a KMS alias: pass the key ARN (arn:aws:kms:<region>:<account>:key/<id>)[, <why>]`,
 * `is not a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)`.
 * Messages (aliases accepted): `is not a KMS key or alias ARN (arn:aws:kms:<region>:<account>:key/<id> or …:alias/<name>)`.
 */
export function kmsKeyArn(options: { readonly aliases?: boolean; readonly why?: string } = {}): Check {
    if (options.aliases) {
        return (value) =>
            isKmsKeyArn(value) || isKmsAliasArn(value)
                ? undefined
                : `is not a KMS key or alias ARN (${KEY_ARN_SHAPE} or arn:aws:kms:<region>:<account>:alias/<name>)`;
    }
    return (value) => {
        if (isKmsKeyArn(value)) return undefined;
        if (typeof value === "string" && KMS_ALIAS_LIKE.test(value)) {
            return `is a KMS alias: pass the key ARN (${KEY_ARN_SHAPE})${options.why ? `, ${options.why}` : ""}`;
        }
        return `is not a KMS key ARN (${KEY_ARN_SHAPE})`;
    };
}

/** IAM names of roles, policies and paths as IAM spells them (`[\w+=,.@-]`). */
const IAM_POLICY_ARN = new RegExp(`^arn:${PARTITION}:iam::(\\d{12}|aws):policy/([\\w+=,.@-]+/)*[\\w+=,.@-]{1,128}$`);

/** True for an IAM managed policy ARN (`arn:aws:iam::<account>:policy/[<path>/]<name>`, AWS managed ones too). */
export function isIamPolicyArn(value: unknown): value is string {
    return typeof value === "string" && IAM_POLICY_ARN.test(value);
}

/**
 * An IAM managed policy ARN (a customer managed policy of an account, or an
 * AWS managed one: `arn:aws:iam::aws:policy/...`), as a permissions boundary
 * or a policy to attach names it. Message:
 * `is not an IAM policy ARN (arn:aws:iam::<account>:policy/<name>)`.
 */
export const iamPolicyArn: Check = (value) =>
    isIamPolicyArn(value) ? undefined : "is not an IAM policy ARN (arn:aws:iam::<account>:policy/<name>)";

/**
 * The instance type of a NAT instance: an EC2 instance type of the shared
 * table (`instanceTypes.ts`), except the previous-generation `t2` family (no
 * ENA networking, the lowest network ceiling; the Amazon Linux 2023 AMI the
 * NAT boots needs no more). Messages: those of `instanceType`, or
 * `is a previous-generation type without ENA networking: expected e.g. t4g.nano`.
 */
export const natInstanceType: Check = (value) => {
    const unknown = instanceType(value);
    if (unknown !== undefined) return unknown;
    return /^t2\./.test(value as string)
        ? "is a previous-generation type without ENA networking: expected e.g. t4g.nano"
        : undefined;
};

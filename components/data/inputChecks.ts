/**
 * Argument checks shared by UserAuth, MessageTable and Cache: each records
 * `key: <value> <expectation>` on a {@link Problems} list (the values come
 * from the library's vocabulary in components/shared/checks.ts). Values that are
 * Outputs (unknown until deployment) are skipped, except where the check is
 * about the shape of a list whose length must be known.
 */
import * as pulumi from "@pulumi/pulumi";
import { boolean, isKmsKeyArn, LOG_RETENTION_DAYS, logRetentionDays, oneOf } from "../shared/checks";
import { VPC_ID } from "../shared/inputChecks";
import { isKnown, Problems, show } from "../shared/validation";

export { LOG_RETENTION_DAYS, VPC_ID };
export const SUBNET_ID = /^subnet-[0-9a-z-]+$/;
export const SECURITY_GROUP_ID = /^sg-[0-9a-z]+$/;
/** A KMS key ARN (not an alias: IAM matches key permissions on key ARNs only): the one rule, in ../shared/checks. */
export { isKmsKeyArn };

export const isInt = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v);

export function checkBoolean(problems: Problems, key: string, value: unknown): void {
    const problem = boolean(value);
    if (problem !== undefined) problems.expect(false, key, value, problem);
}

export function checkInt(problems: Problems, key: string, value: unknown, min: number, max: number, unit = ""): void {
    problems.expect(
        isInt(value) && value >= min && value <= max,
        key,
        value,
        `is out of range: expected a whole number${unit ? ` of ${unit}` : ""} from ${min} to ${max}`,
    );
}

export function checkEnum(problems: Problems, key: string, value: unknown, values: readonly string[]): void {
    const problem = oneOf(values)(value);
    if (problem !== undefined) problems.expect(false, key, value, problem);
}

export function checkLogRetention(problems: Problems, key: string, value: unknown, minimum?: number): void {
    const problem = logRetentionDays(value);
    if (problem !== undefined) {
        problems.expect(false, key, value, problem);
    } else if (minimum !== undefined && (value as number) < minimum) {
        problems.expect(false, key, value, `is below ${minimum}: production keeps logs at least ${minimum} days`);
    }
}

/** A known string matching `pattern`, or an Output (checked at deployment by AWS). */
export function checkId(problems: Problems, key: string, value: unknown, pattern: RegExp, what: string): void {
    if (value === undefined) problems.add(`${key}: undefined is required: expected ${what}`);
    else if (isKnown(value as pulumi.Input<string>)) {
        problems.expect(typeof value === "string" && pattern.test(value), key, value, `is not ${what}`);
    }
}

/**
 * A list of at least `min` ids; known members must match `pattern` and be
 * distinct. A whole `Output<string[]>` is refused unless `wholeOutput` (then
 * {@link idListWhenKnown} checks it once the deployment knows it).
 */
export function checkIdList(
    problems: Problems,
    key: string,
    list: unknown,
    pattern: RegExp,
    what: string,
    min: number,
    minMessage: string,
    wholeOutput = false,
): void {
    if (wholeOutput && !isKnown(list as pulumi.Input<unknown>)) return;
    if (!Array.isArray(list)) {
        problems.add(
            `${key}: ${pulumi.Output.isInstance(list) ? "<output>" : show(list)} is not a plain array: ` +
                `expected a list of ${what}s whose length is known before deployment (pass pulumi.Input<string>[], not Output<string[]>)`,
        );
        return;
    }
    if (list.length < min) problems.add(`${key}: ${show(list.filter((v) => isKnown(v)))} ${minMessage}`);
    const seen = new Set<string>();
    list.forEach((id, i) => {
        if (!isKnown(id)) return;
        if (typeof id !== "string" || !pattern.test(id)) {
            problems.add(`${key}[${i}]: ${show(id)} is not a ${what}`);
        } else if (seen.has(id)) {
            problems.add(`${key}[${i}]: ${show(id)} is listed twice`);
        }
        if (typeof id === "string") seen.add(id);
    });
}

/**
 * A whole `Output<string[]>` of ids (e.g. `SecureVpc.privateSubnetIds`)
 * checked by the same rules as a plain list once the deployment knows it:
 * throws a ValidationError naming `key` during preview or update, before
 * the resource that takes the list is created.
 */
export function idListWhenKnown(
    subject: string,
    key: string,
    ids: readonly string[],
    rule: { pattern: RegExp; what: string; min: number; minMessage: string; max?: number },
): string[] {
    const problems = new Problems(subject);
    checkIdList(problems, key, ids, rule.pattern, rule.what, rule.min, rule.minMessage);
    if (rule.max !== undefined && ids.length > rule.max) {
        problems.add(`${key}: ${ids.length} ids are more than the ${rule.max} accepted`);
    }
    problems.throwIfAny();
    return [...ids];
}

/** `<project>-<stack>-<name>` lowercased, other characters turned into hyphens, trimmed to `max`. */
export function defaultPhysicalName(project: string, stack: string, name: string, max: number): string {
    return `${project}-${stack}-${name}`
        .toLowerCase()
        .replace(/[^a-z0-9-]+/g, "-")
        .replace(/-{2,}/g, "-")
        .replace(/^-+/, "")
        .slice(0, max)
        .replace(/-+$/, "");
}

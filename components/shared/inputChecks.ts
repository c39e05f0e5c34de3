/**
 * Generic argument checks of the compute, ingress and image blocks (ranges,
 * enums, switches, subnet lists, Inputs matched against a pattern, paths).
 * Each records a `key: <value> <expectation>` problem on a sink and returns
 * the value, so a resolver reports every problem at once. The rules
 * themselves (integers, switches, enumerations, retention, KMS keys, host
 * names) are the one vocabulary of ./checks; this file only records them.
 */
import * as pulumi from "@pulumi/pulumi";
import * as fs from "fs";
import { boolean, integer, kmsKeyArn, LOG_RETENTION_DAYS, logRetentionDays, oneOf as oneOfValues } from "./checks";
import { isKnown, Problems, show } from "./validation";

/** Where checks record problems: a {@link Problems}, or a {@link ProblemSet} shared by a pattern and its blocks. */
export interface ProblemSink {
    /** Records `key: <value> <expected>` unless `ok` holds. */
    expect(ok: boolean, key: string, value: unknown, expected: string): unknown;
    /** Records a free-form problem line. */
    add(line: string): unknown;
}

/** Collects the problems of several resolvers (a pattern and the blocks it builds) under one subject, each line once. */
export class ProblemSet implements ProblemSink {
    private readonly seen = new Set<string>();
    private readonly problems: Problems;

    constructor(subject: string) {
        this.problems = new Problems(subject);
    }

    expect(ok: boolean, key: string, value: unknown, expected: string): this {
        if (!ok) this.add(`${key}: ${show(value)} ${expected}`);
        return this;
    }

    add(line: string): this {
        if (!this.seen.has(line)) {
            this.seen.add(line);
            this.problems.add(line);
        }
        return this;
    }

    throwIfAny(): void {
        this.problems.throwIfAny();
    }
}

/**
 * Runs a resolver: on the caller's sink (a pattern collecting its blocks'
 * problems), or on its own problems for `subject`, thrown when there are any.
 */
export function resolveOn<T>(subject: string, sink: ProblemSink | undefined, resolve: (p: ProblemSink) => T): T {
    if (sink) return resolve(sink);
    const p = new Problems(subject);
    const value = resolve(p);
    p.throwIfAny();
    return value;
}

/** Component names: lower case (ECR), short enough for the 32-character load balancer and target group names. */
const COMPONENT_NAME = /^[a-z][a-z0-9-]*[a-z0-9]$/;
export const MAX_NAME_LENGTH = 20;

/** The name rule every compute block shares (its children's physical names derive from it). */
export function componentName(p: ProblemSink, name: string): void {
    p.expect(
        COMPONENT_NAME.test(name) && name.length <= MAX_NAME_LENGTH && !/^(aws|ecs|fargate)/.test(name),
        "name",
        name,
        `is not a valid component name: expected 2 to ${MAX_NAME_LENGTH} lower-case letters, digits and hyphens, starting with a letter and not with "aws", "ecs" or "fargate" (ECR, load balancer and capacity provider naming rules)`,
    );
}

/** Retention values CloudWatch Logs accepts (days): the one list, in ./checks. */
export { LOG_RETENTION_DAYS };

export const VPC_ID = /^vpc-[0-9a-z]+$/;
export const CERTIFICATE_ARN = /^arn:aws[a-z-]*:(acm|iam):[a-z0-9-]*:\d{12}:(certificate|server-certificate)\/.+$/;
export const S3_BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export function logRetention(p: ProblemSink, key: string, value: unknown): number {
    const problem = logRetentionDays(value);
    if (problem !== undefined) p.add(`${key}: ${show(value)} ${problem}`);
    return value as number;
}

/**
 * An optional KMS key reference, judged when known by the one rule of
 * ./checks (`kmsKeyArn`: aliases only where the service resolves them).
 */
export function optionalKmsKeyArn(
    p: ProblemSink,
    key: string,
    value: pulumi.Input<string> | undefined,
    options: { readonly aliases?: boolean; readonly why?: string } = {},
): void {
    if (value === undefined || !isKnown(value)) return;
    const problem = kmsKeyArn(options)(value);
    if (problem !== undefined) p.add(`${key}: ${show(value)} ${problem}`);
}

export function int(p: ProblemSink, key: string, value: unknown, min: number, max: number): number {
    const problem = integer(min, max)(value);
    if (problem !== undefined) p.expect(false, key, value, problem);
    return value as number;
}

export function optionalInt(p: ProblemSink, key: string, value: unknown, min: number, max: number): number | undefined {
    return value === undefined ? undefined : int(p, key, value, min, max);
}

export function bool(p: ProblemSink, key: string, value: unknown): boolean {
    const problem = boolean(value);
    if (problem !== undefined) p.expect(false, key, value, problem);
    return value as boolean;
}

export function oneOf<const T extends readonly string[]>(
    p: ProblemSink,
    key: string,
    value: unknown,
    values: T,
): T[number] {
    const problem = oneOfValues(values)(value);
    if (problem !== undefined) p.expect(false, key, value, problem);
    return value as T[number];
}

export function ordered(p: ProblemSink, loKey: string, lo: number, hiKey: string, hi: number): void {
    if (Number.isInteger(lo) && Number.isInteger(hi)) {
        p.expect(lo <= hi, loKey, lo, `is greater than ${hiKey} (${hi}): expected ${loKey} <= ${hiKey}`);
    }
}

export function within(
    p: ProblemSink,
    key: string,
    value: number,
    loKey: string,
    lo: number,
    hiKey: string,
    hi: number,
): void {
    if ([value, lo, hi].every(Number.isInteger) && lo <= hi) {
        p.expect(value >= lo && value <= hi, key, value, `is outside ${loKey} (${lo}) to ${hiKey} (${hi})`);
    }
}

export function requiredInput(
    p: ProblemSink,
    key: string,
    value: pulumi.Input<string> | undefined,
    re: RegExp,
    expected: string,
): void {
    if (value === undefined || value === null) p.add(`${key}: is required`);
    else if (isKnown(value)) p.expect(typeof value === "string" && re.test(value), key, value, expected);
}

export function optionalInput(
    p: ProblemSink,
    key: string,
    value: pulumi.Input<string> | undefined,
    re: RegExp,
    expected: string,
): void {
    if (value !== undefined && isKnown(value))
        p.expect(typeof value === "string" && re.test(value), key, value, expected);
}

/** A required, known-length list of subnet ids: at least `min`, each a subnet id, no duplicate. */
export function subnetList(
    p: ProblemSink,
    key: string,
    value: pulumi.Input<pulumi.Input<string>[]> | undefined,
    min: number,
): void {
    if (value === undefined) {
        p.add(`${key}: is required: expected a list of at least ${min} subnet id${min === 1 ? "" : "s"}`);
        return;
    }
    if (!isKnown(value)) return;
    if (!Array.isArray(value)) {
        p.expect(false, key, value, "is not a list of subnet ids");
        return;
    }
    p.expect(
        value.length >= min,
        key,
        value,
        `has ${value.length} subnet${value.length === 1 ? "" : "s"}: expected at least ${min}${min > 1 ? " (one per availability zone)" : ""}`,
    );
    value.forEach((s, i) => {
        if (isKnown(s))
            p.expect(typeof s === "string" && /^subnet-[0-9a-z-]+$/.test(s), `${key}.${i}`, s, "is not a subnet id");
    });
    const known = value.filter((s): s is string => isKnown(s) && typeof s === "string");
    const dup = known.find((s, i) => known.indexOf(s) !== i);
    if (dup !== undefined) p.expect(false, key, value, `lists ${JSON.stringify(dup)} twice`);
}

/** A required reference argument (an object of outputs of another block). */
export function requiredObject(p: ProblemSink, key: string, value: unknown, fields: readonly string[]): void {
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
        p.add(`${key}: ${show(value)} is not an object with ${fields.join(", ")}`);
        return;
    }
    const missing = fields.filter((f) => (value as Record<string, unknown>)[f] === undefined);
    if (missing.length > 0) p.add(`${key}: lacks ${missing.join(", ")}: expected the block (or its outputs) with them`);
}

export function isDirectory(p: string): boolean {
    try {
        return fs.statSync(p).isDirectory();
    } catch {
        return false;
    }
}

export function isFile(p: string): boolean {
    try {
        return fs.statSync(p).isFile();
    } catch {
        return false;
    }
}

/**
 * A sink that renames argument keys at the start of each problem line: a
 * pattern reports its blocks' problems under its own argument names (the
 * capacity's `subnetIds` is the pattern's `instanceSubnetIds`).
 */
export function renamedKeys(sink: ProblemSink, names: Readonly<Record<string, string>>): ProblemSink {
    const rename = (line: string) => {
        const m = /^([A-Za-z0-9_]+)(?=[.:])/.exec(line);
        return m && names[m[1]] !== undefined ? names[m[1]] + line.slice(m[1].length) : line;
    };
    const renamed: ProblemSink = {
        expect(ok: boolean, key: string, value: unknown, expected: string) {
            if (!ok) sink.add(rename(`${key}: ${show(value)} ${expected}`));
        },
        add(line: string) {
            sink.add(rename(line));
        },
    };
    return renamed;
}

import * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import type { Check } from "./checks";

/**
 * Raised when a component's arguments or the stack configuration are invalid.
 * It is always thrown before any child resource is registered, so bad input
 * never half-deploys. `problems` holds one line per bad key.
 */
export class ValidationError extends Error {
    constructor(
        readonly subject: string,
        readonly problems: readonly string[],
    ) {
        super(`${subject}: invalid ${problems.length === 1 ? "value" : "values"}:\n  - ${problems.join("\n  - ")}`);
        this.name = "ValidationError";
    }
}

/** Renders a value for an error message: strings quoted, objects as JSON. */
export function show(value: unknown): string {
    if (value === undefined) return "undefined";
    if (typeof value === "string") return JSON.stringify(value);
    try {
        return JSON.stringify(value) ?? String(value);
    } catch {
        return String(value);
    }
}

/**
 * True when an Input is a plain value that can be checked now (not an Output
 * or a Promise, whose value is only known during the deployment).
 */
export function isKnown<T>(value: pulumi.Input<T> | undefined): value is T {
    return !(pulumi.Output.isInstance(value) || value instanceof Promise);
}

/**
 * Collects problems for one subject (a component instance or the stack
 * configuration) and throws them together, so a user fixes everything in one
 * round.
 */
export class Problems {
    private readonly lines: string[] = [];

    constructor(private readonly subject: string) {}

    /** Records `key: <value> <expected>` unless `ok` holds. */
    expect(ok: boolean, key: string, value: unknown, expected: string): this {
        if (!ok) this.lines.push(`${key}: ${show(value)} ${expected}`);
        return this;
    }

    /**
     * Records `key: <value> <message>` when `check` fails; returns whether it
     * passed (so a caller can skip checks that depend on this value).
     */
    check(key: string, value: unknown, check: Check): boolean {
        const problem = check(value);
        if (problem !== undefined) this.lines.push(`${key}: ${show(value)} ${problem}`);
        return problem === undefined;
    }

    /**
     * Checks a list: records `key: <value> is not a list: expected a list of
     * <what>` when it is not an array, `key: … has too many entries: expected
     * at most <max> <what>` when it is longer than `max`, and
     * `key[i]: <element> <message>` for every element that fails `element`.
     * Returns whether every check passed.
     */
    checkEach(key: string, list: unknown, element: Check, what: string, max = Infinity): boolean {
        if (!Array.isArray(list)) {
            this.lines.push(`${key}: ${show(list)} is not a list: expected a list of ${what}`);
            return false;
        }
        let ok = true;
        if (list.length > max) {
            this.lines.push(`${key}: ${show(list)} has too many entries: expected at most ${max} ${what}`);
            ok = false;
        }
        list.forEach((item, i) => {
            ok = this.check(`${key}[${i}]`, item, element) && ok;
        });
        return ok;
    }

    /** Records a free-form problem line. */
    add(line: string): this {
        this.lines.push(line);
        return this;
    }

    /** Adds every issue of a failed zod parse, each prefixed by its path. */
    addZodIssues(issues: readonly z.core.$ZodIssue[], input: unknown, prefix = ""): this {
        for (const issue of issues) {
            const path = issue.path.map(String).join(".");
            const value = issue.path.reduce<unknown>(
                (acc, k) =>
                    acc !== null && typeof acc === "object" ? (acc as Record<PropertyKey, unknown>)[k] : undefined,
                input,
            );
            this.lines.push(`${prefix}${path}: ${show(value)} ${issue.message}`);
        }
        return this;
    }

    /** The problem lines recorded so far. */
    list(): string[] {
        return [...this.lines];
    }

    get count(): number {
        return this.lines.length;
    }

    /** Throws a {@link ValidationError} when any problem was recorded. */
    throwIfAny(): void {
        if (this.lines.length > 0) throw new ValidationError(this.subject, this.lines);
    }
}

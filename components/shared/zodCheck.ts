import { z } from "zod";
import type { Check } from "./checks";

/**
 * A zod schema running one {@link Check}: the stack schema (stacks/config.ts)
 * declares its keys with the same checks the components run, so a value is
 * judged by one rule with one message wherever it enters. The issue's message
 * is the check's (`is out of range: expected an integer from 1 to 5`);
 * `T` is the type the check guarantees.
 */
export function fromCheck<T>(check: Check): z.ZodType<T> {
    return z.custom<T>().superRefine((value, ctx) => {
        const problem = check(value);
        if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem, input: value });
    });
}

/**
 * The message of a zod base type's issue (a value of the wrong type) taken
 * from the shared check, so `"two"` for an integer key reads
 * `is not a number: expected an integer from 2 to 6` like everywhere else.
 */
export function baseError(check: Check): (issue: { input?: unknown }) => string {
    return (issue) => (issue.input === undefined ? "is required" : (check(issue.input) ?? "is invalid"));
}

/**
 * Adds the shared check on top of a zod base type (`z.number()`,
 * `z.string()`), keeping the base type visible to tools that read the
 * schema (the config decoder, the README table).
 */
export function withCheck<S extends z.ZodType>(schema: S, check: Check): S {
    return schema.superRefine((value, ctx) => {
        const problem = check(value);
        if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem, input: value });
    }) as S;
}

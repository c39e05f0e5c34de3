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

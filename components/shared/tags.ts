import * as pulumi from "@pulumi/pulumi";
import { isKnown, Problems, show } from "./validation";

/** Caller tags merged under a `Name` tag equal to the child's name. */
export function nameTags(
    name: string,
    tags: pulumi.Input<Record<string, pulumi.Input<string>>> | undefined,
): pulumi.Output<Record<string, string>> {
    return pulumi.output(tags ?? {}).apply((t): Record<string, string> => ({ ...t, Name: name }));
}

/** Tags AWS allows on one resource (user-created tags; `aws:` tags do not count). */
export const MAX_TAGS = 50;
/** Longest tag key AWS accepts (Unicode characters). */
export const MAX_TAG_KEY_LENGTH = 128;
/** Longest tag value AWS accepts (Unicode characters). */
export const MAX_TAG_VALUE_LENGTH = 256;
/** Tag keys every component adds to its children itself (counted against {@link MAX_TAGS}). */
export const COMPONENT_TAG_KEYS: readonly string[] = ["Name"];

/** Characters AWS accepts in tag keys and values across services: letters, digits, spaces and `_ . : / = + - @`. */
const TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const ALLOWED = "letters, digits, spaces and _ . : / = + - @";

const length = (s: string) => [...s].length;

function textProblem(what: "key" | "value", text: string): string | undefined {
    if (CONTROL.test(text)) return `contains a control character: expected ${ALLOWED}`;
    if (!TAG_TEXT.test(text)) return `contains a character AWS refuses in a tag ${what}: expected ${ALLOWED}`;
    return undefined;
}

/**
 * What is wrong with a tag map under the rules AWS enforces on every tagging
 * API: at most {@link MAX_TAGS} tags per resource (the `extraKeys` a
 * component adds itself, such as `Name`, included); keys of 1 to 128
 * characters that do not start with `aws:` in any case (reserved for AWS);
 * values of at most 256 characters; only letters, digits, spaces and
 * `_ . : / = + - @` (no control characters). Values that are not known yet
 * (Outputs, Promises) are skipped. Returns one message per problem, each
 * starting with the tag it is about; empty when the map is acceptable.
 */
export function tagProblems(tags: unknown, extraKeys: readonly string[] = COMPONENT_TAG_KEYS): string[] {
    if (tags === undefined || !isKnown(tags)) return [];
    if (typeof tags !== "object" || tags === null || Array.isArray(tags)) {
        return ["is not a map of tag keys to string values"];
    }
    const problems: string[] = [];
    const entries = Object.entries(tags as Record<string, unknown>);
    const count = new Set([...Object.keys(tags), ...extraKeys]).size;
    if (count > MAX_TAGS) {
        const added = extraKeys.length > 0 ? ` (the ${extraKeys.join(", ")} tag the component adds included)` : "";
        problems.push(`has ${count} tags: AWS allows at most ${MAX_TAGS} per resource${added}`);
    }
    for (const [key, value] of entries) {
        const tag = `tag ${show(key)}`;
        if (key.length === 0) problems.push(`has an empty tag key: expected 1 to ${MAX_TAG_KEY_LENGTH} characters`);
        else if (length(key) > MAX_TAG_KEY_LENGTH)
            problems.push(`${tag} has a key of ${length(key)} characters: expected at most ${MAX_TAG_KEY_LENGTH}`);
        if (/^aws:/i.test(key)) problems.push(`${tag} starts with "aws:", a prefix AWS reserves for its own tags`);
        const keyText = textProblem("key", key);
        if (keyText) problems.push(`${tag} has a key that ${keyText}`);
        if (!isKnown(value)) continue;
        if (typeof value !== "string") {
            problems.push(`${tag} has value ${show(value)}: expected a string`);
            continue;
        }
        if (length(value) > MAX_TAG_VALUE_LENGTH)
            problems.push(
                `${tag} has a value of ${length(value)} characters: expected at most ${MAX_TAG_VALUE_LENGTH}`,
            );
        const valueText = textProblem("value", value);
        if (valueText) problems.push(`${tag} has a value that ${valueText}`);
    }
    return problems;
}

/** Records every {@link tagProblems} line as `<key>: <problem>`; returns whether the tags are acceptable. */
export function checkTags(
    problems: Problems,
    key: string,
    tags: unknown,
    extraKeys: readonly string[] = COMPONENT_TAG_KEYS,
): boolean {
    const found = tagProblems(tags, extraKeys);
    for (const line of found) problems.add(`${key}: ${line}`);
    return found.length === 0;
}

/**
 * Validation of the messages API's input (pure): path ids, the message body,
 * the participants of a new conversation and the paging query. Every problem
 * at once, as `{field, message}` issues.
 */
import type { Issue } from "../http/respond";
import { MESSAGE_ID } from "./tableKeys";

/** Conversation ids chosen by the client: letters, digits, `_` and `-` (no `#`, the key separator). */
export const CONVERSATION_ID = /^[A-Za-z0-9_-]{1,64}$/;
/** User ids as the sign-in reports them (Cognito `sub`s, numeric ids, ...), without `#`. */
export const USER_ID = /^[A-Za-z0-9._:@+-]{1,128}$/;
export const MAX_BODY_CHARS = 2000;
/** Participants of a conversation, the sender included. */
export const MAX_PARTICIPANTS = 20;
export const PAGE = { default: 20, max: 100 } as const;

/** Control characters other than tab and newline. */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/;

export type Parsed<T> = { ok: true; value: T } | { ok: false; issues: Issue[] };

export interface NewMessageInput {
    readonly body: string;
    /** The other participants, for a conversation's first message (ignored afterwards). */
    readonly participants?: readonly string[];
}

/** Validates `{body, participants?}`; unknown fields are ignored. */
export function validateNewMessage(input: unknown, senderId: string): Parsed<NewMessageInput> {
    if (typeof input !== "object" || input === null || Array.isArray(input)) {
        return { ok: false, issues: [{ field: "", message: "expected a JSON object {body, participants?}" }] };
    }
    const { body, participants } = input as Record<string, unknown>;
    const issues: Issue[] = [];
    if (typeof body !== "string") issues.push({ field: "body", message: "required, a string" });
    else if (body.trim().length === 0) issues.push({ field: "body", message: "may not be empty" });
    else if ([...body].length > MAX_BODY_CHARS)
        issues.push({ field: "body", message: `at most ${MAX_BODY_CHARS} characters` });
    else if (CONTROL.test(body)) issues.push({ field: "body", message: "no control characters but tab and newline" });
    let others: string[] | undefined;
    if (participants !== undefined) {
        if (!Array.isArray(participants) || participants.length === 0) {
            issues.push({ field: "participants", message: "a non-empty list of user ids" });
        } else {
            participants.forEach((p, i) => {
                if (typeof p !== "string" || !USER_ID.test(p)) {
                    issues.push({ field: `participants.${i}`, message: "a user id (letters, digits, . _ : @ + -)" });
                }
            });
            others = [...new Set(participants.filter((p): p is string => typeof p === "string"))].filter(
                (p) => p !== senderId,
            );
            if (others.length + 1 > MAX_PARTICIPANTS) {
                issues.push({ field: "participants", message: `at most ${MAX_PARTICIPANTS} with the sender` });
            } else if (others.length === 0 && issues.length === 0) {
                issues.push({ field: "participants", message: "must name someone besides the sender" });
            }
        }
    }
    if (issues.length > 0) return { ok: false, issues };
    return { ok: true, value: { body: body as string, ...(others ? { participants: others } : {}) } };
}

export interface PageQuery {
    readonly limit: number;
    readonly before?: string;
}

/**
 * `?limit=1..100` (default 20) and `?before=<cursor>`, where the cursor is a
 * message id (a ULID) as the previous page's `nextBefore` returned it.
 */
export function validatePageQuery(query: URLSearchParams): Parsed<PageQuery> {
    const issues: Issue[] = [];
    const limitRaw = query.get("limit");
    const limit = limitRaw === null ? PAGE.default : /^\d{1,3}$/.test(limitRaw) ? Number(limitRaw) : NaN;
    if (!(limit >= 1 && limit <= PAGE.max)) issues.push({ field: "limit", message: `1 to ${PAGE.max}` });
    const before = query.get("before");
    if (before !== null && !MESSAGE_ID.test(before)) {
        issues.push({ field: "before", message: "a cursor from nextBefore (a message id)" });
    }
    if (issues.length > 0) return { ok: false, issues };
    return { ok: true, value: { limit, ...(before !== null ? { before } : {}) } };
}

/** `{messageId}` of PUT .../read. */
export function validateReadMark(input: unknown): Parsed<{ messageId: string }> {
    const id = (input as { messageId?: unknown } | null)?.messageId;
    if (typeof id !== "string" || !MESSAGE_ID.test(id)) {
        return { ok: false, issues: [{ field: "messageId", message: "required, a message id" }] };
    }
    return { ok: true, value: { messageId: id } };
}

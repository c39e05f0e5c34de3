// The messages part of the API client (issue 19): answers checked on arrival, as api.ts does.
import { ApiError, type Request } from "./api";

export interface Message {
    readonly conversationId: string;
    readonly messageId: string;
    readonly senderId: string;
    readonly body: string;
    readonly sentAt: string;
}

export interface ConversationSummary {
    readonly conversationId: string;
    readonly lastMessagePreview: string;
    readonly lastSenderId: string;
    readonly lastMessageAt: string;
    readonly unreadCount: number;
}

export interface Page<T> {
    readonly items: T[];
    readonly nextBefore: string | null;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const text = (v: Json, ...keys: string[]) => keys.every((k) => typeof v[k] === "string");

function bad(what: string, value: unknown): never {
    throw new ApiError(0, `unexpected ${what} from the API: ${JSON.stringify(value)?.slice(0, 200)}`, value);
}

export function parseMessage(v: unknown): Message {
    if (!isObject(v) || !text(v, "conversationId", "messageId", "senderId", "body", "sentAt")) return bad("message", v);
    const { conversationId, messageId, senderId, body, sentAt } = v as Record<string, string>;
    return { conversationId, messageId, senderId, body, sentAt };
}

export function parseSummary(v: unknown): ConversationSummary {
    if (
        !isObject(v) ||
        !text(v, "conversationId", "lastMessagePreview", "lastSenderId", "lastMessageAt") ||
        typeof v.unreadCount !== "number"
    ) {
        return bad("conversation", v);
    }
    const { conversationId, lastMessagePreview, lastSenderId, lastMessageAt } = v as Record<string, string>;
    return { conversationId, lastMessagePreview, lastSenderId, lastMessageAt, unreadCount: v.unreadCount };
}

function parsePage<T>(v: unknown, key: string, item: (x: unknown) => T): Page<T> {
    if (!isObject(v) || !Array.isArray(v[key]) || !(v.nextBefore === null || typeof v.nextBefore === "string")) {
        return bad(key, v);
    }
    return { items: (v[key] as unknown[]).map(item), nextBefore: v.nextBefore as string | null };
}

/** Conversation ids the API accepts (letters, digits, `_`, `-`; 1 to 64). */
export const CONVERSATION_ID = /^[A-Za-z0-9_-]{1,64}$/;
export const MAX_BODY = 2000;

export type MessageFormResult =
    | { readonly ok: true; readonly conversationId: string; readonly body: string; readonly participants: string[] }
    | { readonly ok: false; readonly error: string };

/** Checks the message form before it is sent (the API validates again). */
export function validateMessageForm(raw: { conversation: string; to: string; body: string }): MessageFormResult {
    const conversationId = raw.conversation.trim();
    if (!CONVERSATION_ID.test(conversationId)) {
        return { ok: false, error: "Name the conversation with letters, digits, - or _ (up to 64)." };
    }
    if (raw.body.trim() === "") return { ok: false, error: "Write a message." };
    if ([...raw.body].length > MAX_BODY) return { ok: false, error: `Use at most ${MAX_BODY} characters.` };
    const participants = raw.to
        .split(",")
        .map((p) => p.trim())
        .filter((p) => p !== "");
    return { ok: true, conversationId, body: raw.body, participants };
}

export function messagesApi(request: Request) {
    const conv = (id: string) => `/conversations/${encodeURIComponent(id)}`;
    const query = (limit?: number, before?: string | null) => {
        const q = new URLSearchParams();
        if (limit !== undefined) q.set("limit", String(limit));
        if (before) q.set("before", before);
        const s = q.toString();
        return s ? `?${s}` : "";
    };
    return {
        /** Sends a message; `participants` name the others when the conversation is new. */
        send: async (conversationId: string, body: string, participants: string[] = []) =>
            parseMessage(
                await request("POST", `${conv(conversationId)}/messages`, {
                    body,
                    ...(participants.length > 0 ? { participants } : {}),
                }),
            ),
        messages: async (conversationId: string, limit?: number, before?: string | null) =>
            parsePage(
                await request("GET", `${conv(conversationId)}/messages${query(limit, before)}`),
                "messages",
                parseMessage,
            ),
        conversations: async (limit?: number, before?: string | null) =>
            parsePage(await request("GET", `/conversations${query(limit, before)}`), "conversations", parseSummary),
        markRead: async (conversationId: string, messageId: string): Promise<boolean> => {
            const v = await request("PUT", `${conv(conversationId)}/read`, { messageId });
            return isObject(v) && v.marked === true;
        },
    };
}

/**
 * Messages API (DynamoDB, the MessageTable), for the signed-in user only.
 *
 *   GET  /api/conversations                      200 {conversations: [summary], nextBefore} (?limit, ?before)
 *   POST /api/conversations/{id}/messages        {body, participants?} -> 201 message; the first message
 *                                                creates the conversation with the sender and `participants`
 *   GET  /api/conversations/{id}/messages        200 {messages: [message], nextBefore}, newest first (?limit, ?before)
 *   PUT  /api/conversations/{id}/read            {messageId} -> 200 {marked}: unread count to 0 if still at it
 *
 * A conversation the caller is not part of answers 404 (it does not reveal
 * whether it exists). Summaries are the stream consumer's: they follow a new
 * message within about a second. DynamoDB unreachable or throttling: 503.
 */
import * as crypto from "crypto";
import { badRequest, HttpError, notFound, readJson, sendJson } from "../http/respond";
import type { Route } from "../http/router";
import type { Log } from "../log";
import { requirePrincipal, type PrincipalOf } from "./principal";
import type { MessageStore } from "./store";
import { newMessageId } from "./tableKeys";
import { CONVERSATION_ID, validateNewMessage, validatePageQuery, validateReadMark } from "./validation";

export interface MessageRoutesOptions {
    readonly store: MessageStore;
    readonly principalOf: PrincipalOf;
    readonly log: Log;
    /** Clock (Unix ms). @default Date.now */
    readonly now?: () => number;
}

/** DynamoDB errors that mean "not now" (throttling, server side, network) rather than a bug. */
export function isUnavailable(err: unknown): boolean {
    const e = err as { name?: string; $metadata?: { httpStatusCode?: number }; $retryable?: unknown };
    const status = e?.$metadata?.httpStatusCode;
    if (status !== undefined)
        return status >= 500 || e.$retryable !== undefined || /Throttl|LimitExceeded/.test(e.name ?? "");
    // No HTTP answer at all: connection refused, reset, DNS, timeout.
    return /ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EPIPE|TimeoutError|socket hang up/i.test(
        `${e?.name ?? ""} ${(err as { code?: string })?.code ?? ""} ${(err as Error)?.message ?? ""}`,
    );
}

function conversationIdOf(raw: string): string {
    if (!CONVERSATION_ID.test(raw)) throw notFound("no such conversation");
    return raw;
}

export function messageRoutes(o: MessageRoutesOptions): Route[] {
    const now = o.now ?? Date.now;
    let down = false;
    /** Runs a store call; unavailability becomes a 503, logged once per outage. */
    async function guard<T>(run: () => Promise<T>): Promise<T> {
        try {
            const result = await run();
            if (down) o.log("info", "messages table available again");
            down = false;
            return result;
        } catch (err) {
            if (!isUnavailable(err)) throw err;
            if (!down) o.log("warn", "messages table unavailable", { error: (err as Error)?.name });
            down = true;
            throw new HttpError(503, "unavailable", "messages unavailable", undefined, { "retry-after": "1" });
        }
    }
    async function membership(conversationId: string, userId: string) {
        const conversation = await guard(() => o.store.getConversation(conversationId));
        if (!conversation || !conversation.participants.includes(userId)) throw notFound("no such conversation");
        return conversation;
    }

    return [
        {
            pattern: /^\/api\/conversations$/,
            methods: {
                GET: async (ctx) => {
                    const { userId } = await requirePrincipal(o.principalOf, ctx);
                    const q = validatePageQuery(ctx.target.query);
                    if (!q.ok) throw badRequest("invalid query", q.issues);
                    const p = await guard(() => o.store.listConversations(userId, q.value.limit, q.value.before));
                    sendJson(ctx.res, 200, { conversations: p.items, nextBefore: p.nextBefore });
                },
            },
        },
        {
            pattern: /^\/api\/conversations\/([^/]+)\/messages$/,
            methods: {
                GET: async (ctx, [raw]) => {
                    const { userId } = await requirePrincipal(o.principalOf, ctx);
                    const conversationId = conversationIdOf(raw);
                    const q = validatePageQuery(ctx.target.query);
                    if (!q.ok) throw badRequest("invalid query", q.issues);
                    await membership(conversationId, userId);
                    const p = await guard(() => o.store.listMessages(conversationId, q.value.limit, q.value.before));
                    sendJson(ctx.res, 200, { messages: p.items, nextBefore: p.nextBefore });
                },
                POST: async (ctx, [raw]) => {
                    const { userId } = await requirePrincipal(o.principalOf, ctx);
                    const conversationId = conversationIdOf(raw);
                    const parsed = validateNewMessage(await readJson(ctx.req), userId);
                    if (!parsed.ok) throw badRequest("invalid message", parsed.issues);
                    const at = now();
                    let conversation = await guard(() => o.store.getConversation(conversationId));
                    if (!conversation) {
                        if (!parsed.value.participants) {
                            throw badRequest("invalid message", [
                                { field: "participants", message: "required for a conversation's first message" },
                            ]);
                        }
                        const participants = [userId, ...parsed.value.participants];
                        const wanted = {
                            conversationId,
                            participants,
                            createdBy: userId,
                            createdAt: new Date(at).toISOString(),
                        };
                        conversation = await guard(() => o.store.createConversation(wanted));
                    }
                    if (!conversation.participants.includes(userId)) throw notFound("no such conversation");
                    const message = {
                        conversationId,
                        messageId: newMessageId(at, () => crypto.randomBytes(10)),
                        senderId: userId,
                        body: parsed.value.body,
                        sentAt: new Date(at).toISOString(),
                    };
                    const participants = conversation.participants;
                    await guard(() => o.store.putMessage(message, participants));
                    sendJson(ctx.res, 201, { ...message, participants });
                },
            },
        },
        {
            pattern: /^\/api\/conversations\/([^/]+)\/read$/,
            methods: {
                PUT: async (ctx, [raw]) => {
                    const { userId } = await requirePrincipal(o.principalOf, ctx);
                    const conversationId = conversationIdOf(raw);
                    const parsed = validateReadMark(await readJson(ctx.req));
                    if (!parsed.ok) throw badRequest("invalid read mark", parsed.issues);
                    await membership(conversationId, userId);
                    const marked = await guard(() => o.store.markRead(conversationId, userId, parsed.value.messageId));
                    sendJson(ctx.res, 200, { marked });
                },
            },
        },
    ];
}

// The web frontend's messages client (web/src/messages.ts): request shaping, answer checks and the
// form's checks. The page itself sends and reads messages in a real browser (test/e2e).
import { expect } from "chai";
import { ApiError, createRequest } from "../web/src/api";
import { messagesApi, parseMessage, validateMessageForm } from "../web/src/messages";

/** A fetch that records each request and answers from a queue of [status, body] pairs. */
function recordingFetch(answers: [number, unknown][]) {
    const calls: { url: string; method: string; headers: Record<string, string>; body: unknown }[] = [];
    const fetchFn = async (url: string | URL | Request, init?: RequestInit) => {
        calls.push({
            url: String(url),
            method: init?.method ?? "GET",
            headers: (init?.headers ?? {}) as Record<string, string>,
            body: init?.body === undefined ? undefined : JSON.parse(String(init.body)),
        });
        const [status, body] = answers.shift() ?? [500, { message: "no answer queued" }];
        return new Response(body === undefined ? null : JSON.stringify(body), { status });
    };
    return { calls, fetch: fetchFn as typeof fetch };
}

const MESSAGE = {
    conversationId: "c-ab",
    messageId: "01JDQ2Z8W3M5XK7P9R2T4V6Y8A",
    senderId: "alice",
    body: "Hi",
    sentAt: "2026-12-01T10:00:00.000Z",
    participants: ["alice", "bob"],
};

describe("web frontend: messages client", () => {
    it("sends a message, pages a conversation and lists conversations at the API's paths, with the token", async () => {
        const f = recordingFetch([
            [201, MESSAGE],
            [200, { messages: [MESSAGE], nextBefore: MESSAGE.messageId }],
            [
                200,
                {
                    conversations: [
                        {
                            conversationId: "c-ab",
                            lastMessagePreview: "Hi",
                            lastSenderId: "alice",
                            lastMessageAt: MESSAGE.sentAt,
                            lastMessageId: MESSAGE.messageId,
                            unreadCount: 2,
                        },
                    ],
                    nextBefore: null,
                },
            ],
            [200, { marked: true }],
        ]);
        const api = messagesApi(createRequest({ fetch: f.fetch, accessToken: async () => "tok" }));
        const sent = await api.send("c-ab", "Hi", ["bob"]);
        expect(sent).to.deep.equal({
            conversationId: "c-ab",
            messageId: MESSAGE.messageId,
            senderId: "alice",
            body: "Hi",
            sentAt: MESSAGE.sentAt,
        });
        const page = await api.messages("c-ab", 10, "01JDQ2Z8W3M5XK7P9R2T4V6Y8B");
        expect(page.nextBefore).to.equal(MESSAGE.messageId);
        const list = await api.conversations();
        expect(list.items[0]).to.include({ conversationId: "c-ab", unreadCount: 2 });
        expect(await api.markRead("c-ab", MESSAGE.messageId)).to.equal(true);
        expect(f.calls.map((c) => `${c.method} ${c.url}`)).to.deep.equal([
            "POST /api/conversations/c-ab/messages",
            "GET /api/conversations/c-ab/messages?limit=10&before=01JDQ2Z8W3M5XK7P9R2T4V6Y8B",
            "GET /api/conversations",
            "PUT /api/conversations/c-ab/read",
        ]);
        expect(f.calls[0].body).to.deep.equal({ body: "Hi", participants: ["bob"] });
        expect(f.calls[3].body).to.deep.equal({ messageId: MESSAGE.messageId });
        expect(f.calls.every((c) => c.headers.Authorization === "Bearer tok")).to.equal(true);
    });

    it("sends no participants for an existing conversation and refuses answers it does not understand", async () => {
        const f = recordingFetch([
            [201, MESSAGE],
            [200, { messages: [{ ...MESSAGE, body: 42 }], nextBefore: null }],
            [401, { error: "unauthorized", message: "sign in required" }],
        ]);
        const api = messagesApi(createRequest({ fetch: f.fetch }));
        await api.send("c-ab", "again");
        expect(f.calls[0].body).to.deep.equal({ body: "again" });
        const odd = await api.messages("c-ab").catch((e: unknown) => e);
        expect(odd).to.be.instanceOf(ApiError);
        expect((odd as ApiError).message).to.match(/^unexpected message from the API/);
        const refused = await api.conversations().catch((e: unknown) => e);
        expect(refused).to.be.instanceOf(ApiError).and.include({ status: 401, message: "sign in required" });
        expect(() => parseMessage({ ...MESSAGE, sentAt: undefined })).to.throw(ApiError);
    });

    it("checks the form: conversation name, a message, recipients split on commas", () => {
        expect(validateMessageForm({ conversation: " c-ab ", to: "bob, carol,", body: "Hi" })).to.deep.equal({
            ok: true,
            conversationId: "c-ab",
            body: "Hi",
            participants: ["bob", "carol"],
        });
        expect(validateMessageForm({ conversation: "a#b", to: "", body: "Hi" })).to.include({ ok: false });
        expect(validateMessageForm({ conversation: "c", to: "", body: "  " })).to.deep.equal({
            ok: false,
            error: "Write a message.",
        });
        expect(validateMessageForm({ conversation: "c", to: "", body: "x".repeat(2001) })).to.deep.equal({
            ok: false,
            error: "Use at most 2000 characters.",
        });
    });
});

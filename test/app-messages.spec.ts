/**
 * Issue 19 item 2: the messages API (app/src/messages) against a
 * DynamoDB-compatible server on loopback (dynalite, started here on port 0)
 * holding a table with the MessageTable's keys and byUser index. Summaries
 * come from the real stream consumer (lambda/message-stream), fed by the
 * local stream poller that `npm run local` uses (dynalite has no streams).
 *
 * Identity: callers send real access tokens from an issuer on loopback
 * (scripts/localSystem/tokenIssuer.ts); the app's guard verifies them
 * (app/src/auth) and the API takes the caller's `sub` from it, never an
 * identity from the request itself.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { expect } from "chai";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";
import { createApp, type App } from "../app/src/app";
import { validatePageQuery } from "../app/src/messages/validation";
import {
    createMessageTable,
    DYNAMO_CREDENTIALS,
    startDynamo,
    startMessageStream,
    type LocalDynamo,
} from "../scripts/localSystem/dynamo";
import { startIssuer, type TestIssuer } from "../scripts/localSystem/tokenIssuer";

const ROOT = path.resolve(__dirname, "..");

interface Caller {
    readonly token: string;
}

describe("sample app: messages API on DynamoDB (issue 19)", function () {
    this.timeout(30_000);

    it("keeps its copy of the table's key design identical to the component's", () => {
        const component = fs.readFileSync(path.join(ROOT, "components/data/messageKeys.ts"), "utf8");
        const app = fs.readFileSync(path.join(ROOT, "app/src/messages/tableKeys.ts"), "utf8");
        expect(app, "cp components/data/messageKeys.ts app/src/messages/tableKeys.ts").to.equal(component);
    });

    it("validates the paging query, every problem at once", () => {
        const q = (s: string) => validatePageQuery(new URLSearchParams(s));
        expect(q("")).to.deep.equal({ ok: true, value: { limit: 20 } });
        expect(q("limit=100&before=01JDQ2Z8W3M5XK7P9R2T4V6Y8A")).to.deep.equal({
            ok: true,
            value: { limit: 100, before: "01JDQ2Z8W3M5XK7P9R2T4V6Y8A" },
        });
        for (const bad of ["limit=0", "limit=101", "limit=abc", "limit=-1", "limit=1.5"]) {
            expect(q(bad), bad).to.deep.equal({ ok: false, issues: [{ field: "limit", message: "1 to 100" }] });
        }
        const both = q("limit=0&before=MSG%23x");
        expect(both.ok === false && both.issues.map((i) => i.field)).to.deep.equal(["limit", "before"]);
    });

    describe("against dynalite on loopback", () => {
        let dynamo: LocalDynamo;
        let table: string;
        let app: App;
        let url: string;
        let clock = Date.parse("2026-12-01T10:00:00Z");
        let issuer: TestIssuer;
        const lines: string[] = [];
        const signIn = (userId: string): Caller => ({ token: issuer.accessToken(userId) });
        let alice: Caller, bob: Caller, carol: Caller, mallory: Caller;

        const call = async (who: Caller | undefined, method: string, p: string, body?: unknown) => {
            const res = await fetch(`${url}${p}`, {
                method,
                headers: {
                    ...(who ? { authorization: `Bearer ${who.token}` } : {}),
                    ...(body !== undefined ? { "content-type": "application/json" } : {}),
                },
                body: body === undefined ? undefined : JSON.stringify(body),
            });
            const text = await res.text();
            return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
        };

        before(async () => {
            dynamo = await startDynamo(0);
            issuer = await startIssuer();
            table = await createMessageTable(dynamo.client, "messages-api-spec");
            app = createApp({
                env: { MESSAGES_TABLE: table, AWS_REGION: "us-east-1", ...issuer.env },
                dynamodb: dynamo.client,
                // Each message 1 ms after the last, so ids (ULIDs) sort as the messages were sent.
                now: () => ++clock,
                log: (level, msg, fields) => lines.push(JSON.stringify({ level, msg, ...fields })),
            });
            await new Promise<void>((resolve) => app.service.server.listen(0, "127.0.0.1", resolve));
            url = `http://127.0.0.1:${(app.service.server.address() as net.AddressInfo).port}`;
            [alice, bob, carol, mallory] = ["alice", "bob", "carol", "mallory"].map(signIn);
        });
        after(async () => {
            await app?.shutdown();
            await dynamo?.stop();
            await issuer?.close();
        });

        it("refuses a caller without a sign-in (401) and does not trust a user id in the request", async () => {
            const res = await call(undefined, "GET", "/api/conversations");
            expect(res.status).to.equal(401);
            expect(res.headers.get("www-authenticate")).to.equal('Bearer realm="api"');
            const spoof = await fetch(`${url}/api/conversations`, { headers: { "x-user-id": "alice" } });
            expect(spoof.status).to.equal(401);
        });

        it("creates a conversation with its first message, then only its participants read or write it", async () => {
            const first = await call(alice, "POST", "/api/conversations/c-ab/messages", {
                body: "Hi Bob 👋",
                participants: ["bob"],
            });
            expect(first.status).to.equal(201);
            expect(first.body).to.include({ conversationId: "c-ab", senderId: "alice", body: "Hi Bob 👋" });
            expect(first.body.participants).to.deep.equal(["alice", "bob"]);
            expect(first.body.messageId).to.match(/^[0-9A-HJKMNP-TV-Z]{26}$/);
            const reply = await call(bob, "POST", "/api/conversations/c-ab/messages", { body: "Hi!" });
            expect(reply.status).to.equal(201);
            const read = await call(bob, "GET", "/api/conversations/c-ab/messages");
            expect(read.status).to.equal(200);
            expect(read.body.messages.map((m: { body: string }) => m.body)).to.deep.equal(["Hi!", "Hi Bob 👋"]);
            expect(read.body.nextBefore).to.equal(null);
            for (const [method, body] of [
                ["GET", undefined],
                ["POST", { body: "let me in", participants: ["alice"] }],
            ] as const) {
                const res = await call(mallory, method, "/api/conversations/c-ab/messages", body);
                expect(res.status, `${method} by a non-participant`).to.equal(404);
            }
            const after = await call(alice, "GET", "/api/conversations/c-ab/messages");
            expect(after.body.messages).to.have.length(2);
        });

        it("refuses bad messages with every problem listed, and a first message without participants", async () => {
            const bad = await call(alice, "POST", "/api/conversations/c-bad/messages", {
                body: " ",
                participants: ["bob", "not#an#id"],
            });
            expect(bad.status).to.equal(400);
            expect(bad.body.details.map((d: { field: string }) => d.field)).to.deep.equal(["body", "participants.1"]);
            const long = await call(alice, "POST", "/api/conversations/c-bad/messages", {
                body: "x".repeat(2001),
                participants: ["bob"],
            });
            expect(long.body.details).to.deep.equal([{ field: "body", message: "at most 2000 characters" }]);
            const lonely = await call(alice, "POST", "/api/conversations/c-bad/messages", { body: "anyone?" });
            expect(lonely.status).to.equal(400);
            expect(lonely.body.details[0].field).to.equal("participants");
            const badId = await call(alice, "GET", "/api/conversations/CONV%23x/messages");
            expect(badId.status).to.equal(404);
            const query = await call(alice, "GET", "/api/conversations/c-ab/messages?limit=500&before=x");
            expect(query.status).to.equal(400);
            expect(query.body.details.map((d: { field: string }) => d.field)).to.deep.equal(["limit", "before"]);
            const none = await call(alice, "GET", "/api/conversations/c-bad/messages");
            expect(none.status, "nothing was created").to.equal(404);
        });

        it("pages through a conversation newest first with the before cursor, each message once", async () => {
            const sent: string[] = [];
            for (let i = 0; i < 25; i++) {
                const who = i % 2 === 0 ? carol : alice;
                const res = await call(who, "POST", "/api/conversations/c-long/messages", {
                    body: `message ${i}`,
                    ...(i === 0 ? { participants: ["alice"] } : {}),
                });
                expect(res.status).to.equal(201);
                sent.push(res.body.messageId);
            }
            const seen: string[] = [];
            const sizes: number[] = [];
            let cursor: string | null = null;
            do {
                const q: string = cursor ? `?limit=10&before=${cursor}` : "?limit=10";
                const page = await call(alice, "GET", `/api/conversations/c-long/messages${q}`);
                expect(page.status).to.equal(200);
                sizes.push(page.body.messages.length);
                seen.push(...page.body.messages.map((m: { messageId: string }) => m.messageId));
                cursor = page.body.nextBefore;
            } while (cursor);
            expect(sizes).to.deep.equal([10, 10, 5]);
            expect(seen).to.deep.equal([...sent].reverse());
            // The summaries of the conversation (MEMBER#, META) never appear among its messages.
            expect(new Set(seen).size).to.equal(25);
        });

        it("lists the signed-in user's conversations through the byUser index, with unread counts", async () => {
            const stream = startMessageStream({
                client: dynamo.client,
                tableName: table,
                log: () => undefined,
                intervalMs: 0,
                now: () => clock,
            });
            expect(await stream.poll()).to.be.greaterThan(0);
            expect(await stream.poll(), "a second poll finds nothing new").to.equal(0);
            await stream.stop();

            const list = await call(alice, "GET", "/api/conversations");
            expect(list.status).to.equal(200);
            expect(list.body.conversations.map((c: { conversationId: string }) => c.conversationId)).to.deep.equal([
                "c-long",
                "c-ab",
            ]);
            const [long, ab] = list.body.conversations;
            expect(long).to.include({ lastMessagePreview: "message 24", lastSenderId: "carol", unreadCount: 1 });
            expect(ab).to.include({ lastMessagePreview: "Hi!", lastSenderId: "bob", unreadCount: 1 });
            const bobs = await call(bob, "GET", "/api/conversations");
            expect(bobs.body.conversations.map((c: { conversationId: string }) => c.conversationId)).to.deep.equal([
                "c-ab",
            ]);
            expect(bobs.body.conversations[0].unreadCount, "bob sent the last message").to.equal(0);

            const page1 = await call(alice, "GET", "/api/conversations?limit=1");
            expect(page1.body.conversations).to.have.length(1);
            const page2 = await call(alice, "GET", `/api/conversations?limit=1&before=${page1.body.nextBefore}`);
            expect(page2.body.conversations[0].conversationId).to.equal("c-ab");
            expect(page2.body.nextBefore).to.equal(null);
            const nobody = await call(mallory, "GET", "/api/conversations");
            expect(nobody.body).to.deep.equal({ conversations: [], nextBefore: null });
        });

        it("marks a conversation read only while it is still at the message the reader saw", async () => {
            const [long] = (await call(alice, "GET", "/api/conversations")).body.conversations;
            const messages = (await call(alice, "GET", "/api/conversations/c-long/messages?limit=2")).body.messages;
            const stale = await call(alice, "PUT", "/api/conversations/c-long/read", {
                messageId: messages[1].messageId,
            });
            expect(stale.body).to.deep.equal({ marked: false });
            const ok = await call(alice, "PUT", "/api/conversations/c-long/read", { messageId: long.lastMessageId });
            expect(ok.body).to.deep.equal({ marked: true });
            const after = (await call(alice, "GET", "/api/conversations")).body.conversations[0];
            expect(after).to.include({
                conversationId: "c-long",
                unreadCount: 0,
                lastReadMessageId: long.lastMessageId,
            });
            const notMine = await call(mallory, "PUT", "/api/conversations/c-long/read", {
                messageId: long.lastMessageId,
            });
            expect(notMine.status).to.equal(404);
        });

        it("answers 503 with retry-after while the table is down mid-test, and serves again when it is back", async () => {
            let second = await startDynamo(0);
            const port = Number(new URL(second.endpoint).port);
            await createMessageTable(second.client, table);
            // The app's own client, as in production: it outlives the server it talks to.
            const appClient = new DynamoDBClient({
                endpoint: second.endpoint,
                region: "us-east-1",
                credentials: DYNAMO_CREDENTIALS,
            });
            const own = createApp({
                env: { MESSAGES_TABLE: table, AWS_REGION: "us-east-1", ...issuer.env },
                dynamodb: appClient,
                log: (level, msg, fields) => lines.push(JSON.stringify({ level, msg, ...fields })),
            });
            await new Promise<void>((resolve) => own.service.server.listen(0, "127.0.0.1", resolve));
            const base = `http://127.0.0.1:${(own.service.server.address() as net.AddressInfo).port}`;
            const list = () =>
                fetch(`${base}/api/conversations`, { headers: { authorization: `Bearer ${alice.token}` } });
            try {
                expect((await list()).status).to.equal(200);
                await second.stop();
                for (let i = 0; i < 2; i++) {
                    const res = await list();
                    expect(res.status).to.equal(503);
                    expect(res.headers.get("retry-after")).to.equal("1");
                    expect(((await res.json()) as { error: string }).error).to.equal("unavailable");
                }
                expect((await fetch(`${base}/api/health`)).status, "the process keeps serving").to.equal(200);
                second = await startDynamo(port);
                await createMessageTable(second.client, table);
                // The app's client is the stopped one's: a new connection to the same port.
                expect((await list()).status).to.equal(200);
            } finally {
                await own.shutdown();
                appClient.destroy();
                await second.stop();
            }
            const logged = lines.filter((l) => l.includes('"messages table unavailable"'));
            expect(logged, "logged once per outage, not per request").to.have.length(1);
            expect(lines.some((l) => l.includes('"messages table available again"'))).to.equal(true);
        });

        it("answers 503 when the table or the sign-in is not configured", async () => {
            for (const options of [
                { env: { ...issuer.env } },
                { env: { MESSAGES_TABLE: table, AWS_REGION: "us-east-1" } },
            ]) {
                const bare = createApp({ ...options, log: () => undefined });
                await new Promise<void>((resolve) => bare.service.server.listen(0, "127.0.0.1", resolve));
                const port = (bare.service.server.address() as net.AddressInfo).port;
                const res = await fetch(`http://127.0.0.1:${port}/api/conversations/c-ab/messages`, {
                    headers: { authorization: `Bearer ${alice.token}` },
                });
                expect(res.status).to.equal(503);
                await bare.shutdown();
            }
        });
    });
});

// The web frontend's pure modules (web/src): answer parsing, error messages, request shaping,
// form checks and status polling. The page itself is exercised in a real browser by test/e2e.
import { expect } from "chai";
import fc from "fast-check";
import {
    ApiError,
    createApi,
    errorMessage,
    parseImageState,
    parseTicket,
    parseUserList,
    uploadBody,
} from "../web/src/api";
import { delayFor, pollImage, PollTimeout } from "../web/src/poll";
import { checkFile, formatBytes } from "../web/src/uploadForm";
import { validateUser } from "../web/src/userForm";

interface Call {
    url: string;
    method: string;
    headers: Record<string, string>;
    body: unknown;
}

/** A fetch that records each request and answers from a queue of [status, body] pairs. */
function recordingFetch(answers: [number, unknown][]) {
    const calls: Call[] = [];
    const fetchFn = async (url: string | URL | Request, init?: RequestInit) => {
        calls.push({
            url: String(url),
            method: init?.method ?? "GET",
            headers: (init?.headers ?? {}) as Record<string, string>,
            body: init?.body,
        });
        const [status, body] = answers.shift() ?? [500, { message: "no answer queued" }];
        return new Response(body === undefined ? null : typeof body === "string" ? body : JSON.stringify(body), {
            status,
        });
    };
    return { calls, fetch: fetchFn as typeof fetch };
}

describe("web frontend modules", () => {
    describe("API client", () => {
        it("sends JSON to the contract's paths and parses the answers", async () => {
            const user = { id: 7, name: "Ada", email: "ada@example.com", createdAt: "2026-01-01T00:00:00Z" };
            const f = recordingFetch([
                [201, user],
                [200, [user]],
                [200, { ...user, name: "Ada L" }],
                [204, undefined],
                [
                    201,
                    {
                        uploadId: "u1",
                        key: "uploads/u1/cat.jpg",
                        url: "http://s3/b",
                        fields: { key: "k", Policy: "p" },
                    },
                ],
                [
                    200,
                    { status: "ready", renditions: [{ name: "thumbnail", width: 150, height: 100, url: "/media/x" }] },
                ],
            ]);
            const api = createApi({ fetch: f.fetch, accessToken: async () => "tok" });
            expect(await api.createUser({ name: "Ada", email: "ada@example.com" })).to.deep.equal({
                id: 7,
                name: "Ada",
                email: "ada@example.com",
            });
            expect(await api.listUsers()).to.have.length(1);
            expect((await api.updateUser(7, { name: "Ada L", email: "ada@example.com" })).name).to.equal("Ada L");
            await api.deleteUser(7);
            const ticket = await api.createUpload({ name: "cat.jpg", type: "image/jpeg", size: 1234 });
            expect(ticket.fields).to.deep.equal({ key: "k", Policy: "p" });
            expect((await api.imageState("u 1")).status).to.equal("ready");
            expect(f.calls.map((c) => `${c.method} ${c.url}`)).to.deep.equal([
                "POST /api/users",
                "GET /api/users",
                "PUT /api/users/7",
                "DELETE /api/users/7",
                "POST /api/uploads",
                "GET /api/images/u%201",
            ]);
            expect(JSON.parse(f.calls[4].body as string)).to.deep.equal({
                fileName: "cat.jpg",
                contentType: "image/jpeg",
                size: 1234,
            });
            expect(f.calls[0].headers).to.include({ "Content-Type": "application/json", Authorization: "Bearer tok" });
            expect(f.calls[1].headers).to.not.have.property("Content-Type");
        });

        it("turns error answers into ApiError with the API's message", async () => {
            const f = recordingFetch([
                [409, { error: "conflict", message: "email already registered" }],
                [400, { message: "invalid user", details: [{ path: "email", message: "email is not an address" }] }],
                [502, "<html>bad gateway</html>"],
            ]);
            const api = createApi({ fetch: f.fetch });
            const failure = async (p: Promise<unknown>) =>
                p.then(
                    () => expect.fail("resolved"),
                    (e) => e as ApiError,
                );
            const conflict = await failure(api.createUser({ name: "A", email: "a@example.com" }));
            expect(conflict).to.be.instanceOf(ApiError);
            expect([conflict.status, conflict.message]).to.deep.equal([409, "email already registered"]);
            expect((await failure(api.listUsers())).message).to.equal("invalid user: email is not an address");
            expect((await failure(api.listUsers())).message).to.equal("The server answered 502.");
        });

        it("reports S3's refusal of an upload with its error code", async () => {
            const f = recordingFetch([
                [403, "<Error><Code>AccessDenied</Code><Message>Policy Condition failed</Message></Error>"],
            ]);
            const api = createApi({ fetch: f.fetch });
            const ticket = { uploadId: "u", key: "k", url: "http://127.0.0.1:9/bucket", fields: { key: "k" } };
            const error = await api.upload(ticket, new Blob(["x"])).then(
                () => expect.fail("resolved"),
                (e) => e as ApiError,
            );
            expect(error.message).to.equal("The storage refused the upload: AccessDenied (Policy Condition failed).");
            expect(f.calls[0].url).to.equal("http://127.0.0.1:9/bucket");
        });

        it("puts every presigned field before the file", () => {
            const form = uploadBody(
                { key: "uploads/x.jpg", "Content-Type": "image/jpeg", Policy: "p" },
                new Blob(["x"]),
            );
            expect([...form.keys()]).to.deep.equal(["key", "Content-Type", "Policy", "file"]);
        });

        it("refuses answers that do not match the contract", () => {
            expect(() => parseUserList({ users: [{ id: 1, name: "x" }] })).to.throw(ApiError, /unexpected user/);
            expect(parseUserList({ users: [] })).to.deep.equal([]);
            expect(() => parseTicket({ uploadId: "u", key: "k", url: "x", fields: { a: 1 } })).to.throw(
                /upload ticket/,
            );
            expect(() => parseImageState({ status: "done", renditions: [] })).to.throw(/image status/);
            expect(() =>
                parseImageState({ status: "ready", renditions: [{ name: "x", url: "u", width: "1" }] }),
            ).to.throw(/rendition/);
        });

        it("falls back to a message by status", () => {
            expect(errorMessage(401, undefined)).to.equal("Please sign in again.");
            expect(errorMessage(404, {})).to.equal("Not found.");
        });
    });

    describe("forms", () => {
        it("validates and trims the user form", () => {
            expect(validateUser({ name: "  Ada ", email: " ada@example.com " })).to.deep.equal({
                ok: true,
                value: { name: "Ada", email: "ada@example.com" },
            });
            const bad = validateUser({ name: " ", email: "nope" });
            expect(bad.ok).to.equal(false);
            expect(bad.ok ? {} : bad.errors).to.have.keys("name", "email");
        });

        it("checks the chosen file", () => {
            expect(checkFile(undefined)).to.equal("Choose an image first.");
            expect(checkFile({ name: "a.pdf", type: "application/pdf", size: 10 })).to.match(/not a supported image/);
            expect(checkFile({ name: "a.jpg", type: "image/jpeg", size: 0 })).to.equal("a.jpg is empty.");
            expect(checkFile({ name: "a.jpg", type: "image/jpeg", size: 11 }, 10)).to.equal(
                "a.jpg is larger than 10 B.",
            );
            expect(checkFile({ name: "a.jpg", type: "image/jpeg", size: 10 })).to.equal(undefined);
            expect(formatBytes(20 * 1024 * 1024)).to.equal("20.0 MiB");
        });
    });

    describe("polling", () => {
        it("polls until ready, with growing capped delays", async () => {
            const answers = ["pending", "pending", "pending", "ready"] as const;
            const waits: number[] = [];
            let i = 0;
            const seen: string[] = [];
            const state = await pollImage(async () => ({ status: answers[i++], renditions: [] }), {
                sleep: async (ms) => {
                    waits.push(ms);
                },
                onState: (s) => seen.push(s.status),
            });
            expect(state.status).to.equal("ready");
            expect(waits).to.deep.equal([500, 750, 1125]);
            expect(seen).to.deep.equal([...answers]);
        });

        it("stops at failed, and times out when it stays pending", async () => {
            const failed = await pollImage(async () => ({ status: "failed", renditions: [] }), {
                sleep: async () => {},
            });
            expect(failed.status).to.equal("failed");
            let clock = 0;
            const error = await pollImage(async () => ({ status: "pending", renditions: [] }), {
                sleep: async (ms) => {
                    clock += ms;
                },
                now: () => clock,
                timeoutMs: 10_000,
            }).then(
                () => expect.fail("resolved"),
                (e) => e,
            );
            expect(error).to.be.instanceOf(PollTimeout);
            expect(clock).to.be.at.least(10_000).and.below(13_000);
        });

        it("delays never exceed the cap and never shrink", () => {
            fc.assert(
                fc.property(
                    fc.nat(60),
                    fc.integer({ min: 1, max: 5000 }),
                    fc.integer({ min: 1, max: 10_000 }),
                    (n, a, b) => {
                        const [initial, max] = a <= b ? [a, b] : [b, a];
                        expect(delayFor(n, initial, max)).to.be.at.most(max);
                        expect(delayFor(n + 1, initial, max)).to.be.at.least(delayFor(n, initial, max));
                    },
                ),
            );
        });
    });
});

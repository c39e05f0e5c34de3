/**
 * Database settings from the environment. Nothing here echoes secret
 * material: reasons name the variable and what is wrong with it.
 *
 *   DB_HOST, DB_PORT (5432), DB_NAME (postgres)   the endpoint
 *   DB_SSL              "true"/"verify-full": TLS, certificate verified (against
 *                       DB_SSL_CA_FILE when set, else the system CAs);
 *                       "no-verify": TLS without verification; "false"/unset: plain
 *   DB_SSL_CA_FILE      PEM bundle of the database CA (the image ships the RDS bundle)
 *   DB_CONNECT_TIMEOUT_MS  connection and query timeout (3000)
 *   DB_POOL_MAX         connections per process (10)
 *   DB_SECRET           JSON {"username","password"}: the master secret, used
 *                       only by the start-up migration
 *   DB_APP_USER         the application role that serves traffic (app)
 *   DB_TRIGGER_USER     role of the Cognito post-confirmation trigger, created and granted
 *                       INSERT on users by the migration (IAM sign-in only); unset: none
 *   DB_APP_AUTH         how it signs in: "iam" (RDS IAM tokens, AWS_REGION), "password"
 *                       (plain PostgreSQL; set by the migration), "auto" (default: IAM
 *                       where the database has rds_iam, else a password)
 */
import * as fs from "fs";
import type { ConnectionOptions } from "tls";

export type Env = Record<string, string | undefined>;

/** Where the database is and how to reach it. */
export interface DbEndpoint {
    readonly host: string;
    readonly port: number;
    readonly database: string;
    readonly ssl: false | ConnectionOptions;
    readonly timeoutMs: number;
    readonly poolMax: number;
}

/** A user name and password (the master secret). */
export interface Credentials {
    readonly username: string;
    readonly password: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

const fail = (reason: string): { ok: false; reason: string } => ({
    ok: false,
    reason: `database not configured: ${reason}`,
});

function integer(raw: string | undefined, fallback: number, min: number, max: number): number | undefined {
    if (raw === undefined || raw.trim() === "") return fallback;
    const n = Number(raw);
    return Number.isInteger(n) && n >= min && n <= max ? n : undefined;
}

function sslFromEnv(env: Env): Parsed<false | ConnectionOptions> {
    const mode = (env.DB_SSL ?? "false").trim().toLowerCase();
    if (["", "false", "0", "off", "disable"].includes(mode)) return { ok: true, value: false };
    if (mode === "no-verify") return { ok: true, value: { rejectUnauthorized: false } };
    if (!["true", "1", "on", "require", "verify-full"].includes(mode)) {
        return fail('DB_SSL is not one of "true", "no-verify", "false"');
    }
    if (!env.DB_SSL_CA_FILE) return { ok: true, value: { rejectUnauthorized: true } };
    try {
        return { ok: true, value: { rejectUnauthorized: true, ca: fs.readFileSync(env.DB_SSL_CA_FILE, "utf8") } };
    } catch {
        return fail("DB_SSL_CA_FILE cannot be read");
    }
}

/** Reads the endpoint settings. */
export function dbEndpointFromEnv(env: Env): Parsed<DbEndpoint> {
    const host = env.DB_HOST?.trim();
    if (!host) return fail("DB_HOST is not set");
    const port = integer(env.DB_PORT, 5432, 1, 65535);
    if (port === undefined) return fail("DB_PORT is not a port number");
    const timeoutMs = integer(env.DB_CONNECT_TIMEOUT_MS, 3000, 100, 60000);
    if (timeoutMs === undefined) return fail("DB_CONNECT_TIMEOUT_MS is not 100 to 60000");
    const poolMax = integer(env.DB_POOL_MAX, 10, 1, 100);
    if (poolMax === undefined) return fail("DB_POOL_MAX is not 1 to 100");
    const ssl = sslFromEnv(env);
    if (!ssl.ok) return ssl;
    return {
        ok: true,
        value: { host, port, database: env.DB_NAME?.trim() || "postgres", ssl: ssl.value, timeoutMs, poolMax },
    };
}

/** Reads the master secret injected as DB_SECRET. */
export function masterSecretFromEnv(env: Env): Parsed<Credentials> {
    if (!env.DB_SECRET) return fail("DB_SECRET is not set");
    let secret: unknown;
    try {
        secret = JSON.parse(env.DB_SECRET);
    } catch {
        return fail("DB_SECRET is not valid JSON");
    }
    const { username, password } = (secret ?? {}) as { username?: unknown; password?: unknown };
    if (typeof username !== "string" || typeof password !== "string" || username === "") {
        return fail('DB_SECRET lacks string "username" and "password"');
    }
    return { ok: true, value: { username, password } };
}

/** PostgreSQL role names the migration will create: lower-case identifiers, not reserved prefixes. */
const ROLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Reads DB_APP_USER (default "app"): the role the application serves traffic as. */
export function appUserFromEnv(env: Env): Parsed<string> {
    const user = (env.DB_APP_USER ?? "app").trim();
    if (!ROLE_NAME.test(user) || /^(pg_|rds)/.test(user) || user === "postgres") {
        return fail(`DB_APP_USER ${JSON.stringify(user)} is not a lower-case role name (not pg_*, rds*, postgres)`);
    }
    return { ok: true, value: user };
}

/** The post-confirmation trigger's role (DB_TRIGGER_USER), undefined when unset. */
export function triggerUserFromEnv(env: Env): Parsed<string | undefined> {
    const user = env.DB_TRIGGER_USER?.trim();
    if (!user) return { ok: true, value: undefined };
    if (!ROLE_NAME.test(user) || /^(pg_|rds)/.test(user) || user === "postgres") {
        return fail(`DB_TRIGGER_USER ${JSON.stringify(user)} is not a lower-case role name (not pg_*, rds*, postgres)`);
    }
    return { ok: true, value: user };
}

/** SNI must be a host name, not an IP address. */
export function sniName(host: string): string | undefined {
    return /^[\d.]+$/.test(host) || host.includes(":") ? undefined : host;
}

/** The TLS options pg gets for an endpoint. */
export function pgSsl(endpoint: DbEndpoint): false | ConnectionOptions {
    const s = endpoint.ssl;
    return s === false ? false : { ...s, servername: s.servername ?? sniName(endpoint.host) };
}

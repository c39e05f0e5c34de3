/**
 * The sample application: a dependency-light Node HTTP service.
 *
 *   GET /api/health     200 {"status":"ok"}: the process serves requests
 *                       (load balancer and container health checks).
 *   GET /api/health/db  200 when a PostgreSQL connection and `SELECT 1`
 *                       succeed, 503 with a JSON reason otherwise (never a
 *                       stack trace or a credential).
 *
 * Configuration (environment):
 *   PORT                 listen port (3000)
 *   DB_HOST, DB_PORT, DB_NAME   database endpoint (DB_PORT 5432, DB_NAME postgres)
 *   DB_SECRET            JSON {"username","password"}: the RDS-managed secret,
 *                        injected by ECS from Secrets Manager
 *   DB_SSL               "true"/"verify-full": TLS, server certificate verified
 *                        (against DB_SSL_CA_FILE when set, else the system CAs);
 *                        "no-verify": TLS without verification; "false"/unset: no TLS
 *   DB_SSL_CA_FILE       PEM bundle of the database CA (the image ships the RDS bundle)
 *   DB_CONNECT_TIMEOUT_MS  connection and query timeout (3000)
 */
import * as fs from "fs";
import * as http from "http";
import type { ConnectionOptions } from "tls";
import { Client } from "pg";

/** Connection settings read from the environment. */
export interface DbSettings {
    readonly host: string;
    readonly port: number;
    readonly database: string;
    readonly user: string;
    readonly password: string;
    readonly ssl: false | ConnectionOptions;
    readonly timeoutMs: number;
}

/** Either settings, or why the environment does not describe a database. */
export type DbConfig = { ok: true; settings: DbSettings } | { ok: false; reason: string };

type Env = Record<string, string | undefined>;

/** Reads the database settings from environment variables; never echoes secret material. */
export function dbConfigFromEnv(env: Env): DbConfig {
    const host = env.DB_HOST?.trim();
    if (!host) return { ok: false, reason: "database not configured: DB_HOST is not set" };
    const port = Number(env.DB_PORT ?? "5432");
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
        return { ok: false, reason: "database not configured: DB_PORT is not a port number" };
    }
    if (!env.DB_SECRET) return { ok: false, reason: "database not configured: DB_SECRET is not set" };
    let secret: unknown;
    try {
        secret = JSON.parse(env.DB_SECRET);
    } catch {
        return { ok: false, reason: "database not configured: DB_SECRET is not valid JSON" };
    }
    const { username, password } = (secret ?? {}) as { username?: unknown; password?: unknown };
    if (typeof username !== "string" || typeof password !== "string" || username === "") {
        return { ok: false, reason: 'database not configured: DB_SECRET lacks string "username" and "password"' };
    }
    const timeoutMs = Number(env.DB_CONNECT_TIMEOUT_MS ?? "3000");
    if (!Number.isInteger(timeoutMs) || timeoutMs < 100 || timeoutMs > 60000) {
        return { ok: false, reason: "database not configured: DB_CONNECT_TIMEOUT_MS is not 100 to 60000" };
    }
    const mode = (env.DB_SSL ?? "false").trim().toLowerCase();
    let ssl: false | ConnectionOptions;
    if (["", "false", "0", "off", "disable"].includes(mode)) ssl = false;
    else if (["true", "1", "on", "require", "verify-full"].includes(mode)) {
        ssl = { rejectUnauthorized: true };
        if (env.DB_SSL_CA_FILE) {
            try {
                ssl = { rejectUnauthorized: true, ca: fs.readFileSync(env.DB_SSL_CA_FILE, "utf8") };
            } catch {
                return { ok: false, reason: "database not configured: DB_SSL_CA_FILE cannot be read" };
            }
        }
    } else if (mode === "no-verify") ssl = { rejectUnauthorized: false };
    else return { ok: false, reason: 'database not configured: DB_SSL is not one of "true", "no-verify", "false"' };
    return {
        ok: true,
        settings: { host, port, database: env.DB_NAME?.trim() || "postgres", user: username, password, ssl, timeoutMs },
    };
}

/** Result of one database check. */
export type DbCheck = { ok: true; latencyMs: number } | { ok: false; reason: string; code?: string };

const TLS_CODES = new Set([
    "SELF_SIGNED_CERT_IN_CHAIN",
    "DEPTH_ZERO_SELF_SIGNED_CERT",
    "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
    "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
    "CERT_HAS_EXPIRED",
    "ERR_TLS_CERT_ALTNAME_INVALID",
]);

/** Maps a connection error to a short, safe reason (no message text from the server, no stack). */
export function classifyDbError(err: unknown): { reason: string; code?: string } {
    const e = (err ?? {}) as { code?: unknown; message?: unknown };
    const code = typeof e.code === "string" && /^[A-Z0-9_]{2,40}$/.test(e.code) ? e.code : undefined;
    const message = typeof e.message === "string" ? e.message : "";
    if (code === "28P01" || (code === "28000" && /password|authentication/i.test(message))) {
        return { reason: "authentication failed", code };
    }
    if (code === "28000") return { reason: "connection rejected by the server (pg_hba: TLS required?)", code };
    if (code === "3D000") return { reason: "database does not exist", code };
    if (code === "ECONNREFUSED") return { reason: "database unreachable: connection refused", code };
    if (code === "ENOTFOUND" || code === "EAI_AGAIN") return { reason: "database host not found", code };
    if (code === "ETIMEDOUT" || /timeout/i.test(message)) return { reason: "database unreachable: timed out", code };
    if (code === "ECONNRESET") return { reason: "database connection reset", code };
    if ((code && TLS_CODES.has(code)) || /certificate/i.test(message)) {
        return { reason: "TLS verification of the database server failed", code };
    }
    if (/does not support SSL/i.test(message)) return { reason: "database server does not support TLS" };
    if (code && /^[0-9A-Z]{5}$/.test(code)) return { reason: "database error", code };
    return { reason: "database check failed", code };
}

/** Opens one connection, runs `SELECT 1` and closes it. */
export async function checkDatabase(s: DbSettings): Promise<DbCheck> {
    const started = Date.now();
    const client = new Client({
        host: s.host,
        port: s.port,
        database: s.database,
        user: s.user,
        password: s.password,
        ssl: s.ssl === false ? false : { ...s.ssl, servername: s.ssl.servername ?? sniName(s.host) },
        connectionTimeoutMillis: s.timeoutMs,
        query_timeout: s.timeoutMs,
        statement_timeout: s.timeoutMs,
        application_name: "aws-webapp-health",
    });
    // A late socket error after a failed connect must not crash the process.
    client.on("error", () => undefined);
    try {
        await client.connect();
        await client.query("SELECT 1");
        return { ok: true, latencyMs: Date.now() - started };
    } catch (err) {
        return { ok: false, ...classifyDbError(err) };
    } finally {
        await client.end().catch(() => undefined);
    }
}

/** SNI must be a host name, not an IP address. */
function sniName(host: string): string | undefined {
    return /^[\d.]+$/.test(host) || host.includes(":") ? undefined : host;
}

function send(res: http.ServerResponse, status: number, body: unknown, head = false): void {
    const text = JSON.stringify(body);
    res.writeHead(status, {
        "content-type": "application/json; charset=utf-8",
        "content-length": Buffer.byteLength(text),
        "cache-control": "no-store",
        "x-content-type-options": "nosniff",
    });
    res.end(head ? undefined : text);
}

/** Writes one log line. */
export type Logger = (line: string) => void;

/** Default logger: stdout, which awslogs ships to CloudWatch Logs. */
const stdoutLogger: Logger = (line) => process.stdout.write(`${line}\n`);

/** Runs one database check (checkDatabase; replaceable in tests). */
export type DbChecker = (settings: DbSettings) => Promise<DbCheck>;

/**
 * Builds the HTTP server (not listening yet). Logs are JSON lines without credentials.
 *
 * /api/health/db is public: concurrent requests share the one check in flight,
 * so a burst of requests opens one database connection, not one each (which
 * could exhaust the small instance's `max_connections`).
 */
export function createServer(
    env: Env = process.env,
    logger: Logger = stdoutLogger,
    check: DbChecker = checkDatabase,
): http.Server {
    const log = (level: "info" | "warn" | "error", msg: string, fields: Record<string, unknown> = {}) =>
        logger(JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields }));
    let inFlight: Promise<DbCheck> | undefined;
    const sharedCheck = (settings: DbSettings): Promise<DbCheck> => {
        inFlight ??= check(settings)
            .catch((): DbCheck => ({ ok: false, reason: "database check failed" }))
            .finally(() => {
                inFlight = undefined;
            });
        return inFlight;
    };
    const started = Date.now();
    const server = http.createServer((req, res) => {
        const path = new URL(req.url ?? "/", "http://localhost").pathname;
        const routes = ["/api/health", "/api/health/db"];
        if (!routes.includes(path)) return send(res, 404, { status: "error", reason: "not found" });
        if (req.method !== "GET" && req.method !== "HEAD") {
            res.setHeader("allow", "GET, HEAD");
            return send(res, 405, { status: "error", reason: "method not allowed" });
        }
        const head = req.method === "HEAD";
        if (path === "/api/health") {
            return send(res, 200, { status: "ok", uptimeSeconds: Math.round((Date.now() - started) / 1000) }, head);
        }
        const config = dbConfigFromEnv(env);
        if (!config.ok) {
            log("warn", "database check not configured", { reason: config.reason });
            return send(res, 503, { status: "error", check: "database", reason: config.reason }, head);
        }
        sharedCheck(config.settings).then(
            (result) => {
                if (result.ok) send(res, 200, { status: "ok", check: "database", latencyMs: result.latencyMs }, head);
                else {
                    log("warn", "database check failed", { reason: result.reason, code: result.code });
                    send(
                        res,
                        503,
                        { status: "error", check: "database", reason: result.reason, code: result.code },
                        head,
                    );
                }
            },
            () => send(res, 503, { status: "error", check: "database", reason: "database check failed" }, head),
        );
    });
    // Longer than the load balancer's idle timeout (60 s), so the ALB closes
    // idle connections first and never reuses one Node has just closed (502s).
    server.keepAliveTimeout = 65_000;
    server.headersTimeout = 66_000;
    server.requestTimeout = 30_000;
    return server;
}

/** Starts listening on PORT and stops cleanly on SIGTERM (ECS stop) and SIGINT. */
export function main(env: Env = process.env): http.Server {
    const port = Number(env.PORT ?? "3000");
    const server = createServer(env);
    const log = (msg: string, fields: Record<string, unknown>) =>
        stdoutLogger(JSON.stringify({ time: new Date().toISOString(), level: "info", msg, ...fields }));
    server.listen(port, "0.0.0.0", () => log("listening", { port }));
    const stop = (signal: string) => {
        log("stopping", { signal });
        server.close(() => process.exit(0));
        server.closeIdleConnections();
        setTimeout(() => process.exit(0), 10_000).unref();
    };
    process.once("SIGTERM", () => stop("SIGTERM"));
    process.once("SIGINT", () => stop("SIGINT"));
    return server;
}

if (require.main === module) main();

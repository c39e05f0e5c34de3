/**
 * The connection pool that serves traffic. The password is a function called
 * for every new connection: an IAM authentication token in production (see
 * iamToken.ts), anything else a test or local run supplies.
 */
import { Pool } from "pg";
import { classifyDbError } from "./errors";
import { pgSsl, type DbEndpoint } from "./settings";
import type { DbCheck } from "./status";

/** Returns the password for a new connection. */
export type PasswordProvider = () => Promise<string>;

/** A pool of at most `endpoint.poolMax` connections as `user`. */
export function createPool(
    endpoint: DbEndpoint,
    user: string,
    password: PasswordProvider,
    onIdleError: (err: unknown) => void,
): Pool {
    const pool = new Pool({
        host: endpoint.host,
        port: endpoint.port,
        database: endpoint.database,
        user,
        password,
        ssl: pgSsl(endpoint),
        max: endpoint.poolMax,
        idleTimeoutMillis: 30_000,
        connectionTimeoutMillis: endpoint.timeoutMs,
        query_timeout: endpoint.timeoutMs,
        statement_timeout: endpoint.timeoutMs,
        application_name: "aws-webapp",
    });
    // An idle client's connection dropping (database restart, failover) must
    // not crash the process; the pool discards that client. The caller turns
    // it into a state change (logged once), not a line per connection.
    pool.on("error", onIdleError);
    return pool;
}

/** One `SELECT 1` through the pool. */
export async function checkPool(pool: Pool): Promise<DbCheck> {
    const started = Date.now();
    try {
        await pool.query("SELECT 1");
        return { ok: true, latencyMs: Date.now() - started };
    } catch (err) {
        return { ok: false, ...classifyDbError(err) };
    }
}

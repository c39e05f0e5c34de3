/**
 * Assembles the application: configuration, the database pool and its
 * status, the routes, and the HTTP service with graceful shutdown.
 */
import type { Pool } from "pg";
import { classifyDbError } from "./db/errors";
import { checkPool, createPool, type PasswordProvider } from "./db/pool";
import { dbEndpointFromEnv, masterSecretFromEnv, type Env } from "./db/settings";
import { createDbStatus, type DbStatus } from "./db/status";
import { healthRoutes, type HealthDb } from "./health";
import { router } from "./http/router";
import { createHttpService, TIMEOUTS, type HttpService, type Timeouts } from "./http/server";
import { jsonLog, type Log } from "./log";

export interface AppOptions {
    readonly env?: Env;
    readonly log?: Log;
    readonly timeouts?: Timeouts;
    /** How long one database check result is shared (ms). @default 1000 */
    readonly healthCacheMs?: number;
}

export interface App {
    readonly service: HttpService;
    readonly pool?: Pool;
    readonly dbStatus?: DbStatus;
    /** Graceful stop: stop accepting, let requests in flight finish, then close the pool. */
    shutdown(): Promise<void>;
}

/** Builds the application (not listening yet). */
export function createApp(options: AppOptions = {}): App {
    const env = options.env ?? process.env;
    const log = options.log ?? jsonLog();
    let db: HealthDb;
    let pool: Pool | undefined;
    let dbStatus: DbStatus | undefined;
    const endpoint = dbEndpointFromEnv(env);
    const secret = masterSecretFromEnv(env);
    if (!endpoint.ok) db = { reason: endpoint.reason };
    else if (!secret.ok) db = { reason: secret.reason };
    else {
        const password: PasswordProvider = async () => secret.value.password;
        const p = createPool(endpoint.value, secret.value.username, password, (err) =>
            dbStatus?.observe({ ok: false, ...classifyDbError(err) }),
        );
        pool = p;
        dbStatus = createDbStatus({ check: () => checkPool(p), log, cacheMs: options.healthCacheMs });
        db = { status: dbStatus };
    }
    if ("reason" in db) log("warn", "database not configured", { reason: db.reason });
    const service = createHttpService(router([...healthRoutes(db)]), log, options.timeouts ?? TIMEOUTS);
    return {
        service,
        pool,
        dbStatus,
        async shutdown() {
            await service.shutdown();
            await pool?.end().catch(() => undefined);
        },
    };
}

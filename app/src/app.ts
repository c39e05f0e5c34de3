/**
 * Assembles the application: configuration, the start-up migration (the only
 * use of the master secret), the traffic pool signed in as the application
 * role, the routes behind the access-token guard, and the HTTP service with
 * graceful shutdown.
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import type { Pool } from "pg";
import { authenticatorFromEnv, guard, principalOf } from "./auth";
import { appCacheFromEnv } from "./cache";
import { Database } from "./db/database";
import { classifyDbError } from "./db/errors";
import { iamTokenProvider } from "./db/iamToken";
import { migrate, type AppAuth } from "./db/migrate";
import { checkPool, createPool, type PasswordProvider } from "./db/pool";
import {
    appUserFromEnv,
    dbEndpointFromEnv,
    masterSecretFromEnv,
    triggerUserFromEnv,
    type Credentials,
    type DbEndpoint,
    type Env,
} from "./db/settings";
import { createDbStatus, type DbCheck, type DbStatus } from "./db/status";
import { healthRoutes, type HealthDb } from "./health";
import { HttpError } from "./http/respond";
import { router, type Route } from "./http/router";
import { createHttpService, TIMEOUTS, type HttpService, type Timeouts } from "./http/server";
import { jsonLog, type Log } from "./log";
import { messagesApi, type PrincipalOf } from "./messages";
import { uploadRoutes } from "./uploads/routes";
import { uploadSettingsFromEnv } from "./uploads/settings";
import { userRoutes } from "./users";

export interface AppOptions {
    readonly env?: Env;
    readonly log?: Log;
    readonly timeouts?: Timeouts;
    /** How long one database check result is shared (ms). @default 1000 */
    readonly healthCacheMs?: number;
    /** How long user lookups bypass the cache after a cache failure (ms). @default 5000 */
    readonly cacheCooldownMs?: number;
    /**
     * Password of each new traffic connection. Default: an RDS IAM
     * authentication token for DB_APP_USER, signed with the task role's
     * credentials (needs AWS_REGION).
     */
    readonly appPasswordProvider?: PasswordProvider;
    /**
     * Plain PostgreSQL (tests, local runs): the password the migration gives
     * the application role in "password" mode (DB_APP_AUTH), instead of one
     * derived from the master password.
     */
    readonly appPassword?: string;
    /** First delay between failed migration attempts (ms), doubling to 30 s. @default 1000 */
    readonly migrationRetryMs?: number;
    /**
     * S3 client for presigned uploads and manifests, and for an `s3://` AUTH_JWKS_URI (the mirrored
     * key set). Default: one for AWS_REGION (S3_ENDPOINT and S3_FORCE_PATH_STYLE when set).
     */
    readonly s3?: S3Client;
    /** Clock (Unix ms) of the uploads and messages APIs. @default Date.now */
    readonly now?: () => number;
    /** The caller's principal for the messages API. @default the access token's `sub`, verified by the guard (src/auth) */
    readonly principalOf?: PrincipalOf;
    /** DynamoDB client of the messages API. Default: one for AWS_REGION (DYNAMODB_ENDPOINT when set). */
    readonly dynamodb?: DynamoDBClient;
}

export interface App {
    readonly service: HttpService;
    readonly pool?: Pool;
    readonly dbStatus?: DbStatus;
    readonly database?: Database;
    /** Runs the start-up migration (retrying until it succeeds or shutdown); resolves once the app is ready. */
    start(): Promise<void>;
    /** Graceful stop: stop accepting, let requests in flight finish, then close the pool. */
    shutdown(): Promise<void>;
}

interface DbSetup {
    readonly endpoint: DbEndpoint;
    readonly appUser: string;
    readonly appAuth: AppAuth;
    readonly master?: Credentials;
    /** Role of the post-confirmation trigger, created by the migration. */
    readonly triggerUser?: string;
    /** IAM token provider for the role; undefined without AWS_REGION. */
    readonly iamTokens?: PasswordProvider;
}

const NO_REGION = "database not configured: AWS_REGION is not set (IAM database authentication)";

function dbSetup(env: Env, options: AppOptions): DbSetup | { reason: string } {
    const endpoint = dbEndpointFromEnv(env);
    if (!endpoint.ok) return endpoint;
    const appUser = appUserFromEnv(env);
    if (!appUser.ok) return appUser;
    const triggerUser = triggerUserFromEnv(env);
    if (!triggerUser.ok) return triggerUser;
    const appAuth = (env.DB_APP_AUTH?.trim() || "auto") as AppAuth;
    if (!["auto", "iam", "password"].includes(appAuth)) {
        return { reason: 'database not configured: DB_APP_AUTH is not one of "auto", "iam", "password"' };
    }
    const secret = masterSecretFromEnv(env);
    const region = env.AWS_REGION?.trim() || env.AWS_DEFAULT_REGION?.trim();
    const { host, port } = endpoint.value;
    const iamTokens = region ? iamTokenProvider({ hostname: host, port, username: appUser.value, region }) : undefined;
    // Without the master secret there is no migration to set a password: IAM it is.
    const needsIam = appAuth === "iam" || !secret.ok;
    if (needsIam && !iamTokens && !options.appPasswordProvider) return { reason: NO_REGION };
    return {
        endpoint: endpoint.value,
        appUser: appUser.value,
        appAuth,
        master: secret.ok ? secret.value : undefined,
        triggerUser: triggerUser.value,
        iamTokens,
    };
}

/** A route answering 503 with `reason` for every method (a part that is not configured). */
function unavailable(pattern: RegExp, reason: string): Route {
    const fail = () => {
        throw new HttpError(503, "unavailable", reason);
    };
    return { pattern, methods: { GET: fail, POST: fail, PUT: fail, DELETE: fail } };
}

function uploadsApi(env: Env, log: Log, s3?: S3Client, now?: () => number): Route[] {
    const settings = uploadSettingsFromEnv(env);
    if (!settings.ok) {
        log("warn", "uploads not configured", { reason: settings.reason });
        return [unavailable(/^\/api\/(uploads|images\/[^/]+)$/, settings.reason)];
    }
    const { region, endpoint, forcePathStyle } = settings.value;
    const client = s3 ?? new S3Client({ region, ...(endpoint ? { endpoint } : {}), forcePathStyle });
    return uploadRoutes({ s3: client, settings: settings.value, log, now });
}

/** The S3 client of the key set copy: options.s3, else one made on first use for AWS_REGION (S3_ENDPOINT when set). */
function keySetClient(env: Env, s3: S3Client | undefined): () => S3Client {
    let client = s3;
    return () =>
        (client ??= new S3Client({
            region: env.AWS_REGION?.trim() || env.AWS_DEFAULT_REGION?.trim(),
            ...(env.S3_ENDPOINT?.trim() ? { endpoint: env.S3_ENDPOINT.trim() } : {}),
            forcePathStyle: env.S3_FORCE_PATH_STYLE === "true",
        }));
}

/** The caller the guard verified (src/auth), as the messages API names it. */
const verifiedPrincipal: PrincipalOf = async ({ req }) => ({ userId: (await principalOf(req)).sub });

/** Builds the application (not listening, not migrated yet). */
export function createApp(options: AppOptions = {}): App {
    const env = options.env ?? process.env;
    const log = options.log ?? jsonLog();
    const setup = dbSetup(env, options);
    // The master secret is read once; nothing later (a child process, a log
    // of the environment) can find it in this process's environment.
    if (env === process.env) delete process.env.DB_SECRET;
    const cache = appCacheFromEnv(env, log, options.cacheCooldownMs);
    let health: HealthDb;
    let database: Database | undefined;
    let pool: Pool | undefined;
    let dbStatus: DbStatus | undefined;
    let master: Credentials | undefined;
    let migrationError: { reason: string; code?: string } | undefined;
    // How traffic connections sign in, settled by the migration (IAM on RDS).
    let trafficPassword: PasswordProvider =
        options.appPasswordProvider ??
        (!("reason" in setup) && setup.iamTokens ? setup.iamTokens : () => Promise.reject(new Error(NO_REGION)));
    if ("reason" in setup) {
        health = { reason: setup.reason };
        log("warn", "database not configured", { reason: setup.reason });
    } else {
        master = setup.master;
        const p = createPool(
            setup.endpoint,
            setup.appUser,
            () => trafficPassword(),
            (err) => dbStatus?.observe({ ok: false, ...classifyDbError(err) }),
        );
        // Until the migration has run, the check reports why it has not.
        const check = async (): Promise<DbCheck> =>
            database?.ready ? checkPool(p) : { ok: false, reason: "database migrations pending", ...migrationError };
        pool = p;
        dbStatus = createDbStatus({ check, log, cacheMs: options.healthCacheMs });
        database = new Database(p, dbStatus);
        health = { status: dbStatus };
    }
    const routes = [
        ...healthRoutes(health),
        ...(database
            ? userRoutes(database, cache)
            : [unavailable(/^\/api\/users(\/[^/]+)?$/, "reason" in health ? health.reason : "")]),
        ...uploadsApi(env, log, options.s3, options.now),
        ...messagesApi({
            env,
            log,
            principalOf: options.principalOf ?? verifiedPrincipal,
            dynamodb: options.dynamodb,
            now: options.now,
        }),
    ];
    // Deny by default: every route but the public ones needs a verified access token (src/auth/guard.ts).
    const service = createHttpService(
        guard(authenticatorFromEnv(env, log, keySetClient(env, options.s3)), router(routes)),
        log,
        options.timeouts ?? TIMEOUTS,
    );
    let started: Promise<void> | undefined;

    async function runMigrations(): Promise<void> {
        if (!database || "reason" in setup) return;
        if (!master) {
            log("warn", "DB_SECRET not set: start-up migration skipped, assuming the schema exists");
            database.ready = true;
            return;
        }
        const credentials = master;
        let delay = options.migrationRetryMs ?? 1000;
        let lastReason: string | undefined;
        while (!service.closing) {
            try {
                const result = await migrate({
                    endpoint: setup.endpoint,
                    master: credentials,
                    appUser: setup.appUser,
                    appAuth: setup.appAuth,
                    appPassword: options.appPassword,
                    triggerUser: setup.triggerUser,
                    log,
                });
                if (!options.appPasswordProvider && result.password !== undefined) {
                    const password = result.password;
                    trafficPassword = async () => password;
                } else if (!options.appPasswordProvider && !setup.iamTokens) {
                    throw new Error(NO_REGION);
                }
                log("info", "database migrated", { applied: result.applied, iamAuthentication: result.iam });
                master = undefined; // only used while fresh, at start-up
                migrationError = undefined;
                database.ready = true;
                return;
            } catch (err) {
                const { reason, code } =
                    err instanceof Error && !("code" in err)
                        ? { reason: err.message, code: undefined }
                        : classifyDbError(err);
                migrationError = { reason, code };
                if (reason !== lastReason) log("warn", "start-up migration failed, retrying", { reason, code });
                lastReason = reason;
                await new Promise((r) => setTimeout(r, delay).unref());
                delay = Math.min(delay * 2, 30_000);
            }
        }
    }

    return {
        service,
        pool,
        dbStatus,
        database,
        start() {
            started ??= runMigrations();
            return started;
        },
        async shutdown() {
            await service.shutdown();
            await pool?.end().catch(() => undefined);
            await cache.close();
        },
    };
}

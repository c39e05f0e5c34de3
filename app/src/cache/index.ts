/**
 * The optional cache of the API, from the environment:
 *
 *   CACHE_URL          `rediss://<host>:<port>` of the Cache component (ElastiCache Serverless, TLS only);
 *                      `redis://127.0.0.1:<port>` for a local server. Unset: no cache, every lookup
 *                      goes to the database and the API behaves the same.
 *   CACHE_TTL_SECONDS  lifetime of a cached entry, 1 to 86400 (300): bounds staleness if an
 *                      invalidation is lost.
 */
import type { Env } from "../db/settings";
import type { Log } from "../log";
import type { CacheClient } from "./readThroughCache";
import { redisCacheClient } from "./redisClient";

export { readThroughCache, type ReadThroughCache } from "./readThroughCache";

export interface AppCache {
    /** The connected client; undefined when the environment has no cache. */
    readonly client: CacheClient | undefined;
    readonly ttlSeconds: number;
    /** How long the cache is bypassed after a failure (ms); undefined: the read-through cache's default. */
    readonly cooldownMs?: number;
    readonly log: (entry: Record<string, unknown>) => void;
    close(): Promise<void>;
}

export const DEFAULT_CACHE_TTL_SECONDS = 300;

export function cacheSettingsFromEnv(
    env: Env,
): { ok: true; value: { url?: string; ttlSeconds: number } } | { ok: false; reason: string } {
    const problems: string[] = [];
    const url = env.CACHE_URL?.trim() || undefined;
    if (url !== undefined && !/^rediss?:\/\/[^\s/]+(:\d{1,5})?\/?$/.test(url)) {
        problems.push("CACHE_URL is not a redis:// or rediss:// URL of a host and port");
    }
    const rawTtl = env.CACHE_TTL_SECONDS?.trim();
    const ttlSeconds = rawTtl ? Number(rawTtl) : DEFAULT_CACHE_TTL_SECONDS;
    if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > 86_400) {
        problems.push("CACHE_TTL_SECONDS is not an integer from 1 to 86400");
    }
    if (problems.length > 0) return { ok: false, reason: `cache not configured: ${problems.join("; ")}` };
    return { ok: true, value: { ...(url ? { url } : {}), ttlSeconds } };
}

/** The cache the environment asks for (connecting in the background), or none. Never throws. */
export function appCacheFromEnv(env: Env, log: Log, cooldownMs?: number): AppCache {
    const entryLog = (entry: Record<string, unknown>) => {
        const { message, ...fields } = entry;
        log("warn", String(message ?? "cache"), fields);
    };
    const settings = cacheSettingsFromEnv(env);
    if (!settings.ok) log("warn", "cache not configured: user lookups go to the database", { reason: settings.reason });
    const ttlSeconds = settings.ok ? settings.value.ttlSeconds : DEFAULT_CACHE_TTL_SECONDS;
    const url = settings.ok ? settings.value.url : undefined;
    if (!url) return { client: undefined, ttlSeconds, cooldownMs, log: entryLog, close: async () => undefined };
    const client = redisCacheClient(url, entryLog);
    log("info", "cache configured", { tls: url.startsWith("rediss:"), ttlSeconds });
    return { client, ttlSeconds, cooldownMs, log: entryLog, close: () => client.close() };
}

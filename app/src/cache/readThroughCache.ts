/**
 * A read-through cache in front of a slower source (the database) that
 * degrades to the source when the cache is down, slow or not configured:
 * a lookup never fails or waits longer than `timeoutMs` because of the
 * cache. After a cache failure the cache is bypassed for `cooldownMs`, so a
 * cache outage costs one timeout, not one per request.
 *
 * Client-agnostic: `client` is anything with node-redis's `get`, `set` (with
 * `EX`) and `del` (see redisClient.ts for one connected to Valkey or
 * Redis with TLS). Values are stored as JSON under `<keyPrefix><id>`.
 */

/** The subset of a Redis/Valkey client the cache uses (node-redis v5+ shape). */
export interface CacheClient {
    get(key: string): Promise<string | null | undefined | object>;
    set(key: string, value: string, options: { EX: number }): Promise<unknown>;
    del(key: string): Promise<unknown>;
}

export interface ReadThroughOptions<T> {
    /** The cache; undefined when the environment has none (every lookup goes to the source). */
    readonly client: CacheClient | undefined;
    /** Loads a value from the source of truth; undefined when there is none (not cached). */
    readonly load: (id: string) => Promise<T | undefined>;
    /** Key prefix, e.g. `user:`. */
    readonly keyPrefix: string;
    /** Lifetime of a cached value in seconds (bounds staleness if an invalidation is lost). */
    readonly ttlSeconds: number;
    /** Longest wait for one cache operation. @default 100 */
    readonly timeoutMs?: number;
    /** How long the cache is bypassed after a failure. @default 5000 */
    readonly cooldownMs?: number;
    /** Structured log line (a cache failure is logged once per cooldown). */
    readonly log?: (entry: Record<string, unknown>) => void;
    /** Clock (ms), for tests. @default Date.now */
    readonly now?: () => number;
}

/** Counters of what the cache did, for metrics and tests. */
export interface CacheStats {
    hits: number;
    misses: number;
    /** Lookups that skipped the cache because it had just failed. */
    bypassed: number;
    /** Cache operations that failed or timed out. */
    errors: number;
}

export interface ReadThroughCache<T> {
    /** The value for `id`, from the cache when possible, else from the source (and then cached). */
    get(id: string): Promise<T | undefined>;
    /** Drops `id` from the cache after the source changed (call it after the update commits). */
    invalidate(id: string): Promise<void>;
    readonly stats: Readonly<CacheStats>;
}

class CacheTimeout extends Error {
    constructor(ms: number) {
        super(`cache operation took more than ${ms} ms`);
        this.name = "CacheTimeout";
    }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new CacheTimeout(ms)), ms);
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export function readThroughCache<T>(o: ReadThroughOptions<T>): ReadThroughCache<T> {
    const timeoutMs = o.timeoutMs ?? 100;
    const cooldownMs = o.cooldownMs ?? 5000;
    const now = o.now ?? Date.now;
    const log = o.log ?? (() => undefined);
    const stats: CacheStats = { hits: 0, misses: 0, bypassed: 0, errors: 0 };
    let downUntil = 0;

    /** Runs one cache operation, or returns `fallback` when the cache is off, cooling down or failing. */
    async function attempt<R>(operation: string, run: (c: CacheClient) => Promise<R>, fallback: R): Promise<R> {
        if (!o.client) return fallback;
        if (now() < downUntil) {
            stats.bypassed += 1;
            return fallback;
        }
        try {
            return await withTimeout(run(o.client), timeoutMs);
        } catch (e) {
            stats.errors += 1;
            downUntil = now() + cooldownMs;
            log({
                message: "cache unavailable: using the database",
                operation,
                error: (e as Error).message,
                cooldownMs,
            });
            return fallback;
        }
    }

    return {
        stats,
        async get(id: string): Promise<T | undefined> {
            const key = `${o.keyPrefix}${id}`;
            const cached = await attempt("get", (c) => c.get(key), undefined);
            if (typeof cached === "string") {
                try {
                    stats.hits += 1;
                    return JSON.parse(cached) as T;
                } catch {
                    stats.hits -= 1; // a value this code did not write: treat as a miss
                }
            }
            stats.misses += 1;
            const value = await o.load(id);
            if (value !== undefined) {
                await attempt("set", (c) => c.set(key, JSON.stringify(value), { EX: o.ttlSeconds }), undefined);
            }
            return value;
        },
        async invalidate(id: string): Promise<void> {
            const key = `${o.keyPrefix}${id}`;
            // Not subject to the cooldown: a stale entry must not survive a short outage if the cache is back.
            if (!o.client) return;
            try {
                await withTimeout(o.client.del(key), timeoutMs);
            } catch (e) {
                stats.errors += 1;
                downUntil = now() + cooldownMs;
                log({
                    message: "cache invalidation failed: the entry expires by its TTL",
                    key,
                    error: (e as Error).message,
                });
            }
        },
    };
}

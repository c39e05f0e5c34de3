/**
 * A node-redis client for a read-through cache: TLS (`rediss://`, which
 * ElastiCache Serverless requires), commands fail at once while
 * disconnected instead of queueing (so a lookup degrades to the database
 * immediately), reconnection with capped backoff in the background, and
 * connection errors logged (once per outage) instead of crashing the process.
 */
import { createClient } from "redis";
import type { CacheClient } from "./readThroughCache";

export interface RedisCacheClient extends CacheClient {
    /** Resolves once the first connection attempt has succeeded (true) or failed (false). */
    readonly ready: Promise<boolean>;
    /** Closes the connection. */
    close(): Promise<void>;
}

/** A client that connects in the background: usable at once (commands fail fast until connected). */
export function redisCacheClient(
    url: string,
    log: (entry: Record<string, unknown>) => void = () => undefined,
): RedisCacheClient {
    const client = createClient({
        url,
        disableOfflineQueue: true,
        socket: {
            connectTimeout: 1000,
            reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 2000),
        },
    });
    let down = false;
    client.on("error", (e: Error) => {
        if (!down) log({ message: "cache connection error", error: e.message });
        down = true;
    });
    client.on("ready", () => {
        if (down) log({ message: "cache connection restored" });
        down = false;
    });
    // The first connection may fail (cache down at start): the client keeps reconnecting in the
    // background and lookups use the database meanwhile.
    const ready = client.connect().then(
        () => true,
        (e: Error) => {
            log({ message: "cache not reachable at start", error: e.message });
            return false;
        },
    );
    return {
        ready,
        get: (key) => client.get(key),
        set: (key, value, options) => client.set(key, value, options),
        del: (key) => client.del(key),
        close: async () => {
            client.destroy();
        },
    };
}

/** A client whose first connection attempt has been waited for (at most a second). */
export async function connectRedisCache(
    url: string,
    log: (entry: Record<string, unknown>) => void = () => undefined,
): Promise<RedisCacheClient> {
    const client = redisCacheClient(url, log);
    await Promise.race([client.ready, new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
    return client;
}

/**
 * A node-redis client for a read-through cache: TLS (`rediss://`, which
 * ElastiCache Serverless requires), commands fail at once while
 * disconnected instead of queueing (so a lookup degrades to the database
 * immediately), reconnection with capped backoff in the background, and
 * connection errors logged instead of crashing the process.
 */
import { createClient } from "redis";
import type { CacheClient } from "./readThroughCache";

export interface RedisCacheClient extends CacheClient {
    /** Closes the connection. */
    close(): Promise<void>;
}

export async function connectRedisCache(
    url: string,
    log: (entry: Record<string, unknown>) => void = () => undefined,
): Promise<RedisCacheClient> {
    const client = createClient({
        url,
        disableOfflineQueue: true,
        socket: {
            connectTimeout: 1000,
            reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 2000),
        },
    });
    client.on("error", (e: Error) => log({ message: "cache connection error", error: e.message }));
    // The first connection may fail (cache down at start): wait at most a second, then go on; the
    // client keeps reconnecting in the background and lookups use the database meanwhile.
    const connected = client.connect().then(
        () => true,
        (e: Error) => {
            log({ message: "cache not reachable at start", error: e.message });
            return false;
        },
    );
    await Promise.race([connected, new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
    return {
        get: (key) => client.get(key),
        set: (key, value, options) => client.set(key, value, options),
        del: (key) => client.del(key),
        close: async () => {
            client.destroy();
        },
    };
}

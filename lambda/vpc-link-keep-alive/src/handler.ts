/**
 * Sends one request through an HTTP API to a route integrated over its VPC
 * link, so that the link never goes 60 days without traffic (API Gateway then
 * makes it INACTIVE and deletes its network interfaces; the next requests
 * fail until it is re-provisioned, which takes minutes). Any HTTP answer
 * means the request crossed the link; only a failed request fails the
 * invocation (visible in the function's Errors metric).
 */
import { KEEP_ALIVE_ENV, KEEP_ALIVE_USER_AGENT } from "../../../components/ecs/keepAliveEnv";

export interface KeepAliveResult {
    readonly url: string;
    readonly status: number;
    readonly ms: number;
}

/** The URL from the environment; throws when it is missing or not https. */
export function urlFromEnv(env: Readonly<Record<string, string | undefined>>): string {
    const url = env[KEEP_ALIVE_ENV.url];
    if (!url || !/^https?:\/\//.test(url)) throw new Error(`vpc-link-keep-alive: ${KEEP_ALIVE_ENV.url} is not a URL`);
    return url;
}

/** A handler bound to a fetch implementation and a URL (tests pass a loopback URL). */
export function createHandler(deps: {
    readonly url: string;
    readonly fetch?: typeof fetch;
    readonly timeoutMs?: number;
    readonly log?: (entry: Record<string, unknown>) => void;
}): () => Promise<KeepAliveResult> {
    const doFetch = deps.fetch ?? fetch;
    const log = deps.log ?? ((entry) => console.log(JSON.stringify(entry)));
    return async () => {
        const started = Date.now();
        const res = await doFetch(deps.url, {
            method: "GET",
            headers: { "user-agent": KEEP_ALIVE_USER_AGENT },
            signal: AbortSignal.timeout(deps.timeoutMs ?? 10000),
        });
        // The body is not needed: drain it so the connection closes cleanly.
        await res.arrayBuffer().catch(() => undefined);
        const result = { url: deps.url, status: res.status, ms: Date.now() - started };
        log({ message: "keep-alive request sent through the VPC link", ...result });
        return result;
    };
}

/**
 * Copies a user pool's JSON Web Key Set into one S3 object, so that tasks
 * without a route to the internet (dev: no NAT) read the keys through the
 * VPC's S3 gateway endpoint. The download must be a key set (./jwks.ts);
 * anything else fails the invocation (the function's Errors metric) and
 * leaves the stored copy as it was. Runs on a schedule and once when the
 * pool changes (the component's Invocation).
 */
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { JWKS_MIRROR_ENV, JWKS_MIRROR_USER_AGENT, MAX_JWKS_BYTES } from "../../../components/auth/jwksMirrorEnv";
import { checkJwks } from "./jwks";

export interface MirrorConfig {
    readonly sourceUrl: string;
    readonly bucket: string;
    readonly key: string;
}

export interface MirrorResult {
    readonly bucket: string;
    readonly key: string;
    readonly kids: readonly string[];
    readonly bytes: number;
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** The configuration from the environment; throws naming every missing or malformed variable. */
export function configFromEnv(env: Readonly<Record<string, string | undefined>>): MirrorConfig {
    const problems: string[] = [];
    const sourceUrl = env[JWKS_MIRROR_ENV.sourceUrl] ?? "";
    let url: URL | undefined;
    try {
        url = new URL(sourceUrl);
    } catch {
        url = undefined;
    }
    if (!url || !(url.protocol === "https:" || (url.protocol === "http:" && LOOPBACK.has(url.hostname)))) {
        problems.push(`${JWKS_MIRROR_ENV.sourceUrl} is not an https URL`);
    }
    const bucket = env[JWKS_MIRROR_ENV.bucket] ?? "";
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) problems.push(`${JWKS_MIRROR_ENV.bucket} is not a bucket`);
    const key = env[JWKS_MIRROR_ENV.key] ?? "";
    if (key === "" || key.startsWith("/")) problems.push(`${JWKS_MIRROR_ENV.key} is not an object key`);
    if (problems.length > 0) throw new Error(`jwks-mirror: ${problems.join("; ")}`);
    return { sourceUrl, bucket, key };
}

/** A refused or failed download: the stored copy is left as it was. */
export class MirrorRefused extends Error {
    constructor(url: string, reason: string) {
        super(`jwks-mirror: refused ${url}: ${reason}; the stored copy is unchanged`);
        this.name = "MirrorRefused";
    }
}

async function download(url: string, doFetch: typeof fetch, timeoutMs: number): Promise<Uint8Array> {
    const res = await doFetch(url, {
        headers: { accept: "application/json", "user-agent": JWKS_MIRROR_USER_AGENT },
        redirect: "error",
        signal: AbortSignal.timeout(timeoutMs),
    }).catch((e: Error) => {
        throw new MirrorRefused(url, `the download failed (${e.message})`);
    });
    if (res.status !== 200) {
        await res.body?.cancel();
        throw new MirrorRefused(url, `status ${res.status}, expected 200`);
    }
    if (Number(res.headers.get("content-length") ?? 0) > MAX_JWKS_BYTES) {
        await res.body?.cancel();
        throw new MirrorRefused(url, `the body is over ${MAX_JWKS_BYTES} bytes`);
    }
    return new Uint8Array(await res.arrayBuffer());
}

const isAccessDenied = (e: unknown) => (e as { name?: string }).name === "AccessDenied";

/** A handler bound to its configuration, an S3 client and a fetch (tests pass loopback servers). */
export function createHandler(deps: {
    readonly config: MirrorConfig;
    readonly s3: S3Client;
    readonly fetch?: typeof fetch;
    readonly timeoutMs?: number;
    /**
     * Waits before retrying a PutObject refused with AccessDenied: a role
     * policy created with the function can take seconds to apply (the first
     * run is at deploy). @default [2000, 4000, 8000]
     */
    readonly accessDeniedRetriesMs?: readonly number[];
    readonly log?: (entry: Record<string, unknown>) => void;
}): () => Promise<MirrorResult> {
    const { sourceUrl, bucket, key } = deps.config;
    const log = deps.log ?? ((entry) => console.log(JSON.stringify(entry)));
    const retries = deps.accessDeniedRetriesMs ?? [2000, 4000, 8000];
    return async () => {
        const body = await download(sourceUrl, deps.fetch ?? fetch, deps.timeoutMs ?? 10000);
        const checked = checkJwks(body);
        if (!checked.ok) {
            log({ level: "error", message: "not a key set: the stored copy is unchanged", reason: checked.reason });
            throw new MirrorRefused(sourceUrl, checked.reason);
        }
        const put = new PutObjectCommand({
            Bucket: bucket,
            Key: key,
            Body: checked.text,
            ContentType: "application/json",
            CacheControl: "no-cache",
        });
        for (let attempt = 0; ; attempt++) {
            try {
                await deps.s3.send(put);
                break;
            } catch (e) {
                if (!isAccessDenied(e) || attempt >= retries.length) throw e;
                await new Promise((resolve) => setTimeout(resolve, retries[attempt]));
            }
        }
        const result = { bucket, key, kids: checked.kids, bytes: Buffer.byteLength(checked.text) };
        log({ level: "info", message: "key set copied", source: sourceUrl, ...result });
        return result;
    };
}

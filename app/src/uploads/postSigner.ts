/**
 * Presigned S3 POSTs at request rate. `createPresignedPost`
 * (@aws-sdk/s3-presigned-post) resolves the region, the credentials and the
 * bucket's endpoint and derives the SigV4 signing key on every call (about
 * 100 µs a request, most of the upload route's time). Here the library
 * still resolves the bucket's URL (once per bucket) and the SDK's provider
 * still supplies the credentials on every call (it caches them and
 * refreshes them before they expire), while the signing key is derived once
 * per date, region and credentials, and each request only builds its policy
 * and signs it with one HMAC. The result is byte for byte what
 * createPresignedPost returns for the same clock (test/app-presign.spec.ts
 * compares them).
 *
 * SigV4 POST (S3 docs, "Authenticating Requests in Browser-Based Uploads"):
 * signing key = HMAC chain "AWS4"+secret → date → region → "s3" →
 * "aws4_request"; signature = hex HMAC-SHA256(signing key, base64 policy).
 */
import type { S3Client } from "@aws-sdk/client-s3";
import { createPresignedPost } from "@aws-sdk/s3-presigned-post";
import * as crypto from "crypto";

export type PostCondition = readonly unknown[] | Readonly<Record<string, string>>;

export interface PostInput {
    readonly Bucket: string;
    /** The exact key (a trailing `${filename}` is not supported). */
    readonly Key: string;
    readonly Fields?: Readonly<Record<string, string>>;
    readonly Conditions?: readonly PostCondition[];
    /** Lifetime in seconds. @default 3600 (as createPresignedPost) */
    readonly Expires?: number;
}

export interface PresignedPost {
    readonly url: string;
    readonly fields: Record<string, string>;
}

export type PostSigner = (input: PostInput, now?: number) => Promise<PresignedPost>;

interface Credentials {
    readonly accessKeyId: string;
    readonly secretAccessKey: string;
    readonly sessionToken?: string;
}

const ALGORITHM = "AWS4-HMAC-SHA256";

/** `2026-12-01T12:00:00Z` (seconds precision, as S3 and createPresignedPost write it). */
const iso8601 = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

const hmac = (key: crypto.BinaryLike, data: string): Buffer => crypto.createHmac("sha256", key).update(data).digest();

/** The SigV4 signing key of a date (yyyymmdd), region and service. */
export function signingKey(secretAccessKey: string, date: string, region: string, service = "s3"): Buffer {
    return hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, date), region), service), "aws4_request");
}

/** A signer for `s3`'s region and credentials (see the module comment). */
export function postSigner(s3: S3Client): PostSigner {
    let region: Promise<string> | undefined;
    const urls = new Map<string, Promise<string>>();
    let cached: { date: string; region: string; credentials: Credentials; key: Buffer } | undefined;

    const keyFor = (credentials: Credentials, date: string, r: string): Buffer => {
        const c = cached;
        if (
            c?.date === date &&
            c.region === r &&
            c.credentials.accessKeyId === credentials.accessKeyId &&
            c.credentials.secretAccessKey === credentials.secretAccessKey
        ) {
            return c.key;
        }
        const key = signingKey(credentials.secretAccessKey, date, r);
        cached = { date, region: r, credentials, key };
        return key;
    };

    const urlOf = (bucket: string): Promise<string> => {
        let url = urls.get(bucket);
        if (!url) {
            // The library's endpoint resolution (virtual-hosted or path style, custom endpoints).
            url = createPresignedPost(s3, { Bucket: bucket, Key: "endpoint-probe" }).then((p) => p.url);
            url.catch(() => urls.delete(bucket));
            urls.set(bucket, url);
        }
        return url;
    };

    return async (input, now = Date.now()) => {
        if (input.Key.endsWith("${filename}"))
            throw new Error("postSigner: keys ending in ${filename} are not supported");
        const at = now + (s3.config.systemClockOffset ?? 0);
        const r = await (region ??= s3.config.region());
        const credentials = (await s3.config.credentials()) as Credentials;
        const signingDate = iso8601(at).replace(/[-:]/g, "");
        const date = signingDate.slice(0, 8);
        const fields: Record<string, string> = {
            ...input.Fields,
            bucket: input.Bucket,
            "X-Amz-Algorithm": ALGORITHM,
            "X-Amz-Credential": `${credentials.accessKeyId}/${date}/${r}/s3/aws4_request`,
            "X-Amz-Date": signingDate,
            ...(credentials.sessionToken ? { "X-Amz-Security-Token": credentials.sessionToken } : {}),
        };
        // The conditions in createPresignedPost's order, each once: the caller's, the fields, the key.
        const conditions = new Set<string>();
        for (const c of input.Conditions ?? []) conditions.add(JSON.stringify(c));
        for (const [k, v] of Object.entries(fields)) conditions.add(JSON.stringify({ [k]: v }));
        conditions.add(JSON.stringify({ key: input.Key }));
        const expiration = iso8601(at + (input.Expires ?? 3600) * 1000);
        const policy = Buffer.from(
            `{"expiration":${JSON.stringify(expiration)},"conditions":[${[...conditions].join(",")}]}`,
            "utf8",
        ).toString("base64");
        const signature = hmac(keyFor(credentials, date, r), policy).toString("hex");
        return {
            url: await urlOf(input.Bucket),
            fields: { ...fields, key: input.Key, Policy: policy, "X-Amz-Signature": signature },
        };
    };
}

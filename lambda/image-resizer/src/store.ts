/**
 * The S3 reads and writes of the handler: the upload (streamed into one
 * buffer with a hard size cap), the manifest (found by listing its exact key,
 * which needs only `s3:ListBucket` on the renders prefix: without list
 * permission S3 answers a missing key with 403, not 404) and the renditions.
 */
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { PermanentError } from "./errors";
import { unquoteETag } from "./events";
import { parseManifest, type RenditionManifest } from "./manifest";

/** The S3 operations the handler uses (an S3Client, or anything with its `send`). */
export type ObjectStore = Pick<S3Client, "send">;

/** The upload's bytes, or "superseded" when the object was overwritten after the event (a newer event follows). */
export type UploadRead = { readonly data: Buffer; readonly eTag?: string } | "superseded";

function isNoSuchKey(e: unknown): boolean {
    const error = e as { name?: string; $metadata?: { httpStatusCode?: number } };
    return error?.name === "NoSuchKey" || error?.$metadata?.httpStatusCode === 404;
}

function tooLarge(bytes: number, maxBytes: number): PermanentError {
    return new PermanentError("too-large", `object is ${bytes} bytes, above maxUploadBytes (${maxBytes})`);
}

/**
 * Reads an upload chunk by chunk into a single buffer of its announced
 * length (no second copy), refusing it as soon as it is larger than
 * `maxBytes` (checked on Content-Length first, then on the bytes received).
 */
export async function readUpload(
    s3: ObjectStore,
    bucket: string,
    key: string,
    expectedETag: string | undefined,
    maxBytes: number,
): Promise<UploadRead> {
    let response;
    try {
        response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    } catch (e) {
        if (isNoSuchKey(e)) throw new PermanentError("gone", "the object no longer exists (deleted after upload)");
        throw e;
    }
    const body = response.Body as (AsyncIterable<Uint8Array> & { destroy?: () => void }) | undefined;
    if (!body) throw new Error("GetObject returned no body");
    const eTag = unquoteETag(response.ETag);
    const abort = () => body.destroy?.();
    if (expectedETag !== undefined && eTag !== undefined && eTag !== expectedETag) {
        abort();
        return "superseded";
    }
    const announced = response.ContentLength;
    if (announced !== undefined && announced > maxBytes) {
        abort();
        throw tooLarge(announced, maxBytes);
    }
    let buffer = Buffer.allocUnsafe(announced ?? 0);
    let received = 0;
    for await (const chunk of body) {
        if (received + chunk.length > maxBytes) {
            abort();
            throw tooLarge(received + chunk.length, maxBytes);
        }
        if (received + chunk.length > buffer.length) {
            // No (or a wrong) Content-Length: grow geometrically, capped by maxBytes.
            const grown = Buffer.allocUnsafe(Math.min(maxBytes, Math.max(2 * buffer.length, received + chunk.length)));
            buffer.copy(grown, 0, 0, received);
            buffer = grown;
        }
        buffer.set(chunk, received);
        received += chunk.length;
    }
    return { data: received === buffer.length ? buffer : buffer.subarray(0, received), eTag };
}

/** The stored manifest at `key`, or undefined when there is none (or it is unreadable). */
export async function readManifest(
    s3: ObjectStore,
    bucket: string,
    key: string,
): Promise<RenditionManifest | undefined> {
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: key, MaxKeys: 1 }));
    if (!(listed.Contents ?? []).some((c) => c.Key === key)) return undefined;
    try {
        const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        return parseManifest((await object.Body?.transformToString("utf-8")) ?? "");
    } catch (e) {
        if (isNoSuchKey(e)) return undefined; // deleted between the list and the read
        throw e;
    }
}

/** Writes the manifest (never cached: a re-upload replaces it). */
export async function writeManifest(s3: ObjectStore, bucket: string, key: string, manifest: RenditionManifest) {
    await s3.send(
        new PutObjectCommand({
            Bucket: bucket,
            Key: key,
            Body: `${JSON.stringify(manifest, null, 2)}\n`,
            ContentType: "application/json",
            CacheControl: "no-cache",
        }),
    );
}

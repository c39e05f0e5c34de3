/**
 * Upload routes.
 *
 *   POST /api/uploads            {fileName, contentType, size} -> 201 {uploadId, key, url, fields, expiresAt}
 *   GET  /api/images/{uploadId}  200 {uploadId, status: pending|ready|failed, renditions: [{name, width, height, url, contentType}]}
 *
 * The API learns of renditions by reading the manifest the resize handler
 * writes last (one GetObject; ready and failed answers are cached a minute).
 * No manifest: "pending" until the POST has expired and RENDER_TIMEOUT_SECONDS
 * more have passed, then "failed" (reason "not-rendered").
 */
import { GetObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { badRequest, HttpError, notFound, readJson, sendJson } from "../http/respond";
import type { Route } from "../http/router";
import type { Log } from "../log";
import { manifestKeyFor, parseUploadId, uploadKeyFor } from "./keys";
import { parseManifest, type ImageState } from "./manifest";
import { postSigner } from "./postSigner";
import { presignUpload, validateUploadRequest } from "./presign";
import type { UploadSettings } from "./settings";

const CACHE_MS = 60_000;
const CACHE_ENTRIES = 5_000;
const MANIFEST_MAX_BYTES = 256 * 1024;

/** S3 answers that mean "no manifest (yet)". */
function isMissing(err: unknown): boolean {
    const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
    return e?.name === "NoSuchKey" || e?.name === "NotFound" || e?.$metadata?.httpStatusCode === 404;
}

/** Without s3:ListBucket on the prefix, S3 answers 403 for a missing key. */
const isDenied = (err: unknown): boolean =>
    (err as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode === 403;

export interface UploadRoutesOptions {
    readonly s3: S3Client;
    readonly settings: UploadSettings;
    readonly log: Log;
    readonly now?: () => number;
}

export function uploadRoutes(o: UploadRoutesOptions): Route[] {
    const now = o.now ?? Date.now;
    const sign = postSigner(o.s3);
    const cache = new Map<string, { state: ImageState; at: number }>();
    let storageDown = false;
    let deniedLogged = false;

    async function readState(uploadId: string, createdAt: number, key: string): Promise<ImageState> {
        const hit = cache.get(uploadId);
        if (hit && now() - hit.at < CACHE_MS) return hit.state;
        const manifestKey = manifestKeyFor(key, o.settings.uploadsPrefix, o.settings.rendersPrefix)!;
        let state: ImageState | undefined;
        try {
            const object = await o.s3.send(new GetObjectCommand({ Bucket: o.settings.bucket, Key: manifestKey }));
            if ((object.ContentLength ?? 0) <= MANIFEST_MAX_BYTES && object.Body) {
                state = parseManifest(
                    await object.Body.transformToString(),
                    o.settings.rendersPrefix,
                    o.settings.mediaBaseUrl,
                );
            } else object.Body?.transformToString().catch(() => undefined);
            if (storageDown) o.log("info", "storage available again");
            storageDown = false;
        } catch (err) {
            if (isDenied(err) && !deniedLogged) {
                deniedLogged = true;
                o.log(
                    "warn",
                    "manifest read denied: treated as not there yet (grant s3:ListBucket on the renders prefix)",
                );
            }
            if (!isMissing(err) && !isDenied(err)) {
                if (!storageDown) o.log("warn", "storage unavailable", { error: (err as Error)?.name });
                storageDown = true;
                throw new HttpError(503, "unavailable", "storage unavailable");
            }
        }
        if (state) {
            if (cache.size >= CACHE_ENTRIES) cache.delete(cache.keys().next().value!);
            cache.set(uploadId, { state, at: now() });
            return state;
        }
        const deadline = createdAt + (o.settings.expiresSeconds + o.settings.renderTimeoutSeconds) * 1000;
        return now() > deadline
            ? { status: "failed", renditions: [], reason: "not-rendered" }
            : { status: "pending", renditions: [] };
    }

    return [
        {
            pattern: /^\/api\/uploads$/,
            methods: {
                POST: async ({ req, res }) => {
                    const parsed = validateUploadRequest(await readJson(req), o.settings.maxBytes);
                    if (!parsed.ok) throw badRequest("invalid upload", parsed.issues);
                    const upload = await presignUpload(sign, o.settings, parsed.value, now());
                    sendJson(res, 201, upload);
                },
            },
        },
        {
            pattern: /^\/api\/images\/([^/]+)$/,
            methods: {
                GET: async ({ res }, [uploadId]) => {
                    const id = parseUploadId(uploadId);
                    if (!id) throw notFound("no such upload");
                    const key = uploadKeyFor(o.settings.uploadsPrefix, uploadId, id.type);
                    const state = await readState(uploadId, id.createdAt, key);
                    sendJson(res, 200, { uploadId, ...state });
                },
            },
        },
    ];
}

/**
 * The presigned POST of one upload: the browser sends the file straight to
 * the bucket, and S3 itself enforces the policy: exactly this key, exactly
 * this Content-Type, a size from 1 byte to the declared size (itself at most
 * MAX_UPLOAD_BYTES), and an expiry.
 */
import type { Issue } from "../http/respond";
import { newUploadId, uploadKeyFor } from "./keys";
import type { PostSigner } from "./postSigner";
import type { UploadSettings } from "./settings";
import { IMAGE_TYPES, imageType, type ImageType } from "./types";

export interface UploadRequest {
    readonly fileName: string;
    readonly type: ImageType;
    readonly size: number;
}

const BAD_NAME = /[\u0000-\u001f\u007f-\u009f/\\]/;

/** Validates `{fileName, contentType, size}`; every problem at once. */
export function validateUploadRequest(
    body: unknown,
    maxBytes: number,
): { ok: true; value: UploadRequest } | { ok: false; issues: Issue[] } {
    if (typeof body !== "object" || body === null || Array.isArray(body)) {
        return { ok: false, issues: [{ field: "", message: "expected a JSON object {fileName, contentType, size}" }] };
    }
    const { fileName, contentType, size } = body as Record<string, unknown>;
    const issues: Issue[] = [];
    if (typeof fileName !== "string" || fileName.trim() === "" || fileName.length > 255 || BAD_NAME.test(fileName)) {
        issues.push({ field: "fileName", message: "a file name of 1 to 255 characters, without slashes" });
    }
    const type = typeof contentType === "string" ? imageType(contentType.trim().toLowerCase()) : undefined;
    if (!type) {
        issues.push({
            field: "contentType",
            message: `an image type: ${IMAGE_TYPES.map((t) => t.contentType).join(", ")}`,
        });
    }
    if (typeof size !== "number" || !Number.isInteger(size) || size < 1 || size > maxBytes) {
        issues.push({ field: "size", message: `an integer number of bytes from 1 to ${maxBytes}` });
    }
    if (issues.length > 0 || !type) return { ok: false, issues };
    return { ok: true, value: { fileName: (fileName as string).trim(), type, size: size as number } };
}

/** The policy conditions beyond bucket, key and credentials (which the signer adds). */
export function uploadConditions(
    type: ImageType,
    size: number,
): [["eq", string, string], ["content-length-range", number, number]] {
    return [
        ["eq", "$Content-Type", type.contentType],
        ["content-length-range", 1, size],
    ];
}

export interface PresignedUpload {
    readonly uploadId: string;
    readonly key: string;
    readonly url: string;
    readonly fields: Record<string, string>;
    readonly expiresAt: string;
}

/** Signs the POST of one upload (locally, with the task role's credentials: see postSigner.ts). */
export async function presignUpload(
    sign: PostSigner,
    settings: UploadSettings,
    request: UploadRequest,
    now = Date.now(),
): Promise<PresignedUpload> {
    const uploadId = newUploadId(request.type, now);
    const key = uploadKeyFor(settings.uploadsPrefix, uploadId, request.type);
    const post = await sign(
        {
            Bucket: settings.bucket,
            Key: key,
            // A field is also an exact-match condition: the Content-Type is fixed.
            Fields: { "Content-Type": request.type.contentType },
            Conditions: uploadConditions(request.type, request.size),
            Expires: settings.expiresSeconds,
        },
        now,
    );
    return {
        uploadId,
        key,
        url: post.url,
        fields: post.fields,
        expiresAt: new Date(now + settings.expiresSeconds * 1000).toISOString(),
    };
}

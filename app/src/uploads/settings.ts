/**
 * Upload settings from the environment.
 *
 *   UPLOADS_BUCKET         media bucket that receives the browser's presigned POST (or MEDIA_BUCKET)
 *   UPLOADS_PREFIX         key prefix of uploads (uploads/), the resize handler's trigger
 *   RENDERS_PREFIX         key prefix of renditions and manifests (renders/)
 *   MAX_UPLOAD_BYTES       largest upload, the pipeline's maxUploadBytes (10 MiB)
 *   UPLOAD_EXPIRES_SECONDS lifetime of a presigned POST (300)
 *   RENDER_TIMEOUT_SECONDS after the POST expired, how long an image may stay pending (300)
 *   MEDIA_BASE_URL         where the CDN serves the bucket's renders/ keys (/media, e.g. https://<site>/media)
 *   AWS_REGION             the bucket's region; S3_ENDPOINT and S3_FORCE_PATH_STYLE for local S3 servers
 */
import type { Env } from "../db/settings";

export interface UploadSettings {
    readonly bucket: string;
    readonly region: string;
    readonly uploadsPrefix: string;
    readonly rendersPrefix: string;
    readonly maxBytes: number;
    readonly expiresSeconds: number;
    readonly renderTimeoutSeconds: number;
    readonly mediaBaseUrl: string;
    readonly endpoint?: string;
    readonly forcePathStyle: boolean;
}

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const PREFIX = /^[A-Za-z0-9!_.*'()-]+(\/[A-Za-z0-9!_.*'()-]+)*\/$/;

/** Reads the settings; one error string listing every bad variable, or the settings. */
export function uploadSettingsFromEnv(env: Env): { ok: true; value: UploadSettings } | { ok: false; reason: string } {
    const problems: string[] = [];
    const bucket = (env.UPLOADS_BUCKET ?? env.MEDIA_BUCKET)?.trim() ?? "";
    if (!BUCKET.test(bucket)) problems.push("UPLOADS_BUCKET is not a bucket name");
    const region = (env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? "").trim();
    if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) problems.push("AWS_REGION is not a region");
    const prefix = (name: string, fallback: string) => {
        const value = env[name]?.trim() || fallback;
        if (!PREFIX.test(value)) problems.push(`${name} is not a key prefix ending in "/"`);
        return value;
    };
    const uploadsPrefix = prefix("UPLOADS_PREFIX", "uploads/");
    const rendersPrefix = prefix("RENDERS_PREFIX", "renders/");
    if (uploadsPrefix.startsWith(rendersPrefix) || rendersPrefix.startsWith(uploadsPrefix)) {
        problems.push("UPLOADS_PREFIX and RENDERS_PREFIX overlap");
    }
    const integer = (name: string, fallback: number, min: number, max: number) => {
        const raw = env[name]?.trim();
        const n = raw ? Number(raw) : fallback;
        if (!Number.isInteger(n) || n < min || n > max)
            problems.push(`${name} is not an integer from ${min} to ${max}`);
        return n;
    };
    const maxBytes = integer("MAX_UPLOAD_BYTES", 10 * 1024 * 1024, 1, 5 * 1024 ** 3);
    const expiresSeconds = integer("UPLOAD_EXPIRES_SECONDS", 300, 10, 3600);
    const renderTimeoutSeconds = integer("RENDER_TIMEOUT_SECONDS", 300, 10, 86_400);
    const mediaBaseUrl = (env.MEDIA_BASE_URL?.trim() || "/media").replace(/\/+$/, "");
    if (!/^(https:\/\/[^\s/?#]+|http:\/\/(127\.0\.0\.1|localhost)(:\d+)?)?(\/[^\s?#]*)?$/.test(mediaBaseUrl)) {
        problems.push("MEDIA_BASE_URL is not an https URL or a path");
    }
    const endpoint = env.S3_ENDPOINT?.trim() || undefined;
    if (endpoint !== undefined && !/^https?:\/\/[^\s]+$/.test(endpoint)) problems.push("S3_ENDPOINT is not a URL");
    if (problems.length > 0) return { ok: false, reason: `uploads not configured: ${problems.join("; ")}` };
    return {
        ok: true,
        value: {
            bucket,
            region,
            uploadsPrefix,
            rendersPrefix,
            maxBytes,
            expiresSeconds,
            renderTimeoutSeconds,
            mediaBaseUrl,
            endpoint,
            forcePathStyle: env.S3_FORCE_PATH_STYLE === "true",
        },
    };
}

/**
 * The resize function's configuration, read once from its environment at
 * cold start. The ImagePipeline component writes these variables (see
 * `handlerEnvironment` in components/imagePipeline/policies.ts); a bad value
 * fails the cold start with a message naming the variable, instead of
 * producing wrong renditions.
 */
import { HANDLER_ENV } from "../../../components/imagePipeline/handlerEnv";

/** Output encodings the function can write. */
export const OUTPUT_FORMATS = ["webp", "jpeg", "avif", "png"] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** File extension and Content-Type of each output encoding. */
export const FORMAT_INFO: Readonly<Record<OutputFormat, { readonly extension: string; readonly contentType: string }>> =
    {
        webp: { extension: "webp", contentType: "image/webp" },
        jpeg: { extension: "jpg", contentType: "image/jpeg" },
        avif: { extension: "avif", contentType: "image/avif" },
        png: { extension: "png", contentType: "image/png" },
    };

/** One rendition: a name used in its key (`renders/<path>/<name>.<ext>`) and a target width. */
export interface RenditionSpec {
    readonly name: string;
    readonly width: number;
}

export interface ResizerConfig {
    /** Bucket the renditions are written to; undefined means the bucket of the upload. */
    readonly rendersBucket?: string;
    /** SNS topic that receives one "image rendered" message per source image. */
    readonly topicArn: string;
    /** Only keys under this prefix are processed (anything else is skipped). */
    readonly uploadsPrefix: string;
    /** Renditions are written under this prefix. */
    readonly rendersPrefix: string;
    /** Renditions to produce, each in every output format. */
    readonly renditions: readonly RenditionSpec[];
    /** Output encodings. */
    readonly formats: readonly OutputFormat[];
    /** Encoder quality, 1-100 (JPEG, WebP, AVIF; PNG is lossless). */
    readonly quality: number;
    /** Cache-Control header stored with every rendition. */
    readonly cacheControl: string;
    /** Decompression-bomb guard: images with more pixels are refused. */
    readonly maxInputPixels: number;
    /** Uploads larger than this (bytes) are refused from the event's size, before any download. */
    readonly maxUploadBytes: number;
    /** WebP encoder effort, 0 (fastest) to 6 (smallest files). */
    readonly webpEffort: number;
    /**
     * URL of the dead-letter queue that receives permanent failures (with their
     * reason) directly; undefined (local runs) makes them fail the invocation.
     */
    readonly deadLetterQueueUrl?: string;
}

/** Environment variable names (the component's contract with the function, shared with it). */
export const ENV = HANDLER_ENV;

export const DEFAULT_RENDITIONS: readonly RenditionSpec[] = [
    { name: "thumbnail", width: 150 },
    { name: "medium", width: 640 },
    { name: "large", width: 1280 },
];

export const DEFAULTS = {
    uploadsPrefix: "uploads/",
    rendersPrefix: "renders/",
    formats: ["webp"] as readonly OutputFormat[],
    quality: 80,
    cacheControl: "public, max-age=86400",
    maxInputPixels: 100_000_000,
    maxUploadBytes: 32 * 1024 * 1024,
    webpEffort: 2,
} as const;

/** `thumbnail:150,medium:640` <-> renditions. */
export function formatRenditions(renditions: readonly RenditionSpec[]): string {
    return renditions.map((r) => `${r.name}:${r.width}`).join(",");
}

const NAME = /^[a-z][a-z0-9-]{0,31}$/;
const PREFIX = /^[^/].*\/$/;

/**
 * Parses the function's environment. Throws one Error listing every bad
 * variable (name, value, what was expected).
 */
export function configFromEnv(env: Record<string, string | undefined>): ResizerConfig {
    const problems: string[] = [];
    const bad = (name: string, value: string | undefined, expected: string) =>
        problems.push(`${name}=${JSON.stringify(value ?? null)}: ${expected}`);

    const topicArn = env[ENV.topicArn] ?? "";
    if (!/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/.test(topicArn)) {
        bad(ENV.topicArn, env[ENV.topicArn], "expected an SNS topic ARN");
    }

    const prefix = (name: string, fallback: string): string => {
        const value = env[name] ?? fallback;
        if (!PREFIX.test(value)) bad(name, value, 'expected a key prefix ending in "/" such as "uploads/"');
        return value;
    };
    const uploadsPrefix = prefix(ENV.uploadsPrefix, DEFAULTS.uploadsPrefix);
    const rendersPrefix = prefix(ENV.rendersPrefix, DEFAULTS.rendersPrefix);
    if (uploadsPrefix.startsWith(rendersPrefix) || rendersPrefix.startsWith(uploadsPrefix)) {
        bad(ENV.rendersPrefix, rendersPrefix, `must not overlap ${ENV.uploadsPrefix} (renditions would re-trigger)`);
    }

    const renditionsRaw = env[ENV.renditions];
    let renditions: RenditionSpec[] = [...DEFAULT_RENDITIONS];
    if (renditionsRaw !== undefined) {
        renditions = renditionsRaw.split(",").map((part) => {
            const [name, width] = part.split(":");
            return { name: name?.trim() ?? "", width: Number(width) };
        });
        const names = renditions.map((r) => r.name);
        const valid =
            renditions.length > 0 &&
            renditions.every(
                (r) => NAME.test(r.name) && Number.isInteger(r.width) && r.width >= 1 && r.width <= 8192,
            ) &&
            new Set(names).size === names.length;
        if (!valid) bad(ENV.renditions, renditionsRaw, "expected name:width pairs such as thumbnail:150,medium:640");
    }

    const formatsRaw = env[ENV.formats];
    let formats: OutputFormat[] = [...DEFAULTS.formats];
    if (formatsRaw !== undefined) {
        const list = formatsRaw.split(",").map((f) => f.trim());
        if (list.length === 0 || !list.every((f) => (OUTPUT_FORMATS as readonly string[]).includes(f))) {
            bad(ENV.formats, formatsRaw, `expected a comma-separated list of ${OUTPUT_FORMATS.join(", ")}`);
        } else {
            formats = [...new Set(list as OutputFormat[])];
        }
    }

    const integer = (name: string, fallback: number, min: number, max: number): number => {
        const raw = env[name];
        if (raw === undefined) return fallback;
        const n = Number(raw);
        if (raw.trim() === "" || !Number.isInteger(n) || n < min || n > max) {
            bad(name, raw, `expected an integer from ${min} to ${max}`);
        }
        return n;
    };
    const quality = integer(ENV.quality, DEFAULTS.quality, 1, 100);
    const maxInputPixels = integer(ENV.maxInputPixels, DEFAULTS.maxInputPixels, 1, 1_000_000_000);
    const maxUploadBytes = integer(ENV.maxUploadBytes, DEFAULTS.maxUploadBytes, 1, 5 * 1024 ** 3);
    const webpEffort = integer(ENV.webpEffort, DEFAULTS.webpEffort, 0, 6);

    const cacheControl = env[ENV.cacheControl] ?? DEFAULTS.cacheControl;
    if (cacheControl.trim() === "" || !/^[\x20-\x7e]+$/.test(cacheControl)) {
        bad(ENV.cacheControl, cacheControl, "expected a non-empty ASCII Cache-Control header value");
    }

    const rendersBucket = env[ENV.rendersBucket] || undefined;
    if (rendersBucket !== undefined && !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(rendersBucket)) {
        bad(ENV.rendersBucket, rendersBucket, "expected an S3 bucket name");
    }

    const deadLetterQueueUrl = env[ENV.deadLetterQueueUrl] || undefined;
    if (
        deadLetterQueueUrl !== undefined &&
        !/^https?:\/\/[^\s/]+\/\d{12}\/[A-Za-z0-9_-]{1,80}$/.test(deadLetterQueueUrl)
    ) {
        bad(
            ENV.deadLetterQueueUrl,
            deadLetterQueueUrl,
            "expected an SQS queue URL (https://sqs.<region>.amazonaws.com/<account>/<name>)",
        );
    }

    if (problems.length > 0) {
        throw new Error(`image-resizer: invalid configuration:\n  - ${problems.join("\n  - ")}`);
    }
    return {
        rendersBucket,
        topicArn,
        uploadsPrefix,
        rendersPrefix,
        renditions,
        formats,
        quality,
        cacheControl,
        maxInputPixels,
        maxUploadBytes,
        webpEffort,
        deadLetterQueueUrl,
    };
}

import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { isEmailAddress, kmsKeyArn, LOG_RETENTION_DAYS, logRetentionDays as checkLogRetention } from "../shared/checks";
import { isKnown, Problems } from "../shared/validation";
import { checkCorsMethods, CORS_ORIGIN_EXPECTED, isCorsOrigin, type CorsMethod } from "./mediaAccess";
import { bundleProblem, defaultBundleDir, LAMBDA_ARCHITECTURES, type LambdaArchitecture } from "./bundle";
import { defaultMaxInputPixels, maxPixelsForMemory, MB_PER_MEGAPIXEL, memoryNeeded, RESERVE_MB } from "./memoryBudget";

// An `as const` object and a type of the same name (its values): TypeScript callers pass `OutputFormat.Webp`
// or `"webp"`, and Pulumi's component provider infers a schema enum from it (the form its analyzer reads).
/** Output encodings of the renditions (must match lambda/image-resizer/src/config.ts). */
export const OutputFormat = {
    /** WebP (`.webp`). */
    Webp: "webp",
    /** JPEG (`.jpg`). */
    Jpeg: "jpeg",
    /** AVIF (`.avif`). */
    Avif: "avif",
    /** PNG (`.png`, lossless). */
    Png: "png",
} as const;
export type OutputFormat = (typeof OutputFormat)[keyof typeof OutputFormat];
/** The values of {@link OutputFormat}, in declaration order (the order validation messages list them in). */
export const OUTPUT_FORMATS: readonly OutputFormat[] = Object.values(OutputFormat);

/** The three renditions, smallest first. */
export const RENDITION_NAMES = ["thumbnail", "medium", "large"] as const;
export type RenditionName = (typeof RENDITION_NAMES)[number];

// An interface rather than `Record<RenditionName, number>`, so that Pulumi's component provider can
// describe `Partial<RenditionWidths>` (an object type with the three optional widths).
/** Target width of each rendition, in pixels. */
export interface RenditionWidths {
    /** Width of the `thumbnail` rendition. */
    readonly thumbnail: number;
    /** Width of the `medium` rendition. */
    readonly medium: number;
    /** Width of the `large` rendition. */
    readonly large: number;
}

export const DEFAULT_RENDITION_WIDTHS: RenditionWidths = { thumbnail: 150, medium: 640, large: 1280 };

/** Image suffixes sharp's prebuilt libvips decodes; S3 suffix filters are case-sensitive, so both cases. */
export const DEFAULT_IMAGE_SUFFIXES: readonly string[] = [
    ".jpg",
    ".jpeg",
    ".png",
    ".webp",
    ".gif",
    ".tif",
    ".tiff",
    ".avif",
].flatMap((s) => [s, s.toUpperCase()]);

export const UPLOADS_PREFIX = "uploads/";
export const RENDERS_PREFIX = "renders/";

/** Retention values CloudWatch Logs accepts (days): the shared table, re-exported. */
export { LOG_RETENTION_DAYS };

export const DEFAULTS = {
    architecture: "arm64" as LambdaArchitecture,
    memorySize: 1536,
    timeoutSeconds: 60,
    maximumRetryAttempts: 2,
    maximumEventAgeSeconds: 3600,
    logRetentionDays: 30,
    outputFormats: ["webp"] as readonly OutputFormat[],
    quality: 80,
    cacheControl: "public, max-age=86400",
    maxUploadBytes: 32 * 1024 * 1024,
    webpEffort: 2,
    abortIncompleteMultipartUploadDays: 7,
    noncurrentVersionExpirationDays: 30,
} as const;

/** The longest component name whose bucket names (`<name>-uploads-<7 random>`) stay within S3's 63 characters. */
export const MAX_NAME_LENGTH = 47;

const NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
/** Bucket-name prefixes S3 refuses (the name starts every bucket name; the suffixes are fixed and allowed). */
export const RESERVED_BUCKET_PREFIXES: readonly string[] = ["xn--", "sthree-", "amzn-s3-demo-"];
const SQS_ARN = /^arn:aws(-[a-z]+)*:sqs:[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d:\d{12}:[A-Za-z0-9_-]{1,80}$/;
const SUFFIX = /^\.[A-Za-z0-9]{1,10}$/;

export { isCorsOrigin };

/** The arguments {@link resolveImagePipelineArgs} checks (ImagePipelineArgs without tags). */
export interface ImagePipelineInput {
    readonly production?: boolean;
    readonly separateBuckets?: boolean;
    readonly versioning?: boolean;
    readonly noncurrentVersionExpirationDays?: number;
    readonly expireUploadsAfterDays?: number;
    readonly abortIncompleteMultipartUploadDays?: number;
    readonly forceDestroy?: boolean;
    readonly kmsKeyArn?: pulumi.Input<string>;
    readonly corsAllowedOrigins?: readonly pulumi.Input<string>[];
    readonly corsAllowedMethods?: readonly string[];
    readonly renditionWidths?: Partial<RenditionWidths>;
    readonly outputFormats?: readonly OutputFormat[];
    readonly quality?: number;
    readonly cacheControl?: string;
    readonly imageSuffixes?: readonly string[];
    readonly maxInputPixels?: number;
    readonly maxUploadBytes?: number;
    readonly webpEffort?: number;
    readonly architecture?: LambdaArchitecture;
    readonly memorySize?: number;
    readonly timeoutSeconds?: number;
    readonly reservedConcurrency?: number;
    readonly maximumRetryAttempts?: number;
    readonly maximumEventAgeSeconds?: number;
    readonly logRetentionDays?: number;
    readonly notificationEmails?: readonly string[];
    readonly notificationHttpsEndpoints?: readonly string[];
    readonly notificationQueueArns?: readonly pulumi.Input<string>[];
    readonly handlerBundleDir?: string;
}

/** Validated arguments with their defaults applied. */
export interface ImagePipelineSettings {
    readonly production: boolean;
    readonly separateBuckets: boolean;
    readonly versioning: boolean;
    readonly noncurrentVersionExpirationDays: number;
    readonly expireUploadsAfterDays: number | undefined;
    readonly abortIncompleteMultipartUploadDays: number;
    readonly forceDestroy: boolean;
    /** Origins as given: plain ones checked here, Outputs once known (mediaAccess.ts). */
    readonly corsAllowedOrigins: readonly pulumi.Input<string>[];
    readonly corsAllowedMethods: readonly CorsMethod[];
    readonly renditionWidths: RenditionWidths;
    readonly outputFormats: readonly OutputFormat[];
    readonly quality: number;
    readonly cacheControl: string;
    readonly imageSuffixes: readonly string[];
    readonly maxInputPixels: number;
    readonly maxUploadBytes: number;
    readonly webpEffort: number;
    readonly architecture: LambdaArchitecture;
    readonly memorySize: number;
    readonly timeoutSeconds: number;
    readonly reservedConcurrency: number | undefined;
    readonly maximumRetryAttempts: number;
    readonly maximumEventAgeSeconds: number;
    readonly logRetentionDays: number;
    readonly notificationEmails: readonly string[];
    readonly notificationHttpsEndpoints: readonly string[];
    /** Absolute path of the handler bundle directory. */
    readonly handlerBundleDir: string;
}

function isInt(value: unknown, min: number, max: number): value is number {
    return typeof value === "number" && Number.isInteger(value) && value >= min && value <= max;
}

function isBool(value: unknown): value is boolean {
    return typeof value === "boolean";
}

/** An `https://` URL without credentials (they would sit in plain text in the state). */
export function isHttpsEndpoint(value: unknown): value is string {
    if (typeof value !== "string") return false;
    try {
        const url = new URL(value);
        return url.protocol === "https:" && url.username === "" && url.password === "" && url.hostname !== "";
    } catch {
        return false;
    }
}

/** True when S3 would reject the suffix set as overlapping (one suffix ends with another). */
export function overlappingSuffixes(suffixes: readonly string[]): [string, string] | undefined {
    for (const a of suffixes) {
        for (const b of suffixes) {
            if (a !== b && a.endsWith(b)) return [a, b];
        }
    }
    return undefined;
}

function checkList<T>(
    problems: Problems,
    key: string,
    value: unknown,
    what: string,
    each: (item: unknown) => item is T,
    itemExpected: string,
    unique: (item: T) => string = String,
): T[] {
    if (!Array.isArray(value)) {
        problems.expect(false, key, value, `is not a list: expected a list of ${what}`);
        return [];
    }
    const seen = new Set<string>();
    value.forEach((item: unknown, i) => {
        if (!each(item)) {
            problems.expect(false, `${key}[${i}]`, item, itemExpected);
            return;
        }
        const k = unique(item);
        problems.expect(!seen.has(k), `${key}[${i}]`, item, "is listed twice");
        seen.add(k);
    });
    return value as T[];
}

/**
 * Applies the defaults and checks every plain argument and the handler
 * bundle, throwing one `ValidationError` (subject `ImagePipeline "<name>"`)
 * that lists each bad argument. Outputs (kmsKeyArn, queue ARNs) are checked
 * only when they are plain strings.
 */
export function resolveImagePipelineArgs(name: string, args: ImagePipelineInput): ImagePipelineSettings {
    const problems = new Problems(`ImagePipeline "${name}"`);

    problems.expect(
        typeof name === "string" && name.length <= MAX_NAME_LENGTH && NAME.test(name),
        "name",
        name,
        `is not usable in S3 bucket names: expected 1 to ${MAX_NAME_LENGTH} lowercase letters, digits or inner hyphens`,
    );
    const reserved = typeof name === "string" ? RESERVED_BUCKET_PREFIXES.find((p) => name.startsWith(p)) : undefined;
    if (reserved !== undefined) {
        problems.add(
            `name: ${JSON.stringify(name)} starts with ${JSON.stringify(reserved)}, a prefix S3 reserves: CreateBucket would refuse the bucket names`,
        );
    }

    const bool = (key: keyof ImagePipelineInput, fallback: boolean): boolean => {
        const value = args[key] ?? fallback;
        problems.expect(isBool(value), key, value, "is not a boolean: expected true or false");
        return value as boolean;
    };
    const int = (key: keyof ImagePipelineInput, fallback: number | undefined, min: number, max: number) => {
        const value = args[key] ?? fallback;
        if (value !== undefined) {
            problems.expect(
                isInt(value, min, max),
                key,
                value,
                `is not an integer from ${min} to ${max}${key === "memorySize" ? " (MB)" : ""}`,
            );
        }
        return value as number | undefined;
    };

    const production = bool("production", false);
    const separateBuckets = bool("separateBuckets", false);
    const versioning = bool("versioning", production);
    // Like the dev ECR repository: a non-production stack tears down even with uploads in it.
    const forceDestroy = bool("forceDestroy", !production);
    problems.expect(
        !(production && forceDestroy),
        "forceDestroy",
        forceDestroy,
        "is refused with production: true (production buckets are never force-destroyed)",
    );

    const noncurrentVersionExpirationDays = int(
        "noncurrentVersionExpirationDays",
        DEFAULTS.noncurrentVersionExpirationDays,
        1,
        3650,
    ) as number;
    const expireUploadsAfterDays = int("expireUploadsAfterDays", undefined, 1, 3650);
    const abortIncompleteMultipartUploadDays = int(
        "abortIncompleteMultipartUploadDays",
        DEFAULTS.abortIncompleteMultipartUploadDays,
        1,
        365,
    ) as number;

    if (args.kmsKeyArn !== undefined && isKnown(args.kmsKeyArn)) {
        // The function's role is granted kms:Decrypt/GenerateDataKey on this ARN. IAM matches a KMS
        // permission against the key's ARN, never an alias's, so an alias here would deploy and then
        // fail every GetObject/PutObject with AccessDenied.
        problems.check("kmsKeyArn", args.kmsKeyArn, kmsKeyArn({ why: "which the function's IAM policy must name" }));
    }

    // Origins that are Outputs (a distribution's domain) are checked once known, by corsRulesFor.
    let unknownOrigins = 0;
    const corsAllowedOrigins = checkList(
        problems,
        "corsAllowedOrigins",
        args.corsAllowedOrigins ?? [],
        "origins",
        (item): item is pulumi.Input<string> => pulumi.Output.isInstance(item) || isCorsOrigin(item),
        CORS_ORIGIN_EXPECTED,
        (item) => (pulumi.Output.isInstance(item) ? `(output ${unknownOrigins++})` : String(item)),
    );
    const corsAllowedMethods = checkCorsMethods(problems, args.corsAllowedMethods);

    const widthsInput: unknown = args.renditionWidths ?? {};
    const renditionWidths = { ...DEFAULT_RENDITION_WIDTHS };
    if (widthsInput === null || typeof widthsInput !== "object" || Array.isArray(widthsInput)) {
        problems.expect(
            false,
            "renditionWidths",
            widthsInput,
            "is not an object: expected { thumbnail, medium, large }",
        );
    } else {
        for (const key of Object.keys(widthsInput)) {
            if (!(RENDITION_NAMES as readonly string[]).includes(key)) {
                problems.add(`renditionWidths.${key}: is not a rendition (expected thumbnail, medium or large)`);
            }
        }
        for (const rendition of RENDITION_NAMES) {
            const width = (widthsInput as Record<string, unknown>)[rendition] ?? DEFAULT_RENDITION_WIDTHS[rendition];
            const ok = isInt(width, 16, 8192);
            problems.expect(ok, `renditionWidths.${rendition}`, width, "is not an integer from 16 to 8192 (pixels)");
            if (ok) renditionWidths[rendition] = width;
        }
        problems.expect(
            renditionWidths.thumbnail < renditionWidths.medium && renditionWidths.medium < renditionWidths.large,
            "renditionWidths",
            renditionWidths,
            "is not increasing: expected thumbnail < medium < large",
        );
    }

    const outputFormats = checkList(
        problems,
        "outputFormats",
        args.outputFormats ?? DEFAULTS.outputFormats,
        "formats",
        (f): f is OutputFormat => (OUTPUT_FORMATS as readonly unknown[]).includes(f),
        `is not an output format: expected one of ${OUTPUT_FORMATS.map((f) => JSON.stringify(f)).join(", ")}`,
    );
    if (Array.isArray(args.outputFormats)) {
        problems.expect(
            args.outputFormats.length > 0,
            "outputFormats",
            args.outputFormats,
            "is empty: expected at least one format",
        );
    }

    const quality = int("quality", DEFAULTS.quality, 1, 100) as number;
    const webpEffort = int("webpEffort", DEFAULTS.webpEffort, 0, 6) as number;

    const cacheControl = args.cacheControl ?? DEFAULTS.cacheControl;
    problems.expect(
        typeof cacheControl === "string" && /^[\x20-\x7e]{1,256}$/.test(cacheControl) && cacheControl.trim() !== "",
        "cacheControl",
        cacheControl,
        "is not a Cache-Control value: expected 1 to 256 printable ASCII characters",
    );

    const imageSuffixes = checkList(
        problems,
        "imageSuffixes",
        args.imageSuffixes ?? DEFAULT_IMAGE_SUFFIXES,
        "suffixes",
        (s): s is string => typeof s === "string" && SUFFIX.test(s),
        'is not a file suffix: expected "." and 1 to 10 letters or digits, such as ".jpg"',
    );
    if (Array.isArray(args.imageSuffixes)) {
        problems.expect(
            args.imageSuffixes.length > 0,
            "imageSuffixes",
            args.imageSuffixes,
            "is empty: expected at least one suffix",
        );
        const overlap = overlappingSuffixes(imageSuffixes.filter((s) => typeof s === "string"));
        if (overlap) {
            problems.add(
                `imageSuffixes: ${JSON.stringify(overlap[0])} ends with ${JSON.stringify(overlap[1])}: S3 rejects overlapping notification filters`,
            );
        }
    }

    const architecture = args.architecture ?? DEFAULTS.architecture;
    problems.expect(
        (LAMBDA_ARCHITECTURES as readonly unknown[]).includes(architecture),
        "architecture",
        architecture,
        'is not a Lambda architecture: expected "arm64" or "x86_64"',
    );
    const memorySize = int("memorySize", DEFAULTS.memorySize, 512, 10240) as number;
    const { maxInputPixels, maxUploadBytes } = imageLimits(problems, args, memorySize);
    const timeoutSeconds = int("timeoutSeconds", DEFAULTS.timeoutSeconds, 10, 900) as number;
    const reservedConcurrency = int("reservedConcurrency", undefined, 1, 10000);
    const maximumRetryAttempts = int("maximumRetryAttempts", DEFAULTS.maximumRetryAttempts, 0, 2) as number;
    const maximumEventAgeSeconds = int("maximumEventAgeSeconds", DEFAULTS.maximumEventAgeSeconds, 60, 21600) as number;

    const logRetentionDays = args.logRetentionDays ?? DEFAULTS.logRetentionDays;
    problems.check("logRetentionDays", logRetentionDays, checkLogRetention);
    if (production && typeof logRetentionDays === "number") {
        problems.expect(
            logRetentionDays >= 30,
            "logRetentionDays",
            logRetentionDays,
            "is below 30 days, the minimum with production: true",
        );
    }

    const notificationEmails = checkList(
        problems,
        "notificationEmails",
        args.notificationEmails ?? [],
        "email addresses",
        isEmailAddress,
        "is not a valid email address",
        (e) => e.toLowerCase(),
    );
    const notificationHttpsEndpoints = checkList(
        problems,
        "notificationHttpsEndpoints",
        args.notificationHttpsEndpoints ?? [],
        "URLs",
        isHttpsEndpoint,
        "is not an https:// URL without credentials",
    );
    const queueArns = args.notificationQueueArns ?? [];
    if (!Array.isArray(queueArns)) {
        problems.expect(false, "notificationQueueArns", queueArns, "is not a list: expected a list of SQS queue ARNs");
    } else {
        queueArns.forEach((arn, i) => {
            if (isKnown(arn)) {
                problems.expect(
                    typeof arn === "string" && SQS_ARN.test(arn),
                    `notificationQueueArns[${i}]`,
                    arn,
                    "is not an SQS queue ARN",
                );
            }
        });
    }

    let handlerBundleDir = "";
    if (
        args.handlerBundleDir !== undefined &&
        (typeof args.handlerBundleDir !== "string" || args.handlerBundleDir === "")
    ) {
        problems.expect(false, "handlerBundleDir", args.handlerBundleDir, "is not a directory path");
    } else if ((LAMBDA_ARCHITECTURES as readonly unknown[]).includes(architecture)) {
        handlerBundleDir = path.resolve(args.handlerBundleDir ?? defaultBundleDir(architecture));
        const problem = bundleProblem(handlerBundleDir, architecture);
        if (problem) problems.add(`handlerBundleDir: ${JSON.stringify(handlerBundleDir)} ${problem}`);
    }

    problems.throwIfAny();
    return {
        production,
        separateBuckets,
        versioning,
        noncurrentVersionExpirationDays,
        expireUploadsAfterDays,
        abortIncompleteMultipartUploadDays,
        forceDestroy,
        corsAllowedOrigins,
        corsAllowedMethods,
        renditionWidths,
        outputFormats,
        quality,
        cacheControl,
        imageSuffixes,
        maxInputPixels,
        maxUploadBytes,
        webpEffort,
        architecture,
        memorySize,
        timeoutSeconds,
        reservedConcurrency,
        maximumRetryAttempts,
        maximumEventAgeSeconds,
        logRetentionDays,
        notificationEmails,
        notificationHttpsEndpoints,
        handlerBundleDir,
    };
}

/**
 * maxUploadBytes and maxInputPixels against memorySize (see memoryBudget.ts):
 * an explicit pixel limit the memory cannot hold is refused, the default one
 * is derived from the memory.
 */
function imageLimits(problems: Problems, args: ImagePipelineInput, memorySize: number) {
    const maxUploadBytes = args.maxUploadBytes ?? DEFAULTS.maxUploadBytes;
    const uploadOk = isInt(maxUploadBytes, 1024, 5 * 1024 ** 3);
    problems.expect(uploadOk, "maxUploadBytes", maxUploadBytes, "is not an integer from 1024 to 5368709120 (bytes)");
    const memoryOk = isInt(memorySize, 512, 10240);
    if (!uploadOk || !memoryOk) return { maxUploadBytes, maxInputPixels: args.maxInputPixels ?? 0 };

    const rule = `${RESERVE_MB} MB + maxUploadBytes in MiB + ${MB_PER_MEGAPIXEL} MB per megapixel, the peak of a 16-bit interlaced PNG`;
    if (args.maxInputPixels === undefined) {
        const derived = defaultMaxInputPixels(memorySize, maxUploadBytes);
        problems.expect(
            derived >= 1_000_000,
            "memorySize",
            memorySize,
            `leaves room for ${derived} pixels with maxUploadBytes ${maxUploadBytes}, under the 1e6 minimum (${rule}): raise memorySize or lower maxUploadBytes`,
        );
        return { maxUploadBytes, maxInputPixels: derived };
    }
    const maxInputPixels = args.maxInputPixels;
    if (!isInt(maxInputPixels, 1_000_000, 1_000_000_000)) {
        problems.expect(false, "maxInputPixels", maxInputPixels, "is not an integer from 1000000 to 1000000000");
    } else if (maxInputPixels > maxPixelsForMemory(memorySize, maxUploadBytes)) {
        problems.expect(
            false,
            "maxInputPixels",
            maxInputPixels,
            `needs ${memoryNeeded(maxInputPixels, maxUploadBytes)} MB of function memory (${rule}), above memorySize ${memorySize}: raise memorySize or lower maxInputPixels or maxUploadBytes`,
        );
    }
    return { maxUploadBytes, maxInputPixels };
}

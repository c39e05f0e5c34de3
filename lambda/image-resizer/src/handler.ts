import { PutObjectCommand } from "@aws-sdk/client-s3";
import { PublishCommand, type PublishCommandOutput } from "@aws-sdk/client-sns";
import { FORMAT_INFO, type ResizerConfig } from "./config";
import { deadLetterMessage, type DeadLetterSender, sendDeadLetter } from "./deadLetters";
import { describeError, PermanentError, type PermanentReason } from "./errors";
import { eventRecords, parseRecord, type UploadRecord } from "./events";
import { manifestKey, MANIFEST_FILE, relativeUploadPath, renditionFolder, renditionKey } from "./keys";
import { alreadyDone, type FailedManifest, type ReadyManifest, settingsFingerprint } from "./manifest";
import { renderRenditions } from "./render";
import { type ObjectStore, readManifest, readUpload, writeManifest } from "./store";

export type { ObjectStore } from "./store";

/** The SNS operation the handler uses (an SNSClient satisfies it). */
export interface Publisher {
    send(command: PublishCommand): Promise<PublishCommandOutput>;
}

/** Structured log sink; the default writes one JSON line per entry to the console. */
export interface Logger {
    info(message: string, fields: Record<string, unknown>): void;
    warn(message: string, fields: Record<string, unknown>): void;
    error(message: string, fields: Record<string, unknown>): void;
}

export const consoleLogger: Logger = {
    info: (message, fields) => console.info(JSON.stringify({ level: "INFO", message, ...fields })),
    warn: (message, fields) => console.warn(JSON.stringify({ level: "WARN", message, ...fields })),
    error: (message, fields) => console.error(JSON.stringify({ level: "ERROR", message, ...fields })),
};

/** One rendition as announced on SNS. */
export interface AnnouncedRendition {
    readonly size: string;
    readonly key: string;
    readonly format: string;
    readonly contentType: string;
    readonly width: number;
    readonly height: number;
    readonly bytes: number;
}

/** The body of the SNS message published once per source image. */
export interface ImageRenderedMessage {
    readonly type: "image.rendered";
    readonly bucket: string;
    readonly sourceKey: string;
    readonly sourceETag?: string;
    readonly sourceSize?: number;
    /** S3's event sequencer: orders events for the same key (consumers can drop stale duplicates). */
    readonly sequencer?: string;
    readonly source: { readonly format: string; readonly width: number; readonly height: number };
    readonly rendersBucket: string;
    /** Key of the rendition manifest (`renders/<path>/manifest.json`). */
    readonly manifestKey: string;
    readonly renditions: readonly AnnouncedRendition[];
}

export const MESSAGE_TYPE = "image.rendered";

/** Thrown when at least one record failed transiently (Lambda then retries the event); names every such key. */
export class ImageBatchError extends Error {
    constructor(
        readonly failures: readonly { readonly bucket?: string; readonly key?: string; readonly error: string }[],
    ) {
        super(
            `image-resizer: ${failures.length} of the event's images failed: ${failures
                .map((f) => `s3://${f.bucket ?? "?"}/${f.key ?? "?"}: ${f.error}`)
                .join("; ")}`,
        );
        this.name = "ImageBatchError";
    }
}

export interface HandlerDeps {
    readonly s3: ObjectStore;
    readonly sns: Publisher;
    /** Sends permanent failures to `config.deadLetterQueueUrl`; without both, they fail the invocation. */
    readonly sqs?: DeadLetterSender;
    readonly config: ResizerConfig;
    readonly log?: Logger;
}

/** Why a record was not processed although nothing failed. */
export type SkipReason = "not-an-upload" | "already-done" | "superseded";

export interface HandlerResult {
    readonly processed: readonly ImageRenderedMessage[];
    readonly skipped: readonly { readonly key: string; readonly why: SkipReason }[];
    /** Permanent failures, each sent to the dead-letter queue. */
    readonly refused: readonly { readonly key?: string; readonly reason: PermanentReason; readonly error: string }[];
}

/**
 * S3 refuses a PutObject whose user-defined metadata (header names and
 * values, UTF-8 bytes) exceeds 2 KB with `MetadataTooLarge`.
 */
export const USER_METADATA_LIMIT_BYTES = 2048;
const SOURCE_KEY_HEADER = "x-amz-meta-source-key";

/**
 * The `source-key` user metadata of a rendition: the source key URL-encoded
 * (metadata must be ASCII). A valid key (up to 1024 UTF-8 bytes) can encode to
 * about 3 KB, over S3's limit, and the rendition would then never be written:
 * such a key is left out (the SNS message and the manifest still carry it).
 */
export function sourceKeyMetadata(key: string): Record<string, string> | undefined {
    const value = encodeURIComponent(key);
    return SOURCE_KEY_HEADER.length + value.length <= USER_METADATA_LIMIT_BYTES ? { "source-key": value } : undefined;
}

/** A permanent failure that has nowhere to go but the invocation's own failure (no queue configured). */
class NoDeadLetterQueue extends Error {
    constructor(cause: PermanentError) {
        super(`${describeError(cause)} (no dead-letter queue configured)`);
    }
}

type Outcome =
    | { readonly kind: "processed"; readonly message: ImageRenderedMessage }
    | { readonly kind: "skipped"; readonly why: SkipReason }
    | { readonly kind: "refused"; readonly error: PermanentError; readonly folder?: string };

/** The longest file name written into a rendition folder (for the key-length rule). */
function longestFileName(config: ResizerConfig): string {
    const names = config.renditions.flatMap((r) => config.formats.map((f) => `${r.name}.${FORMAT_INFO[f].extension}`));
    return [MANIFEST_FILE, ...names].reduce((a, b) => (Buffer.byteLength(b) > Buffer.byteLength(a) ? b : a));
}

/**
 * Builds the Lambda handler for `s3:ObjectCreated:*` events. For each record:
 * check it (key, prefix, size from the event), skip it when its manifest
 * already records this source ETag under the same settings, read the upload
 * (streamed, size-capped), render, write every rendition to
 * `<rendersPrefix><path>/<rendition>.<ext>`, publish one SNS message, and
 * write the manifest last (so a retry after a failed publish renders again).
 *
 * Permanent failures (a bad event, record or key, an upload above
 * maxUploadBytes, not an image, too many pixels, deleted) are sent to the
 * dead-letter queue with their reason and a `failed` manifest is written
 * where the key allows; they never fail the invocation. Transient failures
 * (S3/SNS/SQS errors) make the invocation throw an {@link ImageBatchError}
 * so Lambda retries the event; records that succeeded are then skipped.
 */
export function createHandler(deps: HandlerDeps): (event: unknown) => Promise<HandlerResult> {
    const { s3, sns, config } = deps;
    const log = deps.log ?? consoleLogger;
    const settings = settingsFingerprint(config);
    const longest = longestFileName(config);

    async function processRecord(upload: UploadRecord): Promise<Outcome> {
        const { bucket, key } = upload;
        const relative = relativeUploadPath(key, config.uploadsPrefix);
        if (relative === undefined) return { kind: "skipped", why: "not-an-upload" };
        const folder = renditionFolder(config.rendersPrefix, relative, longest);
        try {
            if (upload.size !== undefined && upload.size > config.maxUploadBytes) {
                throw new PermanentError(
                    "too-large",
                    `object is ${upload.size} bytes, above maxUploadBytes (${config.maxUploadBytes}): not downloaded`,
                );
            }
            if (upload.size === 0)
                throw new PermanentError("not-an-image", "not an image: the file is empty (0 bytes)");
            const rendersBucket = config.rendersBucket ?? bucket;
            const stored = await readManifest(s3, rendersBucket, manifestKey(folder));
            if (alreadyDone(stored, upload.eTag, settings)) return { kind: "skipped", why: "already-done" };
            const read = await readUpload(s3, bucket, key, upload.eTag, config.maxUploadBytes);
            if (read === "superseded") return { kind: "skipped", why: "superseded" };
            return { kind: "processed", message: await renderAndAnnounce(upload, folder, read.data) };
        } catch (e) {
            if (e instanceof PermanentError) return { kind: "refused", error: e, folder };
            throw e;
        }
    }

    async function renderAndAnnounce(upload: UploadRecord, folder: string, input: Buffer) {
        const { bucket, key } = upload;
        const rendersBucket = config.rendersBucket ?? bucket;
        const started = Date.now();
        const rendered = await renderRenditions(input, config);
        const metadata = { ...sourceKeyMetadata(key), ...(upload.eTag ? { "source-etag": upload.eTag } : {}) };
        const renditions = await Promise.all(
            rendered.renditions.map(async (r): Promise<AnnouncedRendition> => {
                const target = renditionKey(folder, r.name, r.extension);
                await s3.send(
                    new PutObjectCommand({
                        Bucket: rendersBucket,
                        Key: target,
                        Body: r.data,
                        ContentType: r.contentType,
                        CacheControl: config.cacheControl,
                        Metadata: metadata,
                    }),
                );
                const { name, format, contentType, width, height, bytes } = r;
                return { size: name, key: target, format, contentType, width, height, bytes };
            }),
        );
        const message: ImageRenderedMessage = {
            type: MESSAGE_TYPE,
            bucket,
            sourceKey: key,
            sourceETag: upload.eTag,
            sourceSize: upload.size,
            sequencer: upload.sequencer,
            source: rendered.source,
            rendersBucket,
            manifestKey: manifestKey(folder),
            renditions,
        };
        const published = await sns.send(
            new PublishCommand({
                TopicArn: config.topicArn,
                Subject: "Image rendered",
                Message: JSON.stringify(message),
                MessageAttributes: { type: { DataType: "String", StringValue: MESSAGE_TYPE } },
            }),
        );
        const manifest: ReadyManifest = {
            version: 1,
            status: "ready",
            sourceKey: key,
            sourceETag: upload.eTag,
            sequencer: upload.sequencer,
            settings,
            writtenAt: new Date().toISOString(),
            source: rendered.source,
            rendersBucket,
            renditions: renditions.map(({ size, ...r }) => ({ name: size, ...r })),
        };
        await writeManifest(s3, rendersBucket, manifestKey(folder), manifest);
        log.info("image rendered", {
            bucket,
            key,
            renditions: renditions.length,
            sourceBytes: input.length,
            durationMs: Date.now() - started,
            messageId: published.MessageId,
        });
        return message;
    }

    /** Sends a permanent failure to the DLQ, then records it in a `failed` manifest (best effort). */
    async function refuse(
        error: PermanentError,
        where: { bucket?: string; key?: string; upload?: UploadRecord; folder?: string; raw: unknown },
    ): Promise<void> {
        const { bucket, key, upload } = where;
        log.error("image refused", { bucket, key, reason: error.reason, error: describeError(error) });
        if (!deps.sqs || !config.deadLetterQueueUrl) throw new NoDeadLetterQueue(error);
        const body = deadLetterMessage({
            reason: error.reason,
            error: describeError(error),
            bucket,
            key,
            sourceETag: upload?.eTag,
            sequencer: upload?.sequencer,
            record: where.raw,
        });
        const messageId = await sendDeadLetter(deps.sqs, config.deadLetterQueueUrl, body);
        log.info("sent to the dead-letter queue", { bucket, key, reason: error.reason, messageId });
        if (upload && where.folder) {
            const manifest: FailedManifest = {
                version: 1,
                status: "failed",
                sourceKey: upload.key,
                sourceETag: upload.eTag,
                sequencer: upload.sequencer,
                settings,
                writtenAt: body.failedAt,
                reason: error.reason,
                error: describeError(error),
                renditions: [],
            };
            await writeManifest(s3, config.rendersBucket ?? upload.bucket, manifestKey(where.folder), manifest).catch(
                (e: unknown) => log.warn("failed manifest not written", { key: upload.key, error: describeError(e) }),
            );
        }
    }

    return async (event: unknown): Promise<HandlerResult> => {
        const processed: ImageRenderedMessage[] = [];
        const skipped: { key: string; why: SkipReason }[] = [];
        const refused: { key?: string; reason: PermanentReason; error: string }[] = [];
        const failures: { bucket?: string; key?: string; error: string }[] = [];
        const onRefused = async (error: PermanentError, where: Parameters<typeof refuse>[1]) => {
            try {
                await refuse(error, where);
                refused.push({ key: where.key, reason: error.reason, error: describeError(error) });
            } catch (e) {
                const message = e instanceof NoDeadLetterQueue ? e.message : describeError(e);
                failures.push({ bucket: where.bucket, key: where.key, error: message });
            }
        };

        let records: unknown[] = [];
        try {
            records = eventRecords(event);
        } catch (e) {
            await onRefused(e as PermanentError, { raw: event });
        }
        for (const [index, raw] of records.entries()) {
            const parsed = parseRecord(raw, index);
            if (!parsed.ok) {
                await onRefused(parsed.error, { bucket: parsed.bucket, key: parsed.key, raw });
                continue;
            }
            const { upload } = parsed;
            try {
                const outcome = await processRecord(upload);
                if (outcome.kind === "processed") processed.push(outcome.message);
                else if (outcome.kind === "refused") {
                    await onRefused(outcome.error, { ...upload, upload, folder: outcome.folder, raw });
                } else {
                    skipped.push({ key: upload.key, why: outcome.why });
                    const fields = { bucket: upload.bucket, key: upload.key, why: outcome.why };
                    if (outcome.why === "not-an-upload") log.warn("skipped: not an upload", fields);
                    else log.info("skipped", fields);
                }
            } catch (e) {
                failures.push({ bucket: upload.bucket, key: upload.key, error: describeError(e) });
                log.error("image processing failed", {
                    bucket: upload.bucket,
                    key: upload.key,
                    error: describeError(e),
                });
            }
        }
        if (failures.length > 0) throw new ImageBatchError(failures);
        return { processed, skipped, refused };
    };
}

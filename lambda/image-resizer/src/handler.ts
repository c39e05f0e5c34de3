import { GetObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { PublishCommand, type PublishCommandOutput } from "@aws-sdk/client-sns";
import type { S3Event, S3EventRecord } from "aws-lambda";
import type { ResizerConfig } from "./config";
import { decodeS3Key, renditionKey, stemOf } from "./keys";
import { renderRenditions } from "./render";

/** The S3 operations the handler uses (an S3Client, or anything with its `send`). */
export type ObjectStore = Pick<S3Client, "send">;

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
    readonly renditions: readonly AnnouncedRendition[];
}

export const MESSAGE_TYPE = "image.rendered";

/** Thrown when at least one record of an event failed; names every failed key. */
export class ImageBatchError extends Error {
    constructor(
        readonly failures: readonly { readonly bucket: string; readonly key: string; readonly error: string }[],
    ) {
        super(
            `image-resizer: ${failures.length} of the event's images failed: ${failures
                .map((f) => `s3://${f.bucket}/${f.key}: ${f.error}`)
                .join("; ")}`,
        );
        this.name = "ImageBatchError";
    }
}

export interface HandlerDeps {
    readonly s3: ObjectStore;
    readonly sns: Publisher;
    readonly config: ResizerConfig;
    readonly log?: Logger;
}

export interface HandlerResult {
    readonly processed: readonly ImageRenderedMessage[];
    readonly skipped: readonly string[];
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
 * such a key is left out (the SNS message still carries it).
 */
export function sourceKeyMetadata(key: string): Record<string, string> | undefined {
    const value = encodeURIComponent(key);
    return SOURCE_KEY_HEADER.length + value.length <= USER_METADATA_LIMIT_BYTES ? { "source-key": value } : undefined;
}

async function readObject(s3: ObjectStore, bucket: string, key: string): Promise<Buffer> {
    const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    if (!response.Body) throw new Error("GetObject returned no body");
    return Buffer.from(await response.Body.transformToByteArray());
}

/**
 * Builds the Lambda handler for `s3:ObjectCreated:*` events. For each record:
 * decode the key, read the upload, write every rendition to
 * `<rendersPrefix><stem>/<rendition>.<ext>` (same keys every time, so
 * re-processing overwrites), then publish one SNS message.
 *
 * A record that fails (corrupt file, not an image, S3 error) is logged with
 * its key; the others are still processed, then the invocation throws an
 * {@link ImageBatchError} so that Lambda's asynchronous retries (bounded by
 * the function's event invoke config) and finally its on-failure destination
 * take over.
 */
export function createHandler(deps: HandlerDeps): (event: S3Event) => Promise<HandlerResult> {
    const { s3, sns, config } = deps;
    const log = deps.log ?? consoleLogger;

    async function processRecord(record: S3EventRecord, key: string, stem: string): Promise<ImageRenderedMessage> {
        const bucket = record.s3.bucket.name;
        const rendersBucket = config.rendersBucket ?? bucket;
        const started = Date.now();
        const input = await readObject(s3, bucket, key);
        const rendered = await renderRenditions(input, config);
        const renditions = await Promise.all(
            rendered.renditions.map(async (r): Promise<AnnouncedRendition> => {
                const target = renditionKey(config.rendersPrefix, stem, r.name, r.extension);
                await s3.send(
                    new PutObjectCommand({
                        Bucket: rendersBucket,
                        Key: target,
                        Body: r.data,
                        ContentType: r.contentType,
                        CacheControl: config.cacheControl,
                        Metadata: sourceKeyMetadata(key),
                    }),
                );
                return {
                    size: r.name,
                    key: target,
                    format: r.format,
                    contentType: r.contentType,
                    width: r.width,
                    height: r.height,
                    bytes: r.bytes,
                };
            }),
        );
        const message: ImageRenderedMessage = {
            type: MESSAGE_TYPE,
            bucket,
            sourceKey: key,
            sourceETag: record.s3.object.eTag,
            sourceSize: record.s3.object.size,
            sequencer: record.s3.object.sequencer,
            source: rendered.source,
            rendersBucket,
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

    return async (event: S3Event): Promise<HandlerResult> => {
        const processed: ImageRenderedMessage[] = [];
        const skipped: string[] = [];
        const failures: { bucket: string; key: string; error: string }[] = [];
        for (const record of event.Records ?? []) {
            const bucket = record.s3.bucket.name;
            let key: string;
            try {
                key = decodeS3Key(record.s3.object.key);
            } catch {
                key = record.s3.object.key;
                failures.push({ bucket, key, error: "key is not valid URL encoding" });
                log.error("image processing failed", { bucket, key, error: "key is not valid URL encoding" });
                continue;
            }
            const stem = stemOf(key, config.uploadsPrefix);
            if (stem === undefined) {
                // Never act on keys outside the uploads prefix: a rendition must not re-trigger the function.
                skipped.push(key);
                log.warn("skipped: not an upload", { bucket, key, uploadsPrefix: config.uploadsPrefix });
                continue;
            }
            try {
                processed.push(await processRecord(record, key, stem));
            } catch (e) {
                const error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
                failures.push({ bucket, key, error });
                log.error("image processing failed", { bucket, key, error });
            }
        }
        if (failures.length > 0) throw new ImageBatchError(failures);
        return { processed, skipped };
    };
}

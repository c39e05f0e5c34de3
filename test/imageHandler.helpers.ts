/**
 * What the resize handler specs share: a real S3-compatible server (s3rver)
 * on 127.0.0.1 in a temporary directory, S3 events shaped as S3 delivers
 * them, recording SNS and SQS clients, and images generated with sharp.
 */
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { PublishCommand, type PublishCommandInput, type PublishCommandOutput } from "@aws-sdk/client-sns";
import { SendMessageCommand, type SendMessageCommandInput, type SendMessageCommandOutput } from "@aws-sdk/client-sqs";
import type { S3Event } from "aws-lambda";
import { expect } from "chai";
import * as fs from "fs";
import type { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import sharp from "sharp";
import type { DeadLetterMessage, DeadLetterSender } from "../lambda/image-resizer/src/deadLetters";
import type { ImageRenderedMessage, Logger, Publisher } from "../lambda/image-resizer/src/handler";

const S3RVER = require("s3rver") as new (options: Record<string, unknown>) => {
    run(): Promise<AddressInfo>;
    close(): Promise<void>;
};

export const BUCKET = "media";
export const RENDERS_BUCKET = "media-renders";
export const TOPIC_ARN = "arn:aws:sns:us-east-1:123456789012:images-topic";
export const DLQ_URL = "https://sqs.us-east-1.amazonaws.com/123456789012/images-dlq";
export const CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };

/** Encodes a key the way S3 event notifications do (form encoding: `+` for space, UTF-8 percent escapes). */
export function s3EventKey(key: string): string {
    return key
        .split("/")
        .map((segment) => encodeURIComponent(segment).replace(/%20/g, "+"))
        .join("/");
}

export interface EventObject {
    readonly key: string;
    /** Size as S3 reports it in the event (the uploaded length). */
    readonly size: number;
    readonly eTag?: string;
    readonly bucket?: string;
}

/** An `s3:ObjectCreated:Put` event as S3 delivers it to Lambda. */
export function s3Event(...objects: EventObject[]): S3Event {
    return {
        Records: objects.map((o, i) => ({
            eventVersion: "2.1",
            eventSource: "aws:s3",
            awsRegion: "us-east-1",
            eventTime: new Date().toISOString(),
            eventName: "ObjectCreated:Put",
            userIdentity: { principalId: "AWS:AIDAEXAMPLE" },
            requestParameters: { sourceIPAddress: "127.0.0.1" },
            responseElements: { "x-amz-request-id": `REQ${i}`, "x-amz-id-2": "id2" },
            s3: {
                s3SchemaVersion: "1.0",
                configurationId: "images-uploads",
                bucket: {
                    name: o.bucket ?? BUCKET,
                    ownerIdentity: { principalId: "OWNER" },
                    arn: `arn:aws:s3:::${o.bucket ?? BUCKET}`,
                },
                object: {
                    key: s3EventKey(o.key),
                    size: o.size,
                    eTag: o.eTag ?? "",
                    sequencer: `00${(i + 1).toString(16).toUpperCase()}`,
                },
            },
        })),
    };
}

export class RecordingPublisher implements Publisher {
    readonly published: PublishCommandInput[] = [];
    async send(command: PublishCommand): Promise<PublishCommandOutput> {
        expect(command).to.be.instanceOf(PublishCommand);
        this.published.push(command.input);
        return { MessageId: `msg-${this.published.length}`, $metadata: {} };
    }
    messages(): ImageRenderedMessage[] {
        return this.published.map((p) => JSON.parse(p.Message!));
    }
}

/** Records SendMessage calls; `failNext` makes the next sends fail like a throttled SQS. */
export class RecordingQueue implements DeadLetterSender {
    readonly sent: SendMessageCommandInput[] = [];
    failNext = 0;
    async send(command: SendMessageCommand): Promise<SendMessageCommandOutput> {
        expect(command).to.be.instanceOf(SendMessageCommand);
        if (this.failNext > 0) {
            this.failNext--;
            throw Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" });
        }
        this.sent.push(command.input);
        return { MessageId: `dlq-${this.sent.length}`, $metadata: {} };
    }
    messages(): DeadLetterMessage[] {
        return this.sent.map((s) => JSON.parse(s.MessageBody!));
    }
}

export class RecordingLogger implements Logger {
    readonly entries: { level: string; message: string; fields: Record<string, unknown> }[] = [];
    info(message: string, fields: Record<string, unknown>) {
        this.entries.push({ level: "info", message, fields });
    }
    warn(message: string, fields: Record<string, unknown>) {
        this.entries.push({ level: "warn", message, fields });
    }
    error(message: string, fields: Record<string, unknown>) {
        this.entries.push({ level: "error", message, fields });
    }
    errors() {
        return this.entries.filter((e) => e.level === "error");
    }
}

/** A noisy photo-like image of the given size (smooth at 1/8 scale, upscaled), as a sharp pipeline. */
export async function texture(width: number, height: number): Promise<sharp.Sharp> {
    const tile = await sharp({
        create: {
            width: Math.ceil(width / 8),
            height: Math.ceil(height / 8),
            channels: 3,
            background: "#808080",
            noise: { type: "gaussian", mean: 128, sigma: 50 },
        },
    })
        .png()
        .toBuffer();
    return sharp(tile).resize(width, height, { kernel: "cubic" });
}

/** Generated test images. */
export interface Fixtures {
    jpeg: Buffer;
    png: Buffer;
    webp: Buffer;
    photo12mp: Buffer;
    rotated: Buffer;
    corrupt: Buffer;
    text: Buffer;
}

export async function makeFixtures(): Promise<Fixtures> {
    const jpeg = await (await texture(1600, 1200)).jpeg({ quality: 85 }).toBuffer();
    const png = await sharp({
        create: { width: 500, height: 400, channels: 4, background: { r: 10, g: 120, b: 200, alpha: 0.5 } },
    })
        .png()
        .toBuffer();
    const webp = await (await texture(900, 300)).webp({ quality: 80 }).toBuffer();
    // A 12-megapixel photo-like JPEG (camera size 4000x3000).
    const photo12mp = await (await texture(4000, 3000)).jpeg({ quality: 90 }).toBuffer();
    // Stored 300x200 landscape with EXIF orientation 6 (rotate 90° clockwise): displayed 200x300 portrait.
    const rotated = await (await texture(300, 200)).jpeg({ quality: 85 }).withMetadata({ orientation: 6 }).toBuffer();
    // A JPEG cut in the middle of its entropy-coded data, with garbage after it.
    const corrupt = Buffer.concat([jpeg.subarray(0, Math.floor(jpeg.length / 3)), Buffer.alloc(2048, 0x5a)]);
    const text = Buffer.from("this is a text file, not an image\n".repeat(20));
    return { jpeg, png, webp, photo12mp, rotated, corrupt, text };
}

/** s3rver on 127.0.0.1 (a port of its own) with the media buckets, and a client for it. */
export class S3Server {
    private server?: InstanceType<typeof S3RVER>;
    private dir = "";
    s3!: S3Client;
    endpoint = "";

    async start(): Promise<this> {
        this.dir = fs.mkdtempSync(path.join(os.tmpdir(), "s3rver-images-"));
        this.server = new S3RVER({
            address: "127.0.0.1",
            port: 0,
            silent: true,
            directory: this.dir,
            configureBuckets: [{ name: BUCKET }, { name: RENDERS_BUCKET }],
        });
        const address = await this.server.run();
        this.endpoint = `http://127.0.0.1:${address.port}`;
        this.s3 = new S3Client({
            region: "us-east-1",
            endpoint: this.endpoint,
            forcePathStyle: true,
            credentials: CREDENTIALS,
        });
        return this;
    }

    async stop(): Promise<void> {
        this.s3?.destroy();
        await this.server?.close();
        fs.rmSync(this.dir, { recursive: true, force: true });
    }

    /** Uploads `body` and returns the event fields S3 would send for it (key, size, unquoted ETag). */
    async upload(key: string, body: Buffer, bucket = BUCKET): Promise<{ key: string; size: number; eTag: string }> {
        const put = await this.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
        return { key, size: body.length, eTag: (put.ETag ?? "").replace(/"/g, "") };
    }

    async read(key: string, bucket = BUCKET) {
        const object = await this.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        const data = Buffer.from(await object.Body!.transformToByteArray());
        return { object, data, meta: await sharp(data).metadata() };
    }

    async readJson(key: string, bucket = BUCKET): Promise<any> {
        const object = await this.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        return JSON.parse(await object.Body!.transformToString());
    }

    async keysUnder(prefix: string, bucket = BUCKET): Promise<string[]> {
        const listed = await this.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
        return (listed.Contents ?? []).map((c) => c.Key!).sort();
    }
}

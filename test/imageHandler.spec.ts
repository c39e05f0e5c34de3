/**
 * The resize handler (lambda/image-resizer/src) against a real S3-compatible
 * server (s3rver) on 127.0.0.1 with a temporary directory, images generated
 * here with sharp, and a recording SNS client. The last block runs the
 * esbuild bundle itself, with real SDK clients talking HTTP to s3rver and to
 * a loopback stand-in for SNS's query API.
 */
import {
    GetObjectCommand,
    HeadObjectCommand,
    ListObjectsV2Command,
    PutObjectCommand,
    S3Client,
} from "@aws-sdk/client-s3";
import { PublishCommand, type PublishCommandInput, type PublishCommandOutput } from "@aws-sdk/client-sns";
import type { S3Event } from "aws-lambda";
import { expect } from "chai";
import fc from "fast-check";
import * as fs from "fs";
import * as http from "http";
import type { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import sharp from "sharp";
import { ensureHandlerBundle } from "../components/imagePipeline/bundle";
import { configFromEnv, type ResizerConfig } from "../lambda/image-resizer/src/config";
import {
    createHandler,
    type HandlerResult,
    type ImageRenderedMessage,
    type Logger,
    type ObjectStore,
    type Publisher,
    sourceKeyMetadata,
    USER_METADATA_LIMIT_BYTES,
} from "../lambda/image-resizer/src/handler";
import { decodeS3Key, renditionKey, stemOf } from "../lambda/image-resizer/src/keys";

const S3RVER = require("s3rver") as new (options: Record<string, unknown>) => {
    run(): Promise<AddressInfo>;
    close(): Promise<void>;
};

const BUCKET = "media";
const RENDERS_BUCKET = "media-renders";
const TOPIC_ARN = "arn:aws:sns:us-east-1:123456789012:images-topic";
const CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };

/** Encodes a key the way S3 event notifications do (form encoding: `+` for space, UTF-8 percent escapes). */
function s3EventKey(key: string): string {
    return key
        .split("/")
        .map((segment) => encodeURIComponent(segment).replace(/%20/g, "+"))
        .join("/");
}

/** An `s3:ObjectCreated:Put` event as S3 delivers it to Lambda. */
function s3Event(...objects: { key: string; size?: number; eTag?: string; bucket?: string }[]): S3Event {
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
                    size: o.size ?? 0,
                    eTag: o.eTag ?? "etag",
                    sequencer: `00${(i + 1).toString(16).toUpperCase()}`,
                },
            },
        })),
    };
}

class RecordingPublisher implements Publisher {
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

class RecordingLogger implements Logger {
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

/** Generated test images. */
interface Fixtures {
    jpeg: Buffer;
    png: Buffer;
    webp: Buffer;
    photo12mp: Buffer;
    rotated: Buffer;
    corrupt: Buffer;
    text: Buffer;
}

async function makeFixtures(): Promise<Fixtures> {
    const gradient = (width: number, height: number) =>
        sharp({
            create: {
                width: Math.ceil(width / 8),
                height: Math.ceil(height / 8),
                channels: 3,
                background: "#808080",
                noise: { type: "gaussian", mean: 128, sigma: 50 },
            },
        })
            .png()
            .toBuffer()
            .then((tile) => sharp(tile).resize(width, height, { kernel: "cubic" }));
    const jpeg = await (await gradient(1600, 1200)).jpeg({ quality: 85 }).toBuffer();
    const png = await sharp({
        create: { width: 500, height: 400, channels: 4, background: { r: 10, g: 120, b: 200, alpha: 0.5 } },
    })
        .png()
        .toBuffer();
    const webp = await (await gradient(900, 300)).webp({ quality: 80 }).toBuffer();
    // A 12-megapixel photo-like JPEG (camera size 4000x3000).
    const photo12mp = await (await gradient(4000, 3000)).jpeg({ quality: 90 }).toBuffer();
    // Stored 300x200 landscape with EXIF orientation 6 (rotate 90° clockwise): displayed 200x300 portrait.
    const rotated = await (await gradient(300, 200)).jpeg({ quality: 85 }).withMetadata({ orientation: 6 }).toBuffer();
    // A JPEG cut in the middle of its entropy-coded data, with garbage after it.
    const corrupt = Buffer.concat([jpeg.subarray(0, Math.floor(jpeg.length / 3)), Buffer.alloc(2048, 0x5a)]);
    const text = Buffer.from("this is a text file, not an image\n".repeat(20));
    return { jpeg, png, webp, photo12mp, rotated, corrupt, text };
}

describe("image resize handler", () => {
    describe("keys (pure)", () => {
        it("decodes S3 event keys: + is a space, %XX are UTF-8 bytes", () => {
            expect(decodeS3Key("uploads/my+photo%C3%A9.jpg")).to.equal("uploads/my photoé.jpg");
            expect(decodeS3Key("uploads/a%2Bb+%281%29.jpg")).to.equal("uploads/a+b (1).jpg");
            expect(decodeS3Key("uploads/%E5%86%99%E7%9C%9F.png")).to.equal("uploads/写真.png");
            expect(decodeS3Key("uploads/plain.jpg")).to.equal("uploads/plain.jpg");
        });

        it("derives the stem under the uploads prefix and the rendition key", () => {
            expect(stemOf("uploads/cat.jpg", "uploads/")).to.equal("cat");
            expect(stemOf("uploads/albums/2024/cat.final.JPG", "uploads/")).to.equal("albums/2024/cat.final");
            expect(stemOf("uploads/.hidden", "uploads/")).to.equal(".hidden");
            expect(stemOf("uploads/dir.v2/noext", "uploads/")).to.equal("dir.v2/noext");
            expect(stemOf("uploads/", "uploads/")).to.equal(undefined);
            expect(stemOf("uploads/folder/", "uploads/")).to.equal(undefined);
            expect(stemOf("renders/cat/large.webp", "uploads/")).to.equal(undefined);
            expect(renditionKey("renders/", "albums/cat", "thumbnail", "webp")).to.equal(
                "renders/albums/cat/thumbnail.webp",
            );
        });

        it("property: any key S3 encodes into an event decodes back to itself", () => {
            fc.assert(
                fc.property(fc.string({ unit: "grapheme", minLength: 1, maxLength: 40 }), (name) => {
                    const key = `uploads/${name}`;
                    expect(decodeS3Key(s3EventKey(key))).to.equal(key);
                }),
                { numRuns: 200 },
            );
        });
    });

    describe("configuration from the environment (pure)", () => {
        it("applies the defaults when only the topic is set", () => {
            expect(configFromEnv({ TOPIC_ARN })).to.deep.equal({
                rendersBucket: undefined,
                topicArn: TOPIC_ARN,
                uploadsPrefix: "uploads/",
                rendersPrefix: "renders/",
                renditions: [
                    { name: "thumbnail", width: 150 },
                    { name: "medium", width: 640 },
                    { name: "large", width: 1280 },
                ],
                formats: ["webp"],
                quality: 80,
                cacheControl: "public, max-age=86400",
                maxInputPixels: 100_000_000,
            });
        });

        it("names every bad variable in one error", () => {
            expect(() =>
                configFromEnv({
                    TOPIC_ARN: "topic",
                    UPLOADS_PREFIX: "uploads",
                    RENDERS_PREFIX: "uploads/renders/",
                    RENDITIONS: "thumbnail:0,medium",
                    OUTPUT_FORMATS: "webp,gif",
                    QUALITY: "high",
                    MAX_INPUT_PIXELS: "-1",
                    CACHE_CONTROL: "",
                    RENDERS_BUCKET: "Bad_Bucket",
                }),
            ).to.throw(
                [
                    "image-resizer: invalid configuration:",
                    '  - TOPIC_ARN="topic": expected an SNS topic ARN',
                    '  - UPLOADS_PREFIX="uploads": expected a key prefix ending in "/" such as "uploads/"',
                    '  - RENDERS_PREFIX="uploads/renders/": must not overlap UPLOADS_PREFIX (renditions would re-trigger)',
                    '  - RENDITIONS="thumbnail:0,medium": expected name:width pairs such as thumbnail:150,medium:640',
                    '  - OUTPUT_FORMATS="webp,gif": expected a comma-separated list of webp, jpeg, avif, png',
                    '  - QUALITY="high": expected an integer from 1 to 100',
                    '  - MAX_INPUT_PIXELS="-1": expected an integer from 1 to 1000000000',
                    '  - CACHE_CONTROL="": expected a non-empty ASCII Cache-Control header value',
                    '  - RENDERS_BUCKET="Bad_Bucket": expected an S3 bucket name',
                ].join("\n"),
            );
            expect(() => configFromEnv({ TOPIC_ARN, RENDERS_PREFIX: "uploads/renders/" })).to.throw(
                'RENDERS_PREFIX="uploads/renders/": must not overlap UPLOADS_PREFIX (renditions would re-trigger)',
            );
        });
    });

    describe("the Lambda entry point (src/index.ts)", () => {
        const entryPath = require.resolve("../lambda/image-resizer/src/index");
        type Entry = typeof import("../lambda/image-resizer/src/index");
        const load = (env: Record<string, string | undefined>): Entry => {
            const saved = { ...process.env };
            Object.assign(process.env, env);
            for (const [k, v] of Object.entries(env)) if (v === undefined) delete process.env[k];
            try {
                delete require.cache[entryPath];
                return require(entryPath) as Entry;
            } finally {
                for (const k of Object.keys(env)) {
                    if (saved[k] === undefined) delete process.env[k];
                    else process.env[k] = saved[k];
                }
            }
        };

        it("fails the cold start with the configuration problem when the environment is wrong", () => {
            expect(() => load({ TOPIC_ARN: undefined, QUALITY: "0" })).to.throw(
                'image-resizer: invalid configuration:\n  - TOPIC_ARN=null: expected an SNS topic ARN\n  - QUALITY="0": expected an integer from 1 to 100',
            );
        });

        it("exports the handler when configured", () => {
            expect(load({ TOPIC_ARN, AWS_REGION: "us-east-1" }).handler).to.be.a("function");
        });
    });

    describe("against a real S3 server (s3rver) on loopback", function () {
        this.timeout(60_000);
        let server: InstanceType<typeof S3RVER>;
        let dir: string;
        let s3: S3Client;
        let s3Endpoint: string;
        let images: Fixtures;
        const config: ResizerConfig = configFromEnv({ TOPIC_ARN });

        before(async () => {
            dir = fs.mkdtempSync(path.join(os.tmpdir(), "s3rver-images-"));
            server = new S3RVER({
                address: "127.0.0.1",
                port: 0,
                silent: true,
                directory: dir,
                configureBuckets: [{ name: BUCKET }, { name: RENDERS_BUCKET }],
            });
            const address = await server.run();
            s3Endpoint = `http://127.0.0.1:${address.port}`;
            s3 = new S3Client({
                region: "us-east-1",
                endpoint: s3Endpoint,
                forcePathStyle: true,
                credentials: CREDENTIALS,
            });
            images = await makeFixtures();
        });
        after(async () => {
            s3?.destroy();
            await server?.close();
            fs.rmSync(dir, { recursive: true, force: true });
        });

        async function upload(key: string, body: Buffer, bucket = BUCKET): Promise<{ key: string; size: number }> {
            await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
            return { key, size: body.length };
        }

        async function read(key: string, bucket = BUCKET) {
            const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
            const data = Buffer.from(await object.Body!.transformToByteArray());
            return { object, data, meta: await sharp(data).metadata() };
        }

        async function keysUnder(prefix: string, bucket = BUCKET): Promise<string[]> {
            const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
            return (listed.Contents ?? []).map((c) => c.Key!).sort();
        }

        function handlerWith(overrides: Partial<ResizerConfig> = {}) {
            const sns = new RecordingPublisher();
            const log = new RecordingLogger();
            const handler = createHandler({ s3, sns, log, config: { ...config, ...overrides } });
            return { handler, sns, log };
        }

        it("renders a JPEG into thumbnail, medium and large WebP with Content-Type and Cache-Control", async () => {
            const { handler } = handlerWith();
            const source = await upload("uploads/photo.jpg", images.jpeg);
            const result = await handler(s3Event(source));

            expect(await keysUnder("renders/photo/")).to.deep.equal([
                "renders/photo/large.webp",
                "renders/photo/medium.webp",
                "renders/photo/thumbnail.webp",
            ]);
            const expected = { thumbnail: [150, 113], medium: [640, 480], large: [1280, 960] } as const;
            for (const [size, [width, height]] of Object.entries(expected)) {
                const { object, meta } = await read(`renders/photo/${size}.webp`);
                expect(object.ContentType, size).to.equal("image/webp");
                expect(object.CacheControl, size).to.equal("public, max-age=86400");
                expect(meta.format, size).to.equal("webp");
                expect([meta.width, meta.height], size).to.deep.equal([width, height]);
            }
            expect(result.processed).to.have.length(1);
            expect(result.skipped).to.deep.equal([]);
        });

        it("publishes one SNS message per image with the bucket, source key and each rendition's key, size and bytes", async () => {
            const { handler, sns } = handlerWith();
            const source = await upload("uploads/photo.jpg", images.jpeg);
            await handler(s3Event({ ...source, eTag: "abc123" }));

            expect(sns.published).to.have.length(1);
            const published = sns.published[0];
            expect(published.TopicArn).to.equal(TOPIC_ARN);
            expect(published.Subject).to.equal("Image rendered");
            expect(published.MessageAttributes).to.deep.equal({
                type: { DataType: "String", StringValue: "image.rendered" },
            });
            const message = sns.messages()[0];
            const bytes = async (key: string) =>
                (await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }))).ContentLength;
            expect(message).to.deep.equal({
                type: "image.rendered",
                bucket: BUCKET,
                sourceKey: "uploads/photo.jpg",
                sourceETag: "abc123",
                sourceSize: images.jpeg.length,
                sequencer: "001",
                source: { format: "jpeg", width: 1600, height: 1200 },
                rendersBucket: BUCKET,
                renditions: [
                    {
                        size: "thumbnail",
                        key: "renders/photo/thumbnail.webp",
                        format: "webp",
                        contentType: "image/webp",
                        width: 150,
                        height: 113,
                        bytes: await bytes("renders/photo/thumbnail.webp"),
                    },
                    {
                        size: "medium",
                        key: "renders/photo/medium.webp",
                        format: "webp",
                        contentType: "image/webp",
                        width: 640,
                        height: 480,
                        bytes: await bytes("renders/photo/medium.webp"),
                    },
                    {
                        size: "large",
                        key: "renders/photo/large.webp",
                        format: "webp",
                        contentType: "image/webp",
                        width: 1280,
                        height: 960,
                        bytes: await bytes("renders/photo/large.webp"),
                    },
                ],
            });
            for (const r of message.renditions) expect(r.bytes).to.be.greaterThan(0);
        });

        it("never enlarges: a 500x400 PNG keeps its size for medium and large, and its transparency", async () => {
            const { handler, sns } = handlerWith();
            await handler(s3Event(await upload("uploads/logo.png", images.png)));
            const sizes = sns.messages()[0].renditions.map((r) => [r.size, r.width, r.height]);
            expect(sizes).to.deep.equal([
                ["thumbnail", 150, 120],
                ["medium", 500, 400],
                ["large", 500, 400],
            ]);
            const { meta } = await read("renders/logo/large.webp");
            expect([meta.width, meta.height, meta.hasAlpha]).to.deep.equal([500, 400, true]);
        });

        it("renders a WebP upload", async () => {
            const { handler, sns } = handlerWith();
            await handler(s3Event(await upload("uploads/banner.webp", images.webp)));
            expect(sns.messages()[0].source).to.deep.equal({ format: "webp", width: 900, height: 300 });
            expect(sns.messages()[0].renditions.map((r) => [r.width, r.height])).to.deep.equal([
                [150, 50],
                [640, 213],
                [900, 300],
            ]);
            expect((await read("renders/banner/medium.webp")).meta.width).to.equal(640);
        });

        it("renders a 12-megapixel camera JPEG (4000x3000)", async () => {
            const { handler, sns } = handlerWith();
            await handler(s3Event(await upload("uploads/camera/IMG_0001.JPG", images.photo12mp)));
            const message = sns.messages()[0];
            expect(message.source).to.deep.equal({ format: "jpeg", width: 4000, height: 3000 });
            expect(message.renditions.map((r) => [r.key, r.width, r.height])).to.deep.equal([
                ["renders/camera/IMG_0001/thumbnail.webp", 150, 113],
                ["renders/camera/IMG_0001/medium.webp", 640, 480],
                ["renders/camera/IMG_0001/large.webp", 1280, 960],
            ]);
            const large = await read("renders/camera/IMG_0001/large.webp");
            expect([large.meta.width, large.meta.height]).to.deep.equal([1280, 960]);
            expect(large.data.length).to.be.lessThan(images.photo12mp.length);
        });

        it("decodes URL-encoded keys (spaces, unicode, a literal +) before reading and writing", async () => {
            const { handler, sns } = handlerWith();
            await upload("uploads/my photoé.jpg", images.jpeg);
            await upload("uploads/a+b (1).jpg", images.jpeg);
            const event = s3Event({ key: "uploads/my photoé.jpg" }, { key: "uploads/a+b (1).jpg" });
            expect(event.Records[0].s3.object.key).to.equal("uploads/my+photo%C3%A9.jpg");
            expect(event.Records[1].s3.object.key).to.equal("uploads/a%2Bb+(1).jpg");

            await handler(event);
            expect(await keysUnder("renders/my photoé/")).to.deep.equal([
                "renders/my photoé/large.webp",
                "renders/my photoé/medium.webp",
                "renders/my photoé/thumbnail.webp",
            ]);
            expect(await keysUnder("renders/a+b (1)/")).to.have.length(3);
            expect(sns.messages().map((m) => m.sourceKey)).to.deep.equal([
                "uploads/my photoé.jpg",
                "uploads/a+b (1).jpg",
            ]);
            expect(sns.messages()[0].renditions[0].key).to.equal("renders/my photoé/thumbnail.webp");
        });

        it("writes renditions of a long non-ASCII key, whose URL-encoded source-key metadata S3 would refuse", async () => {
            // Real S3 refuses user metadata over 2 KB (MetadataTooLarge); s3rver does not, so this store adds the check.
            const strict: ObjectStore = {
                send: (async (command: unknown) => {
                    if (command instanceof PutObjectCommand) {
                        const bytes = Object.entries(command.input.Metadata ?? {}).reduce(
                            (n, [k, v]) => n + Buffer.byteLength(`x-amz-meta-${k}`) + Buffer.byteLength(v),
                            0,
                        );
                        if (bytes > USER_METADATA_LIMIT_BYTES) {
                            throw Object.assign(new Error("Your metadata headers exceed the maximum allowed size"), {
                                name: "MetadataTooLarge",
                            });
                        }
                    }
                    return s3.send(command as PutObjectCommand);
                }) as ObjectStore["send"],
            };
            const sns = new RecordingPublisher();
            const handler = createHandler({ s3: strict, sns, log: new RecordingLogger(), config });
            // 4 folders of 100 "é" (200 bytes each, under a file name's 255): an 817-byte key, 2.4 KB URL-encoded.
            const folder = "é".repeat(100);
            const longKey = `uploads/${[folder, folder, folder, folder].join("/")}/p.jpg`;
            expect(Buffer.byteLength(longKey)).to.be.within(800, 1024);
            expect(encodeURIComponent(longKey).length).to.be.greaterThan(USER_METADATA_LIMIT_BYTES);
            await upload(longKey, images.jpeg);
            await upload("uploads/short.jpg", images.jpeg);

            await handler(s3Event({ key: longKey }, { key: "uploads/short.jpg" }));
            const stem = longKey.slice("uploads/".length, -".jpg".length);
            expect(await keysUnder(`renders/${stem}/`)).to.have.length(3);
            expect(sns.messages().map((m) => m.sourceKey)).to.deep.equal([longKey, "uploads/short.jpg"]);
            const long = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: `renders/${stem}/large.webp` }));
            expect(long.Metadata ?? {}).not.to.have.property("source-key");
            const short = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: "renders/short/large.webp" }));
            expect(short.Metadata).to.deep.include({ "source-key": "uploads%2Fshort.jpg" });
            expect(sourceKeyMetadata("uploads/short.jpg")).to.deep.equal({ "source-key": "uploads%2Fshort.jpg" });
            expect(sourceKeyMetadata(longKey)).to.equal(undefined);
        });

        it("applies the EXIF orientation and strips metadata", async () => {
            const source = await sharp(images.rotated).metadata();
            expect([source.width, source.height, source.orientation]).to.deep.equal([300, 200, 6]);
            expect(source.exif).to.be.instanceOf(Buffer);

            const { handler, sns } = handlerWith();
            await handler(s3Event(await upload("uploads/portrait.jpg", images.rotated)));
            expect(sns.messages()[0].source).to.deep.equal({ format: "jpeg", width: 200, height: 300 });
            const { meta } = await read("renders/portrait/large.webp");
            expect([meta.width, meta.height]).to.deep.equal([200, 300]);
            expect(meta.orientation).to.equal(undefined);
            expect(meta.exif).to.equal(undefined);
            expect(meta.icc).to.equal(undefined);
            expect(meta.xmp).to.equal(undefined);
        });

        it("re-processing the same upload overwrites its renditions with identical objects", async () => {
            const { handler, sns } = handlerWith();
            const source = await upload("uploads/again.jpg", images.jpeg);
            await handler(s3Event(source));
            const first = await Promise.all(
                (await keysUnder("renders/again/")).map(async (k) => [k, (await read(k)).data] as const),
            );
            await handler(s3Event(source));
            const second = await Promise.all(
                (await keysUnder("renders/again/")).map(async (k) => [k, (await read(k)).data] as const),
            );
            expect(second.map(([k]) => k)).to.deep.equal(first.map(([k]) => k));
            expect(second).to.have.length(3);
            second.forEach(([, data], i) => expect(data.equals(first[i][1])).to.equal(true));
            expect(sns.messages()[1]).to.deep.equal(sns.messages()[0]);
        });

        for (const [what, file, key] of [
            ["a corrupt (truncated) JPEG", "corrupt", "uploads/broken.jpg"],
            ["a text file with an image suffix", "text", "uploads/notes.png"],
        ] as const) {
            it(`reports ${what}: logged with the key, thrown (for retries, then the DLQ), nothing written or published`, async () => {
                const { handler, sns, log } = handlerWith();
                const stem = key.slice("uploads/".length, key.lastIndexOf("."));
                await upload(key, images[file]);
                let thrown: Error | undefined;
                await handler(s3Event({ key })).catch((e: Error) => (thrown = e));

                expect(thrown?.name).to.equal("ImageBatchError");
                expect(thrown?.message).to.match(
                    new RegExp(
                        `^image-resizer: 1 of the event's images failed: s3://media/${key}: InvalidImageError: `,
                    ),
                );
                expect(log.errors()).to.have.length(1);
                expect(log.errors()[0].message).to.equal("image processing failed");
                expect(log.errors()[0].fields).to.include({ bucket: BUCKET, key });
                expect(String(log.errors()[0].fields.error)).to.match(/^InvalidImageError: /);
                expect(await keysUnder(`renders/${stem}/`)).to.deep.equal([]);
                expect(sns.published).to.have.length(0);
            });
        }

        it("in a batch, still renders the good images and then fails naming only the bad one", async () => {
            const { handler, sns, log } = handlerWith();
            const good = await upload("uploads/batch-good.jpg", images.jpeg);
            const bad = await upload("uploads/batch-bad.jpg", images.text);
            const error = await handler(s3Event(good, bad)).then(
                () => undefined,
                (e: Error) => e,
            );
            expect(error?.message).to.match(
                /^image-resizer: 1 of the event's images failed: s3:\/\/media\/uploads\/batch-bad\.jpg: /,
            );
            expect(sns.messages().map((m) => m.sourceKey)).to.deep.equal(["uploads/batch-good.jpg"]);
            expect(await keysUnder("renders/batch-good/")).to.have.length(3);
            expect(log.errors().map((e) => e.fields.key)).to.deep.equal(["uploads/batch-bad.jpg"]);
        });

        it("reports an upload that no longer exists", async () => {
            const { handler, log } = handlerWith();
            const error = await handler(s3Event({ key: "uploads/deleted-meanwhile.jpg" })).then(
                () => undefined,
                (e: Error) => e,
            );
            expect(error?.message).to.include("s3://media/uploads/deleted-meanwhile.jpg: NoSuchKey");
            expect(log.errors()[0].fields.key).to.equal("uploads/deleted-meanwhile.jpg");
        });

        it("ignores keys outside uploads/ (a rendition never re-triggers work)", async () => {
            const { handler, sns, log } = handlerWith();
            await upload("renders/photo-copy/large.webp", images.webp);
            const result: HandlerResult = await handler(s3Event({ key: "renders/photo-copy/large.webp" }));
            expect(result).to.deep.equal({ processed: [], skipped: ["renders/photo-copy/large.webp"] });
            expect(await keysUnder("renders/photo-copy/")).to.deep.equal(["renders/photo-copy/large.webp"]);
            expect(sns.published).to.have.length(0);
            expect(log.entries.map((e) => [e.level, e.message])).to.deep.equal([["warn", "skipped: not an upload"]]);
        });

        it("writes every configured format to a separate renders bucket", async () => {
            const { handler, sns } = handlerWith({
                rendersBucket: RENDERS_BUCKET,
                formats: ["webp", "jpeg"],
                quality: 60,
                cacheControl: "public, max-age=31536000, immutable",
            });
            await handler(s3Event(await upload("uploads/multi.png", images.png)));
            expect(await keysUnder("renders/multi/", RENDERS_BUCKET)).to.deep.equal([
                "renders/multi/large.jpg",
                "renders/multi/large.webp",
                "renders/multi/medium.jpg",
                "renders/multi/medium.webp",
                "renders/multi/thumbnail.jpg",
                "renders/multi/thumbnail.webp",
            ]);
            expect(await keysUnder("renders/multi/")).to.deep.equal([]);
            const jpg = await read("renders/multi/thumbnail.jpg", RENDERS_BUCKET);
            expect(jpg.object.ContentType).to.equal("image/jpeg");
            expect(jpg.object.CacheControl).to.equal("public, max-age=31536000, immutable");
            expect([jpg.meta.format, jpg.meta.width, jpg.meta.hasAlpha]).to.deep.equal(["jpeg", 150, false]);
            // Transparency is flattened onto white, not black.
            const { data } = await sharp(jpg.data).raw().toBuffer({ resolveWithObject: true });
            expect(data[0]).to.be.greaterThan(100);
            expect(sns.messages()[0].rendersBucket).to.equal(RENDERS_BUCKET);
            expect(sns.messages()[0].renditions).to.have.length(6);
        });

        it("encodes AVIF and PNG renditions when asked", async () => {
            const { handler, sns } = handlerWith({ formats: ["avif", "png"] });
            await handler(s3Event(await upload("uploads/formats.webp", images.webp)));
            expect(await keysUnder("renders/formats/")).to.deep.equal([
                "renders/formats/large.avif",
                "renders/formats/large.png",
                "renders/formats/medium.avif",
                "renders/formats/medium.png",
                "renders/formats/thumbnail.avif",
                "renders/formats/thumbnail.png",
            ]);
            const avif = await read("renders/formats/medium.avif");
            expect(avif.object.ContentType).to.equal("image/avif");
            expect([avif.meta.format, avif.meta.compression, avif.meta.width]).to.deep.equal(["heif", "av1", 640]);
            const png = await read("renders/formats/thumbnail.png");
            expect(png.object.ContentType).to.equal("image/png");
            expect([png.meta.format, png.meta.width, png.meta.height]).to.deep.equal(["png", 150, 50]);
            expect(sns.messages()[0].renditions.map((r) => r.contentType)).to.deep.equal([
                "image/avif",
                "image/png",
                "image/avif",
                "image/png",
                "image/avif",
                "image/png",
            ]);
        });

        it("refuses images above the pixel limit (decompression-bomb guard)", async () => {
            const { handler, log } = handlerWith({ maxInputPixels: 1_000_000 });
            await upload("uploads/too-big.jpg", images.jpeg);
            const error = await handler(s3Event({ key: "uploads/too-big.jpg" })).then(
                () => undefined,
                (e: Error) => e,
            );
            expect(error?.message).to.include(
                "InvalidImageError: image is 1600x1200 (1920000 pixels), above the limit of 1000000",
            );
            expect(log.errors()).to.have.length(1);
        });

        describe("the built bundle (index.js from esbuild, SDK clients inside) over HTTP", () => {
            let sns: http.Server;
            const requests: URLSearchParams[] = [];
            const saved: Record<string, string | undefined> = {};
            let handler: (event: S3Event) => Promise<HandlerResult>;

            before(async function () {
                this.timeout(60_000);
                const bundle = ensureHandlerBundle();
                sns = http.createServer((req, res) => {
                    let body = "";
                    req.on("data", (chunk) => (body += chunk));
                    req.on("end", () => {
                        requests.push(new URLSearchParams(body));
                        res.writeHead(200, { "content-type": "text/xml" });
                        res.end(
                            `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>m-${requests.length}</MessageId></PublishResult><ResponseMetadata><RequestId>r-${requests.length}</RequestId></ResponseMetadata></PublishResponse>`,
                        );
                    });
                });
                await new Promise<void>((resolve) => sns.listen(0, "127.0.0.1", resolve));
                const env: Record<string, string> = {
                    AWS_REGION: "us-east-1",
                    AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
                    AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
                    AWS_ENDPOINT_URL_S3: s3Endpoint,
                    AWS_ENDPOINT_URL_SNS: `http://127.0.0.1:${(sns.address() as AddressInfo).port}`,
                    TOPIC_ARN,
                    RENDERS_BUCKET: BUCKET,
                    RENDITIONS: "thumbnail:150,medium:640,large:1280",
                    OUTPUT_FORMATS: "webp",
                };
                for (const [k, v] of Object.entries(env)) {
                    saved[k] = process.env[k];
                    process.env[k] = v;
                }
                // On this x86_64 host the bundle's sharp JS finds the host's native addon in the
                // repository's node_modules (the bundle only holds the linux-arm64 one).
                const entry = path.join(bundle.dir, "index.js");
                delete require.cache[entry];
                handler = require(entry).handler;
            });
            after(async () => {
                for (const [k, v] of Object.entries(saved)) {
                    if (v === undefined) delete process.env[k];
                    else process.env[k] = v;
                }
                await new Promise((resolve) => sns?.close(resolve));
            });

            it("renders an upload and publishes through the SNS query API", async () => {
                await upload("uploads/bundled é.jpg", images.jpeg);
                const lines: string[] = [];
                const original = console.info;
                console.info = (line: string) => lines.push(line);
                let result: HandlerResult;
                try {
                    result = await handler(s3Event({ key: "uploads/bundled é.jpg" }));
                } finally {
                    console.info = original;
                }
                expect(lines.map((l) => JSON.parse(l))).to.deep.include.members([
                    { ...JSON.parse(lines[0]), level: "INFO", message: "image rendered", key: "uploads/bundled é.jpg" },
                ]);
                expect(result.processed).to.have.length(1);
                expect(await keysUnder("renders/bundled é/")).to.deep.equal([
                    "renders/bundled é/large.webp",
                    "renders/bundled é/medium.webp",
                    "renders/bundled é/thumbnail.webp",
                ]);
                expect(requests).to.have.length(1);
                expect(requests[0].get("Action")).to.equal("Publish");
                expect(requests[0].get("TopicArn")).to.equal(TOPIC_ARN);
                const message = JSON.parse(requests[0].get("Message")!);
                expect(message.sourceKey).to.equal("uploads/bundled é.jpg");
                expect(message.renditions.map((r: any) => [r.key, r.width])).to.deep.equal([
                    ["renders/bundled é/thumbnail.webp", 150],
                    ["renders/bundled é/medium.webp", 640],
                    ["renders/bundled é/large.webp", 1280],
                ]);
            });

            it("throws for a non-image, so Lambda retries and then uses the on-failure destination", async () => {
                await upload("uploads/bundled-bad.jpg", images.text);
                const errors: string[] = [];
                const original = console.error;
                console.error = (line: string) => errors.push(line);
                let thrown: Error | undefined;
                try {
                    await handler(s3Event({ key: "uploads/bundled-bad.jpg" }));
                } catch (e) {
                    thrown = e as Error;
                } finally {
                    console.error = original;
                }
                expect(thrown?.name).to.equal("ImageBatchError");
                expect(errors).to.have.length(1);
                expect(JSON.parse(errors[0])).to.include({
                    level: "ERROR",
                    message: "image processing failed",
                    bucket: BUCKET,
                    key: "uploads/bundled-bad.jpg",
                });
            });
        });
    });
});

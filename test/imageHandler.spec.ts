/**
 * The resize handler (lambda/image-resizer/src) against a real S3-compatible
 * server (s3rver) on 127.0.0.1 with a temporary directory, images generated
 * here with sharp, and recording SNS and SQS clients. The last block runs the
 * esbuild bundle itself, with real SDK clients talking HTTP to s3rver and to
 * loopback stand-ins for SNS's query API and SQS's JSON API. The attacks of
 * issue 16 have their own spec (imageHandler.attacks.spec.ts).
 */
import { HeadObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import type { S3Event } from "aws-lambda";
import { expect } from "chai";
import { createHash } from "crypto";
import fc from "fast-check";
import * as http from "http";
import type { AddressInfo } from "net";
import * as path from "path";
import sharp from "sharp";
import { ensureHandlerBundle } from "../components/imagePipeline/bundle";
import { configFromEnv, type ResizerConfig } from "../lambda/image-resizer/src/config";
import {
    createHandler,
    type HandlerResult,
    type ObjectStore,
    sourceKeyMetadata,
    USER_METADATA_LIMIT_BYTES,
} from "../lambda/image-resizer/src/handler";
import {
    decodeS3Key,
    manifestKey,
    relativeUploadPath,
    renditionFolder,
    renditionKey,
} from "../lambda/image-resizer/src/keys";
import {
    BUCKET,
    CREDENTIALS,
    DLQ_URL,
    type Fixtures,
    makeFixtures,
    RecordingLogger,
    RecordingPublisher,
    RecordingQueue,
    RENDERS_BUCKET,
    S3Server,
    s3Event,
    s3EventKey,
    TOPIC_ARN,
} from "./imageHandler.helpers";

describe("image resize handler", () => {
    describe("keys (pure)", () => {
        it("decodes S3 event keys: + is a space, %XX are UTF-8 bytes", () => {
            expect(decodeS3Key("uploads/my+photo%C3%A9.jpg")).to.equal("uploads/my photoé.jpg");
            expect(decodeS3Key("uploads/a%2Bb+%281%29.jpg")).to.equal("uploads/a+b (1).jpg");
            expect(decodeS3Key("uploads/%E5%86%99%E7%9C%9F.png")).to.equal("uploads/写真.png");
            expect(decodeS3Key("uploads/plain.jpg")).to.equal("uploads/plain.jpg");
        });

        it("keeps the source's full name (extension included) in the rendition folder", () => {
            expect(relativeUploadPath("uploads/cat.jpg", "uploads/")).to.equal("cat.jpg");
            expect(relativeUploadPath("uploads/albums/2024/cat.final.JPG", "uploads/")).to.equal(
                "albums/2024/cat.final.JPG",
            );
            expect(relativeUploadPath("uploads/", "uploads/")).to.equal(undefined);
            expect(relativeUploadPath("uploads/folder/", "uploads/")).to.equal(undefined);
            expect(relativeUploadPath("renders/cat.jpg/large.webp", "uploads/")).to.equal(undefined);
            const folder = renditionFolder("renders/", "albums/cat.JPG", "thumbnail.webp");
            expect(folder).to.equal("renders/albums/cat.JPG/");
            expect(renditionKey(folder, "thumbnail", "webp")).to.equal("renders/albums/cat.JPG/thumbnail.webp");
            expect(manifestKey(folder)).to.equal("renders/albums/cat.JPG/manifest.json");
        });

        it("shortens a folder whose keys would pass 1024 bytes, and the reserved .hashed path, to a SHA-256", () => {
            const long = `${"a".repeat(1000)}.jpg`;
            const sha = (s: string) => createHash("sha256").update(s).digest("hex");
            expect(renditionFolder("renders/", long, "thumbnail.webp")).to.equal(`renders/.hashed/${sha(long)}/`);
            // Exactly at the limit stays readable; one byte more is hashed.
            const fits = "b".repeat(1024 - "renders/".length - "/thumbnail.webp".length);
            expect(renditionFolder("renders/", fits, "thumbnail.webp")).to.equal(`renders/${fits}/`);
            expect(renditionFolder("renders/", `${fits}b`, "thumbnail.webp")).to.equal(
                `renders/.hashed/${sha(`${fits}b`)}/`,
            );
            // An upload cannot name its way into another's hashed folder.
            const forged = `.hashed/${sha(long)}`;
            expect(renditionFolder("renders/", forged, "thumbnail.webp")).to.equal(`renders/.hashed/${sha(forged)}/`);
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
                maxUploadBytes: 32 * 1024 * 1024,
                webpEffort: 2,
                deadLetterQueueUrl: undefined,
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
                    MAX_UPLOAD_BYTES: "0",
                    WEBP_EFFORT: "7",
                    DEAD_LETTER_QUEUE_URL: "images-dlq",
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
                    '  - MAX_UPLOAD_BYTES="0": expected an integer from 1 to 5368709120',
                    '  - WEBP_EFFORT="7": expected an integer from 0 to 6',
                    '  - CACHE_CONTROL="": expected a non-empty ASCII Cache-Control header value',
                    '  - RENDERS_BUCKET="Bad_Bucket": expected an S3 bucket name',
                    '  - DEAD_LETTER_QUEUE_URL="images-dlq": expected an SQS queue URL (https://sqs.<region>.amazonaws.com/<account>/<name>)',
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
        const server = new S3Server();
        let images: Fixtures;
        const config: ResizerConfig = { ...configFromEnv({ TOPIC_ARN }), deadLetterQueueUrl: DLQ_URL };
        const upload = (key: string, body: Buffer, bucket = BUCKET) => server.upload(key, body, bucket);
        const read = (key: string, bucket = BUCKET) => server.read(key, bucket);
        const keysUnder = (prefix: string, bucket = BUCKET) => server.keysUnder(prefix, bucket);

        before(async () => {
            await server.start();
            images = await makeFixtures();
        });
        after(() => server.stop());

        function handlerWith(overrides: Partial<ResizerConfig> = {}) {
            const sns = new RecordingPublisher();
            const sqs = new RecordingQueue();
            const log = new RecordingLogger();
            const handler = createHandler({ s3: server.s3, sns, sqs, log, config: { ...config, ...overrides } });
            return { handler, sns, sqs, log };
        }

        it("renders a JPEG into thumbnail, medium and large WebP with Content-Type and Cache-Control, then its manifest", async () => {
            const { handler } = handlerWith();
            const source = await upload("uploads/photo.jpg", images.jpeg);
            const result = await handler(s3Event(source));

            expect(await keysUnder("renders/photo.jpg/")).to.deep.equal([
                "renders/photo.jpg/large.webp",
                "renders/photo.jpg/manifest.json",
                "renders/photo.jpg/medium.webp",
                "renders/photo.jpg/thumbnail.webp",
            ]);
            const expected = { thumbnail: [150, 113], medium: [640, 480], large: [1280, 960] } as const;
            for (const [size, [width, height]] of Object.entries(expected)) {
                const { object, meta } = await read(`renders/photo.jpg/${size}.webp`);
                expect(object.ContentType, size).to.equal("image/webp");
                expect(object.CacheControl, size).to.equal("public, max-age=86400");
                expect(object.Metadata, size).to.deep.include({ "source-etag": source.eTag });
                expect(meta.format, size).to.equal("webp");
                expect([meta.width, meta.height], size).to.deep.equal([width, height]);
            }
            expect(result).to.deep.include({ skipped: [], refused: [] });
            expect(result.processed).to.have.length(1);
        });

        it("writes a manifest listing each rendition's name, key, size and the source ETag", async () => {
            const { handler } = handlerWith();
            const source = await upload("uploads/listed.jpg", images.jpeg);
            await handler(s3Event(source));
            const manifest = await server.readJson("renders/listed.jpg/manifest.json");
            const head = await server.s3.send(
                new HeadObjectCommand({ Bucket: BUCKET, Key: "renders/listed.jpg/manifest.json" }),
            );
            expect([head.ContentType, head.CacheControl]).to.deep.equal(["application/json", "no-cache"]);
            expect(manifest).to.deep.include({
                version: 1,
                status: "ready",
                sourceKey: "uploads/listed.jpg",
                sourceETag: source.eTag,
                source: { format: "jpeg", width: 1600, height: 1200 },
                rendersBucket: BUCKET,
                settings: "thumbnail:150,medium:640,large:1280;webp;q80;webp-effort2",
            });
            expect(Date.parse(manifest.writtenAt)).to.be.closeTo(Date.now(), 60_000);
            const bytes = async (key: string) =>
                (await server.s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }))).ContentLength;
            expect(manifest.renditions).to.deep.equal([
                ...(await Promise.all(
                    (
                        [
                            ["thumbnail", 150, 113],
                            ["medium", 640, 480],
                            ["large", 1280, 960],
                        ] as const
                    ).map(async ([name, width, height]) => ({
                        name,
                        format: "webp",
                        key: `renders/listed.jpg/${name}.webp`,
                        contentType: "image/webp",
                        width,
                        height,
                        bytes: await bytes(`renders/listed.jpg/${name}.webp`),
                    })),
                )),
            ]);
        });

        it("publishes one SNS message per image with the bucket, source key, manifest and each rendition", async () => {
            const { handler, sns } = handlerWith();
            const source = await upload("uploads/announced.jpg", images.jpeg);
            await handler(s3Event(source));

            expect(sns.published).to.have.length(1);
            const published = sns.published[0];
            expect(published.TopicArn).to.equal(TOPIC_ARN);
            expect(published.Subject).to.equal("Image rendered");
            expect(published.MessageAttributes).to.deep.equal({
                type: { DataType: "String", StringValue: "image.rendered" },
            });
            const message = sns.messages()[0];
            const manifest = await server.readJson("renders/announced.jpg/manifest.json");
            expect(message).to.deep.equal({
                type: "image.rendered",
                bucket: BUCKET,
                sourceKey: "uploads/announced.jpg",
                sourceETag: source.eTag,
                sourceSize: images.jpeg.length,
                sequencer: "001",
                source: { format: "jpeg", width: 1600, height: 1200 },
                rendersBucket: BUCKET,
                manifestKey: "renders/announced.jpg/manifest.json",
                renditions: manifest.renditions.map(({ name, ...r }: { name: string }) => ({ size: name, ...r })),
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
            const { meta } = await read("renders/logo.png/large.webp");
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
            expect((await read("renders/banner.webp/medium.webp")).meta.width).to.equal(640);
        });

        it("renders a 12-megapixel camera JPEG (4000x3000)", async () => {
            const { handler, sns } = handlerWith();
            await handler(s3Event(await upload("uploads/camera/IMG_0001.JPG", images.photo12mp)));
            const message = sns.messages()[0];
            expect(message.source).to.deep.equal({ format: "jpeg", width: 4000, height: 3000 });
            expect(message.renditions.map((r) => [r.key, r.width, r.height])).to.deep.equal([
                ["renders/camera/IMG_0001.JPG/thumbnail.webp", 150, 113],
                ["renders/camera/IMG_0001.JPG/medium.webp", 640, 480],
                ["renders/camera/IMG_0001.JPG/large.webp", 1280, 960],
            ]);
            const large = await read("renders/camera/IMG_0001.JPG/large.webp");
            expect([large.meta.width, large.meta.height]).to.deep.equal([1280, 960]);
            expect(large.data.length).to.be.lessThan(images.photo12mp.length);
        });

        it("decodes URL-encoded keys (spaces, unicode, a literal +) before reading and writing", async () => {
            const { handler, sns } = handlerWith();
            const first = await upload("uploads/my photoé.jpg", images.jpeg);
            const second = await upload("uploads/a+b (1).jpg", images.jpeg);
            const event = s3Event(first, second);
            expect(event.Records[0].s3.object.key).to.equal("uploads/my+photo%C3%A9.jpg");
            expect(event.Records[1].s3.object.key).to.equal("uploads/a%2Bb+(1).jpg");

            await handler(event);
            expect(await keysUnder("renders/my photoé.jpg/")).to.deep.equal([
                "renders/my photoé.jpg/large.webp",
                "renders/my photoé.jpg/manifest.json",
                "renders/my photoé.jpg/medium.webp",
                "renders/my photoé.jpg/thumbnail.webp",
            ]);
            expect(await keysUnder("renders/a+b (1).jpg/")).to.have.length(4);
            expect(sns.messages().map((m) => m.sourceKey)).to.deep.equal([
                "uploads/my photoé.jpg",
                "uploads/a+b (1).jpg",
            ]);
            expect(sns.messages()[0].renditions[0].key).to.equal("renders/my photoé.jpg/thumbnail.webp");
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
                    return server.s3.send(command as PutObjectCommand);
                }) as ObjectStore["send"],
            };
            const sns = new RecordingPublisher();
            const handler = createHandler({ s3: strict, sns, log: new RecordingLogger(), config });
            // 4 folders of 100 "é" (200 bytes each, under a file name's 255): an 817-byte key, 2.4 KB URL-encoded.
            const folder = "é".repeat(100);
            const longKey = `uploads/${[folder, folder, folder, folder].join("/")}/p.jpg`;
            expect(Buffer.byteLength(longKey)).to.be.within(800, 1024);
            expect(encodeURIComponent(longKey).length).to.be.greaterThan(USER_METADATA_LIMIT_BYTES);
            const long = await upload(longKey, images.jpeg);
            const short = await upload("uploads/short.jpg", images.jpeg);

            await handler(s3Event(long, short));
            const relative = longKey.slice("uploads/".length);
            expect(await keysUnder(`renders/${relative}/`)).to.have.length(4);
            expect(sns.messages().map((m) => m.sourceKey)).to.deep.equal([longKey, "uploads/short.jpg"]);
            const longHead = await server.s3.send(
                new HeadObjectCommand({ Bucket: BUCKET, Key: `renders/${relative}/large.webp` }),
            );
            expect(longHead.Metadata ?? {}).not.to.have.property("source-key");
            const shortHead = await server.s3.send(
                new HeadObjectCommand({ Bucket: BUCKET, Key: "renders/short.jpg/large.webp" }),
            );
            expect(shortHead.Metadata).to.deep.include({ "source-key": "uploads%2Fshort.jpg" });
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
            const { meta } = await read("renders/portrait.jpg/large.webp");
            expect([meta.width, meta.height]).to.deep.equal([200, 300]);
            expect(meta.orientation).to.equal(undefined);
            expect(meta.exif).to.equal(undefined);
            expect(meta.icc).to.equal(undefined);
            expect(meta.xmp).to.equal(undefined);
        });

        it("ignores keys outside uploads/ (a rendition never re-triggers work)", async () => {
            const { handler, sns, log } = handlerWith();
            const copy = await upload("renders/photo-copy.jpg/large.webp", images.webp);
            const result: HandlerResult = await handler(s3Event(copy));
            expect(result).to.deep.equal({
                processed: [],
                skipped: [{ key: "renders/photo-copy.jpg/large.webp", why: "not-an-upload" }],
                refused: [],
            });
            expect(await keysUnder("renders/photo-copy.jpg/")).to.deep.equal(["renders/photo-copy.jpg/large.webp"]);
            expect(sns.published).to.have.length(0);
            expect(log.entries.map((e) => [e.level, e.message])).to.deep.equal([["warn", "skipped: not an upload"]]);
        });

        it("writes every configured format to a separate renders bucket, manifest included", async () => {
            const { handler, sns } = handlerWith({
                rendersBucket: RENDERS_BUCKET,
                formats: ["webp", "jpeg"],
                quality: 60,
                cacheControl: "public, max-age=31536000, immutable",
            });
            await handler(s3Event(await upload("uploads/multi.png", images.png)));
            expect(await keysUnder("renders/multi.png/", RENDERS_BUCKET)).to.deep.equal([
                "renders/multi.png/large.jpg",
                "renders/multi.png/large.webp",
                "renders/multi.png/manifest.json",
                "renders/multi.png/medium.jpg",
                "renders/multi.png/medium.webp",
                "renders/multi.png/thumbnail.jpg",
                "renders/multi.png/thumbnail.webp",
            ]);
            expect(await keysUnder("renders/multi.png/")).to.deep.equal([]);
            const jpg = await read("renders/multi.png/thumbnail.jpg", RENDERS_BUCKET);
            expect(jpg.object.ContentType).to.equal("image/jpeg");
            expect(jpg.object.CacheControl).to.equal("public, max-age=31536000, immutable");
            expect([jpg.meta.format, jpg.meta.width, jpg.meta.hasAlpha]).to.deep.equal(["jpeg", 150, false]);
            // Transparency is flattened onto white, not black.
            const { data } = await sharp(jpg.data).raw().toBuffer({ resolveWithObject: true });
            expect(data[0]).to.be.greaterThan(100);
            expect(sns.messages()[0].rendersBucket).to.equal(RENDERS_BUCKET);
            expect(sns.messages()[0].renditions).to.have.length(6);
            const manifest = await server.readJson("renders/multi.png/manifest.json", RENDERS_BUCKET);
            expect(manifest.renditions.map((r: { key: string }) => r.key)).to.deep.equal(
                sns.messages()[0].renditions.map((r) => r.key),
            );
        });

        it("encodes AVIF and PNG renditions when asked", async () => {
            const { handler, sns } = handlerWith({ formats: ["avif", "png"] });
            await handler(s3Event(await upload("uploads/formats.webp", images.webp)));
            expect(await keysUnder("renders/formats.webp/")).to.deep.equal([
                "renders/formats.webp/large.avif",
                "renders/formats.webp/large.png",
                "renders/formats.webp/manifest.json",
                "renders/formats.webp/medium.avif",
                "renders/formats.webp/medium.png",
                "renders/formats.webp/thumbnail.avif",
                "renders/formats.webp/thumbnail.png",
            ]);
            const avif = await read("renders/formats.webp/medium.avif");
            expect(avif.object.ContentType).to.equal("image/avif");
            expect([avif.meta.format, avif.meta.compression, avif.meta.width]).to.deep.equal(["heif", "av1", 640]);
            const png = await read("renders/formats.webp/thumbnail.png");
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

        describe("the built bundle (index.js from esbuild, SDK clients inside) over HTTP", () => {
            let stubs: http.Server;
            const requests: { path: string; target?: string; body: string }[] = [];
            const saved: Record<string, string | undefined> = {};
            let handler: (event: S3Event) => Promise<HandlerResult>;

            before(async function () {
                this.timeout(60_000);
                const bundle = ensureHandlerBundle();
                // One loopback server answers SNS's query API (form body) and SQS's JSON API (X-Amz-Target).
                stubs = http.createServer((req, res) => {
                    let body = "";
                    req.on("data", (chunk) => (body += chunk));
                    req.on("end", () => {
                        const target = req.headers["x-amz-target"] as string | undefined;
                        requests.push({ path: req.url ?? "", target, body });
                        const n = requests.length;
                        if (target === "AmazonSQS.SendMessage") {
                            const md5 = createHash("md5").update(JSON.parse(body).MessageBody).digest("hex");
                            res.writeHead(200, { "content-type": "application/x-amz-json-1.0" });
                            res.end(JSON.stringify({ MessageId: `q-${n}`, MD5OfMessageBody: md5 }));
                            return;
                        }
                        res.writeHead(200, { "content-type": "text/xml" });
                        res.end(
                            `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>m-${n}</MessageId></PublishResult><ResponseMetadata><RequestId>r-${n}</RequestId></ResponseMetadata></PublishResponse>`,
                        );
                    });
                });
                await new Promise<void>((resolve) => stubs.listen(0, "127.0.0.1", resolve));
                const stubUrl = `http://127.0.0.1:${(stubs.address() as AddressInfo).port}`;
                const env: Record<string, string> = {
                    AWS_REGION: "us-east-1",
                    AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
                    AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
                    AWS_ENDPOINT_URL_S3: server.endpoint,
                    AWS_ENDPOINT_URL_SNS: stubUrl,
                    AWS_ENDPOINT_URL_SQS: stubUrl,
                    TOPIC_ARN,
                    DEAD_LETTER_QUEUE_URL: `${stubUrl}/123456789012/images-dlq`,
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
                await new Promise((resolve) => stubs?.close(resolve));
            });

            /** Runs the handler with console output captured (the bundle logs JSON lines). */
            async function run(event: S3Event) {
                const lines: { level: string; message: string; [k: string]: unknown }[] = [];
                const original = { info: console.info, warn: console.warn, error: console.error };
                console.info = console.warn = console.error = (line: string) => lines.push(JSON.parse(line));
                try {
                    return { result: await handler(event), lines };
                } finally {
                    Object.assign(console, original);
                }
            }

            it("renders an upload and publishes through the SNS query API", async () => {
                requests.length = 0;
                const { result, lines } = await run(s3Event(await upload("uploads/bundled é.jpg", images.jpeg)));
                expect(lines.map((l) => [l.level, l.message, l.key])).to.deep.equal([
                    ["INFO", "image rendered", "uploads/bundled é.jpg"],
                ]);
                expect(result.processed).to.have.length(1);
                expect(await keysUnder("renders/bundled é.jpg/")).to.deep.equal([
                    "renders/bundled é.jpg/large.webp",
                    "renders/bundled é.jpg/manifest.json",
                    "renders/bundled é.jpg/medium.webp",
                    "renders/bundled é.jpg/thumbnail.webp",
                ]);
                expect(requests).to.have.length(1);
                const form = new URLSearchParams(requests[0].body);
                expect(form.get("Action")).to.equal("Publish");
                expect(form.get("TopicArn")).to.equal(TOPIC_ARN);
                const message = JSON.parse(form.get("Message")!);
                expect(message.sourceKey).to.equal("uploads/bundled é.jpg");
                expect(message.renditions.map((r: any) => [r.key, r.width])).to.deep.equal([
                    ["renders/bundled é.jpg/thumbnail.webp", 150],
                    ["renders/bundled é.jpg/medium.webp", 640],
                    ["renders/bundled é.jpg/large.webp", 1280],
                ]);
            });

            it("sends a non-image straight to the dead-letter queue through the SQS API and succeeds", async () => {
                requests.length = 0;
                const bad = await upload("uploads/bundled-bad.jpg", images.text);
                const { result, lines } = await run(s3Event(bad));
                expect(result.refused).to.deep.equal([
                    {
                        key: "uploads/bundled-bad.jpg",
                        reason: "not-an-image",
                        error: result.refused[0].error,
                    },
                ]);
                expect(result.refused[0].error).to.match(/^InvalidImageError: not a readable image: /);
                expect(lines.map((l) => [l.level, l.message])).to.deep.equal([
                    ["ERROR", "image refused"],
                    ["INFO", "sent to the dead-letter queue"],
                ]);
                expect(requests.map((r) => [r.path, r.target])).to.deep.equal([["/", "AmazonSQS.SendMessage"]]);
                const sent = JSON.parse(requests[0].body);
                expect(sent.QueueUrl).to.match(/\/123456789012\/images-dlq$/);
                expect(JSON.parse(sent.MessageBody)).to.deep.include({
                    type: "image.failed",
                    reason: "not-an-image",
                    bucket: BUCKET,
                    key: "uploads/bundled-bad.jpg",
                    sourceETag: bad.eTag,
                });
                expect(sent.MessageAttributes.reason).to.deep.equal({
                    DataType: "String",
                    StringValue: "not-an-image",
                });
                expect((await server.readJson("renders/bundled-bad.jpg/manifest.json")).status).to.equal("failed");
            });
        });
    });
});

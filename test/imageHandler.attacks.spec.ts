/**
 * Regression tests for the attacks of issue 16 (items 4 to 9) on the resize
 * handler, each reproduced against a real S3-compatible server (s3rver) on
 * 127.0.0.1. Where real S3 enforces a limit s3rver does not (the 1024-byte
 * key), a thin wrapper around the real client adds S3's check.
 */
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from "@aws-sdk/client-s3";
import { expect } from "chai";
import sharp from "sharp";
import { configFromEnv, type ResizerConfig } from "../lambda/image-resizer/src/config";
import { createHandler, type HandlerResult, type ObjectStore } from "../lambda/image-resizer/src/handler";
import { MAX_KEY_BYTES } from "../lambda/image-resizer/src/keys";
import {
    BUCKET,
    DLQ_URL,
    type Fixtures,
    makeFixtures,
    RecordingLogger,
    RecordingPublisher,
    RecordingQueue,
    S3Server,
    s3Event,
    TOPIC_ARN,
} from "./imageHandler.helpers";

type Send = ObjectStore["send"];

describe("image resize handler under attack (issue 16)", function () {
    this.timeout(60_000);
    const server = new S3Server();
    let images: Fixtures;
    const config: ResizerConfig = { ...configFromEnv({ TOPIC_ARN }), deadLetterQueueUrl: DLQ_URL };

    before(async () => {
        await server.start();
        images = await makeFixtures();
    });
    after(() => server.stop());

    /** The real s3rver client, recording every command, with S3's 1024-byte key limit and optional injected faults. */
    function store(fault?: (command: { input: { Key?: string } }) => Error | undefined) {
        const commands: { name: string; key?: string }[] = [];
        const s3: ObjectStore = {
            send: (async (command: { constructor: { name: string }; input: { Key?: string } }) => {
                const key = command.input.Key;
                commands.push({ name: command.constructor.name, key });
                if (key !== undefined && Buffer.byteLength(key) > MAX_KEY_BYTES) {
                    throw Object.assign(new Error("Your key is too long"), { name: "KeyTooLongError" });
                }
                const error = fault?.(command);
                if (error) throw error;
                return server.s3.send(command as PutObjectCommand);
            }) as unknown as Send,
        };
        return { s3, commands };
    }

    function handlerWith(overrides: Partial<ResizerConfig> = {}, s3: ObjectStore = store().s3) {
        const sns = new RecordingPublisher();
        const sqs = new RecordingQueue();
        const log = new RecordingLogger();
        const handler = createHandler({ s3, sns, sqs, log, config: { ...config, ...overrides } });
        return { handler, sns, sqs, log };
    }

    describe("4. oversized uploads", () => {
        it("refuses an upload above maxUploadBytes from the event's size, without downloading it, straight to the DLQ", async () => {
            // A valid JPEG padded far beyond its image data (JPEG decoders ignore trailing bytes).
            const padded = Buffer.concat([images.jpeg, Buffer.alloc(3 * 1024 * 1024, 0)]);
            const source = await server.upload("uploads/padded.jpg", padded);
            const recorded = store();
            const { handler, sns, sqs } = handlerWith({ maxUploadBytes: 1024 * 1024 }, recorded.s3);

            const result = await handler(s3Event(source));
            const error = `PermanentError: object is ${padded.length} bytes, above maxUploadBytes (1048576): not downloaded`;
            expect(result.refused).to.deep.equal([{ key: "uploads/padded.jpg", reason: "too-large", error }]);
            expect(recorded.commands.filter((c) => c.key === "uploads/padded.jpg")).to.deep.equal([]);
            expect(sqs.messages()).to.have.length(1);
            expect(sqs.messages()[0]).to.deep.include({
                type: "image.failed",
                reason: "too-large",
                error,
                bucket: BUCKET,
                key: "uploads/padded.jpg",
                sourceETag: source.eTag,
            });
            expect(sqs.sent[0].QueueUrl).to.equal(DLQ_URL);
            expect(sns.published).to.have.length(0);
            expect(await server.keysUnder("renders/padded.jpg/")).to.deep.equal(["renders/padded.jpg/manifest.json"]);
            expect(await server.readJson("renders/padded.jpg/manifest.json")).to.deep.include({
                status: "failed",
                reason: "too-large",
                error,
                renditions: [],
            });
        });

        it("stops a download whose bytes pass the limit although the event (and Content-Length) said less", async () => {
            const padded = Buffer.concat([images.jpeg, Buffer.alloc(2 * 1024 * 1024, 0)]);
            const source = await server.upload("uploads/liar.jpg", padded);
            // The response loses its Content-Length (as through a proxy): only the streamed byte count can tell.
            const s3: ObjectStore = {
                send: (async (command: GetObjectCommand) => {
                    const response = await server.s3.send(command);
                    if (command instanceof GetObjectCommand) return { ...response, ContentLength: undefined };
                    return response;
                }) as unknown as Send,
            };
            const { handler, sqs } = handlerWith({ maxUploadBytes: 1024 * 1024 }, s3);
            const result = await handler(s3Event({ ...source, size: 1000 }));
            expect(result.refused.map((r) => r.reason)).to.deep.equal(["too-large"]);
            expect(result.refused[0].error).to.match(
                /^PermanentError: object is \d+ bytes, above maxUploadBytes \(1048576\)$/,
            );
            expect(Number(/is (\d+) bytes/.exec(result.refused[0].error)![1])).to.be.within(
                1024 * 1024,
                1024 * 1024 + 65536 * 2,
            );
            expect(sqs.messages()[0].reason).to.equal("too-large");
        });
    });

    describe("5. rendition paths keep the source's full name", () => {
        it("dup.jpg, dup.png and dup.JPG get three folders and never overwrite each other", async () => {
            const red = await sharp({ create: { width: 300, height: 200, channels: 3, background: "#ff0000" } })
                .png()
                .toBuffer();
            const blue = await sharp({ create: { width: 300, height: 200, channels: 3, background: "#0000ff" } })
                .jpeg()
                .toBuffer();
            const green = await sharp({ create: { width: 240, height: 200, channels: 3, background: "#00ff00" } })
                .jpeg()
                .toBuffer();
            const { handler, sns } = handlerWith();
            await handler(
                s3Event(
                    await server.upload("uploads/dup.jpg", blue),
                    await server.upload("uploads/dup.png", red),
                    await server.upload("uploads/dup.JPG", green),
                ),
            );
            expect(sns.messages().map((m) => m.renditions[0].key)).to.deep.equal([
                "renders/dup.jpg/thumbnail.webp",
                "renders/dup.png/thumbnail.webp",
                "renders/dup.JPG/thumbnail.webp",
            ]);
            const pixel = async (key: string) => {
                const { data } = await sharp((await server.read(key)).data)
                    .raw()
                    .toBuffer({ resolveWithObject: true });
                return [...data.subarray(0, 3)].map((v) => Math.round(v / 64));
            };
            expect(await pixel("renders/dup.jpg/large.webp")).to.deep.equal([0, 0, 4]);
            expect(await pixel("renders/dup.png/large.webp")).to.deep.equal([4, 0, 0]);
            expect(await pixel("renders/dup.JPG/large.webp")).to.deep.equal([0, 4, 0]);
            for (const name of ["dup.jpg", "dup.png", "dup.JPG"]) {
                expect((await server.readJson(`renders/${name}/manifest.json`)).sourceKey).to.equal(`uploads/${name}`);
            }
        });
    });

    describe("6. keys with dot segments, and keys too long for a rendition path", () => {
        for (const key of ["uploads/../uploads/dd.jpg", "uploads/./dd.jpg", "uploads/a/../../renders/x.jpg"]) {
            it(`refuses ${JSON.stringify(key)}: nothing written, straight to the DLQ`, async () => {
                const before = await server.keysUnder("");
                const { handler, sns, sqs } = handlerWith();
                const result: HandlerResult = await handler(s3Event({ key, size: images.jpeg.length, eTag: "e1" }));
                const segment = key.includes("/./") ? "." : "..";
                const error = `PermanentError: key has a "${segment}" segment, which URLs resolve away`;
                expect(result).to.deep.equal({
                    processed: [],
                    skipped: [],
                    refused: [{ key, reason: "bad-key", error }],
                });
                expect(await server.keysUnder("")).to.deep.equal(before);
                expect(sns.published).to.have.length(0);
                expect(sqs.messages().map((m) => [m.reason, m.key, m.error])).to.deep.equal([["bad-key", key, error]]);
            });
        }

        it("writes the renditions of a key near 1024 bytes under a hashed folder that S3 accepts", async () => {
            const segment = "x".repeat(250);
            const key = `uploads/${[segment, segment, segment, segment].join("/")}/p.jpg`;
            expect(Buffer.byteLength(key)).to.be.within(1000, MAX_KEY_BYTES);
            const recorded = store();
            const { handler, sns } = handlerWith({}, recorded.s3);
            const result = await handler(s3Event(await server.upload(key, images.jpeg)));
            expect(result.processed).to.have.length(1);
            const keys = sns.messages()[0].renditions.map((r) => r.key);
            for (const k of [...keys, sns.messages()[0].manifestKey]) {
                expect(k).to.match(/^renders\/\.hashed\/[0-9a-f]{64}\/(thumbnail|medium|large)\.webp$|manifest\.json$/);
                expect(Buffer.byteLength(k)).to.be.at.most(MAX_KEY_BYTES);
            }
            const folder = keys[0].slice(0, keys[0].lastIndexOf("/") + 1);
            expect(await server.keysUnder(folder)).to.have.length(4);
            expect((await server.readJson(`${folder}manifest.json`)).sourceKey).to.equal(key);
            // Deterministic: the same key always lands in the same folder (a retry finds its manifest).
            const again = await handler(s3Event(await server.upload(key, images.jpeg)));
            expect(again.skipped).to.deep.equal([{ key, why: "already-done" }]);
        });
    });

    describe("7. pixel limit", () => {
        it("refuses a 16-bit interlaced PNG above maxInputPixels from its header, straight to the DLQ", async () => {
            const png = await sharp({ create: { width: 2400, height: 2000, channels: 3, background: "#336699" } })
                .toColourspace("rgb16")
                .png({ progressive: true })
                .toBuffer();
            const meta = await sharp(png).metadata();
            expect([meta.depth, meta.isProgressive]).to.deep.equal(["ushort", true]);
            const { handler, sqs } = handlerWith({ maxInputPixels: 4_000_000 });
            const result = await handler(s3Event(await server.upload("uploads/deep.png", png)));
            expect(result.refused).to.deep.equal([
                {
                    key: "uploads/deep.png",
                    reason: "too-many-pixels",
                    error: "InvalidImageError: image is 2400x2000 (4800000 pixels), above the limit of 4000000",
                },
            ]);
            expect(sqs.messages()[0].reason).to.equal("too-many-pixels");
        });
    });

    describe("8. per-record idempotency, permanent failures to the DLQ, only transient ones retried", () => {
        it("a permanent failure in a batch goes to the DLQ; the invocation succeeds; the good image is announced once", async () => {
            const { handler, sns, sqs } = handlerWith();
            const good = await server.upload("uploads/batch-good.jpg", images.jpeg);
            const bad = await server.upload("uploads/batch-bad.jpg", images.text);
            const result = await handler(s3Event(good, bad));
            expect(result.processed.map((m) => m.sourceKey)).to.deep.equal(["uploads/batch-good.jpg"]);
            expect(result.refused.map((r) => [r.key, r.reason])).to.deep.equal([
                ["uploads/batch-bad.jpg", "not-an-image"],
            ]);
            expect(sns.messages().map((m) => m.sourceKey)).to.deep.equal(["uploads/batch-good.jpg"]);
            expect(sqs.messages().map((m) => m.key)).to.deep.equal(["uploads/batch-bad.jpg"]);
            // The message carries the record as received, for inspection or a replay.
            expect((sqs.messages()[0].record as { s3: { object: { key: string } } }).s3.object.key).to.equal(
                "uploads/batch-bad.jpg",
            );
        });

        it("a transient failure fails the invocation; the retry skips what succeeded and announces nothing twice", async () => {
            let slowDowns = 1;
            const flaky = store((command) =>
                command instanceof GetObjectCommand && command.input.Key === "uploads/flaky.jpg" && slowDowns-- > 0
                    ? Object.assign(new Error("Please reduce your request rate."), {
                          name: "SlowDown",
                          $metadata: { httpStatusCode: 503 },
                      })
                    : undefined,
            );
            const { handler, sns, sqs } = handlerWith({}, flaky.s3);
            const event = s3Event(
                await server.upload("uploads/steady.jpg", images.jpeg),
                await server.upload("uploads/flaky.jpg", images.webp),
            );
            const first = await handler(event).then(
                () => undefined,
                (e: Error) => e,
            );
            expect(first?.name).to.equal("ImageBatchError");
            expect(first?.message).to.equal(
                "image-resizer: 1 of the event's images failed: s3://media/uploads/flaky.jpg: SlowDown: Please reduce your request rate.",
            );
            expect(sns.messages().map((m) => m.sourceKey)).to.deep.equal(["uploads/steady.jpg"]);

            // Lambda's retry delivers the same event again.
            const retry = await handler(event);
            expect(retry.skipped).to.deep.equal([{ key: "uploads/steady.jpg", why: "already-done" }]);
            expect(retry.processed.map((m) => m.sourceKey)).to.deep.equal(["uploads/flaky.jpg"]);
            expect(sns.messages().map((m) => m.sourceKey)).to.deep.equal(["uploads/steady.jpg", "uploads/flaky.jpg"]);
            expect(sqs.sent).to.have.length(0);
            const renders = flaky.commands.filter((c) => c.name === "PutObjectCommand" && c.key?.includes("steady"));
            expect(renders).to.have.length(4); // three renditions and the manifest, written once
        });

        it("a DLQ that cannot be reached makes the invocation fail, so the failure is not lost", async () => {
            const { handler, sqs } = handlerWith();
            sqs.failNext = 1;
            const event = s3Event(await server.upload("uploads/unlucky.png", images.text));
            const error = await handler(event).then(
                () => undefined,
                (e: Error) => e,
            );
            expect(error?.message).to.equal(
                "image-resizer: 1 of the event's images failed: s3://media/uploads/unlucky.png: ThrottlingException: Rate exceeded",
            );
            // No failed manifest yet, so the retry evaluates the upload again and this time reaches the queue.
            expect(await server.keysUnder("renders/unlucky.png/")).to.deep.equal([]);
            const retry = await handler(event);
            expect(retry.refused.map((r) => r.reason)).to.deep.equal(["not-an-image"]);
            expect(sqs.messages().map((m) => m.key)).to.deep.equal(["uploads/unlucky.png"]);
        });

        it("re-rendering happens for a new version of the same key, not for the same ETag, nor for a stale event", async () => {
            const { handler, sns } = handlerWith();
            const v1 = await server.upload("uploads/versioned.jpg", images.jpeg);
            await handler(s3Event(v1));
            expect((await handler(s3Event(v1))).skipped).to.deep.equal([
                { key: "uploads/versioned.jpg", why: "already-done" },
            ]);
            // Two quick versions: the v2 event arrives after the v3 upload, which its own event will render.
            const v2 = await server.upload("uploads/versioned.jpg", images.rotated);
            const v3 = await server.upload("uploads/versioned.jpg", images.png);
            expect((await handler(s3Event(v2))).skipped).to.deep.equal([
                { key: "uploads/versioned.jpg", why: "superseded" },
            ]);
            await handler(s3Event(v3));
            expect(sns.messages().map((m) => [m.sourceETag, m.source.width])).to.deep.equal([
                [v1.eTag, 1600],
                [v3.eTag, 500],
            ]);
            expect((await server.readJson("renders/versioned.jpg/manifest.json")).sourceETag).to.equal(v3.eTag);
        });
        it("a change of rendition settings re-renders an unchanged source", async () => {
            const source = await server.upload("uploads/settings.jpg", images.jpeg);
            await handlerWith().handler(s3Event(source));
            const wider = handlerWith({ renditions: [{ name: "thumbnail", width: 200 }] });
            const result = await wider.handler(s3Event(source));
            expect(result.processed.map((m) => m.renditions.map((r) => r.width))).to.deep.equal([[200]]);
        });
    });

    describe("9. clear errors for empty files and malformed events", () => {
        it("a zero-byte upload is refused as an empty file, before any download", async () => {
            const recorded = store();
            const { handler, sqs } = handlerWith({}, recorded.s3);
            const result = await handler(s3Event(await server.upload("uploads/empty.jpg", Buffer.alloc(0))));
            expect(result.refused).to.deep.equal([
                {
                    key: "uploads/empty.jpg",
                    reason: "not-an-image",
                    error: "PermanentError: not an image: the file is empty (0 bytes)",
                },
            ]);
            expect(recorded.commands.some((c) => c.key === "uploads/empty.jpg")).to.equal(false);
            expect(sqs.messages()[0].error).not.to.include("Input Buffer is empty");
        });

        it("an object empty although the event said otherwise gets the handler's invalid-image error", async () => {
            const { handler } = handlerWith();
            const source = await server.upload("uploads/emptied.jpg", Buffer.alloc(0));
            const result = await handler(s3Event({ ...source, size: 1234 }));
            expect(result.refused.map((r) => r.error)).to.deep.equal([
                "InvalidImageError: not an image: the file is empty (0 bytes)",
            ]);
        });

        it("an upload deleted before it is read is refused as gone", async () => {
            const { handler } = handlerWith();
            const result = await handler(s3Event({ key: "uploads/deleted-meanwhile.jpg", size: 10, eTag: "e" }));
            expect(result.refused).to.deep.equal([
                {
                    key: "uploads/deleted-meanwhile.jpg",
                    reason: "gone",
                    error: "PermanentError: the object no longer exists (deleted after upload)",
                },
            ]);
        });

        const cases: [string, unknown, string, string][] = [
            ["a null event", null, "bad-event", "PermanentError: event is null, not an S3 event"],
            ["an event without Records", {}, "bad-event", "PermanentError: event has no Records list: not an S3 event"],
            [
                "a record without s3",
                { Records: [{ eventName: "ObjectCreated:Put" }] },
                "bad-record",
                "PermanentError: record 0 has no s3 entity: not an S3 record",
            ],
            [
                "a record without a key",
                { Records: [{ s3: { bucket: { name: BUCKET }, object: { size: 3 } } }] },
                "bad-record",
                "PermanentError: record 0 has no object key",
            ],
            [
                "a record without a bucket",
                { Records: [{ s3: { object: { key: "uploads/x.jpg" } } }] },
                "bad-record",
                "PermanentError: record 0 has no bucket name",
            ],
            [
                "a key that is not URL encoding",
                { Records: [{ s3: { bucket: { name: BUCKET }, object: { key: "uploads/%E0%A4%A.jpg", size: 3 } } }] },
                "bad-key",
                "PermanentError: key is not valid URL encoding",
            ],
        ];
        for (const [what, event, reason, error] of cases) {
            it(`${what}: a clear reason in the log and the DLQ, no TypeError, no "undefined" key`, async () => {
                const { handler, sqs, log } = handlerWith();
                const result = await handler(event);
                expect(result.refused.map((r) => [r.reason, r.error])).to.deep.equal([[reason, error]]);
                expect(sqs.messages().map((m) => [m.reason, m.error])).to.deep.equal([[reason, error]]);
                expect(JSON.stringify(sqs.messages()[0].record)).to.equal(
                    JSON.stringify(reason === "bad-event" ? event : (event as { Records: unknown[] }).Records[0]),
                );
                expect(log.errors().map((e) => e.fields.error)).to.deep.equal([error]);
                expect(JSON.stringify(log.entries)).not.to.match(/undefined|TypeError/);
            });
        }

        it("without a dead-letter queue (local runs), a permanent failure fails the invocation with its reason", async () => {
            const handler = createHandler({
                s3: server.s3,
                sns: new RecordingPublisher(),
                log: new RecordingLogger(),
                config: { ...config, deadLetterQueueUrl: undefined },
            });
            const error = await handler(null).then(
                () => undefined,
                (e: Error) => e,
            );
            expect(error?.message).to.equal(
                "image-resizer: 1 of the event's images failed: s3://?/?: PermanentError: event is null, not an S3 event (no dead-letter queue configured)",
            );
        });
    });

    it("lists the manifest with ListObjectsV2 before reading it (a GetObject of a missing key is a 403 without list rights)", async () => {
        const recorded = store();
        const { handler } = handlerWith({}, recorded.s3);
        await handler(s3Event(await server.upload("uploads/listed-first.jpg", images.jpeg)));
        const manifestCalls = recorded.commands.filter((c) => c.name !== "PutObjectCommand").map((c) => c.name);
        expect(manifestCalls).to.deep.equal([ListObjectsV2Command.name, GetObjectCommand.name]);
    });
});

// The S3-compatible server (s3rver) of `npm run local`, and the resize handler run in-process on its
// object-created events, as S3 invokes the Lambda function in AWS.
import { S3Client } from "@aws-sdk/client-s3";
import type { PublishCommand } from "@aws-sdk/client-sns";
import type { S3Event } from "aws-lambda";
import * as fs from "fs";
import type { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import { DEFAULT_IMAGE_SUFFIXES, UPLOADS_PREFIX } from "../../components/imagePipeline/validation";
import { configFromEnv } from "../../lambda/image-resizer/src/config";
import { createHandler, type Logger } from "../../lambda/image-resizer/src/handler";

const S3RVER = require("s3rver") as new (options: Record<string, unknown>) => {
    run(): Promise<AddressInfo>;
    close(): Promise<void>;
    on(event: "event", listener: (event: S3Event) => void): void;
};

/** s3rver's fixed credentials. */
export const S3_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };
export const LOCAL_REGION = "us-east-1";
export const LOCAL_TOPIC_ARN = "arn:aws:sns:us-east-1:000000000000:local-images";

/** The bucket's CORS rule: the site's origin may POST uploads and read objects (as ImagePipeline allows it). */
export function corsXml(origin: string): string {
    const methods = ["GET", "HEAD", "PUT", "POST"].map((m) => `<AllowedMethod>${m}</AllowedMethod>`).join("");
    return `<CORSConfiguration><CORSRule><AllowedOrigin>${origin}</AllowedOrigin>${methods}<AllowedHeader>*</AllowedHeader><ExposeHeader>ETag</ExposeHeader><MaxAgeSeconds>3600</MaxAgeSeconds></CORSRule></CORSConfiguration>`;
}

/** A key as S3 writes it into event notifications: form encoding per segment (`+` for space). */
export function s3EventKey(key: string): string {
    return key
        .split("/")
        .map((segment) => encodeURIComponent(segment).replace(/%20/g, "+"))
        .join("/");
}

export interface LocalStorage {
    readonly endpoint: string;
    readonly bucket: string;
    readonly client: S3Client;
    /** Resolves when every event received so far has been handled (for a clean stop). */
    idle(): Promise<void>;
    stop(): Promise<void>;
}

export interface StorageOptions {
    readonly port: number;
    readonly bucket: string;
    /** Origin allowed by the bucket's CORS rule (the site). */
    readonly siteOrigin: string;
    readonly log: (line: string) => void;
    /** Receives each "image rendered" message (what SNS subscribers get in AWS). */
    readonly onRendered?: (message: string) => Promise<void> | void;
}

export async function startStorage(o: StorageOptions): Promise<LocalStorage> {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), "aws-webapp-local-s3-"));
    const server = new S3RVER({
        address: "127.0.0.1",
        port: o.port,
        silent: true,
        directory,
        configureBuckets: [{ name: o.bucket, configs: [corsXml(o.siteOrigin)] }],
    });
    const address = await server.run();
    const endpoint = `http://127.0.0.1:${address.port}`;
    const client = new S3Client({
        region: LOCAL_REGION,
        endpoint,
        forcePathStyle: true,
        credentials: S3_CREDENTIALS,
    });
    const log: Logger = {
        info: (message, fields) => o.log(`resizer: ${message} ${JSON.stringify(fields)}`),
        warn: (message, fields) => o.log(`resizer: ${message} ${JSON.stringify(fields)}`),
        error: (message, fields) => o.log(`resizer: ERROR ${message} ${JSON.stringify(fields)}`),
    };
    let published = 0;
    const handler = createHandler({
        s3: client,
        sns: {
            async send(command: PublishCommand) {
                await o.onRendered?.(command.input.Message ?? "");
                return { MessageId: `local-${++published}`, $metadata: {} };
            },
        },
        config: configFromEnv({ TOPIC_ARN: LOCAL_TOPIC_ARN }),
        log,
    });
    const inFlight = new Set<Promise<unknown>>();
    server.on("event", (event) => {
        // The notification filter ImagePipeline configures: object created under uploads/, image suffixes.
        const records = event.Records.filter(
            (r) =>
                r.eventName.startsWith("ObjectCreated:") &&
                r.s3.object.key.startsWith(UPLOADS_PREFIX) &&
                DEFAULT_IMAGE_SUFFIXES.some((suffix) => r.s3.object.key.endsWith(suffix)),
        );
        if (records.length === 0) return;
        // In AWS the notification's key is form-encoded; s3rver sends it raw.
        const encoded = records.map((r) => ({
            ...r,
            s3: { ...r.s3, object: { ...r.s3.object, key: s3EventKey(r.s3.object.key) } },
        }));
        const run = handler({ Records: encoded }).catch((e: unknown) => o.log(`resizer: ${String(e)}`));
        inFlight.add(run);
        void run.finally(() => inFlight.delete(run));
    });
    return {
        endpoint,
        bucket: o.bucket,
        client,
        idle: async () => {
            await Promise.all([...inFlight]);
        },
        async stop() {
            await Promise.all([...inFlight]);
            client.destroy();
            await server.close();
            fs.rmSync(directory, { recursive: true, force: true });
        },
    };
}

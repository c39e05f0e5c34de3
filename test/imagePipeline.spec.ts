import { ACCOUNT_ID, failsBeforeRegistering, mocksReady, record, type Recording, valueOf } from "./harness/mocks";

import { expect } from "chai";
import fc from "fast-check";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
    bundleProblem,
    DEFAULT_IMAGE_SUFFIXES,
    defaultBundleDir,
    ensureHandlerBundle,
    ImagePipeline,
    type ImagePipelineArgs,
    resolveImagePipelineArgs,
} from "../components/imagePipeline";
import { nativeAddonPath, PACKAGE_ROOT } from "../components/imagePipeline/bundle";
import { maxPixelsForMemory, memoryNeeded } from "../components/imagePipeline/memoryBudget";
import {
    corsRules,
    deadLetterQueuePolicy,
    handlerEnvironment,
    lifecycleRules,
    resizerRolePolicy,
    secureTransportBucketPolicy,
} from "../components/imagePipeline/policies";
import { isCorsOrigin, isHttpsEndpoint, overlappingSuffixes } from "../components/imagePipeline/validation";
import { configFromEnv } from "../lambda/image-resizer/src/config";

const T = {
    pipeline: "aws-webapp:index:ImagePipeline",
    bucket: "aws:s3/bucket:Bucket",
    pab: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    ownership: "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
    sse: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    versioning: "aws:s3/bucketVersioning:BucketVersioning",
    lifecycle: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    cors: "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration",
    bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
    notification: "aws:s3/bucketNotification:BucketNotification",
    fn: "aws:lambda/function:Function",
    permission: "aws:lambda/permission:Permission",
    invokeConfig: "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig",
    role: "aws:iam/role:Role",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    attachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    queue: "aws:sqs/queue:Queue",
    queuePolicy: "aws:sqs/queuePolicy:QueuePolicy",
    topic: "aws:sns/topic:Topic",
    topicPolicy: "aws:sns/topicPolicy:TopicPolicy",
    subscription: "aws:sns/topicSubscription:TopicSubscription",
} as const;

const REGION = "us-east-1";
const KMS_KEY = `arn:aws:kms:${REGION}:${ACCOUNT_ID}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const SUBSCRIBER_QUEUE = `arn:aws:sqs:${REGION}:${ACCOUNT_ID}:image-events`;
const TAGS = { Project: "aws-webapp", Team: "media" };

const policyOf = (r: { inputs: Record<string, any> }, key = "policy") => JSON.parse(r.inputs[key]);

/** Every action of every statement of a policy document. */
function actions(doc: { Statement: { Action: string | string[] }[] }): string[] {
    return doc.Statement.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
}

function tmpDir(prefix: string): string {
    return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

describe("ImagePipeline", () => {
    before(() => mocksReady);
    // A real bundle (esbuild + sharp's linux-arm64 binaries, installed by the build), rebuilt only when stale.
    before(function () {
        this.timeout(60_000);
        ensureHandlerBundle();
    });

    describe("handler bundle", () => {
        let out: string;
        before(function () {
            this.timeout(60_000);
            out = path.join(tmpDir("image-bundle-"), "arm64");
        });
        after(() => fs.rmSync(path.dirname(out), { recursive: true, force: true }));

        it("builds index.js with sharp's linux-arm64 binaries and a manifest, then skips an up-to-date rebuild", () => {
            const first = ensureHandlerBundle({ outDir: out });
            expect(first.built).to.equal(true);
            expect(first.manifest).to.include({
                arch: "arm64",
                platform: "linux",
                libc: "glibc",
                nodeTarget: "node22",
            });
            // The SDK v3 clients are bundled in, minified (about 480 KiB instead of 1.6 MB).
            expect(first.indexBytes).to.be.within(100_000, 1_000_000);
            expect(fs.readdirSync(out).sort()).to.deep.equal(["bundle.json", "index.js", "node_modules"]);
            const img = fs.readdirSync(path.join(out, "node_modules", "@img")).sort();
            expect(img).to.deep.equal(["colour", "sharp-libvips-linux-arm64", "sharp-linux-arm64"]);
            expect(bundleProblem(out, "arm64")).to.equal(undefined);

            const started = Date.now();
            const second = ensureHandlerBundle({ outDir: out });
            expect(second.built).to.equal(false);
            expect(second.manifest.inputHash).to.equal(first.manifest.inputHash);
            expect(Date.now() - started).to.be.lessThan(500);
        });

        it("ships a real aarch64 ELF addon for sharp, not the host's", () => {
            const addon = fs.readFileSync(path.join(out, nativeAddonPath("arm64")));
            expect(addon.subarray(0, 4).toString("latin1")).to.equal("\x7fELF");
            expect(addon.readUInt16LE(18)).to.equal(183); // e_machine EM_AARCH64
            expect(fs.existsSync(path.join(out, nativeAddonPath("x86_64")))).to.equal(false);
        });

        it("keeps sharp external (loaded from node_modules) and bundles the AWS SDK clients", () => {
            const js = fs.readFileSync(path.join(out, "index.js"), "utf8");
            expect(js).to.match(/require\("sharp"\)/);
            // Minified: class names are mangled, the operation names the clients send are not.
            expect(js).to.include('"PutObject"');
            expect(js).to.include('"Publish"');
            expect(js).to.include('"SendMessage"');
            expect(js).not.to.match(/require\("@aws-sdk\/client-s3"\)/);
        });

        it("pins the bundle's sharp to the root's version (the handler tests run the root's binary)", () => {
            const lambdaPkg = JSON.parse(
                fs.readFileSync(path.join(PACKAGE_ROOT, "lambda", "image-resizer", "package.json"), "utf8"),
            );
            const rootSharp = JSON.parse(
                fs.readFileSync(path.join(PACKAGE_ROOT, "node_modules", "sharp", "package.json"), "utf8"),
            );
            expect(lambdaPkg.dependencies.sharp).to.equal(rootSharp.version);
        });

        it("names what is missing or mismatched", () => {
            const empty = tmpDir("image-bundle-empty-");
            try {
                expect(bundleProblem(empty, "arm64")).to.equal(
                    `has no handler bundle (${path.join(empty, "index.js")} is missing): run \`npm run build\` (or \`npm run build:handler -- --arch arm64\`) first`,
                );
            } finally {
                fs.rmSync(empty, { recursive: true, force: true });
            }
            expect(bundleProblem(out, "x86_64")).to.equal(
                "holds a arm64 bundle but the function's architecture is x86_64: run `npm run build` (or `npm run build:handler -- --arch x86_64`) first",
            );
        });
    });

    describe("dev-like (defaults)", () => {
        let rec: Recording;
        let pipeline: ImagePipeline;
        before(async () => {
            rec = await record(() => {
                pipeline = new ImagePipeline("images", { tags: TAGS, logRetentionDays: 7 });
            });
        });

        it("creates one bucket, not protected, force-destroyed (dev teardown with uploads in it), versioning off", () => {
            const bucket = rec.one(T.bucket);
            expect(bucket.name).to.equal("images-media");
            expect(bucket.inputs.forceDestroy).to.equal(true);
            expect(bucket.protect).to.equal(false);
            expect(bucket.retainOnDelete).to.equal(false);
            expect(rec.ofType(T.versioning)).to.have.length(0);
        });

        it("blocks all public access and enforces bucket ownership (ACLs off)", () => {
            expect(rec.one(T.pab).inputs).to.deep.include({
                bucket: "images-media-id",
                blockPublicAcls: true,
                blockPublicPolicy: true,
                ignorePublicAcls: true,
                restrictPublicBuckets: true,
            });
            expect(rec.one(T.ownership).inputs.rule).to.deep.equal({ objectOwnership: "BucketOwnerEnforced" });
        });

        it("encrypts with S3-managed keys by default", () => {
            expect(rec.one(T.sse).inputs.rules).to.deep.equal([
                { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } },
            ]);
        });

        it("denies every non-TLS request, after the public access block", () => {
            const policy = rec.one(T.bucketPolicy);
            expect(policyOf(policy)).to.deep.equal({
                Version: "2012-10-17",
                Statement: [
                    {
                        Sid: "DenyInsecureTransport",
                        Effect: "Deny",
                        Principal: "*",
                        Action: "s3:*",
                        Resource: ["arn:aws:s3:::images-media", "arn:aws:s3:::images-media/*"],
                        Condition: { Bool: { "aws:SecureTransport": "false" } },
                    },
                ],
            });
            expect(policy.dependencies).to.include(rec.one(T.pab).urn);
        });

        it("aborts incomplete multipart uploads and keeps uploads (no expiry configured), no CORS", () => {
            expect(rec.one(T.lifecycle).inputs.rules).to.deep.equal([
                {
                    id: "abort-incomplete-multipart-uploads",
                    status: "Enabled",
                    filter: {},
                    abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
                },
            ]);
            expect(rec.ofType(T.cors)).to.have.length(0);
        });

        it("runs the bundled handler on nodejs22.x arm64 with 1536 MB, 60 s, unreserved concurrency", () => {
            const fn = rec.one(T.fn);
            expect(fn.name).to.equal("images-resizer");
            expect(fn.inputs).to.deep.include({
                runtime: "nodejs22.x",
                handler: "index.handler",
                architectures: ["arm64"],
                memorySize: 1536,
                timeout: 60,
                role: `arn:aws:iam::${ACCOUNT_ID}:role/images-role`,
            });
            expect(fn.inputs.reservedConcurrentExecutions).to.equal(undefined);
            expect(fn.inputs.code.__pulumiArchive).to.equal(true);
        });

        it("configures the handler through its environment, which the handler parses back exactly", () => {
            const variables = rec.one(T.fn).inputs.environment.variables;
            expect(variables).to.deep.equal({
                RENDERS_BUCKET: "images-media",
                TOPIC_ARN: `arn:aws:sns:${REGION}:${ACCOUNT_ID}:images-topic`,
                UPLOADS_PREFIX: "uploads/",
                RENDERS_PREFIX: "renders/",
                RENDITIONS: "thumbnail:150,medium:640,large:1280",
                OUTPUT_FORMATS: "webp",
                QUALITY: "80",
                CACHE_CONTROL: "public, max-age=86400",
                MAX_INPUT_PIXELS: "100000000",
                MAX_UPLOAD_BYTES: "33554432",
                WEBP_EFFORT: "2",
                DEAD_LETTER_QUEUE_URL: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT_ID}/images-dlq`,
            });
            expect(configFromEnv(variables)).to.deep.equal({
                rendersBucket: "images-media",
                topicArn: `arn:aws:sns:${REGION}:${ACCOUNT_ID}:images-topic`,
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
                deadLetterQueueUrl: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT_ID}/images-dlq`,
            });
        });

        it("logs JSON to its own log group with retention, created before the function", () => {
            const logGroup = rec.one(T.logGroup);
            expect(logGroup.inputs.retentionInDays).to.equal(7);
            expect(logGroup.inputs.name).to.equal("/aws/lambda/aws-webapp-test/images-resizer");
            const fn = rec.one(T.fn);
            expect(fn.inputs.loggingConfig).to.deep.equal({
                logFormat: "JSON",
                logGroup: "/aws/lambda/aws-webapp-test/images-resizer",
                applicationLogLevel: "INFO",
                systemLogLevel: "WARN",
            });
            expect(fn.dependencies).to.include(logGroup.urn);
            expect(fn.dependencies).to.include(rec.one(T.rolePolicy).urn);
        });

        it("lets only S3, for this bucket and this account, invoke the function", () => {
            expect(rec.one(T.permission).inputs).to.deep.equal({
                action: "lambda:InvokeFunction",
                function: "images-resizer",
                principal: "s3.amazonaws.com",
                sourceArn: "arn:aws:s3:::images-media",
                sourceAccount: ACCOUNT_ID,
            });
        });

        it("triggers only on image suffixes under uploads/, after the permission exists", () => {
            const notification = rec.one(T.notification);
            expect(notification.inputs.bucket).to.equal("images-media-id");
            const fnArn = `arn:aws:lambda:${REGION}:${ACCOUNT_ID}:function:images-resizer`;
            expect(notification.inputs.lambdaFunctions).to.deep.equal(
                DEFAULT_IMAGE_SUFFIXES.map((suffix) => ({
                    events: ["s3:ObjectCreated:*"],
                    filterPrefix: "uploads/",
                    filterSuffix: suffix,
                    lambdaFunctionArn: fnArn,
                })),
            );
            expect(DEFAULT_IMAGE_SUFFIXES).to.include.members([".jpg", ".JPG", ".jpeg", ".png", ".webp", ".avif"]);
            // renders/ can never match: every filter is under uploads/.
            for (const f of notification.inputs.lambdaFunctions) expect(f.filterPrefix).to.equal("uploads/");
            expect(notification.dependencies).to.include(rec.one(T.permission).urn);
            // Events flow only once failures have their retries and dead-letter queue.
            expect(notification.dependencies).to.include(rec.one(T.invokeConfig).urn);
            expect(notification.inputs.queues ?? []).to.have.length(0);
            expect(notification.inputs.topics ?? []).to.have.length(0);
        });

        it("retries a failed event at most twice within an hour, then sends it to the dead-letter queue", () => {
            const config = rec.one(T.invokeConfig);
            expect(config.inputs).to.deep.equal({
                functionName: "images-resizer",
                maximumRetryAttempts: 2,
                maximumEventAgeInSeconds: 3600,
                destinationConfig: { onFailure: { destination: `arn:aws:sqs:${REGION}:${ACCOUNT_ID}:images-dlq` } },
            });
            expect(config.dependencies).to.include.members([rec.one(T.rolePolicy).urn, rec.one(T.queuePolicy).urn]);
        });

        it("keeps failed events 14 days in an encrypted, TLS-only queue whose policy names no fresh IAM principal", () => {
            expect(rec.one(T.queue).inputs).to.deep.include({
                messageRetentionSeconds: 1_209_600,
                sqsManagedSseEnabled: true,
            });
            const policy = rec.one(T.queuePolicy);
            expect(policy.inputs.queueUrl).to.equal(`https://sqs.${REGION}.amazonaws.com/${ACCOUNT_ID}/images-dlq`);
            const queueArn = `arn:aws:sqs:${REGION}:${ACCOUNT_ID}:images-dlq`;
            expect(policyOf(policy)).to.deep.equal({
                Version: "2012-10-17",
                Statement: [
                    {
                        Sid: "DenyInsecureTransport",
                        Effect: "Deny",
                        Principal: "*",
                        Action: "sqs:*",
                        Resource: queueArn,
                        Condition: { Bool: { "aws:SecureTransport": "false" } },
                    },
                ],
            });
            expect(policyOf(policy)).to.deep.equal(deadLetterQueuePolicy(queueArn));
            // SQS resolves a Principal ARN when the policy is set: the role created in the same deployment
            // may not be visible yet (InvalidAttributeValue, not retried), so the policy must not name it.
            expect(policy.inputs.policy).not.to.include(":role/");
            expect(policy.dependencies).not.to.include(rec.one(T.role).urn);
            // The role sends through its own IAM policy (same account).
            const send = policyOf(rec.one(T.rolePolicy)).Statement.find((s: any) => s.Sid === "SendFailedEvents");
            expect(send).to.deep.include({ Effect: "Allow", Action: "sqs:SendMessage", Resource: queueArn });
        });

        it("lets only Lambda, for this account, assume the role (aws:SourceAccount against the confused deputy)", () => {
            const trust = JSON.parse(rec.one(T.role).inputs.assumeRolePolicy);
            expect(trust).to.deep.equal({
                Version: "2012-10-17",
                Statement: [
                    {
                        Effect: "Allow",
                        Principal: { Service: "lambda.amazonaws.com" },
                        Action: "sts:AssumeRole",
                        Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT_ID } },
                    },
                ],
            });
        });

        it("gives the role exactly: read uploads/ and manifests, write renders/, publish, send to the DLQ, write its logs", () => {
            const policy = policyOf(rec.one(T.rolePolicy));
            expect(policy).to.deep.equal({
                Version: "2012-10-17",
                Statement: [
                    {
                        Sid: "ReadUploads",
                        Effect: "Allow",
                        Action: "s3:GetObject",
                        Resource: "arn:aws:s3:::images-media/uploads/*",
                    },
                    {
                        Sid: "WriteRenditions",
                        Effect: "Allow",
                        Action: "s3:PutObject",
                        Resource: "arn:aws:s3:::images-media/renders/*",
                    },
                    {
                        Sid: "ReadRenditionManifests",
                        Effect: "Allow",
                        Action: "s3:GetObject",
                        Resource: "arn:aws:s3:::images-media/renders/*/manifest.json",
                    },
                    {
                        Sid: "FindRenditionManifests",
                        Effect: "Allow",
                        Action: "s3:ListBucket",
                        Resource: "arn:aws:s3:::images-media",
                        Condition: { StringLike: { "s3:prefix": "renders/*" } },
                    },
                    {
                        Sid: "AnnounceRenditions",
                        Effect: "Allow",
                        Action: "sns:Publish",
                        Resource: `arn:aws:sns:${REGION}:${ACCOUNT_ID}:images-topic`,
                    },
                    {
                        Sid: "SendFailedEvents",
                        Effect: "Allow",
                        Action: "sqs:SendMessage",
                        Resource: `arn:aws:sqs:${REGION}:${ACCOUNT_ID}:images-dlq`,
                    },
                    {
                        Sid: "WriteOwnLogs",
                        Effect: "Allow",
                        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
                        Resource: `arn:aws:logs:${REGION}:${ACCOUNT_ID}:log-group:/aws/lambda/aws-webapp-test/images-resizer:*`,
                    },
                ],
            });
            expect(rec.ofType(T.attachment)).to.have.length(0);
            expect(rec.ofType(T.rolePolicy)).to.have.length(1);
            expect(rec.one(T.role).inputs.managedPolicyArns ?? []).to.have.length(0);
            for (const a of actions(policy)) expect(a).not.to.include("*");
        });

        it("publishes on an SNS topic encrypted with the AWS managed key, TLS only, no subscription without args", () => {
            expect(rec.one(T.topic).inputs.kmsMasterKeyId).to.equal("alias/aws/sns");
            const topicArn = `arn:aws:sns:${REGION}:${ACCOUNT_ID}:images-topic`;
            const topicPolicy = rec.one(T.topicPolicy);
            expect(topicPolicy.name).to.equal("images-topic-policy");
            expect(topicPolicy.inputs.arn).to.equal(topicArn);
            expect(policyOf(topicPolicy)).to.deep.equal({
                Version: "2012-10-17",
                Statement: [
                    {
                        Sid: "DenyPublishWithoutTls",
                        Effect: "Deny",
                        Principal: "*",
                        Action: "SNS:Publish",
                        Resource: topicArn,
                        Condition: { Bool: { "aws:SecureTransport": "false" } },
                    },
                ],
            });
            expect(rec.ofType(T.subscription)).to.have.length(0);
        });

        it("parents every child to the component and tags every taggable child with Name and the caller's tags", () => {
            const component = rec.one(T.pipeline);
            const children = rec.resources.filter((r) => r !== component);
            expect(children).to.have.length(rec.childrenOf(component).length);
            for (const type of [T.bucket, T.fn, T.role, T.logGroup, T.queue, T.topic]) {
                for (const r of rec.ofType(type)) expect(r.inputs.tags).to.deep.equal({ ...TAGS, Name: r.name });
            }
        });

        it("exposes the names and ARNs the stacks need", async () => {
            expect(await valueOf(pipeline.bucketName)).to.equal("images-media");
            expect(await valueOf(pipeline.bucketArn)).to.equal("arn:aws:s3:::images-media");
            expect(await valueOf(pipeline.rendersBucketName)).to.equal("images-media");
            expect(await valueOf(pipeline.functionName)).to.equal("images-resizer");
            expect(await valueOf(pipeline.functionArn)).to.equal(
                `arn:aws:lambda:${REGION}:${ACCOUNT_ID}:function:images-resizer`,
            );
            expect(await valueOf(pipeline.topicArn)).to.equal(`arn:aws:sns:${REGION}:${ACCOUNT_ID}:images-topic`);
            expect(await valueOf(pipeline.dlqName)).to.equal("images-dlq");
            expect(await valueOf(pipeline.dlqArn)).to.equal(`arn:aws:sqs:${REGION}:${ACCOUNT_ID}:images-dlq`);
            expect(await valueOf(pipeline.dlqUrl)).to.equal(
                `https://sqs.${REGION}.amazonaws.com/${ACCOUNT_ID}/images-dlq`,
            );
            expect(await valueOf(pipeline.logGroupName)).to.equal("/aws/lambda/aws-webapp-test/images-resizer");
            expect(pipeline.uploadsPrefix).to.equal("uploads/");
            expect(pipeline.rendersPrefix).to.equal("renders/");
        });
    });

    describe("prod-like", () => {
        let rec: Recording;
        before(async () => {
            rec = await record(
                () =>
                    new ImagePipeline("media", {
                        production: true,
                        expireUploadsAfterDays: 30,
                        corsAllowedOrigins: ["https://app.example.com", "https://*.example.org"],
                        reservedConcurrency: 20,
                        memorySize: 2048,
                        timeoutSeconds: 120,
                        maximumRetryAttempts: 1,
                        maximumEventAgeSeconds: 900,
                        logRetentionDays: 90,
                        notificationEmails: ["media-team@example.com"],
                        notificationHttpsEndpoints: ["https://hooks.example.com/images"],
                        notificationQueueArns: [SUBSCRIBER_QUEUE],
                    }),
            );
        });

        it("protects the bucket (protect + retainOnDelete), never force-destroys it and turns versioning on", () => {
            const bucket = rec.one(T.bucket);
            expect(bucket.protect).to.equal(true);
            expect(bucket.retainOnDelete).to.equal(true);
            expect(bucket.inputs.forceDestroy).to.equal(false);
            expect(rec.one(T.versioning).inputs.versioningConfiguration).to.deep.equal({ status: "Enabled" });
        });

        it("expires raw uploads, noncurrent versions and stale delete markers, after versioning is on", () => {
            const lifecycle = rec.one(T.lifecycle);
            expect(lifecycle.inputs.rules).to.deep.equal([
                {
                    id: "abort-incomplete-multipart-uploads",
                    status: "Enabled",
                    filter: {},
                    abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
                },
                {
                    id: "expire-raw-uploads",
                    status: "Enabled",
                    filter: { prefix: "uploads/" },
                    expiration: { days: 30 },
                },
                {
                    id: "expire-noncurrent-versions",
                    status: "Enabled",
                    filter: {},
                    noncurrentVersionExpiration: { noncurrentDays: 30 },
                },
                {
                    id: "remove-expired-delete-markers",
                    status: "Enabled",
                    filter: {},
                    expiration: { expiredObjectDeleteMarker: true },
                },
            ]);
            expect(lifecycle.dependencies).to.include(rec.one(T.versioning).urn);
        });

        it("allows browser uploads with presigned URLs from the given origins only", () => {
            expect(rec.one(T.cors).inputs.corsRules).to.deep.equal([
                {
                    id: "browser-uploads",
                    allowedMethods: ["GET", "HEAD", "PUT", "POST"],
                    allowedOrigins: ["https://app.example.com", "https://*.example.org"],
                    allowedHeaders: ["content-type", "content-md5", "content-disposition", "cache-control", "x-amz-*"],
                    exposeHeaders: ["ETag"],
                    maxAgeSeconds: 3600,
                },
            ]);
        });

        it("applies the function sizing, reserved concurrency, retries and retention", () => {
            expect(rec.one(T.fn).inputs).to.deep.include({
                memorySize: 2048,
                timeout: 120,
                reservedConcurrentExecutions: 20,
            });
            expect(rec.one(T.invokeConfig).inputs).to.deep.include({
                maximumRetryAttempts: 1,
                maximumEventAgeInSeconds: 900,
            });
            expect(rec.one(T.logGroup).inputs.retentionInDays).to.equal(90);
        });

        it("subscribes email, HTTPS and SQS consumers to the topic (SQS with raw delivery)", () => {
            const subs = rec.ofType(T.subscription).map((s) => s.inputs);
            const topic = `arn:aws:sns:${REGION}:${ACCOUNT_ID}:media-topic`;
            expect(subs).to.deep.include.members([
                { topic, protocol: "email", endpoint: "media-team@example.com" },
                {
                    topic,
                    protocol: "https",
                    endpoint: "https://hooks.example.com/images",
                    endpointAutoConfirms: false,
                },
                { topic, protocol: "sqs", endpoint: SUBSCRIBER_QUEUE, rawMessageDelivery: true },
            ]);
            expect(subs).to.have.length(3);
        });
    });

    describe("separate buckets with a customer managed key", () => {
        let rec: Recording;
        before(async () => {
            rec = await record(
                () =>
                    new ImagePipeline("pics", {
                        separateBuckets: true,
                        kmsKeyArn: KMS_KEY,
                        expireUploadsAfterDays: 3,
                        corsAllowedOrigins: ["http://localhost:5173"],
                        outputFormats: ["webp", "jpeg"],
                        renditionWidths: { thumbnail: 200 },
                        quality: 70,
                        architecture: "arm64",
                    }),
            );
        });

        it("creates a raw and a rendered bucket, each locked down and TLS-only", () => {
            expect(rec.ofType(T.bucket).map((b) => b.name)).to.have.members(["pics-uploads", "pics-renders"]);
            expect(rec.ofType(T.pab)).to.have.length(2);
            expect(rec.ofType(T.ownership)).to.have.length(2);
            expect(policyOf(rec.named("pics-uploads-policy"))).to.deep.equal(
                secureTransportBucketPolicy("arn:aws:s3:::pics-uploads"),
            );
            expect(policyOf(rec.named("pics-renders-policy"))).to.deep.equal(
                secureTransportBucketPolicy("arn:aws:s3:::pics-renders"),
            );
        });

        it("encrypts both with SSE-KMS and S3 Bucket Keys", () => {
            for (const sse of rec.ofType(T.sse)) {
                expect(sse.inputs.rules).to.deep.equal([
                    {
                        applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: KMS_KEY },
                        bucketKeyEnabled: true,
                    },
                ]);
            }
        });

        it("expires raw uploads and allows CORS only on the uploads bucket, notifies only from it", () => {
            const uploadsRules = rec.named("pics-uploads-lifecycle").inputs.rules;
            const rendersRules = rec.named("pics-renders-lifecycle").inputs.rules;
            expect(uploadsRules.map((r: any) => r.id)).to.deep.equal([
                "abort-incomplete-multipart-uploads",
                "expire-raw-uploads",
            ]);
            expect(rendersRules.map((r: any) => r.id)).to.deep.equal(["abort-incomplete-multipart-uploads"]);
            expect(rec.one(T.cors).name).to.equal("pics-uploads-cors");
            expect(rec.one(T.notification).inputs.bucket).to.equal("pics-uploads-id");
            expect(rec.one(T.permission).inputs.sourceArn).to.equal("arn:aws:s3:::pics-uploads");
        });

        it("reads from the uploads bucket, writes to the renders bucket, uses the key only through S3", () => {
            const policy = policyOf(rec.one(T.rolePolicy));
            expect(policy.Statement.map((s: any) => [s.Action, s.Resource])).to.deep.equal([
                ["s3:GetObject", "arn:aws:s3:::pics-uploads/uploads/*"],
                ["s3:PutObject", "arn:aws:s3:::pics-renders/renders/*"],
                ["s3:GetObject", "arn:aws:s3:::pics-renders/renders/*/manifest.json"],
                ["s3:ListBucket", "arn:aws:s3:::pics-renders"],
                ["sns:Publish", `arn:aws:sns:${REGION}:${ACCOUNT_ID}:pics-topic`],
                ["sqs:SendMessage", `arn:aws:sqs:${REGION}:${ACCOUNT_ID}:pics-dlq`],
                [
                    ["logs:CreateLogStream", "logs:PutLogEvents"],
                    `arn:aws:logs:${REGION}:${ACCOUNT_ID}:log-group:/aws/lambda/aws-webapp-test/pics-resizer:*`,
                ],
                [["kms:Decrypt", "kms:GenerateDataKey"], KMS_KEY],
            ]);
            expect(policy.Statement[7].Condition).to.deep.equal({
                StringEquals: { "kms:ViaService": `s3.${REGION}.amazonaws.com` },
            });
        });

        it("tells the handler where renditions go, in which formats and sizes", () => {
            const config = configFromEnv(rec.one(T.fn).inputs.environment.variables);
            expect(config.rendersBucket).to.equal("pics-renders");
            expect(config.formats).to.deep.equal(["webp", "jpeg"]);
            expect(config.quality).to.equal(70);
            expect(config.renditions).to.deep.equal([
                { name: "thumbnail", width: 200 },
                { name: "medium", width: 640 },
                { name: "large", width: 1280 },
            ]);
        });
    });

    describe("bad input is refused before anything is registered", () => {
        const subject = 'ImagePipeline "images": invalid';

        it("lists every bad argument in one error, naming each", async () => {
            const message = await failsBeforeRegistering(
                () =>
                    new ImagePipeline("images", {
                        production: true,
                        forceDestroy: true,
                        memorySize: 256,
                        maximumRetryAttempts: 3,
                        logRetentionDays: 7,
                        renditionWidths: { thumbnail: 700 },
                        outputFormats: ["gif" as any],
                        imageSuffixes: [".jpg", "png", ".photo.jpg"],
                        corsAllowedOrigins: ["*", "http://app.example.com"],
                        notificationEmails: ["not-an-email"],
                        notificationHttpsEndpoints: [
                            "https://user:secret@hooks.example.com/x",
                            "http://plain.example.com",
                        ],
                        notificationQueueArns: ["arn:aws:sns:us-east-1:123456789012:not-a-queue"],
                        kmsKeyArn: "alias/my-key",
                        reservedConcurrency: 0,
                    }),
            );
            expect(message).to.equal(
                [
                    `${subject} values:`,
                    "  - forceDestroy: true is refused with production: true (production buckets are never force-destroyed)",
                    '  - kmsKeyArn: "alias/my-key" is a KMS alias: pass the key ARN (arn:aws:kms:<region>:<account>:key/<id>), which the function\'s IAM policy must name',
                    '  - corsAllowedOrigins[0]: "*" is not an allowed CORS origin: expected "https://host[:port]" (one leading "*." allowed) or http://localhost[:port]',
                    '  - corsAllowedOrigins[1]: "http://app.example.com" is not an allowed CORS origin: expected "https://host[:port]" (one leading "*." allowed) or http://localhost[:port]',
                    '  - renditionWidths: {"thumbnail":700,"medium":640,"large":1280} is not increasing: expected thumbnail < medium < large',
                    '  - outputFormats[0]: "gif" is not an output format: expected one of "webp", "jpeg", "avif", "png"',
                    '  - imageSuffixes[1]: "png" is not a file suffix: expected "." and 1 to 10 letters or digits, such as ".jpg"',
                    '  - imageSuffixes[2]: ".photo.jpg" is not a file suffix: expected "." and 1 to 10 letters or digits, such as ".jpg"',
                    '  - imageSuffixes: ".photo.jpg" ends with ".jpg": S3 rejects overlapping notification filters',
                    "  - memorySize: 256 is not an integer from 512 to 10240 (MB)",
                    "  - reservedConcurrency: 0 is not an integer from 1 to 10000",
                    "  - maximumRetryAttempts: 3 is not an integer from 0 to 2",
                    "  - logRetentionDays: 7 is below 30 days, the minimum with production: true",
                    '  - notificationEmails[0]: "not-an-email" is not a valid email address',
                    '  - notificationHttpsEndpoints[0]: "https://user:secret@hooks.example.com/x" is not an https:// URL without credentials',
                    '  - notificationHttpsEndpoints[1]: "http://plain.example.com" is not an https:// URL without credentials',
                    '  - notificationQueueArns[0]: "arn:aws:sns:us-east-1:123456789012:not-a-queue" is not an SQS queue ARN',
                ].join("\n"),
            );
        });

        it("a KMS alias ARN (IAM grants on an alias never match the key, so the function would get AccessDenied)", async () => {
            const alias = `arn:aws:kms:${REGION}:${ACCOUNT_ID}:alias/media`;
            const message = await failsBeforeRegistering(() => new ImagePipeline("images", { kmsKeyArn: alias }));
            expect(message).to.equal(
                `${subject} value:\n  - kmsKeyArn: ${JSON.stringify(alias)} is a KMS alias: pass the key ARN (arn:aws:kms:<region>:<account>:key/<id>), which the function's IAM policy must name`,
            );
            expect(() => resolveImagePipelineArgs("images", { kmsKeyArn: "not-an-arn" })).to.throw(
                /kmsKeyArn: "not-an-arn" is not a KMS key ARN/,
            );
            for (const ok of [
                KMS_KEY,
                `arn:aws:kms:eu-west-1:${ACCOUNT_ID}:key/mrk-1234abcd12ab34cd56ef1234567890ab`,
            ]) {
                expect(() => resolveImagePipelineArgs("images", { kmsKeyArn: ok }), ok).not.to.throw();
            }
        });

        it("a name that cannot be part of a bucket name", async () => {
            const message = await failsBeforeRegistering(() => new ImagePipeline("Images_Prod", {}));
            expect(message).to.equal(
                'ImagePipeline "Images_Prod": invalid value:\n  - name: "Images_Prod" is not usable in S3 bucket names: expected 1 to 47 lowercase letters, digits or inner hyphens',
            );
        });

        it("a name starting with a bucket-name prefix S3 reserves (xn--, sthree-, amzn-s3-demo-)", async () => {
            for (const [name, prefix] of [
                ["xn--bucket", "xn--"],
                ["sthree-images", "sthree-"],
                ["amzn-s3-demo-images", "amzn-s3-demo-"],
            ]) {
                const message = await failsBeforeRegistering(() => new ImagePipeline(name, {}));
                expect(message).to.equal(
                    `ImagePipeline "${name}": invalid value:\n  - name: "${name}" starts with "${prefix}", a prefix S3 reserves: CreateBucket would refuse the bucket names`,
                );
            }
            expect(() => resolveImagePipelineArgs("sthree", {})).not.to.throw();
        });

        it("a missing handler bundle, naming the path and `npm run build`", async () => {
            const empty = tmpDir("image-bundle-missing-");
            try {
                const message = await failsBeforeRegistering(
                    () => new ImagePipeline("images", { handlerBundleDir: empty }),
                );
                expect(message).to.equal(
                    `${subject} value:\n  - handlerBundleDir: ${JSON.stringify(empty)} has no handler bundle (${path.join(empty, "index.js")} is missing): run \`npm run build\` (or \`npm run build:handler -- --arch arm64\`) first`,
                );
            } finally {
                fs.rmSync(empty, { recursive: true, force: true });
            }
        });

        it("a bundle built for another architecture", async () => {
            const message = await failsBeforeRegistering(
                () =>
                    new ImagePipeline("images", {
                        architecture: "x86_64",
                        handlerBundleDir: defaultBundleDir("arm64"),
                    }),
            );
            expect(message).to.equal(
                `${subject} value:\n  - handlerBundleDir: ${JSON.stringify(defaultBundleDir("arm64"))} holds a arm64 bundle but the function's architecture is x86_64: run \`npm run build\` (or \`npm run build:handler -- --arch x86_64\`) first`,
            );
        });

        it("an unknown architecture, rendition or format, and out-of-range numbers", async () => {
            const message = await failsBeforeRegistering(
                () =>
                    new ImagePipeline("images", {
                        architecture: "x86" as any,
                        renditionWidths: { huge: 4000 } as any,
                        quality: 0,
                        timeoutSeconds: 1000,
                        maximumEventAgeSeconds: 30,
                        expireUploadsAfterDays: 0,
                        maxInputPixels: 10,
                        webpEffort: 7,
                        cacheControl: "",
                        outputFormats: [],
                        imageSuffixes: [],
                    }),
            );
            expect(message).to.equal(
                [
                    `${subject} values:`,
                    "  - expireUploadsAfterDays: 0 is not an integer from 1 to 3650",
                    "  - renditionWidths.huge: is not a rendition (expected thumbnail, medium or large)",
                    "  - outputFormats: [] is empty: expected at least one format",
                    "  - quality: 0 is not an integer from 1 to 100",
                    "  - webpEffort: 7 is not an integer from 0 to 6",
                    '  - cacheControl: "" is not a Cache-Control value: expected 1 to 256 printable ASCII characters',
                    "  - imageSuffixes: [] is empty: expected at least one suffix",
                    '  - architecture: "x86" is not a Lambda architecture: expected "arm64" or "x86_64"',
                    "  - maxInputPixels: 10 is not an integer from 1000000 to 1000000000",
                    "  - timeoutSeconds: 1000 is not an integer from 10 to 900",
                    "  - maximumEventAgeSeconds: 30 is not an integer from 60 to 21600",
                ].join("\n"),
            );
        });
    });

    describe("pixel and upload limits fit the function's memory (16-bit interlaced PNG: 11 MB per megapixel)", () => {
        const subject = 'ImagePipeline "images": invalid';
        it("derives the default pixel limit from memorySize: 100 MP at 1536 MB, 29 MP at 512 MB", () => {
            expect(resolveImagePipelineArgs("images", {}).maxInputPixels).to.equal(100_000_000);
            expect(resolveImagePipelineArgs("images", { memorySize: 512 }).maxInputPixels).to.equal(29_090_909);
            expect(maxPixelsForMemory(512, 32 * 2 ** 20)).to.equal(29_090_909);
            expect(memoryNeeded(29_090_909, 32 * 2 ** 20)).to.equal(512);
            expect(memoryNeeded(100_000_000, 32 * 2 ** 20)).to.equal(1292);
        });

        it("refuses the issue's 512 MB with 1e9 pixels, naming the memory it would need", async () => {
            const message = await failsBeforeRegistering(
                () => new ImagePipeline("images", { memorySize: 512, maxInputPixels: 1_000_000_000 }),
            );
            expect(message).to.equal(
                `${subject} value:\n  - maxInputPixels: 1000000000 needs 11192 MB of function memory (160 MB + maxUploadBytes in MiB + 11 MB per megapixel, the peak of a 16-bit interlaced PNG), above memorySize 512: raise memorySize or lower maxInputPixels or maxUploadBytes`,
            );
        });

        it("refuses an upload limit the memory cannot hold, and bad values", async () => {
            expect(
                await failsBeforeRegistering(
                    () => new ImagePipeline("images", { memorySize: 512, maxUploadBytes: 2 ** 30 }),
                ),
            ).to.equal(
                `${subject} value:\n  - memorySize: 512 leaves room for 0 pixels with maxUploadBytes 1073741824, under the 1e6 minimum (160 MB + maxUploadBytes in MiB + 11 MB per megapixel, the peak of a 16-bit interlaced PNG): raise memorySize or lower maxUploadBytes`,
            );
            expect(await failsBeforeRegistering(() => new ImagePipeline("images", { maxUploadBytes: 100 }))).to.equal(
                `${subject} value:\n  - maxUploadBytes: 100 is not an integer from 1024 to 5368709120 (bytes)`,
            );
        });

        it("passes the upload limit to the handler and exposes it for presigned POST policies", async () => {
            let pipeline: ImagePipeline | undefined;
            const rec = await record(() => {
                pipeline = new ImagePipeline("images", { maxUploadBytes: 10 * 2 ** 20, memorySize: 2048 });
            });
            const env = configFromEnv(rec.one(T.fn).inputs.environment.variables);
            expect([env.maxUploadBytes, env.maxInputPixels]).to.deep.equal([10 * 2 ** 20, 100_000_000]);
            expect(pipeline!.maxUploadBytes).to.equal(10 * 2 ** 20);
        });
    });

    describe("pure helpers", () => {
        it("defaults resolve to the documented values", () => {
            const s = resolveImagePipelineArgs("images", {});
            expect(s).to.deep.include({
                production: false,
                separateBuckets: false,
                versioning: false,
                forceDestroy: true,
                architecture: "arm64",
                maxInputPixels: 100_000_000,
                maxUploadBytes: 32 * 1024 * 1024,
                webpEffort: 2,
                memorySize: 1536,
                timeoutSeconds: 60,
                maximumRetryAttempts: 2,
                maximumEventAgeSeconds: 3600,
                logRetentionDays: 30,
                quality: 80,
                abortIncompleteMultipartUploadDays: 7,
                reservedConcurrency: undefined,
                expireUploadsAfterDays: undefined,
                handlerBundleDir: defaultBundleDir("arm64"),
            });
            expect(s.renditionWidths).to.deep.equal({ thumbnail: 150, medium: 640, large: 1280 });
            expect(resolveImagePipelineArgs("images", { production: true })).to.deep.include({
                versioning: true,
                forceDestroy: false,
            });
            expect(resolveImagePipelineArgs("images", { production: true, versioning: false }).versioning).to.equal(
                false,
            );
        });

        it("the default suffixes do not overlap (S3 would refuse the notification)", () => {
            expect(overlappingSuffixes(DEFAULT_IMAGE_SUFFIXES)).to.equal(undefined);
            expect(overlappingSuffixes([".jpg", ".x.jpg"])).to.deep.equal([".x.jpg", ".jpg"]);
        });

        it("CORS origins: exact https hosts, one wildcard label, localhost over http; never * or a path", () => {
            for (const ok of [
                "https://app.example.com",
                "https://*.example.com",
                "https://a.b:8443",
                "http://localhost:3000",
            ]) {
                expect(isCorsOrigin(ok), ok).to.equal(true);
            }
            for (const bad of [
                "*",
                "https://*",
                "http://example.com",
                "https://example.com/",
                "ftp://x.y",
                "https://a..b",
            ]) {
                expect(isCorsOrigin(bad), bad).to.equal(false);
            }
            expect(corsRules(["https://a.example"])[0].allowedOrigins).to.deep.equal(["https://a.example"]);
        });

        it("HTTPS endpoints: https only, no credentials in the URL", () => {
            expect(isHttpsEndpoint("https://hooks.example.com/x?y=1")).to.equal(true);
            expect(isHttpsEndpoint("https://u:p@hooks.example.com/x")).to.equal(false);
            expect(isHttpsEndpoint("http://hooks.example.com/x")).to.equal(false);
            expect(isHttpsEndpoint("not a url")).to.equal(false);
        });

        it("lifecycle: only the uploads bucket expires raw uploads; noncurrent rules only with versioning", () => {
            const base = {
                uploadsPrefix: "uploads/",
                expireUploadsAfterDays: 10,
                abortIncompleteMultipartUploadDays: 3,
                noncurrentVersionExpirationDays: 60,
            };
            expect(lifecycleRules({ ...base, holdsUploads: false, versioning: false }).map((r) => r.id)).to.deep.equal([
                "abort-incomplete-multipart-uploads",
            ]);
            const all = lifecycleRules({ ...base, holdsUploads: true, versioning: true });
            expect(all.map((r) => r.id)).to.deep.equal([
                "abort-incomplete-multipart-uploads",
                "expire-raw-uploads",
                "expire-noncurrent-versions",
                "remove-expired-delete-markers",
            ]);
            expect(all[1].expiration).to.deep.equal({ days: 10 });
            expect(all[2].noncurrentVersionExpiration).to.deep.equal({ noncurrentDays: 60 });
        });

        it("role policy: no wildcard action, every resource an exact ARN or a prefix of one bucket", () => {
            const doc = resizerRolePolicy({
                uploadsBucketArn: "arn:aws:s3:::a",
                rendersBucketArn: "arn:aws:s3:::b",
                uploadsPrefix: "uploads/",
                rendersPrefix: "renders/",
                topicArn: "arn:aws:sns:eu-west-1:123456789012:t",
                dlqArn: "arn:aws:sqs:eu-west-1:123456789012:q",
                logGroupArn: "arn:aws:logs:eu-west-1:123456789012:log-group:/g",
            });
            expect(doc.Statement.map((s) => s.Resource)).to.deep.equal([
                "arn:aws:s3:::a/uploads/*",
                "arn:aws:s3:::b/renders/*",
                "arn:aws:s3:::b/renders/*/manifest.json",
                "arn:aws:s3:::b",
                "arn:aws:sns:eu-west-1:123456789012:t",
                "arn:aws:sqs:eu-west-1:123456789012:q",
                "arn:aws:logs:eu-west-1:123456789012:log-group:/g:*",
            ]);
            expect(doc.Statement.every((s) => s.Effect === "Allow")).to.equal(true);
        });

        it("property: the environment the component writes is parsed back by the handler to the same settings", () => {
            fc.assert(
                fc.property(
                    fc.integer({ min: 16, max: 2000 }),
                    fc.integer({ min: 1, max: 2000 }),
                    fc.integer({ min: 1, max: 2000 }),
                    fc.uniqueArray(fc.constantFrom("webp", "jpeg", "avif", "png") as fc.Arbitrary<any>, {
                        minLength: 1,
                        maxLength: 4,
                    }),
                    fc.integer({ min: 1, max: 100 }),
                    fc.integer({ min: 1_000_000, max: 900_000_000 }),
                    fc.integer({ min: 1024, max: 64 * 1024 * 1024 }),
                    fc.integer({ min: 0, max: 6 }),
                    (thumbnail, dm, dl, outputFormats, quality, maxInputPixels, maxUploadBytes, webpEffort) => {
                        const widths = { thumbnail, medium: thumbnail + dm, large: thumbnail + dm + dl };
                        const args: ImagePipelineArgs = {
                            renditionWidths: widths,
                            outputFormats,
                            quality,
                            maxInputPixels,
                            maxUploadBytes,
                            webpEffort,
                            memorySize: 10240,
                        };
                        const s = resolveImagePipelineArgs("images", args);
                        const env = handlerEnvironment({
                            rendersBucket: "images-media-abc1234",
                            topicArn: `arn:aws:sns:${REGION}:${ACCOUNT_ID}:images-topic-abc1234`,
                            uploadsPrefix: "uploads/",
                            rendersPrefix: "renders/",
                            renditionWidths: s.renditionWidths,
                            outputFormats: s.outputFormats,
                            quality: s.quality,
                            cacheControl: s.cacheControl,
                            maxInputPixels: s.maxInputPixels,
                            maxUploadBytes: s.maxUploadBytes,
                            webpEffort: s.webpEffort,
                            deadLetterQueueUrl: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT_ID}/images-dlq-abc1234`,
                        });
                        const parsed = configFromEnv(env);
                        expect(parsed.renditions).to.deep.equal([
                            { name: "thumbnail", width: widths.thumbnail },
                            { name: "medium", width: widths.medium },
                            { name: "large", width: widths.large },
                        ]);
                        expect(parsed.formats).to.deep.equal(outputFormats);
                        expect(parsed.quality).to.equal(quality);
                        expect(parsed.maxInputPixels).to.equal(maxInputPixels);
                        expect(parsed.maxUploadBytes).to.equal(maxUploadBytes);
                        expect(parsed.webpEffort).to.equal(webpEffort);
                        expect(parsed.deadLetterQueueUrl).to.equal(env.DEAD_LETTER_QUEUE_URL);
                    },
                ),
                { numRuns: 50 },
            );
        });

        it("property: any width outside 16..8192 is refused naming the rendition", () => {
            fc.assert(
                fc.property(
                    fc.oneof(fc.integer({ max: 15 }), fc.integer({ min: 8193 }), fc.double({ noInteger: true })),
                    (bad) => {
                        expect(() => resolveImagePipelineArgs("images", { renditionWidths: { large: bad } })).to.throw(
                            /renditionWidths\.large: .* is not an integer from 16 to 8192 \(pixels\)/,
                        );
                    },
                ),
                { numRuns: 50 },
            );
        });
    });
});

import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { nameTags } from "../shared/tags";
import type { LambdaArchitecture } from "./bundle";
import {
    deadLetterQueuePolicy,
    endpointId,
    handlerEnvironment,
    imageTopicPolicy,
    lambdaAssumeRolePolicy,
    lifecycleRules,
    notificationFilters,
    resizerRolePolicy,
    secureTransportBucketPolicy,
} from "./policies";
import { corsRulesFor, type CorsMethod, withExtraStatements } from "./mediaAccess";
import {
    type OutputFormat,
    RENDERS_PREFIX,
    type RenditionWidths,
    resolveImagePipelineArgs,
    type ImagePipelineSettings,
    UPLOADS_PREFIX,
} from "./validation";

/**
 * Arguments of {@link ImagePipeline}. Sizes, counts, enums, lists and the
 * bundle path are plain values (not Outputs) because they are validated
 * before anything is created; ARNs may be Outputs.
 */
export interface ImagePipelineArgs {
    /**
     * Production switch: versioning on by default, buckets registered with
     * `protect` and `retainOnDelete`, `forceDestroy` refused, log retention of
     * at least 30 days.
     * @default false
     */
    readonly production?: boolean;
    /**
     * Keep raw uploads and renditions in two buckets (`<name>-uploads-*` and
     * `<name>-renders-*`) instead of one bucket (`<name>-media-*`) with the
     * `uploads/` and `renders/` prefixes. The prefixes are used either way.
     * @default false
     */
    readonly separateBuckets?: boolean;
    /**
     * S3 versioning on every bucket; noncurrent versions then expire after
     * `noncurrentVersionExpirationDays`.
     * @default production
     */
    readonly versioning?: boolean;
    /**
     * Days a noncurrent object version is kept (only with versioning).
     * @default 30
     */
    readonly noncurrentVersionExpirationDays?: number;
    /**
     * Expire raw uploads (`uploads/`) this many days after they were written;
     * renditions are kept.
     * @default undefined (uploads are kept)
     */
    readonly expireUploadsAfterDays?: number;
    /**
     * Abort (and delete the parts of) incomplete multipart uploads after this
     * many days.
     * @default 7
     */
    readonly abortIncompleteMultipartUploadDays?: number;
    /**
     * Let `pulumi destroy` empty and delete the buckets (otherwise it fails
     * with BucketNotEmpty once any upload exists). Refused with
     * `production: true`.
     * @default !production (dev tears down cleanly; production keeps everything)
     */
    readonly forceDestroy?: boolean;
    /**
     * Customer managed KMS key for the buckets (SSE-KMS with S3 Bucket Keys),
     * in the stack's region; the function may use it through S3 only. A key
     * ARN (`arn:aws:kms:<region>:<account>:key/<id>`), not an alias: the
     * function's IAM policy names this ARN, and IAM never matches a KMS
     * permission on an alias ARN (an alias given as an Output is not caught
     * before deployment). Its key policy must let the account's IAM policies
     * grant use (the default key policy does).
     * @default undefined (SSE-S3, AES-256 with S3-managed keys)
     */
    readonly kmsKeyArn?: pulumi.Input<string>;
    /**
     * Browser origins allowed to upload with presigned URLs (a CORS rule on
     * the uploads bucket: GET, HEAD, PUT, POST). `https://host[:port]`, one
     * leading `*.` allowed; `http://` only for localhost. `*` is refused.
     * Entries may be Outputs (a CloudFront distribution's URL), checked once known.
     * @default [] (no CORS configuration)
     */
    readonly corsAllowedOrigins?: pulumi.Input<string>[];
    /**
     * Methods the CORS rule allows: `["POST"]` fits presigned POST uploads
     * from a site that reads renditions through its own CDN.
     * @default MEDIA_ACCESS_DEFAULTS.corsAllowedMethods (GET, HEAD, PUT, POST)
     */
    readonly corsAllowedMethods?: CorsMethod[];
    /**
     * More statements (JSON, one statement each; undefined entries skipped)
     * for the renditions bucket's policy, after its TLS-only deny: e.g.
     * StaticSite's `mediaReadPolicyStatement`, which lets one distribution
     * read `renders/*` through origin access control. Each needs a unique
     * Sid and Resources inside that bucket.
     * @default [] (the TLS-only deny alone)
     */
    readonly rendersBucketPolicyStatements?: pulumi.Input<string | undefined>[];
    /**
     * Target widths in pixels (16 to 8192, thumbnail < medium < large); the
     * height follows the aspect ratio and images are never enlarged.
     * @default { thumbnail: 150, medium: 640, large: 1280 }
     */
    readonly renditionWidths?: Partial<RenditionWidths>;
    /**
     * Encodings of every rendition, each written as
     * `renders/<path>/<size>.<ext>` (ext: webp, jpg, avif, png; `<path>` is the key
     * under `uploads/` with its extension, next to `manifest.json`).
     * @default ["webp"]
     */
    readonly outputFormats?: OutputFormat[];
    /**
     * Encoder quality, 1 to 100 (WebP, JPEG, AVIF; PNG is lossless).
     * @default 80
     */
    readonly quality?: number;
    /**
     * Cache-Control header stored with every rendition.
     * @default "public, max-age=86400"
     */
    readonly cacheControl?: string;
    /**
     * Key suffixes under `uploads/` that trigger the function (S3 matches
     * them case-sensitively; no suffix may end with another).
     * @default .jpg .jpeg .png .webp .gif .tif .tiff .avif, lower and upper case
     */
    readonly imageSuffixes?: string[];
    /**
     * Images with more pixels are refused from their header (decompression-bomb
     * guard), 1e6 to 1e9. It must fit `memorySize`: memorySize >= 160 MB +
     * maxUploadBytes in MiB + 11 MB per megapixel (the measured peak of a 16-bit
     * interlaced PNG, the worst format); a larger value is refused.
     * @default 100000000, or what memorySize allows when less (29 MP at 512 MB)
     */
    readonly maxInputPixels?: number;
    /**
     * Uploads larger than this many bytes are refused from the event's size,
     * before any download, and go straight to the dead-letter queue; the
     * download stops at this size too. 1024 to 5 GiB. Expose it to the service
     * that presigns uploads (the `maxUploadBytes` output), so its POST policy's
     * `content-length-range` refuses larger files at upload time.
     * @default 33554432 (32 MiB)
     */
    readonly maxUploadBytes?: number;
    /**
     * WebP encoder effort, 0 (fastest) to 6 (smallest files).
     * @default 2 (measured by `npm run bench:images`: see the docs)
     */
    readonly webpEffort?: number;
    /**
     * Instruction set of the function; the handler bundle must match
     * (`npm run build:handler -- --arch x86_64` for x86_64).
     * @default "arm64"
     */
    readonly architecture?: LambdaArchitecture;
    /**
     * Function memory in MB, 512 to 10240 (CPU grows with it: 1769 MB is one vCPU).
     * @default 1536
     */
    readonly memorySize?: number;
    /**
     * Function timeout in seconds, 10 to 900.
     * @default 60
     */
    readonly timeoutSeconds?: number;
    /**
     * Reserved concurrency (also a cap on parallel resizes), 1 to 10000.
     * @default undefined (unreserved: shares the account's pool)
     */
    readonly reservedConcurrency?: number;
    /**
     * Retries of a failed asynchronous invocation (0 to 2) before the event
     * goes to the dead-letter queue.
     * @default 2
     */
    readonly maximumRetryAttempts?: number;
    /**
     * Oldest event age (seconds, 60 to 21600) Lambda still processes; older
     * events go to the dead-letter queue.
     * @default 3600
     */
    readonly maximumEventAgeSeconds?: number;
    /**
     * Retention of the function's log group (a CloudWatch Logs value; at
     * least 30 with production).
     * @default 30
     */
    readonly logRetentionDays?: number;
    /**
     * Email addresses subscribed to the "image rendered" topic (each must
     * confirm the mail AWS sends).
     * @default []
     */
    readonly notificationEmails?: string[];
    /**
     * HTTPS endpoints subscribed to the topic (they must confirm the
     * subscription); URLs with credentials are refused.
     * @default []
     */
    readonly notificationHttpsEndpoints?: string[];
    /**
     * SQS queues (ARNs) subscribed to the topic with raw message delivery.
     * Each queue's policy must let `sns.amazonaws.com` send with
     * `aws:SourceArn` = the `topicArn` output.
     * @default []
     */
    readonly notificationQueueArns?: pulumi.Input<string>[];
    /**
     * Directory of the built handler bundle (index.js, node_modules with
     * sharp for `architecture`, bundle.json); relative paths resolve against
     * the working directory. Built by `npm run build` or `ensureHandlerBundle()`.
     * @default build/image-handler/<architecture> in this package
     */
    readonly handlerBundleDir?: string;
    /**
     * Tags added to every taggable child (next to a `Name` tag).
     * @default {}
     */
    readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

interface BucketSet {
    readonly bucket: aws.s3.Bucket;
    /** Children that must exist before objects flow (policy, encryption ...). */
    readonly controls: pulumi.Resource[];
}

/**
 * Serverless image pipeline: an upload under `uploads/` triggers a Lambda
 * function (sharp, arm64 by default) that writes thumbnail, medium and large
 * renditions under `renders/` and announces them on an encrypted SNS topic;
 * failed events go to an encrypted SQS dead-letter queue after bounded
 * retries. Buckets are private, owner-enforced, encrypted, TLS-only, with
 * lifecycle rules; the function's role reaches exactly its prefixes, topic,
 * queue and log group.
 */
export class ImagePipeline extends pulumi.ComponentResource {
    /** Pulumi type token. */
    public static readonly TYPE = "aws-webapp:index:ImagePipeline";

    /** Name of the bucket receiving uploads (under `uploadsPrefix`). */
    public readonly bucketName: pulumi.Output<string>;
    /** ARN of the bucket receiving uploads. */
    public readonly bucketArn: pulumi.Output<string>;
    /** Name of the bucket holding renditions (the uploads bucket unless separateBuckets). */
    public readonly rendersBucketName: pulumi.Output<string>;
    /** ARN of the bucket holding renditions. */
    public readonly rendersBucketArn: pulumi.Output<string>;
    /** Key prefix of uploads: `uploads/`. */
    public readonly uploadsPrefix: string;
    /** Key prefix of renditions: `renders/` (`renders/<path>/<size>.<ext>`, `renders/<path>/manifest.json`). */
    public readonly rendersPrefix: string;
    /** Name of the resize function (for alarms on Errors/Throttles). */
    public readonly functionName: pulumi.Output<string>;
    /** ARN of the resize function. */
    public readonly functionArn: pulumi.Output<string>;
    /** ARN of the function's execution role. */
    public readonly roleArn: pulumi.Output<string>;
    /** Name of the function's log group. */
    public readonly logGroupName: pulumi.Output<string>;
    /** ARN of the "image rendered" topic (subscribe more consumers to it). */
    public readonly topicArn: pulumi.Output<string>;
    /** Name of the "image rendered" topic. */
    public readonly topicName: pulumi.Output<string>;
    /** Name of the dead-letter queue (alarm on ApproximateNumberOfMessagesVisible). */
    public readonly dlqName: pulumi.Output<string>;
    /** ARN of the dead-letter queue. */
    public readonly dlqArn: pulumi.Output<string>;
    /** URL of the dead-letter queue (to inspect or redrive failed events). */
    public readonly dlqUrl: pulumi.Output<string>;
    /** Largest upload the function accepts, in bytes (for the presigned POST's `content-length-range`). */
    public readonly maxUploadBytes: number;

    constructor(name: string, args: ImagePipelineArgs = {}, opts?: pulumi.ComponentResourceOptions) {
        // Defaults and validation (bundle included) run before super(): super()
        // registers the component itself, and bad input must leave nothing registered.
        const s = resolveImagePipelineArgs(name, args);
        super(ImagePipeline.TYPE, name, {}, opts);

        const child = { parent: this };
        const tags = (n: string) => nameTags(n, args.tags);
        const accountId = aws.getCallerIdentityOutput({}, child).accountId;
        const region = aws.getRegionOutput({}, child).region;

        // Storage.
        const extra = args.rendersBucketPolicyStatements ?? [];
        const uploads = s.separateBuckets
            ? this.bucket(`${name}-uploads`, s, args, { component: name, holdsUploads: true, extra: [] })
            : this.bucket(`${name}-media`, s, args, { component: name, holdsUploads: true, extra });
        const renders = s.separateBuckets
            ? this.bucket(`${name}-renders`, s, args, { component: name, holdsUploads: false, extra })
            : uploads;

        // Notification topic and its subscriptions.
        const topic = new aws.sns.Topic(
            `${name}-topic`,
            { displayName: "Image rendered", kmsMasterKeyId: "alias/aws/sns", tags: tags(`${name}-topic`) },
            child,
        );
        new aws.sns.TopicPolicy(
            `${name}-topic-policy`,
            {
                arn: topic.arn,
                policy: pulumi
                    .all([topic.arn, accountId])
                    .apply(([topicArn, id]) => JSON.stringify(imageTopicPolicy(topicArn, id))),
            },
            child,
        );
        for (const email of s.notificationEmails) {
            new aws.sns.TopicSubscription(
                `${name}-email-${endpointId(email.toLowerCase())}`,
                { topic: topic.arn, protocol: "email", endpoint: email },
                child,
            );
        }
        for (const url of s.notificationHttpsEndpoints) {
            new aws.sns.TopicSubscription(
                `${name}-https-${endpointId(url)}`,
                { topic: topic.arn, protocol: "https", endpoint: url, endpointAutoConfirms: false },
                child,
            );
        }
        (args.notificationQueueArns ?? []).forEach((queueArn, i) => {
            const id = typeof queueArn === "string" ? endpointId(queueArn) : String(i);
            new aws.sns.TopicSubscription(
                `${name}-sqs-${id}`,
                { topic: topic.arn, protocol: "sqs", endpoint: queueArn, rawMessageDelivery: true },
                child,
            );
        });

        // Dead-letter queue for events that still fail after the retries.
        const dlq = new aws.sqs.Queue(
            `${name}-dlq`,
            {
                messageRetentionSeconds: 14 * 24 * 3600,
                sqsManagedSseEnabled: true,
                tags: tags(`${name}-dlq`),
            },
            child,
        );

        // The function's own log group, created before the function so its retention applies from the start.
        const logGroup = new aws.cloudwatch.LogGroup(
            `${name}-logs`,
            {
                name: `/aws/lambda/${pulumi.getProject()}-${pulumi.getStack()}/${name}-resizer`,
                retentionInDays: s.logRetentionDays,
                tags: tags(`${name}-logs`),
            },
            { ...child, deleteBeforeReplace: true },
        );

        const role = new aws.iam.Role(
            `${name}-role`,
            {
                description: `Execution role of the ${name} image resize function`,
                assumeRolePolicy: accountId.apply((id) => JSON.stringify(lambdaAssumeRolePolicy(id))),
                tags: tags(`${name}-role`),
            },
            child,
        );
        const kmsKeyArn = args.kmsKeyArn;
        const rolePolicy = new aws.iam.RolePolicy(
            `${name}-role-policy`,
            {
                role: role.id,
                policy: pulumi
                    .all([uploads.bucket.arn, renders.bucket.arn, topic.arn, dlq.arn, logGroup.arn, kmsKeyArn, region])
                    .apply(([uploadsArn, rendersArn, topicArn, dlqArn, logGroupArn, keyArn, regionName]) =>
                        JSON.stringify(
                            resizerRolePolicy({
                                uploadsBucketArn: uploadsArn,
                                rendersBucketArn: rendersArn,
                                uploadsPrefix: UPLOADS_PREFIX,
                                rendersPrefix: RENDERS_PREFIX,
                                topicArn,
                                dlqArn,
                                logGroupArn,
                                kms: keyArn ? { keyArn, region: regionName } : undefined,
                            }),
                        ),
                    ),
            },
            child,
        );
        const dlqPolicy = new aws.sqs.QueuePolicy(
            `${name}-dlq-policy`,
            {
                queueUrl: dlq.url,
                policy: dlq.arn.apply((queueArn) => JSON.stringify(deadLetterQueuePolicy(queueArn))),
            },
            child,
        );

        const fn = new aws.lambda.Function(
            `${name}-resizer`,
            {
                description: `Resizes ${UPLOADS_PREFIX} images into ${RENDERS_PREFIX} renditions (ImagePipeline ${name})`,
                role: role.arn,
                runtime: aws.lambda.Runtime.NodeJS22dX,
                handler: "index.handler",
                code: new pulumi.asset.FileArchive(s.handlerBundleDir),
                architectures: [s.architecture],
                memorySize: s.memorySize,
                timeout: s.timeoutSeconds,
                reservedConcurrentExecutions: s.reservedConcurrency,
                environment: {
                    variables: pulumi
                        .all([renders.bucket.bucket, topic.arn, dlq.url])
                        .apply(([rendersBucket, topicArn, deadLetterQueueUrl]) =>
                            handlerEnvironment({
                                rendersBucket,
                                topicArn,
                                deadLetterQueueUrl,
                                uploadsPrefix: UPLOADS_PREFIX,
                                rendersPrefix: RENDERS_PREFIX,
                                renditionWidths: s.renditionWidths,
                                outputFormats: s.outputFormats,
                                quality: s.quality,
                                cacheControl: s.cacheControl,
                                maxInputPixels: s.maxInputPixels,
                                maxUploadBytes: s.maxUploadBytes,
                                webpEffort: s.webpEffort,
                            }),
                        ),
                },
                loggingConfig: {
                    logFormat: "JSON",
                    logGroup: logGroup.name,
                    applicationLogLevel: "INFO",
                    systemLogLevel: "WARN",
                },
                tags: tags(`${name}-resizer`),
            },
            { ...child, dependsOn: [logGroup, rolePolicy] },
        );

        // Asynchronous invocations (S3 events): bounded retries, then the dead-letter queue.
        const invokeConfig = new aws.lambda.FunctionEventInvokeConfig(
            `${name}-invoke-config`,
            {
                functionName: fn.name,
                maximumRetryAttempts: s.maximumRetryAttempts,
                maximumEventAgeInSeconds: s.maximumEventAgeSeconds,
                destinationConfig: { onFailure: { destination: dlq.arn } },
            },
            { ...child, dependsOn: [rolePolicy, dlqPolicy] },
        );

        // S3 may invoke the function only for this bucket, in this account.
        const permission = new aws.lambda.Permission(
            `${name}-s3-invoke`,
            {
                action: "lambda:InvokeFunction",
                function: fn.name,
                principal: "s3.amazonaws.com",
                sourceArn: uploads.bucket.arn,
                sourceAccount: accountId,
            },
            child,
        );
        new aws.s3.BucketNotification(
            `${name}-notification`,
            {
                bucket: uploads.bucket.id,
                lambdaFunctions: notificationFilters(s.imageSuffixes, UPLOADS_PREFIX).map((f) => ({
                    ...f,
                    lambdaFunctionArn: fn.arn,
                })),
            },
            // After the invoke config too: no event may be handled with Lambda's defaults and no DLQ.
            { ...child, dependsOn: [permission, invokeConfig, ...uploads.controls] },
        );

        this.bucketName = uploads.bucket.bucket;
        this.bucketArn = uploads.bucket.arn;
        this.rendersBucketName = renders.bucket.bucket;
        this.rendersBucketArn = renders.bucket.arn;
        this.uploadsPrefix = UPLOADS_PREFIX;
        this.rendersPrefix = RENDERS_PREFIX;
        this.functionName = fn.name;
        this.functionArn = fn.arn;
        this.roleArn = role.arn;
        this.logGroupName = logGroup.name;
        this.topicArn = topic.arn;
        this.topicName = topic.name;
        this.dlqName = dlq.name;
        this.dlqArn = dlq.arn;
        this.dlqUrl = dlq.url;
        this.maxUploadBytes = s.maxUploadBytes;
        this.registerOutputs({
            bucketName: this.bucketName,
            bucketArn: this.bucketArn,
            rendersBucketName: this.rendersBucketName,
            rendersBucketArn: this.rendersBucketArn,
            uploadsPrefix: this.uploadsPrefix,
            rendersPrefix: this.rendersPrefix,
            functionName: this.functionName,
            functionArn: this.functionArn,
            roleArn: this.roleArn,
            logGroupName: this.logGroupName,
            topicArn: this.topicArn,
            topicName: this.topicName,
            dlqName: this.dlqName,
            dlqArn: this.dlqArn,
            dlqUrl: this.dlqUrl,
            maxUploadBytes: this.maxUploadBytes,
        });
    }

    /** A private, owner-enforced, encrypted, TLS-only bucket with its lifecycle (and CORS for uploads). */
    private bucket(
        n: string,
        s: ImagePipelineSettings,
        args: ImagePipelineArgs,
        role: {
            readonly component: string;
            readonly holdsUploads: boolean;
            readonly extra: pulumi.Input<string | undefined>[];
        },
    ): BucketSet {
        const holdsUploads = role.holdsUploads;
        const subject = `ImagePipeline "${role.component}"`;
        const child = { parent: this };
        const bucket = new aws.s3.Bucket(
            n,
            { forceDestroy: s.forceDestroy, tags: nameTags(n, args.tags) },
            { ...child, protect: s.production, retainOnDelete: s.production },
        );
        const publicAccessBlock = new aws.s3.BucketPublicAccessBlock(
            `${n}-public-access-block`,
            {
                bucket: bucket.id,
                blockPublicAcls: true,
                blockPublicPolicy: true,
                ignorePublicAcls: true,
                restrictPublicBuckets: true,
            },
            child,
        );
        const ownership = new aws.s3.BucketOwnershipControls(
            `${n}-ownership`,
            { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } },
            child,
        );
        const kmsKeyArn = args.kmsKeyArn;
        const encryption = new aws.s3.BucketServerSideEncryptionConfiguration(
            `${n}-encryption`,
            {
                bucket: bucket.id,
                rules: [
                    kmsKeyArn === undefined
                        ? { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }
                        : {
                              applyServerSideEncryptionByDefault: {
                                  sseAlgorithm: "aws:kms",
                                  kmsMasterKeyId: kmsKeyArn,
                              },
                              bucketKeyEnabled: true,
                          },
                ],
            },
            child,
        );
        // Policy after the public access block: S3 refuses concurrent changes to both.
        const policy = new aws.s3.BucketPolicy(
            `${n}-policy`,
            {
                bucket: bucket.id,
                policy: pulumi
                    .all([bucket.arn, pulumi.all(role.extra)])
                    .apply(([arn, extra]) =>
                        JSON.stringify(withExtraStatements(subject, secureTransportBucketPolicy(arn), arn, extra)),
                    ),
            },
            { ...child, dependsOn: [publicAccessBlock] },
        );
        const controls: pulumi.Resource[] = [publicAccessBlock, ownership, encryption, policy];
        const versioning = s.versioning
            ? new aws.s3.BucketVersioning(
                  `${n}-versioning`,
                  { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } },
                  child,
              )
            : undefined;
        if (versioning) controls.push(versioning);
        new aws.s3.BucketLifecycleConfiguration(
            `${n}-lifecycle`,
            {
                bucket: bucket.id,
                rules: lifecycleRules({
                    holdsUploads,
                    uploadsPrefix: UPLOADS_PREFIX,
                    expireUploadsAfterDays: s.expireUploadsAfterDays,
                    abortIncompleteMultipartUploadDays: s.abortIncompleteMultipartUploadDays,
                    versioning: s.versioning,
                    noncurrentVersionExpirationDays: s.noncurrentVersionExpirationDays,
                }),
            },
            // A lifecycle configuration with noncurrent-version rules needs versioning in place first.
            { ...child, dependsOn: versioning ? [versioning] : [] },
        );
        if (holdsUploads && s.corsAllowedOrigins.length > 0) {
            new aws.s3.BucketCorsConfiguration(
                `${n}-cors`,
                {
                    bucket: bucket.id,
                    corsRules: pulumi
                        .all([...s.corsAllowedOrigins])
                        .apply((origins) => corsRulesFor(subject, origins, s.corsAllowedMethods)),
                },
                child,
            );
        }
        return { bucket, controls };
    }
}

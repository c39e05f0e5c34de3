import { createHash } from "crypto";
import { topicAccessPolicy } from "../shared/topicPolicies";
import type { OutputFormat, RenditionWidths } from "./validation";
import { HANDLER_ENV } from "./handlerEnv";
import { RENDITION_NAMES } from "./validation";
import { type PolicyDocument, policyDocument as doc, type PolicyStatement } from "../shared/iamDocuments";
/** The execution role's trust policy (one definition: components/shared/iamDocuments.ts). */
export { lambdaTrustPolicy as lambdaAssumeRolePolicy } from "../shared/iamDocuments";
export type { PolicyDocument, PolicyStatement };

/**
 * Policy of the "image rendered" topic: publishing without TLS is refused. It
 * grants nothing: the function publishes through its role's IAM policy, and
 * no AWS service publishes here (the shared helper with no publishers).
 */
export function imageTopicPolicy(topicArn: string, accountId: string) {
    return topicAccessPolicy(topicArn, accountId, []);
}

/** What the resize function's role may touch: exact ARNs, nothing else. */
export interface ResizerPermissions {
    /** `arn:aws:s3:::<bucket>` of the bucket holding uploads. */
    readonly uploadsBucketArn: string;
    /** `arn:aws:s3:::<bucket>` of the bucket receiving renditions (the same one by default). */
    readonly rendersBucketArn: string;
    readonly uploadsPrefix: string;
    readonly rendersPrefix: string;
    readonly topicArn: string;
    readonly dlqArn: string;
    /** ARN of the function's log group (without the trailing `:*`). */
    readonly logGroupArn: string;
    /** Customer managed key of the buckets (SSE-KMS), used only through S3 in this region. */
    readonly kms?: { readonly keyArn: string; readonly region: string };
}

/**
 * The execution role's only policy: read uploads, write renditions, publish
 * to the topic, send failed events to the dead-letter queue, write its own
 * log group (and, with SSE-KMS, use the buckets' key through S3 only).
 */
export function resizerRolePolicy(p: ResizerPermissions): PolicyDocument {
    const statements: PolicyStatement[] = [
        {
            Sid: "ReadUploads",
            Effect: "Allow",
            Action: "s3:GetObject",
            Resource: `${p.uploadsBucketArn}/${p.uploadsPrefix}*`,
        },
        {
            Sid: "WriteRenditions",
            Effect: "Allow",
            Action: "s3:PutObject",
            Resource: `${p.rendersBucketArn}/${p.rendersPrefix}*`,
        },
        {
            // Read back a source's manifest (idempotent retries), found by listing its exact key.
            Sid: "ReadRenditionManifests",
            Effect: "Allow",
            Action: "s3:GetObject",
            Resource: `${p.rendersBucketArn}/${p.rendersPrefix}*/manifest.json`,
        },
        {
            Sid: "FindRenditionManifests",
            Effect: "Allow",
            Action: "s3:ListBucket",
            Resource: p.rendersBucketArn,
            Condition: { StringLike: { "s3:prefix": `${p.rendersPrefix}*` } },
        },
        { Sid: "AnnounceRenditions", Effect: "Allow", Action: "sns:Publish", Resource: p.topicArn },
        // Lambda's on-failure destination (transient failures) and the handler itself (permanent ones).
        { Sid: "SendFailedEvents", Effect: "Allow", Action: "sqs:SendMessage", Resource: p.dlqArn },
        {
            Sid: "WriteOwnLogs",
            Effect: "Allow",
            Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
            Resource: `${p.logGroupArn}:*`,
        },
    ];
    if (p.kms) {
        statements.push({
            Sid: "UseBucketKeyThroughS3",
            Effect: "Allow",
            Action: ["kms:Decrypt", "kms:GenerateDataKey"],
            Resource: p.kms.keyArn,
            Condition: { StringEquals: { "kms:ViaService": `s3.${p.kms.region}.amazonaws.com` } },
        });
    }
    return doc(...statements);
}

/** Bucket policy: refuse every request not made over TLS. */
export function secureTransportBucketPolicy(bucketArn: string): PolicyDocument {
    return doc({
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [bucketArn, `${bucketArn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
    });
}

/**
 * Dead-letter queue policy: refuse every request not made over TLS. It grants
 * nothing: within the account, IAM policies decide who may send (the
 * function's role may, through its own policy). It deliberately names no IAM
 * principal: SQS resolves a `Principal` ARN when the policy is set, and a role
 * created moments earlier in the same deployment is often not visible yet
 * (`InvalidAttributeValue: Invalid value for the parameter Policy`, which the
 * provider does not retry), so the first `pulumi up` would fail.
 */
export function deadLetterQueuePolicy(queueArn: string): PolicyDocument {
    return doc({
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "sqs:*",
        Resource: queueArn,
        Condition: { Bool: { "aws:SecureTransport": "false" } },
    });
}

/** One S3 lifecycle rule, in the shape of aws.s3.BucketLifecycleConfiguration's `rules`. */
export interface LifecycleRule {
    readonly id: string;
    readonly status: "Enabled";
    readonly filter: { readonly prefix?: string };
    readonly abortIncompleteMultipartUpload?: { readonly daysAfterInitiation: number };
    readonly expiration?: { readonly days?: number; readonly expiredObjectDeleteMarker?: boolean };
    readonly noncurrentVersionExpiration?: { readonly noncurrentDays: number };
}

export interface LifecycleOptions {
    /** Whether this bucket receives the uploads (the raw-upload expiry applies there). */
    readonly holdsUploads: boolean;
    readonly uploadsPrefix: string;
    readonly expireUploadsAfterDays: number | undefined;
    readonly abortIncompleteMultipartUploadDays: number;
    readonly versioning: boolean;
    readonly noncurrentVersionExpirationDays: number;
}

/** Lifecycle rules of one bucket. */
export function lifecycleRules(o: LifecycleOptions): LifecycleRule[] {
    const rules: LifecycleRule[] = [
        {
            id: "abort-incomplete-multipart-uploads",
            status: "Enabled",
            filter: {},
            abortIncompleteMultipartUpload: { daysAfterInitiation: o.abortIncompleteMultipartUploadDays },
        },
    ];
    if (o.holdsUploads && o.expireUploadsAfterDays !== undefined) {
        rules.push({
            id: "expire-raw-uploads",
            status: "Enabled",
            filter: { prefix: o.uploadsPrefix },
            expiration: { days: o.expireUploadsAfterDays },
        });
    }
    if (o.versioning) {
        rules.push(
            {
                id: "expire-noncurrent-versions",
                status: "Enabled",
                filter: {},
                noncurrentVersionExpiration: { noncurrentDays: o.noncurrentVersionExpirationDays },
            },
            {
                id: "remove-expired-delete-markers",
                status: "Enabled",
                filter: {},
                expiration: { expiredObjectDeleteMarker: true },
            },
        );
    }
    return rules;
}

/** Request headers a browser upload with a presigned URL sends (SDK checksums included). */
export const CORS_ALLOWED_HEADERS = ["content-type", "content-md5", "content-disposition", "cache-control", "x-amz-*"];

/** CORS rule of the uploads bucket for browser uploads (presigned PUT/POST) and downloads. */
export function corsRules(origins: readonly string[]) {
    return [
        {
            id: "browser-uploads",
            allowedMethods: ["GET", "HEAD", "PUT", "POST"],
            allowedOrigins: [...origins],
            allowedHeaders: CORS_ALLOWED_HEADERS,
            exposeHeaders: ["ETag"],
            maxAgeSeconds: 3600,
        },
    ];
}

/** One S3 → Lambda notification per suffix, all under the uploads prefix. */
export function notificationFilters(
    suffixes: readonly string[],
    uploadsPrefix: string,
): { readonly events: string[]; readonly filterPrefix: string; readonly filterSuffix: string }[] {
    return suffixes.map((suffix) => ({
        events: ["s3:ObjectCreated:*"],
        filterPrefix: uploadsPrefix,
        filterSuffix: suffix,
    }));
}

export { HANDLER_ENV };

export interface HandlerEnvironmentInput {
    readonly rendersBucket: string;
    readonly topicArn: string;
    readonly uploadsPrefix: string;
    readonly rendersPrefix: string;
    readonly renditionWidths: RenditionWidths;
    readonly outputFormats: readonly OutputFormat[];
    readonly quality: number;
    readonly cacheControl: string;
    readonly maxInputPixels: number;
    readonly maxUploadBytes: number;
    readonly webpEffort: number;
    readonly deadLetterQueueUrl: string;
}

/** The function's environment (no secret in it: names, ARNs and sizes). */
export function handlerEnvironment(e: HandlerEnvironmentInput): Record<string, string> {
    return {
        [HANDLER_ENV.rendersBucket]: e.rendersBucket,
        [HANDLER_ENV.topicArn]: e.topicArn,
        [HANDLER_ENV.uploadsPrefix]: e.uploadsPrefix,
        [HANDLER_ENV.rendersPrefix]: e.rendersPrefix,
        [HANDLER_ENV.renditions]: RENDITION_NAMES.map((n) => `${n}:${e.renditionWidths[n]}`).join(","),
        [HANDLER_ENV.formats]: e.outputFormats.join(","),
        [HANDLER_ENV.quality]: String(e.quality),
        [HANDLER_ENV.cacheControl]: e.cacheControl,
        [HANDLER_ENV.maxInputPixels]: String(e.maxInputPixels),
        [HANDLER_ENV.maxUploadBytes]: String(e.maxUploadBytes),
        [HANDLER_ENV.webpEffort]: String(e.webpEffort),
        [HANDLER_ENV.deadLetterQueueUrl]: e.deadLetterQueueUrl,
    };
}

/** Stable child-name suffix for a subscription endpoint (order of the list does not matter). */
export function endpointId(endpoint: string): string {
    return createHash("sha256").update(endpoint).digest("hex").slice(0, 8);
}

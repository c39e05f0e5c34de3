// Bucket policies of the site: TLS only, and reads by this distribution only (origin access control).

/** An S3 bucket policy statement as AWS renders it. */
export interface BucketPolicyStatement {
    readonly Sid: string;
    readonly Effect: "Allow" | "Deny";
    readonly Principal: "*" | Readonly<Record<string, string>>;
    readonly Action: string;
    readonly Resource: string | readonly string[];
    readonly Condition: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

export interface BucketPolicyDocument {
    readonly Version: "2012-10-17";
    readonly Statement: readonly BucketPolicyStatement[];
}

/** Where CloudFront reads: a bucket, optionally one key prefix of it, for one distribution. */
export interface CloudFrontReadGrant {
    /** `arn:aws:s3:::<bucket>` */
    readonly bucketArn: string;
    /** ARN of the distribution (`arn:aws:cloudfront::<account>:distribution/<id>`). */
    readonly distributionArn: string;
    /** Key prefix CloudFront may read (e.g. `renders/`); "" for the whole bucket. */
    readonly prefix?: string;
    /** Statement id. @default "AllowCloudFrontRead" */
    readonly sid?: string;
}

/**
 * The statement that lets CloudFront's service principal read objects
 * through origin access control, for this distribution only (the
 * `AWS:SourceArn` condition keeps another account's distribution, which
 * signs as the same principal, out: the confused-deputy guard). Add it to
 * the policy of a bucket served by the distribution (the media bucket of an
 * ImagePipeline).
 */
export function cloudFrontReadStatement(grant: CloudFrontReadGrant): BucketPolicyStatement {
    return {
        Sid: grant.sid ?? "AllowCloudFrontRead",
        Effect: "Allow",
        Principal: { Service: "cloudfront.amazonaws.com" },
        Action: "s3:GetObject",
        Resource: `${grant.bucketArn}/${grant.prefix ?? ""}*`,
        Condition: { StringEquals: { "AWS:SourceArn": grant.distributionArn } },
    };
}

/** Refuses every request to the bucket that is not made over TLS. */
export function denyInsecureTransportStatement(bucketArn: string): BucketPolicyStatement {
    return {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [bucketArn, `${bucketArn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
    };
}

/** The site bucket's policy: TLS only; objects readable by the distribution only. */
export function siteBucketPolicy(bucketArn: string, distributionArn: string): BucketPolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [denyInsecureTransportStatement(bucketArn), cloudFrontReadStatement({ bucketArn, distributionArn })],
    };
}

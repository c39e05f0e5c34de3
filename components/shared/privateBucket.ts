/**
 * The library's private S3 bucket: no public access, objects owned by the
 * bucket owner (ACLs off), SSE-S3 encryption by default. Children are
 * `<n>`, `<n>-public-access-block`, `<n>-ownership` and `<n>-encryption`;
 * the caller adds the bucket policy (after `publicAccessBlock`: a policy is
 * rejected while BlockPublicPolicy is being set up).
 */
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { nameTags } from "./tags";

export interface PrivateBucket {
    readonly bucket: aws.s3.Bucket;
    readonly publicAccessBlock: aws.s3.BucketPublicAccessBlock;
    readonly encryption: aws.s3.BucketServerSideEncryptionConfiguration;
}

/** Registers the bucket `n` and its access block, ownership and encryption settings. */
export function privateBucket(
    n: string,
    s: { readonly forceDestroy: boolean },
    tags: pulumi.Input<Record<string, pulumi.Input<string>>> | undefined,
    opts: pulumi.CustomResourceOptions,
    bucketOpts: pulumi.CustomResourceOptions = {},
): PrivateBucket {
    const bucket = new aws.s3.Bucket(
        n,
        { forceDestroy: s.forceDestroy, tags: nameTags(n, tags) },
        { ...opts, ...bucketOpts },
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
        opts,
    );
    new aws.s3.BucketOwnershipControls(
        `${n}-ownership`,
        { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } },
        opts,
    );
    const encryption = new aws.s3.BucketServerSideEncryptionConfiguration(
        `${n}-encryption`,
        { bucket: bucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] },
        opts,
    );
    return { bucket, publicAccessBlock, encryption };
}

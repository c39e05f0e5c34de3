/**
 * The locked-down access-log bucket a WebLoadBalancer creates when access logs
 * are on and no bucket is given: no public access, owner-enforced objects,
 * SSE-S3 (the only encryption ALB log delivery supports), expiry, and a policy
 * that admits only ELB log delivery under the prefix, over TLS.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { nameTags } from "../shared/tags";
import { accessLogsBucketPolicy, elbLogDeliveryAccountArn } from "./policies";

export function createAccessLogsBucket(
    name: string,
    opts: pulumi.CustomResourceOptions,
    s: { readonly forceDestroy: boolean; readonly accessLogsPrefix: string; readonly accessLogsRetentionDays: number },
    tags: pulumi.Input<Record<string, pulumi.Input<string>>> | undefined,
): { bucket: aws.s3.Bucket; policy: aws.s3.BucketPolicy } {
    const bucket = new aws.s3.Bucket(
        `${name}-alb-logs`,
        { forceDestroy: s.forceDestroy, tags: nameTags(`${name}-alb-logs`, tags) },
        opts,
    );
    const publicAccess = new aws.s3.BucketPublicAccessBlock(
        `${name}-alb-logs-pab`,
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
        `${name}-alb-logs-ownership`,
        { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } },
        opts,
    );
    // ALB access logs support SSE-S3 only (not SSE-KMS).
    new aws.s3.BucketServerSideEncryptionConfiguration(
        `${name}-alb-logs-sse`,
        { bucket: bucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] },
        opts,
    );
    new aws.s3.BucketLifecycleConfiguration(
        `${name}-alb-logs-lifecycle`,
        {
            bucket: bucket.id,
            rules: [
                {
                    id: "expire-access-logs",
                    status: "Enabled",
                    filter: { prefix: `${s.accessLogsPrefix}/` },
                    expiration: { days: s.accessLogsRetentionDays },
                },
                {
                    id: "abort-incomplete-uploads",
                    status: "Enabled",
                    filter: {},
                    abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
                },
            ],
        },
        opts,
    );
    // Not aws.elb.getServiceAccount: it fails in regions opened since August
    // 2022, which have no ELB account (only the log-delivery service principal).
    const invoke = { parent: opts.parent };
    const identity = aws.getCallerIdentityOutput({}, invoke);
    const partition = aws.getPartitionOutput({}, invoke).partition;
    const region = aws.getRegionOutput({}, invoke).region;
    const policy = new aws.s3.BucketPolicy(
        `${name}-alb-logs-policy`,
        {
            bucket: bucket.id,
            policy: pulumi
                .all([bucket.arn, identity.accountId, partition, region])
                .apply(([bucketArn, accountId, p, r]) =>
                    JSON.stringify(
                        accessLogsBucketPolicy({
                            bucketArn,
                            prefix: s.accessLogsPrefix,
                            accountId,
                            partition: p,
                            region: r,
                            elbAccountArn: elbLogDeliveryAccountArn(p, r),
                        }),
                    ),
                ),
        },
        // A policy is rejected while BlockPublicPolicy is being set up; order them.
        { ...opts, dependsOn: [publicAccess] },
    );
    return { bucket, policy };
}

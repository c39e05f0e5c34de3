/** S3: every bucket has a public access block with all four settings on; EFS encrypted with KMS. */
import * as aws from "@pulumi/aws";
import { ResourceValidationPolicy, StackValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { typeToken } from "../support/types";

const SETTINGS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"] as const;
const BUCKETS = [typeToken(aws.s3.Bucket), typeToken(aws.s3.BucketV2)];
const BLOCK = typeToken(aws.s3.BucketPublicAccessBlock);

/** The settings of a public access block that are not `true`. */
export function weakSettings(props: Record<string, unknown>): string[] {
    return SETTINGS.filter((s) => props[s] !== true);
}

export const s3PublicAccessBlocked: ResourceValidationPolicy = {
    name: "s3-public-access-block-all-true",
    description: "S3 public access blocks (bucket and account) turn on all four settings.",
    severity: "critical",
    validateResource: [
        validateResourceOfType(aws.s3.BucketPublicAccessBlock, (block, _args, reportViolation) => {
            const weak = weakSettings(block as Record<string, unknown>);
            if (weak.length > 0) reportViolation(`${weak.join(", ")} must be true: the bucket must never be public`);
        }),
        validateResourceOfType(aws.s3.AccountPublicAccessBlock, (block, _args, reportViolation) => {
            const weak = weakSettings(block as Record<string, unknown>);
            if (weak.length > 0) reportViolation(`${weak.join(", ")} must be true for the account`);
        }),
    ],
};

export const s3BucketsHavePublicAccessBlock: StackValidationPolicy = {
    name: "s3-buckets-have-public-access-block",
    description: "Every S3 bucket the stack creates has its own public access block.",
    severity: "high",
    validateStack: (args, reportViolation) => {
        const blocks = args.resources.filter((r) => r.type === BLOCK);
        for (const bucket of args.resources.filter((r) => BUCKETS.includes(r.type))) {
            const names = [bucket.props.id, bucket.props.bucket].filter((n) => typeof n === "string" && n !== "");
            const covered = blocks.some(
                (b) => names.includes(b.props.bucket) || (b.dependencies ?? []).some((d) => d.urn === bucket.urn),
            );
            if (!covered) {
                reportViolation(`bucket ${bucket.name} has no aws.s3.BucketPublicAccessBlock`, bucket.urn);
            }
        }
    },
};

/** EFS file systems encrypt their data with a KMS key. */
export const efsEncrypted: ResourceValidationPolicy = {
    name: "efs-encrypted",
    description: "EFS file systems are encrypted at rest with a KMS key.",
    severity: "high",
    validateResource: validateResourceOfType(aws.efs.FileSystem, (fs, _args, reportViolation) => {
        if (fs.encrypted !== true || typeof fs.kmsKeyId !== "string" || fs.kmsKeyId === "") {
            reportViolation("encrypted is not true or no kmsKeyId: the file system must have a KMS key defined");
        }
    }),
};

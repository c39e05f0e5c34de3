/**
 * The access-log bucket policy of an Application Load Balancer, as a pure
 * function of plain ARNs, and the table of ELB log-delivery accounts it needs.
 */
import { policyDocument as doc, type PolicyDocument, type PolicyStatement } from "../shared/policyDocument";

/**
 * Elastic Load Balancing's log-delivery account of each region opened before
 * August 2022 (AWS's ALB access-log documentation). Regions opened since have
 * none: there, only the `logdelivery.elasticloadbalancing.amazonaws.com`
 * service principal delivers (and `aws.elb.getServiceAccount` fails with
 * "Unknown region", which is why this table is kept here).
 */
export const ELB_LOG_DELIVERY_ACCOUNTS: Readonly<Record<string, string>> = {
    "us-east-1": "127311923021",
    "us-east-2": "033677994240",
    "us-west-1": "027434742980",
    "us-west-2": "797873946194",
    "af-south-1": "098369216593",
    "ap-east-1": "754344448648",
    "ap-south-1": "718504428378",
    "ap-northeast-1": "582318560864",
    "ap-northeast-2": "600734575887",
    "ap-northeast-3": "383597477331",
    "ap-southeast-1": "114774131450",
    "ap-southeast-2": "783225319266",
    "ap-southeast-3": "589379963580",
    "ca-central-1": "985666609251",
    "eu-central-1": "054676820928",
    "eu-west-1": "156460612806",
    "eu-west-2": "652711504416",
    "eu-west-3": "009996457667",
    "eu-south-1": "635631232127",
    "eu-north-1": "897822967062",
    "me-south-1": "076674570225",
    "sa-east-1": "507241528517",
    "us-gov-west-1": "048591011584",
    "us-gov-east-1": "190560391635",
    "cn-north-1": "638102146993",
    "cn-northwest-1": "037604701340",
};

/** ARN of the region's ELB log-delivery account, or undefined in a region opened since August 2022. */
export function elbLogDeliveryAccountArn(partition: string, region: string): string | undefined {
    const account = ELB_LOG_DELIVERY_ACCOUNTS[region];
    return account === undefined ? undefined : `arn:${partition}:iam::${account}:root`;
}

export interface AccessLogsBucketInputs {
    readonly bucketArn: string;
    readonly prefix: string;
    readonly accountId: string;
    /** Partition and region of the load balancers (the log-delivery principal's confused-deputy condition). */
    readonly partition: string;
    readonly region: string;
    /** The region's ELB log-delivery account ({@link elbLogDeliveryAccountArn}); none in newer regions. */
    readonly elbAccountArn: string | undefined;
}

/**
 * Bucket policy for ALB access logs: only the load balancer log delivery may
 * write, only under `<prefix>/AWSLogs/<account>/`, and nothing is served over
 * plain HTTP.
 */
export function accessLogsBucketPolicy(i: AccessLogsBucketInputs): PolicyDocument {
    const logs = `${i.bucketArn}/${i.prefix}/AWSLogs/${i.accountId}/*`;
    const legacy: PolicyStatement[] =
        i.elbAccountArn === undefined
            ? []
            : [
                  {
                      // Regions launched before August 2022 deliver as the regional ELB account.
                      Sid: "ElbAccountWritesLogs",
                      Effect: "Allow",
                      Principal: { AWS: i.elbAccountArn },
                      Action: "s3:PutObject",
                      Resource: logs,
                  },
              ];
    return doc([
        ...legacy,
        {
            // Newer regions (and, increasingly, all) deliver as this service principal.
            Sid: "ElbLogDeliveryWritesLogs",
            Effect: "Allow",
            Principal: { Service: "logdelivery.elasticloadbalancing.amazonaws.com" },
            Action: "s3:PutObject",
            Resource: logs,
            // Confused-deputy guard: only deliveries for this account's load balancers in this region.
            Condition: {
                StringEquals: { "aws:SourceAccount": i.accountId },
                ArnLike: {
                    "aws:SourceArn": `arn:${i.partition}:elasticloadbalancing:${i.region}:${i.accountId}:loadbalancer/*`,
                },
            },
        },
        {
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:*",
            Resource: [i.bucketArn, `${i.bucketArn}/*`],
            Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
    ]);
}

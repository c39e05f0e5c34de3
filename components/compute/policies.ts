/**
 * IAM and bucket policy documents of the compute tier, as pure functions of
 * plain ARNs so they can be asserted exactly in tests. Every statement is
 * scoped to exact resources; the one `"*"` resource is
 * `ecr:GetAuthorizationToken`, an action that supports no other resource.
 */
import { secretResourceArn } from "./validation";

export interface PolicyStatement {
    Sid?: string;
    Effect: "Allow" | "Deny";
    Principal?: Record<string, string | string[]> | "*";
    Action: string | string[];
    /** Absent in trust policies. */
    Resource?: string | string[];
    Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
    Version: "2012-10-17";
    Statement: PolicyStatement[];
}

function doc(statements: PolicyStatement[]): PolicyDocument {
    return { Version: "2012-10-17", Statement: statements };
}

/** Where a role's trust policy is evaluated. */
export interface Scope {
    readonly partition: string;
    readonly region: string;
    readonly accountId: string;
}

/**
 * Trust policy for ECS task and execution roles: only ECS tasks of this
 * account and region may assume them (confused-deputy guard).
 */
export function ecsTasksTrustPolicy(scope: Scope): PolicyDocument {
    return trust("ecs-tasks.amazonaws.com", {
        ArnLike: { "aws:SourceArn": `arn:${scope.partition}:ecs:${scope.region}:${scope.accountId}:*` },
        StringEquals: { "aws:SourceAccount": scope.accountId },
    });
}

/** Trust policy for the container instance role (EC2). */
export function ec2TrustPolicy(): PolicyDocument {
    return trust("ec2.amazonaws.com");
}

function trust(service: string, condition?: PolicyStatement["Condition"]): PolicyDocument {
    const statement: PolicyStatement = {
        Effect: "Allow",
        Principal: { Service: service },
        Action: "sts:AssumeRole",
    };
    if (condition) statement.Condition = condition;
    // Trust policies carry no Resource element.
    return doc([statement]);
}

/** AWS managed policies of the container instance role. */
export function instanceManagedPolicyArns(partition: string): string[] {
    return [
        // Registers the instance with the cluster and lets the ECS agent work.
        `arn:${partition}:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role`,
        // Session Manager shell access instead of SSH (no key pair, no port 22).
        `arn:${partition}:iam::aws:policy/AmazonSSMManagedInstanceCore`,
    ];
}

export interface ExecutionRoleInputs {
    readonly repositoryArn: string;
    /** Log group ARN without the `:*` suffix. */
    readonly logGroupArn: string;
    /** `valueFrom` of every injected secret (a JSON-key suffix is allowed). */
    readonly secretValueFroms: readonly string[];
    /** Customer managed KMS keys encrypting those secrets (none for the AWS managed key). */
    readonly secretKmsKeyArns: readonly string[];
    readonly region: string;
}

/**
 * The task execution role's permissions, used by the ECS agent on the
 * instance to start the task: pull from the one repository, read only the
 * listed secrets, write only to the one log group.
 */
export function executionRolePolicy(i: ExecutionRoleInputs): PolicyDocument {
    const statements: PolicyStatement[] = [
        {
            Sid: "EcrAuthorizationToken",
            Effect: "Allow",
            // ecr:GetAuthorizationToken supports no resource-level permission:
            // IAM only accepts "*" for it. It returns a registry login token and
            // grants no access to any image by itself; pulls are limited below.
            Action: ["ecr:GetAuthorizationToken"],
            Resource: "*",
        },
        {
            Sid: "EcrPullRepository",
            Effect: "Allow",
            Action: ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
            Resource: i.repositoryArn,
        },
        {
            Sid: "WriteLogGroup",
            Effect: "Allow",
            Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
            Resource: `${i.logGroupArn}:*`,
        },
    ];
    const secretArns = [...new Set(i.secretValueFroms.map(secretResourceArn))].sort();
    if (secretArns.length > 0) {
        statements.push({
            Sid: "ReadListedSecrets",
            Effect: "Allow",
            Action: ["secretsmanager:GetSecretValue"],
            Resource: secretArns,
        });
    }
    const keys = [...new Set(i.secretKmsKeyArns)].sort();
    if (keys.length > 0) {
        statements.push({
            Sid: "DecryptListedSecrets",
            Effect: "Allow",
            Action: ["kms:Decrypt"],
            Resource: keys,
            Condition: { StringEquals: { "kms:ViaService": `secretsmanager.${i.region}.amazonaws.com` } },
        });
    }
    return doc(statements);
}

/** One application permission, with its resources resolved. */
export interface ResolvedStatement {
    readonly sid?: string;
    readonly actions: readonly string[];
    readonly resources: readonly string[];
}

/** The task role's policy: exactly the application's statements, or undefined when there are none. */
export function taskRolePolicy(statements: readonly ResolvedStatement[]): PolicyDocument | undefined {
    if (statements.length === 0) return undefined;
    return doc(
        statements.map((s, i) => ({
            Sid: s.sid ?? `App${i}`,
            Effect: "Allow" as const,
            Action: [...s.actions],
            Resource: s.resources.length === 1 ? s.resources[0] : [...s.resources],
        })),
    );
}

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

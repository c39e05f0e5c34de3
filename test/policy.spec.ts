import { mocksReady, Recording, Registration } from "./harness/mocks";
import { evaluateStack } from "./harness/stack";
import { expect } from "chai";
import type {
    Policy,
    PolicyResource,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationPolicy,
} from "@pulumi/policy";
import { PACK_NAME, packArgs, policies } from "../policy/policies";
import { isProduction, stackOfUrn } from "../policy/support/environment";
import { adminStatements } from "../policy/support/documents";
import { isModernTlsPolicy } from "../policy/rules/tls";

/**
 * Runs the pack's policies the way the Pulumi engine does, without the CLI:
 * resource policies get each resource's inputs (what `analyze` receives),
 * stack policies get every resource's outputs with their dependencies (what
 * `analyzeStack` receives). The args mirror @pulumi/policy's server: the
 * `isType` test on the type token, `notApplicable` that throws.
 */
class NotApplicable extends Error {}
const notApplicable = (reason?: string): never => {
    throw new NotApplicable(reason);
};
/** @pulumi/policy's proxy that throws on unknown values, as the engine wraps props. */
const { unknownCheckingProxy } = require("@pulumi/policy/proxy") as { unknownCheckingProxy<T>(v: T): T };

const isTypeOf = (type: string) => (cls: unknown) =>
    (cls as { __pulumiType?: string }).__pulumiType === type ||
    (cls as { isInstance?: (o: unknown) => boolean }).isInstance?.({ __pulumiType: type }) === true;

/** What a policy sees of a resource: type, name, URN and properties. */
export interface ResourceView {
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    readonly props: Record<string, any>;
    readonly protect?: boolean;
    readonly parent?: string;
    readonly dependencies?: string[];
}

const urnOf = (stack: string, type: string, name: string) => `urn:pulumi:${stack}::aws-webapp::${type}::${name}`;

/** A registration as the engine shows it to resource policies (inputs) and stack policies (outputs + id). */
function inputView(r: Registration): ResourceView {
    return { ...r, props: r.inputs, dependencies: r.dependencies };
}
function outputView(r: Registration): ResourceView {
    return { ...r, props: r.custom ? { ...r.state, id: r.id } : {}, dependencies: r.dependencies };
}

function resourceArgs(v: ResourceView): ResourceValidationArgs {
    const props = unknownCheckingProxy(v.props);
    return {
        type: v.type,
        props,
        urn: v.urn,
        name: v.name,
        opts: {
            protect: v.protect ?? false,
            ignoreChanges: [],
            aliases: [],
            customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
            additionalSecretOutputs: [],
            parent: v.parent,
        },
        stackTags: new Map(),
        isType: isTypeOf(v.type) as ResourceValidationArgs["isType"],
        asType: ((cls: unknown) => (isTypeOf(v.type)(cls) ? props : undefined)) as ResourceValidationArgs["asType"],
        getConfig: <T extends object>() => ({}) as T,
        notApplicable,
    };
}

function policyResources(views: ResourceView[]): PolicyResource[] {
    const byUrn = new Map<string, PolicyResource>();
    const list = views.map((v) => {
        const r = {
            type: v.type,
            props: v.props,
            urn: v.urn,
            name: v.name,
            opts: resourceArgs(v).opts,
            dependencies: [] as PolicyResource[],
            propertyDependencies: {},
            isType: isTypeOf(v.type),
            asType: (cls: unknown) => (isTypeOf(v.type)(cls) ? v.props : undefined),
        } as unknown as PolicyResource;
        byUrn.set(v.urn, r);
        return r;
    });
    views.forEach((v, i) => {
        list[i].dependencies = (v.dependencies ?? []).map((u) => byUrn.get(u)).filter((d) => d !== undefined);
        if (v.parent) list[i].parent = byUrn.get(v.parent);
    });
    return list;
}

/** One reported violation: policy, resource and message. */
interface Violation {
    readonly policy: string;
    readonly resource: string;
    readonly message: string;
}

const isResourcePolicy = (p: Policy): p is ResourceValidationPolicy =>
    (p as ResourceValidationPolicy).validateResource !== undefined;
const isStackPolicy = (p: Policy): p is StackValidationPolicy =>
    (p as StackValidationPolicy).validateStack !== undefined;

/** Runs one resource policy over one resource; [] when it passes or does not apply. */
async function checkResource(policy: ResourceValidationPolicy, v: ResourceView): Promise<Violation[]> {
    const found: Violation[] = [];
    const validations = ([] as unknown[]).concat(policy.validateResource) as ((
        a: ResourceValidationArgs,
        r: (m: string) => void,
    ) => unknown)[];
    for (const validate of validations) {
        try {
            await validate(resourceArgs(v), (message) =>
                found.push({ policy: policy.name, resource: v.name, message }),
            );
        } catch (e) {
            if (!(e instanceof NotApplicable)) throw e;
        }
    }
    return found;
}

/** Runs one stack policy over a set of resources (outputs). */
async function checkStack(policy: StackValidationPolicy, views: ResourceView[]): Promise<Violation[]> {
    const found: Violation[] = [];
    const resources = policyResources(views);
    const names = new Map(views.map((v) => [v.urn, v.name]));
    try {
        await policy.validateStack(
            { resources, stackTags: new Map(), getConfig: <T extends object>() => ({}) as T, notApplicable },
            (message, urn) => found.push({ policy: policy.name, resource: names.get(urn ?? "") ?? "", message }),
        );
    } catch (e) {
        if (!(e instanceof NotApplicable)) throw e;
    }
    return found;
}

/** Every policy of the pack over a whole recording. */
async function checkRecording(rec: Recording): Promise<{ violations: Violation[]; applied: Set<string> }> {
    const violations: Violation[] = [];
    const applied = new Set<string>();
    for (const p of policies) {
        if (isResourcePolicy(p)) {
            for (const r of rec.resources) {
                const v = inputView(r);
                const before = violations.length;
                violations.push(...(await checkResource(p, v)));
                if (violations.length === before && (await appliesTo(p, v))) applied.add(p.name);
            }
        } else if (isStackPolicy(p)) {
            violations.push(...(await checkStack(p, rec.resources.map(outputView))));
        }
    }
    return { violations, applied };
}

/** True when some validation of the policy did not declare itself not applicable. */
async function appliesTo(policy: ResourceValidationPolicy, v: ResourceView): Promise<boolean> {
    const validations = ([] as unknown[]).concat(policy.validateResource) as ((
        a: ResourceValidationArgs,
        r: (m: string) => void,
    ) => unknown)[];
    for (const validate of validations) {
        try {
            await validate(resourceArgs(v), () => undefined);
            return true;
        } catch (e) {
            if (!(e instanceof NotApplicable)) throw e;
        }
    }
    return false;
}

const policyNamed = (name: string): Policy => {
    const p = policies.find((x) => x.name === name);
    if (!p) throw new Error(`no policy ${name} in the pack`);
    return p;
};

/** Runs the named policy (resource or stack kind) over views. */
async function run(name: string, views: ResourceView[]): Promise<Violation[]> {
    const p = policyNamed(name);
    if (isStackPolicy(p)) return checkStack(p, views);
    const out: Violation[] = [];
    for (const v of views) out.push(...(await checkResource(p as ResourceValidationPolicy, v)));
    return out;
}

/** A resource for the deliberately bad (and good) cases. */
const res = (type: string, name: string, props: Record<string, any>, stack = "dev", deps: string[] = []) => ({
    type,
    name,
    urn: urnOf(stack, type, name),
    props,
    dependencies: deps,
});

const T = {
    sg: "aws:ec2/securityGroup:SecurityGroup",
    sgRule: "aws:ec2/securityGroupRule:SecurityGroupRule",
    ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    lb: "aws:lb/loadBalancer:LoadBalancer",
    listener: "aws:lb/listener:Listener",
    rds: "aws:rds/instance:Instance",
    cluster: "aws:rds/cluster:Cluster",
    block: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    bucket: "aws:s3/bucket:Bucket",
    lt: "aws:ec2/launchTemplate:LaunchTemplate",
    volume: "aws:ebs/volume:Volume",
    instance: "aws:ec2/instance:Instance",
    policy: "aws:iam/policy:Policy",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    role: "aws:iam/role:Role",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    topic: "aws:sns/topic:Topic",
    queue: "aws:sqs/queue:Queue",
    key: "aws:kms/key:Key",
    table: "aws:dynamodb/table:Table",
    mapping: "aws:lambda/eventSourceMapping:EventSourceMapping",
    efs: "aws:efs/fileSystem:FileSystem",
    pool: "aws:cognito/userPool:UserPool",
    client: "aws:cognito/userPoolClient:UserPoolClient",
};

/** The SPA client UserAuth makes: public, code flow, callbacks. */
const SPA_CLIENT = {
    userPoolId: "us-east-1_x",
    generateSecret: false,
    allowedOauthFlowsUserPoolClient: true,
    allowedOauthFlows: ["code"],
    callbackUrls: ["https://app.example.com/"],
};

const ADMIN = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] });
const SCOPED = JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: ["s3:GetObject"], Resource: "arn:aws:s3:::b/*" }],
});
const GOOD_LT = {
    metadataOptions: { httpTokens: "required" },
    blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "true", volumeSize: 30 } }],
};
const LB_ARN = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/1";

/**
 * Deliberately bad resources: each makes exactly the named policy fail with
 * a message that says what is wrong. Every policy of the pack has one.
 */
const BAD: { policy: string; what: string; views: ResourceView[]; message: RegExp }[] = [
    {
        policy: "cognito-no-implicit-grant",
        what: "an app client allowing the implicit grant",
        views: [res(T.client, "spa", { ...SPA_CLIENT, allowedOauthFlows: ["code", "implicit"] })],
        message: /allowedOauthFlows includes "implicit"/,
    },
    {
        policy: "cognito-browser-client-no-secret",
        what: "a browser client with a client secret",
        views: [res(T.client, "spa", { ...SPA_CLIENT, generateSecret: true })],
        message: /generateSecret is true on a browser client/,
    },
    {
        policy: "cognito-production-deletion-protection",
        what: "a production user pool without deletion protection",
        views: [res(T.pool, "pool", { deletionProtection: "INACTIVE" }, "prod")],
        message: /deletionProtection must be "ACTIVE"/,
    },
    {
        policy: "no-internet-ingress-except-web",
        what: "SSH open to the internet (inline rule)",
        views: [
            res(T.sg, "ssh", {
                ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] }],
            }),
        ],
        message: /admits 0\.0\.0\.0\/0 on tcp 22: only the load balancer may accept internet traffic/,
    },
    {
        policy: "no-internet-ingress-except-web",
        what: "all traffic from ::/0 (vpc ingress rule)",
        views: [res(T.ingress, "all", { ipProtocol: "-1", cidrIpv6: "::/0", securityGroupId: "sg-1" })],
        message: /admits ::\/0 on all traffic/,
    },
    {
        policy: "no-internet-ingress-except-web",
        what: "PostgreSQL open to the internet (security group rule)",
        views: [
            res(T.sgRule, "pg", {
                type: "ingress",
                protocol: "tcp",
                fromPort: 5432,
                toPort: 5432,
                cidrBlocks: ["0.0.0.0/0"],
                securityGroupId: "sg-1",
            }),
        ],
        message: /admits 0\.0\.0\.0\/0 on tcp 5432/,
    },
    {
        policy: "internet-ingress-only-on-load-balancer",
        what: "443 open on a group no load balancer uses",
        views: [
            res(T.sg, "app", {
                id: "sg-app",
                ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] }],
            }),
            res(T.lb, "internal", { internal: true, securityGroups: ["sg-app"] }),
        ],
        message:
            /app admits the internet \(tcp 443\) on security group app, which no internet-facing load balancer uses/,
    },
    {
        policy: "rds-private-and-encrypted",
        what: "a public, unencrypted database",
        views: [res(T.rds, "db", { publiclyAccessible: true, storageEncrypted: false })],
        message: /publiclyAccessible is true|storageEncrypted is not true/,
    },
    {
        policy: "rds-private-and-encrypted",
        what: "an unencrypted Aurora cluster",
        views: [res(T.cluster, "aurora", {})],
        message: /storageEncrypted is not true: cluster storage must be encrypted at rest/,
    },
    {
        policy: "s3-public-access-block-all-true",
        what: "a block that lets bucket policies make it public",
        views: [
            res(T.block, "b", {
                bucket: "b",
                blockPublicAcls: true,
                blockPublicPolicy: false,
                ignorePublicAcls: true,
                restrictPublicBuckets: false,
            }),
        ],
        message: /blockPublicPolicy, restrictPublicBuckets must be true/,
    },
    {
        policy: "s3-buckets-have-public-access-block",
        what: "a bucket without a public access block",
        views: [res(T.bucket, "uploads", { id: "uploads-123", bucket: "uploads-123" })],
        message: /bucket uploads has no aws\.s3\.BucketPublicAccessBlock/,
    },
    {
        policy: "ebs-volumes-encrypted",
        what: "an unencrypted launch template root volume",
        views: [
            res(T.lt, "lt", {
                ...GOOD_LT,
                blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "false" } }],
            }),
        ],
        message: /block device \/dev\/xvda is not encrypted/,
    },
    {
        policy: "ebs-volumes-encrypted",
        what: "a launch template that keeps the AMI's root volume",
        views: [res(T.lt, "lt", { metadataOptions: { httpTokens: "required" } })],
        message: /declares no EBS block device mapping/,
    },
    {
        policy: "ebs-volumes-encrypted",
        what: "an unencrypted EBS volume",
        views: [res(T.volume, "data", { size: 10 })],
        message: /encrypted is not true/,
    },
    {
        policy: "imdsv2-required",
        what: "a launch template allowing IMDSv1",
        views: [res(T.lt, "lt", { ...GOOD_LT, metadataOptions: { httpTokens: "optional" } })],
        message: /metadataOptions\.httpTokens is "optional": set "required"/,
    },
    {
        policy: "iam-no-wildcard-action-on-wildcard-resource",
        what: "an administrator policy",
        views: [res(T.policy, "admin", { policy: ADMIN })],
        message: /policy statement 1 allows "\*" on "\*": name the actions/,
    },
    {
        policy: "iam-no-wildcard-action-on-wildcard-resource",
        what: "an administrator inline role policy (object form)",
        views: [
            res(T.role, "r", {
                inlinePolicies: [
                    {
                        name: "boom",
                        policy: { Statement: [{ Sid: "All", Effect: "Allow", Action: "*:*", Resource: ["*"] }] },
                    },
                ],
            }),
        ],
        message: /inlinePolicies\[boom\] statement "All" allows "\*:\*" on "\*"/,
    },
    {
        policy: "iam-no-wildcard-action-on-wildcard-resource",
        what: "a role policy that is not JSON",
        views: [res(T.rolePolicy, "rp", { policy: "{not json" })],
        message: /policy is not a policy document/,
    },
    {
        policy: "log-group-retention",
        what: "a log group kept forever",
        views: [res(T.logGroup, "app", { name: "/app" })],
        message: /retentionInDays is undefined: set a retention/,
    },
    {
        policy: "lb-listener-tls-1-2",
        what: "HTTPS allowing TLS 1.0",
        views: [res(T.listener, "https", { port: 443, protocol: "HTTPS", sslPolicy: "ELBSecurityPolicy-2016-08" })],
        message: /sslPolicy "ELBSecurityPolicy-2016-08" allows TLS below 1\.2/,
    },
    {
        policy: "lb-listener-tls-1-2",
        what: "plain HTTP on 443",
        views: [res(T.listener, "odd", { port: 443, protocol: "HTTP" })],
        message: /listens on 443 with protocol "HTTP": use HTTPS/,
    },
    {
        policy: "lb-http-redirects-to-https",
        what: "an HTTP listener forwarding next to an HTTPS one",
        views: [
            res(T.listener, "https", {
                loadBalancerArn: LB_ARN,
                port: 443,
                protocol: "HTTPS",
                sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
            }),
            res(T.listener, "http", {
                loadBalancerArn: LB_ARN,
                port: 80,
                protocol: "HTTP",
                defaultActions: [{ type: "forward", targetGroupArn: "tg" }],
            }),
        ],
        message: /HTTP listener http serves plain HTTP although its load balancer has an HTTPS listener/,
    },
    {
        policy: "sns-sqs-encrypted",
        what: "an unencrypted topic",
        views: [res(T.topic, "events", {})],
        message: /kmsMasterKeyId is not set/,
    },
    {
        policy: "sns-sqs-encrypted",
        what: "a queue with SSE turned off",
        views: [res(T.queue, "dlq", { sqsManagedSseEnabled: false })],
        message: /sqsManagedSseEnabled is false and no kmsMasterKeyId/,
    },
    {
        policy: "kms-key-rotation-enabled",
        what: "a key that never rotates",
        views: [res(T.key, "k", { enableKeyRotation: false })],
        message: /enableKeyRotation is not true/,
    },
    {
        policy: "production-deletion-protection",
        what: "an unprotected production database",
        views: [res(T.rds, "db", { storageEncrypted: true, skipFinalSnapshot: true }, "prod")],
        message: /deletionProtection must be true in production|skipFinalSnapshot must not be true/,
    },
    {
        policy: "production-deletion-protection",
        what: "an unprotected production load balancer",
        views: [res(T.lb, "alb", { internal: false }, "prod")],
        message: /enableDeletionProtection must be true in production/,
    },
    {
        policy: "rds-instance-backup-enabled",
        what: "a database without backups",
        views: [res(T.rds, "db", { backupRetentionPeriod: 0, storageEncrypted: true })],
        message: /backupRetentionPeriod is 0: automated backups are off/,
    },
    {
        policy: "rds-instance-multi-az-enabled",
        what: "a single-AZ production database",
        views: [res(T.rds, "db", { multiAz: false, storageEncrypted: true }, "prod")],
        message: /multiple AZs/,
    },
    {
        policy: "production-deletion-protection",
        what: "an unprotected production table",
        views: [res(T.table, "messages", { deletionProtectionEnabled: false }, "prod")],
        message: /deletionProtectionEnabled must be true in production/,
    },
    {
        policy: "dynamodb-point-in-time-recovery",
        what: "a table without point-in-time recovery (unset or off)",
        views: [res(T.table, "t", {}), res(T.table, "t2", { pointInTimeRecovery: { enabled: false } })],
        message: /pointInTimeRecovery.enabled is not true/,
    },
    {
        policy: "stream-consumer-failure-destination",
        what: "a stream mapping without a failure destination, retrying forever",
        views: [
            res(T.mapping, "m", {
                eventSourceArn: "arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/2026-12-01T00:00:00.000",
                startingPosition: "LATEST",
                maximumRetryAttempts: -1,
            }),
        ],
        message: /destinationConfig.onFailure.destinationArn is not set|maximumRetryAttempts is unset or -1/,
    },
    {
        policy: "dynamodb-table-encryption-enabled",
        what: "a table without server-side encryption",
        views: [res(T.table, "t", { serverSideEncryption: { enabled: false } })],
        message: /DynamoDB must have server side encryption enabled/,
    },
    {
        policy: "ec2-instance-no-public-ip",
        what: "an instance with a public IP",
        views: [res(T.instance, "i", { associatePublicIpAddress: true, rootBlockDevice: { encrypted: true } })],
        message: /must not have a public IP/,
    },
    {
        policy: "encrypted-volumes",
        what: "an instance with an unencrypted root or EBS volume",
        views: [
            res(T.instance, "i", { rootBlockDevice: { encrypted: false } }),
            res(T.instance, "j", {
                rootBlockDevice: { encrypted: true },
                ebsBlockDevices: [{ deviceName: "/dev/sdf", encrypted: false }],
            }),
        ],
        message: /root block device must be encrypted|EBS block device \/dev\/sdf is not encrypted/,
    },
    {
        policy: "efs-encrypted",
        what: "a file system without a KMS key",
        views: [res(T.efs, "fs", {}), res(T.efs, "fs2", { encrypted: true })],
        message: /the file system must have a KMS key defined/,
    },
];

/** Secure counterparts: what the stacks do must pass. */
const GOOD: { policy: string; what: string; views: ResourceView[] }[] = [
    {
        policy: "cognito-no-implicit-grant",
        what: "the SPA client (code flow only)",
        views: [res(T.client, "spa", SPA_CLIENT)],
    },
    {
        policy: "cognito-browser-client-no-secret",
        what: "a public SPA client, and a machine client with a secret (client credentials, no callbacks)",
        views: [
            res(T.client, "spa", SPA_CLIENT),
            res(T.client, "m2m", { generateSecret: true, allowedOauthFlows: ["client_credentials"] }),
        ],
    },
    {
        policy: "cognito-production-deletion-protection",
        what: "a protected production pool and an unprotected dev pool",
        views: [
            res(T.pool, "pool", { deletionProtection: "ACTIVE" }, "prod"),
            res(T.pool, "pool", { deletionProtection: "INACTIVE" }, "dev"),
        ],
    },
    {
        policy: "no-internet-ingress-except-web",
        what: "443 and 80 from the internet, the rest from groups",
        views: [
            res(T.sg, "alb", {
                ingress: [
                    {
                        protocol: "tcp",
                        fromPort: 443,
                        toPort: 443,
                        cidrBlocks: ["0.0.0.0/0"],
                        ipv6CidrBlocks: ["::/0"],
                    },
                    { protocol: "tcp", fromPort: 80, toPort: 80, cidrBlocks: ["0.0.0.0/0"] },
                    { protocol: "tcp", fromPort: 5432, toPort: 5432, securityGroups: ["sg-app"] },
                ],
            }),
        ],
    },
    {
        policy: "internet-ingress-only-on-load-balancer",
        what: "443 open on the internet-facing load balancer's group (by id and by dependency)",
        views: [
            res(T.sg, "alb-sg", { id: "sg-alb", ingress: [] }),
            res(T.ingress, "https", {
                ipProtocol: "tcp",
                fromPort: 443,
                toPort: 443,
                cidrIpv4: "0.0.0.0/0",
                securityGroupId: "sg-alb",
            }),
            res(T.lb, "alb", { internal: false, securityGroups: ["sg-alb"] }),
            res(T.sg, "edge-sg", {
                id: "sg-edge",
                ingress: [{ protocol: "tcp", fromPort: 80, toPort: 80, cidrBlocks: ["0.0.0.0/0"] }],
            }),
            res(T.lb, "edge", {}, "dev", [urnOf("dev", T.sg, "edge-sg")]),
        ],
    },
    {
        policy: "s3-buckets-have-public-access-block",
        what: "a bucket with its block",
        views: [
            res(T.bucket, "uploads", { id: "uploads-123", bucket: "uploads-123" }),
            res(T.block, "uploads-block", { bucket: "uploads-123" }),
        ],
    },
    {
        policy: "lb-http-redirects-to-https",
        what: "HTTP redirecting to HTTPS; plain HTTP on a load balancer without HTTPS",
        views: [
            res(T.listener, "https", { loadBalancerArn: LB_ARN, port: 443, protocol: "HTTPS" }),
            res(T.listener, "http", {
                loadBalancerArn: LB_ARN,
                port: 80,
                protocol: "HTTP",
                defaultActions: [
                    { type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } },
                ],
            }),
            res(T.listener, "internal", { loadBalancerArn: `${LB_ARN}-internal`, port: 80, protocol: "HTTP" }),
        ],
    },
    {
        policy: "imdsv2-required",
        what: "the secure launch template",
        views: [res(T.lt, "lt", GOOD_LT)],
    },
    {
        policy: "ebs-volumes-encrypted",
        what: "the secure launch template (encrypted given as boolean or string)",
        views: [
            res(T.lt, "lt", GOOD_LT),
            res(T.lt, "lt2", {
                ...GOOD_LT,
                blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: true } }],
            }),
        ],
    },
    {
        policy: "iam-no-wildcard-action-on-wildcard-resource",
        what: "scoped statements, and a wildcard action limited to one resource",
        views: [
            res(T.policy, "p", { policy: SCOPED }),
            res(T.rolePolicy, "rp", {
                policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: "*", Resource: "arn:aws:s3:::b" }] }),
            }),
        ],
    },
    {
        policy: "production-deletion-protection",
        what: "an unprotected database outside production",
        views: [res(T.rds, "db", { storageEncrypted: true, skipFinalSnapshot: true }, "dev")],
    },
    {
        policy: "rds-instance-multi-az-enabled",
        what: "a single-AZ dev database",
        views: [res(T.rds, "db", { multiAz: false }, "dev")],
    },
    {
        policy: "rds-instance-backup-enabled",
        what: "a database with the default or a set backup retention",
        views: [res(T.rds, "db", {}), res(T.rds, "db2", { backupRetentionPeriod: 7 })],
    },
    {
        policy: "dynamodb-point-in-time-recovery",
        what: "a table with point-in-time recovery",
        views: [res(T.table, "t", { pointInTimeRecovery: { enabled: true } })],
    },
    {
        policy: "production-deletion-protection",
        what: "a protected production table and an unprotected dev one",
        views: [
            res(T.table, "t", { deletionProtectionEnabled: true }, "prod"),
            res(T.table, "t2", { deletionProtectionEnabled: false }, "dev"),
        ],
    },
    {
        policy: "stream-consumer-failure-destination",
        what: "a stream mapping with a queue for failed batches and 3 retries, and a queue mapping",
        views: [
            res(T.mapping, "m", {
                startingPosition: "LATEST",
                maximumRetryAttempts: 3,
                destinationConfig: { onFailure: { destinationArn: "arn:aws:sqs:us-east-1:123456789012:failures" } },
            }),
            res(T.mapping, "sqs", { eventSourceArn: "arn:aws:sqs:us-east-1:123456789012:jobs" }),
        ],
    },
    {
        policy: "dynamodb-table-encryption-enabled",
        what: "a table with the default or a KMS encryption",
        views: [res(T.table, "t", {}), res(T.table, "t2", { serverSideEncryption: { enabled: true } })],
    },
    {
        policy: "encrypted-volumes",
        what: "an instance with encrypted root and EBS volumes",
        views: [
            res(T.instance, "i", {
                rootBlockDevice: { encrypted: true },
                ebsBlockDevices: [{ deviceName: "/dev/sdf", encrypted: true }],
                metadataOptions: { httpTokens: "required" },
            }),
        ],
    },
    {
        policy: "efs-encrypted",
        what: "a file system encrypted with a KMS key",
        views: [res(T.efs, "fs", { encrypted: true, kmsKeyId: "arn:aws:kms:us-east-1:123456789012:key/k" })],
    },
    {
        policy: "sns-sqs-encrypted",
        what: "a KMS topic and a default (SSE-SQS) queue",
        views: [res(T.topic, "t", { kmsMasterKeyId: "alias/aws/sns" }), res(T.queue, "q", {})],
    },
];

describe("policy pack (CrossGuard)", () => {
    before(() => mocksReady);

    it("is named, mandatory, and every policy has a unique name and a description", () => {
        expect(PACK_NAME).to.equal("aws-webapp-baseline");
        expect(packArgs.enforcementLevel).to.equal("mandatory");
        const names = policies.map((p) => p.name);
        expect(new Set(names).size).to.equal(names.length);
        for (const p of policies) expect(p.description, p.name).to.be.a("string").and.not.equal("");
        for (const p of policies) expect(p.enforcementLevel ?? "mandatory", p.name).to.equal("mandatory");
    });

    it("every policy has at least one deliberately bad resource in this spec", () => {
        const covered = new Set(BAD.map((b) => b.policy));
        expect(policies.map((p) => p.name).filter((n) => !covered.has(n))).to.deep.equal([]);
    });

    describe("fails on deliberately bad resources, with a message that names the problem", () => {
        for (const bad of BAD) {
            it(`${bad.policy}: ${bad.what}`, async () => {
                const violations = await run(bad.policy, bad.views);
                expect(violations, "expected a violation").to.not.be.empty;
                for (const v of violations) expect(v.message).to.match(bad.message);
            });
        }
    });

    describe("passes the secure counterparts", () => {
        for (const good of GOOD) {
            it(`${good.policy}: ${good.what}`, async () => {
                expect(await run(good.policy, good.views)).to.deep.equal([]);
            });
        }
    });

    describe("over the resources of the real stacks (the harness's whole-stack evaluation)", () => {
        for (const stack of ["dev", "prod"]) {
            it(`${stack}: every policy passes`, async () => {
                const { recording } = await evaluateStack(stack);
                const { violations, applied } = await checkRecording(recording);
                expect(violations.map((v) => `${v.policy} on ${v.resource}: ${v.message}`)).to.deep.equal([]);
                // The stacks' resources were really examined (not an empty run).
                expect(recording.resources.filter((r) => r.custom).length, "custom resources").to.be.greaterThan(0);
                if (recording.ofType(T.logGroup).length > 0) expect(applied).to.include("log-group-retention");
                // The MessageTable of both stacks: its table and its stream consumer's mapping are examined.
                expect([...applied]).to.include.members([
                    "dynamodb-point-in-time-recovery",
                    "stream-consumer-failure-destination",
                ]);
                if (stack === "prod" && recording.ofType(T.rds).length > 0) {
                    expect(applied).to.include("production-deletion-protection");
                }
                if (recording.ofType(T.client).length > 0) {
                    expect([...applied]).to.include.members([
                        "cognito-no-implicit-grant",
                        "cognito-browser-client-no-secret",
                    ]);
                }
                if (stack === "prod") expect(applied).to.include("cognito-production-deletion-protection");
            });
        }
    });

    describe("support", () => {
        it("production is the stack named prod/production or environment prod", () => {
            expect(stackOfUrn("urn:pulumi:prod::aws-webapp::aws:rds/instance:Instance::db")).to.equal("prod");
            expect(isProduction("urn:pulumi:prod::p::t::n", undefined)).to.equal(true);
            expect(isProduction("urn:pulumi:production::p::t::n", undefined)).to.equal(true);
            expect(isProduction("urn:pulumi:staging::p::t::n", "prod")).to.equal(true);
            expect(isProduction("urn:pulumi:dev::p::t::n", "dev")).to.equal(false);
        });

        it("TLS policies: only TLS 1.2+ ELB policies are modern", () => {
            for (const ok of [
                "ELBSecurityPolicy-TLS13-1-2-2021-06",
                "ELBSecurityPolicy-TLS13-1-3-2021-06",
                "ELBSecurityPolicy-TLS-1-2-Ext-2018-06",
                "ELBSecurityPolicy-FS-1-2-Res-2020-10",
            ]) {
                expect(isModernTlsPolicy(ok), ok).to.equal(true);
            }
            for (const bad of [
                "ELBSecurityPolicy-2016-08",
                "ELBSecurityPolicy-TLS13-1-1-2021-06",
                "ELBSecurityPolicy-TLS-1-1-2017-01",
                undefined,
            ]) {
                expect(isModernTlsPolicy(bad), String(bad)).to.equal(false);
            }
        });

        it("IAM documents: Deny and scoped statements are not administrator grants", () => {
            const doc = {
                Statement: [
                    { Effect: "Deny", Action: "*", Resource: "*" },
                    { Effect: "Allow", Action: ["s3:*"], Resource: "*" },
                    { Effect: "Allow", Action: ["*"], Resource: ["arn:aws:s3:::x", "*"] },
                ],
            };
            expect(adminStatements(doc)).to.have.length(1);
        });
    });
});

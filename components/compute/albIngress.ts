/**
 * Load balancer ingress (internal piece of EcsEc2Service, `ingress: "alb"`):
 * an internet-facing Application Load Balancer in the public subnets, a
 * target group of task IPs, HTTP and HTTPS listeners, the security group
 * chain internet → ALB → service, and optionally a locked-down access log
 * bucket.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { nameTags } from "../shared/tags";
import { accessLogsBucketPolicy, elbLogDeliveryAccountArn } from "./policies";
import { connectIngressToService } from "./securityChain";
import type { EcsEc2ServiceSettings } from "./validation";

/**
 * What any ingress mode hands to the service. A second mode (HTTP API + VPC
 * link + Cloud Map) implements the same shape: it fills `serviceRegistries`
 * instead of `loadBalancers` and admits its VPC link's security group.
 */
export interface Ingress {
    /** `loadBalancers` entries of the ECS service. */
    readonly loadBalancers: { targetGroupArn: pulumi.Input<string>; containerName: string; containerPort: number }[];
    /** Cloud Map registration of the tasks (SRV records), for modes that discover tasks instead of a target group. */
    readonly serviceRegistries?: { registryArn: pulumi.Input<string>; containerName: string; containerPort: number };
    /** Resources the service must wait for (the target group must be attached to a listener first). */
    readonly dependsOn: pulumi.Resource[];
    /** Public URL of the application. */
    readonly url: pulumi.Output<string>;
    /** `ALBRequestCountPerTarget` resource label, when the mode has a target group. */
    readonly requestCountResourceLabel?: pulumi.Output<string>;
}

export interface AlbIngressInputs {
    readonly name: string;
    readonly parent: pulumi.Resource;
    readonly settings: EcsEc2ServiceSettings;
    readonly vpcId: pulumi.Input<string>;
    readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    readonly serviceSecurityGroupId: pulumi.Input<string>;
    readonly certificateArn: pulumi.Input<string> | undefined;
    readonly accessLogsBucket: pulumi.Input<string> | undefined;
    readonly tags: pulumi.Input<Record<string, pulumi.Input<string>>> | undefined;
}

export interface AlbIngress extends Ingress {
    readonly securityGroup: aws.ec2.SecurityGroup;
    readonly loadBalancer: aws.lb.LoadBalancer;
    readonly targetGroup: aws.lb.TargetGroup;
    readonly httpListener: aws.lb.Listener;
    readonly httpsListener?: aws.lb.Listener;
    readonly accessLogsBucket?: aws.s3.Bucket;
    readonly requestCountResourceLabel: pulumi.Output<string>;
}

/** Listener ports the load balancer security group opens to the internet. */
export function publicPorts(https: boolean): number[] {
    return https ? [80, 443] : [80];
}

/** The application URL: HTTPS on the domain (or ALB name) with a certificate, plain HTTP otherwise. */
export function applicationUrl(https: boolean, host: string): string {
    return `${https ? "https" : "http"}://${host}`;
}

export function createAlbIngress(i: AlbIngressInputs): AlbIngress {
    const { name, settings: s } = i;
    const opts = { parent: i.parent };
    const tags = (n: string) => nameTags(n, i.tags);

    const securityGroup = new aws.ec2.SecurityGroup(
        `${name}-alb-sg`,
        {
            vpcId: i.vpcId,
            description: `Load balancer of ${name}: HTTP/HTTPS from the internet`,
            tags: tags(`${name}-alb-sg`),
        },
        opts,
    );
    for (const port of publicPorts(s.https)) {
        new aws.vpc.SecurityGroupIngressRule(
            `${name}-alb-in-${port}`,
            {
                securityGroupId: securityGroup.id,
                description: `${port === 443 ? "HTTPS" : "HTTP"} from the internet`,
                ipProtocol: "tcp",
                fromPort: port,
                toPort: port,
                cidrIpv4: "0.0.0.0/0",
                tags: tags(`${name}-alb-in-${port}`),
            },
            opts,
        );
    }
    connectIngressToService({
        name,
        role: "alb",
        label: "load balancer",
        parent: i.parent,
        ingressSecurityGroupId: securityGroup.id,
        serviceSecurityGroupId: i.serviceSecurityGroupId,
        containerPort: s.containerPort,
        tags: i.tags,
    });

    let accessLogsBucket: aws.s3.Bucket | undefined;
    let bucketName: pulumi.Input<string> | undefined = i.accessLogsBucket;
    const lbDependsOn: pulumi.Resource[] = [];
    if (s.accessLogs && bucketName === undefined) {
        const created = createAccessLogsBucket(name, opts, s, i.tags);
        accessLogsBucket = created.bucket;
        bucketName = created.bucket.bucket;
        // ELB checks that it may write when access logs are switched on.
        lbDependsOn.push(created.policy);
    }

    const loadBalancer = new aws.lb.LoadBalancer(
        `${name}-alb`,
        {
            loadBalancerType: "application",
            internal: false,
            ipAddressType: "ipv4",
            subnets: i.subnetIds,
            securityGroups: [securityGroup.id],
            dropInvalidHeaderFields: true,
            desyncMitigationMode: "defensive",
            enableDeletionProtection: s.deletionProtection,
            idleTimeout: s.idleTimeoutSeconds,
            enableHttp2: true,
            accessLogs: s.accessLogs ? { bucket: bucketName!, prefix: s.accessLogsPrefix, enabled: true } : undefined,
            tags: tags(`${name}-alb`),
        },
        { ...opts, dependsOn: lbDependsOn },
    );

    const targetGroup = new aws.lb.TargetGroup(
        `${name}-tg`,
        {
            vpcId: i.vpcId,
            targetType: "ip",
            protocol: "HTTP",
            protocolVersion: "HTTP1",
            port: s.containerPort,
            deregistrationDelay: s.deregistrationDelaySeconds,
            healthCheck: {
                enabled: true,
                protocol: "HTTP",
                port: "traffic-port",
                path: s.healthCheckPath,
                interval: 30,
                timeout: 5,
                healthyThreshold: 2,
                unhealthyThreshold: 3,
                matcher: "200",
            },
            tags: tags(`${name}-tg`),
        },
        opts,
    );

    const forward = [{ type: "forward", targetGroupArn: targetGroup.arn }];
    const httpListener = new aws.lb.Listener(
        `${name}-http`,
        {
            loadBalancerArn: loadBalancer.arn,
            port: 80,
            protocol: "HTTP",
            defaultActions: s.https
                ? [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }]
                : forward,
            routingHttpResponseServerEnabled: false,
            tags: tags(`${name}-http`),
        },
        opts,
    );
    let httpsListener: aws.lb.Listener | undefined;
    if (s.https) {
        httpsListener = new aws.lb.Listener(
            `${name}-https`,
            {
                loadBalancerArn: loadBalancer.arn,
                port: 443,
                protocol: "HTTPS",
                sslPolicy: s.sslPolicy,
                certificateArn: i.certificateArn,
                defaultActions: forward,
                routingHttpResponseServerEnabled: false,
                routingHttpResponseStrictTransportSecurityHeaderValue: "max-age=31536000",
                tags: tags(`${name}-https`),
            },
            opts,
        );
    }

    const host = s.domainName !== undefined ? pulumi.output(s.domainName) : loadBalancer.dnsName;
    return {
        securityGroup,
        loadBalancer,
        targetGroup,
        httpListener,
        httpsListener,
        accessLogsBucket,
        loadBalancers: [
            { targetGroupArn: targetGroup.arn, containerName: s.containerName, containerPort: s.containerPort },
        ],
        dependsOn: httpsListener ? [httpListener, httpsListener] : [httpListener],
        url: host.apply((h) => applicationUrl(s.https, h)),
        requestCountResourceLabel: pulumi.interpolate`${loadBalancer.arnSuffix}/${targetGroup.arnSuffix}`,
    };
}

function createAccessLogsBucket(
    name: string,
    opts: pulumi.CustomResourceOptions,
    s: EcsEc2ServiceSettings,
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
    const identity = aws.getCallerIdentityOutput({}, opts);
    const partition = aws.getPartitionOutput({}, opts).partition;
    const region = aws.getRegionOutput({}, opts).region;
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

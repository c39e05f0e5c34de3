import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/**
 * Arguments of the HTTP API ingress: the cheap alternative to an ALB from
 * design note 003 ("As an Application Load Balancer is costly, I will use
 * HTTP API Gateway instead").
 */
export interface HttpApiIngressArgs {
    /** VPC of the service. */
    readonly vpcId: pulumi.Input<string>;
    /** CIDR block of the VPC (the link's only egress destination). */
    readonly vpcCidrBlock: pulumi.Input<string>;
    /** Subnets the VPC link's network interfaces use (the service's private subnets). */
    readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /** Port the container listens on (SRV records carry it). */
    readonly containerPort: number;
    /** Private DNS namespace for service discovery. @default `${name}.internal` */
    readonly namespaceName?: string;
    /** Retention of the access-log group (days). */
    readonly logRetentionDays: number;
    /** Steady-state requests per second across the API before throttling. @default 100 */
    readonly throttlingRateLimit?: number;
    /** Burst of requests before throttling. @default 200 */
    readonly throttlingBurstLimit?: number;
    /** Tags merged into every taggable child. @default {} */
    readonly tags?: Record<string, string>;
}

/** Access-log line of the HTTP API stage (JSON, one line per request). */
export const ACCESS_LOG_FORMAT = JSON.stringify({
    requestId: "$context.requestId",
    ip: "$context.identity.sourceIp",
    requestTime: "$context.requestTime",
    method: "$context.httpMethod",
    path: "$context.path",
    status: "$context.status",
    latency: "$context.responseLatency",
    integrationStatus: "$context.integrationStatus",
    integrationError: "$context.integrationErrorMessage",
});

/**
 * HTTP API Gateway → VPC link → Cloud Map service (SRV records of the awsvpc
 * tasks). Idle cost: nothing hourly (HTTP APIs and VPC links for HTTP APIs
 * are billed per request); Cloud Map bills per registered instance. The VPC
 * link has its own security group, which the service admits on the container
 * port only; the link group itself accepts no inbound traffic.
 *
 * Internal piece of EcsEc2Service (ingress mode "httpApi").
 */
export class HttpApiIngress extends pulumi.ComponentResource {
    /** Invoke URL of the API's default stage. */
    public readonly url: pulumi.Output<string>;
    public readonly apiId: pulumi.Output<string>;
    /** Security group of the VPC link: the source the service admits. */
    public readonly vpcLinkSecurityGroupId: pulumi.Output<string>;
    /** Cloud Map service the ECS service registers its tasks in (serviceRegistries.registryArn). */
    public readonly registryArn: pulumi.Output<string>;
    public readonly logGroupName: pulumi.Output<string>;

    constructor(name: string, args: HttpApiIngressArgs, opts?: pulumi.ComponentResourceOptions) {
        super("aws-webapp:index:HttpApiIngress", name, {}, opts);
        const tags = (role: string) => ({ ...args.tags, Name: `${name}-${role}` });
        const parent = { parent: this };

        const linkSg = new aws.ec2.SecurityGroup(
            `${name}-vpclink`,
            {
                vpcId: args.vpcId,
                description: "HTTP API VPC link: no inbound; outbound to the service only",
                tags: tags("vpclink"),
            },
            parent,
        );
        // Egress to the VPC only: the link forwards to the tasks, nowhere else.
        new aws.vpc.SecurityGroupEgressRule(
            `${name}-vpclink-to-service`,
            {
                securityGroupId: linkSg.id,
                ipProtocol: "tcp",
                fromPort: args.containerPort,
                toPort: args.containerPort,
                cidrIpv4: args.vpcCidrBlock,
                description: "to the service's tasks",
                tags: tags("vpclink-to-service"),
            },
            parent,
        );

        const namespace = new aws.servicediscovery.PrivateDnsNamespace(
            `${name}-ns`,
            { name: args.namespaceName ?? `${name}.internal`, vpc: args.vpcId, tags: tags("ns") },
            parent,
        );
        const discovery = new aws.servicediscovery.Service(
            `${name}-discovery`,
            {
                name: "app",
                namespaceId: namespace.id,
                dnsConfig: {
                    namespaceId: namespace.id,
                    routingPolicy: "MULTIVALUE",
                    dnsRecords: [{ type: "SRV", ttl: 10 }],
                },
                // ECS reports task health to Cloud Map.
                healthCheckCustomConfig: { failureThreshold: 1 },
                forceDestroy: true,
                tags: tags("discovery"),
            },
            parent,
        );

        const link = new aws.apigatewayv2.VpcLink(
            `${name}-link`,
            { name: `${name}-link`, subnetIds: args.subnetIds, securityGroupIds: [linkSg.id], tags: tags("link") },
            parent,
        );
        const api = new aws.apigatewayv2.Api(
            `${name}-api`,
            { name: `${name}-api`, protocolType: "HTTP", tags: tags("api") },
            parent,
        );
        const integration = new aws.apigatewayv2.Integration(
            `${name}-integration`,
            {
                apiId: api.id,
                integrationType: "HTTP_PROXY",
                integrationMethod: "ANY",
                connectionType: "VPC_LINK",
                connectionId: link.id,
                integrationUri: discovery.arn,
                payloadFormatVersion: "1.0",
                timeoutMilliseconds: 29000,
            },
            parent,
        );
        new aws.apigatewayv2.Route(
            `${name}-route`,
            { apiId: api.id, routeKey: "$default", target: pulumi.interpolate`integrations/${integration.id}` },
            parent,
        );
        const logs = new aws.cloudwatch.LogGroup(
            `${name}-access`,
            { name: `/aws/apigateway/${name}`, retentionInDays: args.logRetentionDays, tags: tags("access") },
            parent,
        );
        const stage = new aws.apigatewayv2.Stage(
            `${name}-stage`,
            {
                apiId: api.id,
                name: "$default",
                autoDeploy: true,
                accessLogSettings: { destinationArn: logs.arn, format: ACCESS_LOG_FORMAT },
                defaultRouteSettings: {
                    throttlingRateLimit: args.throttlingRateLimit ?? 100,
                    throttlingBurstLimit: args.throttlingBurstLimit ?? 200,
                },
                tags: tags("stage"),
            },
            parent,
        );

        this.url = stage.invokeUrl;
        this.apiId = api.id;
        this.vpcLinkSecurityGroupId = linkSg.id;
        this.registryArn = discovery.arn;
        this.logGroupName = logs.name;
        this.registerOutputs({
            url: this.url,
            apiId: this.apiId,
            vpcLinkSecurityGroupId: this.vpcLinkSecurityGroupId,
            registryArn: this.registryArn,
            logGroupName: this.logGroupName,
        });
    }
}

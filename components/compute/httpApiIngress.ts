/**
 * HTTP API ingress (internal piece of EcsEc2Service, `ingress: "httpApi"`):
 * the cheap alternative to an ALB from design note 003 ("As an Application
 * Load Balancer is costly, I will use HTTP API Gateway instead").
 *
 * HTTP API Gateway → VPC link → Cloud Map service (SRV records of the awsvpc
 * tasks). Idle cost: nothing hourly (HTTP APIs and their VPC links are billed
 * per request); Cloud Map bills per registered instance. The VPC link has its
 * own security group: it accepts no inbound traffic and may only reach the
 * tasks on the container port; the service admits only that group.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { nameTags } from "../shared/tags";
import type { Ingress } from "./albIngress";
import { connectIngressToService } from "./securityChain";
import type { EcsEc2ServiceSettings } from "./validation";

export interface HttpApiIngressInputs {
    readonly name: string;
    readonly parent: pulumi.Resource;
    readonly settings: EcsEc2ServiceSettings;
    readonly vpcId: pulumi.Input<string>;
    /** Subnets of the VPC link's network interfaces (the service's private subnets). */
    readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    readonly serviceSecurityGroupId: pulumi.Input<string>;
    readonly tags: pulumi.Input<Record<string, pulumi.Input<string>>> | undefined;
}

export interface HttpApiIngress extends Ingress {
    readonly api: aws.apigatewayv2.Api;
    readonly stage: aws.apigatewayv2.Stage;
    readonly vpcLink: aws.apigatewayv2.VpcLink;
    readonly securityGroup: aws.ec2.SecurityGroup;
    readonly discovery: aws.servicediscovery.Service;
    readonly accessLogGroup: aws.cloudwatch.LogGroup;
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

/** Steady-state requests per second and burst across the API's default route. */
export const DEFAULT_THROTTLING = { rateLimit: 100, burstLimit: 200 } as const;

export function createHttpApiIngress(i: HttpApiIngressInputs): HttpApiIngress {
    const { name, settings: s } = i;
    const opts = { parent: i.parent };
    const tags = (n: string) => nameTags(n, i.tags);

    const securityGroup = new aws.ec2.SecurityGroup(
        `${name}-vpclink-sg`,
        {
            vpcId: i.vpcId,
            description: `HTTP API VPC link of ${name}: no inbound; to the tasks only`,
            tags: tags(`${name}-vpclink-sg`),
        },
        opts,
    );
    connectIngressToService({
        name,
        role: "vpclink",
        label: "HTTP API VPC link",
        parent: i.parent,
        ingressSecurityGroupId: securityGroup.id,
        serviceSecurityGroupId: i.serviceSecurityGroupId,
        containerPort: s.containerPort,
        tags: i.tags,
    });

    const namespace = new aws.servicediscovery.PrivateDnsNamespace(
        `${name}-ns`,
        {
            name: `${name}.internal`,
            vpc: i.vpcId,
            description: `Service discovery of ${name}`,
            tags: tags(`${name}-ns`),
        },
        opts,
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
            // ECS reports task health to Cloud Map (container health check).
            healthCheckCustomConfig: { failureThreshold: 1 },
            forceDestroy: true,
            tags: tags(`${name}-discovery`),
        },
        opts,
    );

    const vpcLink = new aws.apigatewayv2.VpcLink(
        `${name}-vpclink`,
        {
            name: `${name}-vpclink`,
            subnetIds: i.subnetIds,
            securityGroupIds: [securityGroup.id],
            tags: tags(`${name}-vpclink`),
        },
        opts,
    );
    const api = new aws.apigatewayv2.Api(
        `${name}-api`,
        { name: `${name}-api`, protocolType: "HTTP", tags: tags(`${name}-api`) },
        opts,
    );
    const integration = new aws.apigatewayv2.Integration(
        `${name}-integration`,
        {
            apiId: api.id,
            integrationType: "HTTP_PROXY",
            integrationMethod: "ANY",
            connectionType: "VPC_LINK",
            connectionId: vpcLink.id,
            integrationUri: discovery.arn,
            payloadFormatVersion: "1.0",
            timeoutMilliseconds: 29000,
        },
        opts,
    );
    const route = new aws.apigatewayv2.Route(
        `${name}-route`,
        { apiId: api.id, routeKey: "$default", target: pulumi.interpolate`integrations/${integration.id}` },
        opts,
    );
    const accessLogGroup = new aws.cloudwatch.LogGroup(
        `${name}-api-access`,
        {
            name: `/aws/apigateway/${name}`,
            retentionInDays: s.logRetentionDays,
            tags: tags(`${name}-api-access`),
        },
        opts,
    );
    const stage = new aws.apigatewayv2.Stage(
        `${name}-api-stage`,
        {
            apiId: api.id,
            name: "$default",
            autoDeploy: true,
            accessLogSettings: { destinationArn: accessLogGroup.arn, format: ACCESS_LOG_FORMAT },
            defaultRouteSettings: {
                throttlingRateLimit: DEFAULT_THROTTLING.rateLimit,
                throttlingBurstLimit: DEFAULT_THROTTLING.burstLimit,
            },
            tags: tags(`${name}-api-stage`),
        },
        { ...opts, dependsOn: [route] },
    );

    return {
        loadBalancers: [],
        serviceRegistries: {
            registryArn: discovery.arn,
            containerName: s.containerName,
            containerPort: s.containerPort,
        },
        dependsOn: [],
        url: stage.invokeUrl.apply((u) => u.replace(/\/$/, "")),
        api,
        stage,
        vpcLink,
        securityGroup,
        discovery,
        accessLogGroup,
    };
}

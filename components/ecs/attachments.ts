/**
 * How an Ec2Service joins an ingress: the security group chain (the ingress
 * reaches the tasks on the container port only, and the tasks admit only the
 * ingress), then, for a WebLoadBalancer, the service's own target group and
 * listener rule, or, for an HttpApiGateway, its own Cloud Map service (SRV
 * records), integration and routes.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { nameTags } from "../shared/tags";
import type { HttpApiGatewayRef } from "../apigw/httpApiGateway";
import type { WebLoadBalancerRef } from "../lb/webLoadBalancer";

/** What an attachment hands to the ECS service. */
export interface Ingress {
    /** `loadBalancers` entries of the ECS service. */
    readonly loadBalancers: { targetGroupArn: pulumi.Input<string>; containerName: string; containerPort: number }[];
    /** Cloud Map registration of the tasks (SRV records). */
    readonly serviceRegistries?: { registryArn: pulumi.Input<string>; containerName: string; containerPort: number };
    /** Resources the service must wait for (the target group must be in a listener rule first). */
    readonly dependsOn: pulumi.Resource[];
    /** `ALBRequestCountPerTarget` resource label, with a target group. */
    readonly requestCountResourceLabel?: pulumi.Output<string>;
    /** `targetgroup/<name>/<id>`, with a target group. */
    readonly targetGroupArnSuffix?: pulumi.Output<string>;
}

/** No ingress: a worker. */
export const NO_INGRESS: Ingress = { loadBalancers: [], dependsOn: [] };

export interface SecurityChainInputs {
    /** Component name. */
    readonly name: string;
    /** Short role of the ingress in child names: `alb`, `vpclink`. */
    readonly role: string;
    /** Human name of the ingress in rule descriptions. */
    readonly label: string;
    readonly opts: pulumi.CustomResourceOptions;
    readonly ingressSecurityGroupId: pulumi.Input<string>;
    readonly serviceSecurityGroupId: pulumi.Input<string>;
    readonly containerPort: number;
    readonly tags: pulumi.Input<Record<string, pulumi.Input<string>>> | undefined;
}

/**
 * The security group chain between an ingress and the service: the ingress
 * may only talk to the service on the container port, and the service only
 * admits the ingress on it.
 */
export function connectIngressToService(i: SecurityChainInputs): void {
    const opts = i.opts;
    const out = `${i.name}-${i.role}-out-service`;
    new aws.vpc.SecurityGroupEgressRule(
        out,
        {
            securityGroupId: i.ingressSecurityGroupId,
            description: "To the service tasks on the container port",
            ipProtocol: "tcp",
            fromPort: i.containerPort,
            toPort: i.containerPort,
            referencedSecurityGroupId: i.serviceSecurityGroupId,
            tags: nameTags(out, i.tags),
        },
        opts,
    );
    const into = `${i.name}-service-in-${i.role}`;
    new aws.vpc.SecurityGroupIngressRule(
        into,
        {
            securityGroupId: i.serviceSecurityGroupId,
            description: `From the ${i.label} on the container port`,
            ipProtocol: "tcp",
            fromPort: i.containerPort,
            toPort: i.containerPort,
            referencedSecurityGroupId: i.ingressSecurityGroupId,
            tags: nameTags(into, i.tags),
        },
        opts,
    );
}

export interface AttachmentInputs {
    readonly name: string;
    readonly opts: pulumi.CustomResourceOptions;
    readonly vpcId: pulumi.Input<string>;
    readonly serviceSecurityGroupId: pulumi.Input<string>;
    readonly containerName: string;
    readonly containerPort: number;
    readonly healthCheckPath: string;
    readonly tags: pulumi.Input<Record<string, pulumi.Input<string>>> | undefined;
}

/** A target group of the task IPs and a listener rule forwarding the matching requests to it. */
export function attachToLoadBalancer(
    i: AttachmentInputs,
    lb: WebLoadBalancerRef,
    rule: {
        readonly priority: number;
        readonly pathPatterns: readonly string[];
        readonly hostHeaders: readonly string[];
    },
    deregistrationDelaySeconds: number,
): Ingress {
    const tags = (n: string) => nameTags(n, i.tags);
    connectIngressToService({
        name: i.name,
        role: "alb",
        label: "load balancer",
        opts: i.opts,
        ingressSecurityGroupId: lb.securityGroupId,
        serviceSecurityGroupId: i.serviceSecurityGroupId,
        containerPort: i.containerPort,
        tags: i.tags,
    });
    const targetGroup = new aws.lb.TargetGroup(
        `${i.name}-tg`,
        {
            vpcId: i.vpcId,
            targetType: "ip",
            protocol: "HTTP",
            protocolVersion: "HTTP1",
            port: i.containerPort,
            deregistrationDelay: deregistrationDelaySeconds,
            healthCheck: {
                enabled: true,
                protocol: "HTTP",
                port: "traffic-port",
                path: i.healthCheckPath,
                interval: 30,
                timeout: 5,
                healthyThreshold: 2,
                unhealthyThreshold: 3,
                matcher: "200",
            },
            tags: tags(`${i.name}-tg`),
        },
        i.opts,
    );
    const conditions = [
        ...(rule.pathPatterns.length > 0 ? [{ pathPattern: { values: [...rule.pathPatterns] } }] : []),
        ...(rule.hostHeaders.length > 0 ? [{ hostHeader: { values: [...rule.hostHeaders] } }] : []),
        // A load balancer behind CloudFront forwards only requests carrying its secret header.
        ...(lb.originVerifyHeader
            ? [
                  {
                      httpHeader: {
                          httpHeaderName: lb.originVerifyHeader.name,
                          values: [pulumi.secret(lb.originVerifyHeader.value)],
                      },
                  },
              ]
            : []),
    ];
    const listenerRule = new aws.lb.ListenerRule(
        `${i.name}-rule`,
        {
            listenerArn: lb.listenerArn,
            priority: rule.priority,
            conditions,
            actions: [{ type: "forward", targetGroupArn: targetGroup.arn }],
            tags: tags(`${i.name}-rule`),
        },
        i.opts,
    );
    return {
        loadBalancers: [
            { targetGroupArn: targetGroup.arn, containerName: i.containerName, containerPort: i.containerPort },
        ],
        dependsOn: [listenerRule],
        requestCountResourceLabel: pulumi.interpolate`${lb.arnSuffix}/${targetGroup.arnSuffix}`,
        targetGroupArnSuffix: targetGroup.arnSuffix,
    };
}

/** A Cloud Map service of the tasks (SRV records), an integration through the VPC link, and the routes. */
export function attachToHttpApi(
    i: AttachmentInputs,
    api: HttpApiGatewayRef,
    route: {
        readonly routeKeys: readonly string[];
        readonly publicRouteKeys: readonly string[];
        readonly discoveryName: string;
    },
): Ingress {
    const tags = (n: string) => nameTags(n, i.tags);
    connectIngressToService({
        name: i.name,
        role: "vpclink",
        label: "HTTP API VPC link",
        opts: i.opts,
        ingressSecurityGroupId: api.securityGroupId,
        serviceSecurityGroupId: i.serviceSecurityGroupId,
        containerPort: i.containerPort,
        tags: i.tags,
    });
    const discovery = new aws.servicediscovery.Service(
        `${i.name}-discovery`,
        {
            name: route.discoveryName,
            namespaceId: api.namespaceId,
            dnsConfig: {
                namespaceId: api.namespaceId,
                routingPolicy: "MULTIVALUE",
                dnsRecords: [{ type: "SRV", ttl: 10 }],
            },
            // ECS reports task health to Cloud Map (container health check).
            healthCheckCustomConfig: { failureThreshold: 1 },
            forceDestroy: true,
            tags: tags(`${i.name}-discovery`),
        },
        i.opts,
    );
    const integration = new aws.apigatewayv2.Integration(
        `${i.name}-integration`,
        {
            apiId: api.apiId,
            integrationType: "HTTP_PROXY",
            integrationMethod: "ANY",
            connectionType: "VPC_LINK",
            connectionId: api.vpcLinkId,
            integrationUri: discovery.arn,
            payloadFormatVersion: "1.0",
            timeoutMilliseconds: 29000,
        },
        i.opts,
    );
    // With the gateway's JWT authorizer the routes require a valid token; public ones never do.
    const authorizerId = pulumi.output(api.authorizerId);
    const authorized = {
        authorizationType: authorizerId.apply((id) => (id ? "JWT" : "NONE")),
        authorizerId: authorizerId.apply((id) => id ?? undefined),
    } as { authorizationType: pulumi.Output<string>; authorizerId: pulumi.Output<string> };
    route.routeKeys.forEach(
        (routeKey, k) =>
            new aws.apigatewayv2.Route(
                k === 0 ? `${i.name}-route` : `${i.name}-route-${k}`,
                {
                    apiId: api.apiId,
                    routeKey,
                    target: pulumi.interpolate`integrations/${integration.id}`,
                    ...(api.authorizerId !== undefined ? authorized : {}),
                },
                i.opts,
            ),
    );
    route.publicRouteKeys.forEach(
        (routeKey, k) =>
            new aws.apigatewayv2.Route(
                `${i.name}-public-route-${k}`,
                {
                    apiId: api.apiId,
                    routeKey,
                    target: pulumi.interpolate`integrations/${integration.id}`,
                    authorizationType: "NONE",
                },
                i.opts,
            ),
    );
    return {
        loadBalancers: [],
        serviceRegistries: {
            registryArn: discovery.arn,
            containerName: i.containerName,
            containerPort: i.containerPort,
        },
        dependsOn: [],
    };
}

/**
 * HttpApiGateway: the cheap alternative to an ALB from design note 003 ("As an
 * Application Load Balancer is costly, I will use HTTP API Gateway instead"),
 * shared by services through routes.
 *
 * HTTP API (stage `$default` with JSON access logs and throttling) → VPC link
 * (its own security group: no inbound; each service admits it on its port) →
 * Cloud Map private DNS namespace, where each service registers its tasks (SRV
 * records) and adds its integration and routes. Idle cost: nothing hourly
 * (HTTP APIs and VPC links are billed per request; Cloud Map per instance).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
    componentName,
    int,
    logRetention,
    requiredInput,
    resolveOn,
    subnetList,
    VPC_ID,
    type ProblemSink,
} from "../shared/inputChecks";
import { childOptions } from "../shared/moves";
import { nameTags } from "../shared/tags";

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

/** Defaults of {@link HttpApiGatewayArgs}, named by each argument's `@default`. */
export const HTTP_API_GATEWAY_DEFAULTS = {
    logRetentionDays: 30,
    throttlingRateLimit: DEFAULT_THROTTLING.rateLimit,
    throttlingBurstLimit: DEFAULT_THROTTLING.burstLimit,
} as const;

/** Arguments of {@link HttpApiGateway}. */
export interface HttpApiGatewayArgs {
    /** VPC of the VPC link's security group and the Cloud Map namespace. */
    readonly vpcId: pulumi.Input<string>;
    /** Subnets of the VPC link's network interfaces (the services' private subnets). */
    readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /** Retention of the access log group (days, a CloudWatch Logs value). @default `HTTP_API_GATEWAY_DEFAULTS.logRetentionDays` (30) */
    readonly logRetentionDays?: number;
    /** Steady-state requests per second of the stage's routes. @default `HTTP_API_GATEWAY_DEFAULTS.throttlingRateLimit` (100) */
    readonly throttlingRateLimit?: number;
    /** Request burst of the stage's routes. @default `HTTP_API_GATEWAY_DEFAULTS.throttlingBurstLimit` (200) */
    readonly throttlingBurstLimit?: number;
    /**
     * A JWT authorizer for the services' routes: the issuer and accepted audiences of the tokens
     * (UserAuth's `jwtAuthorizer` output). Routes use it unless a service lists them as public.
     * @default undefined (no authorizer: routes are open, the services check requests themselves)
     */
    readonly jwtAuthorizer?: pulumi.Input<HttpApiJwtAuthorizerArgs>;
    /** Tags merged into every taggable child. @default {} */
    readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/** Issuer and audiences of a JWT authorizer (API Gateway checks signature, `iss`, `exp`, and `aud` or `client_id`). */
export interface HttpApiJwtAuthorizerArgs {
    readonly issuer: string;
    readonly audience: string[];
}

/** What a service needs of an HTTP API to attach to it: an {@link HttpApiGateway}, or these outputs. */
export interface HttpApiGatewayRef {
    readonly apiId: pulumi.Input<string>;
    readonly vpcLinkId: pulumi.Input<string>;
    /** The VPC link's security group (admitted by each service on its port). */
    readonly securityGroupId: pulumi.Input<string>;
    /** Cloud Map namespace the services register their tasks in. */
    readonly namespaceId: pulumi.Input<string>;
    /** Public URL of the API's stage. */
    readonly url: pulumi.Input<string>;
    /** The JWT authorizer the services' routes use (unless public); undefined: none. */
    readonly authorizerId?: pulumi.Input<string | undefined>;
}

/** Defaults and validation of {@link HttpApiGatewayArgs}; throws one error naming every bad argument (or adds to `sink`). */
export function resolveHttpApiGatewayArgs(name: string, args: HttpApiGatewayArgs, sink?: ProblemSink) {
    return resolveOn(`HttpApiGateway "${name}"`, sink, (p) => {
        const d = HTTP_API_GATEWAY_DEFAULTS;
        componentName(p, name);
        requiredInput(p, "vpcId", args.vpcId, VPC_ID, "is not a VPC id such as vpc-0123456789abcdef0");
        subnetList(p, "subnetIds", args.subnetIds, 1);
        const logRetentionDays = logRetention(p, "logRetentionDays", args.logRetentionDays ?? d.logRetentionDays);
        const throttlingRateLimit = int(
            p,
            "throttlingRateLimit",
            args.throttlingRateLimit ?? d.throttlingRateLimit,
            1,
            10000,
        );
        const throttlingBurstLimit = int(
            p,
            "throttlingBurstLimit",
            args.throttlingBurstLimit ?? d.throttlingBurstLimit,
            1,
            5000,
        );
        return { logRetentionDays, throttlingRateLimit, throttlingBurstLimit };
    });
}

/** An HTTP API with a VPC link and a Cloud Map namespace, shared by services. See docs/components/HttpApiGateway.md. */
export class HttpApiGateway extends pulumi.ComponentResource {
    /** Pulumi type token. */
    static readonly TYPE = "aws-webapp:index:HttpApiGateway";

    /** HTTP API id (the CloudWatch `ApiId` dimension). */
    public readonly apiId: pulumi.Output<string>;
    /** Id of the VPC link to the services' private subnets. */
    public readonly vpcLinkId: pulumi.Output<string>;
    /** Security group of the VPC link. */
    public readonly securityGroupId: pulumi.Output<string>;
    /** Cloud Map namespace of the services' tasks. */
    public readonly namespaceId: pulumi.Output<string>;
    /** Invoke URL of the `$default` stage, without a trailing slash. */
    public readonly url: pulumi.Output<string>;
    /** Log group of the stage's access logs (with retention). */
    public readonly accessLogGroupName: pulumi.Output<string>;
    /** Id of the JWT authorizer (with `jwtAuthorizer`), else undefined. */
    public readonly authorizerId: pulumi.Output<string | undefined>;

    constructor(name: string, args: HttpApiGatewayArgs, opts?: pulumi.ComponentResourceOptions) {
        const s = resolveHttpApiGatewayArgs(name, args);
        super(HttpApiGateway.TYPE, name, {}, opts);
        const child = childOptions(this, opts);
        const tags = (n: string) => nameTags(n, args.tags);

        const securityGroup = new aws.ec2.SecurityGroup(
            `${name}-vpclink-sg`,
            {
                vpcId: args.vpcId,
                description: `HTTP API VPC link of ${name}: no inbound; to the tasks only`,
                tags: tags(`${name}-vpclink-sg`),
            },
            child,
        );
        const namespace = new aws.servicediscovery.PrivateDnsNamespace(
            `${name}-ns`,
            {
                name: `${name}.internal`,
                vpc: args.vpcId,
                description: `Service discovery of ${name}`,
                tags: tags(`${name}-ns`),
            },
            child,
        );
        const vpcLink = new aws.apigatewayv2.VpcLink(
            `${name}-vpclink`,
            {
                name: `${name}-vpclink`,
                subnetIds: args.subnetIds,
                securityGroupIds: [securityGroup.id],
                tags: tags(`${name}-vpclink`),
            },
            child,
        );
        const api = new aws.apigatewayv2.Api(
            `${name}-api`,
            { name: `${name}-api`, protocolType: "HTTP", tags: tags(`${name}-api`) },
            child,
        );
        const accessLogGroup = new aws.cloudwatch.LogGroup(
            `${name}-api-access`,
            {
                name: `/aws/apigateway/${name}`,
                retentionInDays: s.logRetentionDays,
                tags: tags(`${name}-api-access`),
            },
            child,
        );
        const stage = new aws.apigatewayv2.Stage(
            `${name}-api-stage`,
            {
                apiId: api.id,
                name: "$default",
                // Routes added by services deploy automatically.
                autoDeploy: true,
                accessLogSettings: { destinationArn: accessLogGroup.arn, format: ACCESS_LOG_FORMAT },
                defaultRouteSettings: {
                    throttlingRateLimit: s.throttlingRateLimit,
                    throttlingBurstLimit: s.throttlingBurstLimit,
                },
                tags: tags(`${name}-api-stage`),
            },
            child,
        );

        const authorizer = args.jwtAuthorizer
            ? new aws.apigatewayv2.Authorizer(
                  `${name}-jwt`,
                  {
                      apiId: api.id,
                      name: `${name}-jwt`,
                      authorizerType: "JWT",
                      identitySources: ["$request.header.Authorization"],
                      jwtConfiguration: pulumi
                          .output(args.jwtAuthorizer)
                          .apply((j) => ({ issuer: j.issuer, audiences: j.audience })),
                  },
                  child,
              )
            : undefined;

        this.apiId = api.id;
        this.authorizerId = authorizer ? authorizer.id.apply((i) => i as string | undefined) : pulumi.output(undefined);
        this.vpcLinkId = vpcLink.id;
        this.securityGroupId = securityGroup.id;
        this.namespaceId = namespace.id;
        this.url = stage.invokeUrl.apply((u) => u.replace(/\/$/, ""));
        this.accessLogGroupName = accessLogGroup.name;
        this.registerOutputs({
            apiId: this.apiId,
            vpcLinkId: this.vpcLinkId,
            securityGroupId: this.securityGroupId,
            namespaceId: this.namespaceId,
            url: this.url,
            accessLogGroupName: this.accessLogGroupName,
            authorizerId: this.authorizerId,
        });
    }
}

/**
 * Arguments of {@link EcsEc2Service} and their validation: the pattern checks
 * what is its own (the ingress mode and which arguments apply to it) and runs
 * each block's resolver on one problem set, so one error names every bad
 * argument, by the pattern's names, before anything is registered.
 */
import type * as pulumi from "@pulumi/pulumi";
import {
    resolveHttpApiGatewayArgs,
    type HttpApiGatewayRef,
    type HttpApiJwtAuthorizerArgs,
} from "../apigw/httpApiGateway";
import { resolveContainerImageArgs } from "../ecr/containerImage";
import { resolveEcsClusterArgs, type EcsClusterRef } from "../ecs/cluster";
import type { TaskRoleStatement } from "../ecs/containerChecks";
import { resolveEc2CapacityArgs } from "../ecs/ec2Capacity";
import { resolveEc2ServiceArgs } from "../ecs/ec2ServiceArgs";
import type { RestartOnSecretRotationArgs } from "../ecs/restartOnRotation";
import type { Architecture, ContainerInsights } from "../ecs/taskSizes";
import { resolveWebLoadBalancerArgs, type OriginVerifyHeader, type WebLoadBalancerRef } from "../lb/webLoadBalancer";
import { placementProblems } from "../ecs/placement";
import { componentName, oneOf, ProblemSet, renamedKeys } from "../shared/inputChecks";
import { instanceTypeInfo } from "../shared/instanceTypes";
import {
    architectureOf,
    capacityArgsOf,
    gatewayArgsOf,
    imageArgsOf,
    loadBalancerArgsOf,
    PLANNED,
    serviceArgsOf,
} from "./blockArgs";
import { refuseInapplicable } from "./inapplicableArgs";

export {
    architectureOf,
    capacityArgsOf,
    gatewayArgsOf,
    imageArgsOf,
    loadBalancerArgsOf,
    PATTERN_DISCOVERY_NAME,
    serviceArgsOf,
    type ServiceWiring,
} from "./blockArgs";

/** Ingress modes: an Application Load Balancer, or HTTP API + VPC link + Cloud Map (no hourly cost). */
export const IngressMode = {
    /** Internet-facing Application Load Balancer. */
    Alb: "alb",
    /** HTTP API + VPC link + Cloud Map SRV records (no hourly cost). */
    HttpApi: "httpApi",
} as const;
export type IngressMode = (typeof IngressMode)[keyof typeof IngressMode];
/** The values of {@link IngressMode}, in declaration order (the order validation messages list them in). */
export const INGRESS_MODES: readonly IngressMode[] = Object.values(IngressMode);

/** The pattern's listener rule (see Ec2Service's `loadBalancer` attachment). */
export interface ListenerRuleArgs {
    /** Rule priority (1 to 50000, unique per load balancer). @default 100 */
    readonly priority?: number;
    /** Path patterns the rule matches. @default ["/*"] without hostHeaders */
    readonly pathPatterns?: string[];
    /** Host headers the rule matches. @default none */
    readonly hostHeaders?: string[];
}

/** Defaults of the pattern's own arguments. */
export const ECS_EC2_SERVICE_DEFAULTS = {
    ingress: "alb" as IngressMode,
    listenerRulePriority: 100,
    pathPatterns: ["/*"] as readonly string[],
} as const;

/**
 * Arguments of {@link EcsEc2Service}. Counts, sizes, enums and switches are
 * plain values (not Inputs) because they are validated before any resource
 * is registered; ids and ARNs may be Outputs of other resources.
 */
export interface EcsEc2ServiceArgs {
    // --- network ---
    /** VPC of every security group and the target group. */
    readonly vpcId: pulumi.Input<string>;
    /** IPv4 CIDR block of the VPC (the destination of `vpcEgressPorts`). */
    readonly cidrBlock: pulumi.Input<string>;
    /** TCP ports the tasks may connect to inside the VPC, e.g. the database's `port`. @default [] (HTTPS anywhere only) */
    readonly vpcEgressPorts?: pulumi.Input<number>[];
    /**
     * Subnets of the container instances: the VPC's egress tier (private
     * subnets behind NAT; in a NAT-less VPC the public subnets with
     * `instancePublicIp: true`). Required unless `cluster` is given.
     */
    readonly instanceSubnetIds?: pulumi.Input<pulumi.Input<string>[]>;
    /** Private subnets of the task ENIs (awsvpc tasks on EC2 never get a public IP). */
    readonly serviceSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /** Public subnets of the load balancer, at least two zones. Required with `ingress: "alb"`. */
    readonly albSubnetIds?: pulumi.Input<pulumi.Input<string>[]>;
    /** Give instances a public IPv4 address (only for public instance subnets in a NAT-less VPC). @default false */
    readonly instancePublicIp?: boolean;

    // --- capacity ---
    /** EC2 instance type of the container instances, e.g. `t4g.small`. Required unless `cluster` is given. */
    readonly instanceType?: string;
    /** CPU architecture; must match the instance type. @default derived from `instanceType` (Graviton → arm64) */
    readonly architecture?: Architecture;
    /** Further instance types (same architecture) the Auto Scaling group may launch, for spot diversity. @default [] */
    readonly additionalInstanceTypes?: string[];
    /** Auto Scaling group minimum size. @default 1 */
    readonly minInstances?: number;
    /** Auto Scaling group maximum size. @default the larger of minInstances and 2 */
    readonly maxInstances?: number;
    /** Auto Scaling group size at creation (ECS managed scaling owns it afterwards). @default minInstances */
    readonly desiredInstances?: number;
    /** Instances always launched on demand before the percentage applies. @default 0 */
    readonly onDemandBaseCapacity?: number;
    /** Share of instances above the base launched on demand; the rest are spot (0 = all spot). @default 100 */
    readonly onDemandPercentage?: number;
    /** Managed scaling target: how full (in %) ECS keeps the instances. 100 = no spare instance. @default 100 */
    readonly capacityTargetPercent?: number;
    /** Managed termination protection: ECS only scales in instances without tasks (sets ASG scale-in protection). @default true */
    readonly managedTerminationProtection?: boolean;
    /** Encrypted gp3 root volume size (GiB, at least the AMI's 30). @default 30 */
    readonly rootVolumeSizeGb?: number;
    /** KMS key of the root volumes. @default the account's EBS default key (aws/ebs) */
    readonly rootVolumeKmsKeyArn?: pulumi.Input<string>;
    /**
     * AMI of the instances, pinned: changing it is the deliberate AMI update (new launch template
     * version, rolling instance refresh). @default unset (the ECS-optimized AMI recommended at creation, then kept)
     */
    readonly amiId?: string;
    /** Container Insights on the cluster. @default "enabled" */
    readonly containerInsights?: ContainerInsights;

    // --- task ---
    /** Task CPU units (256, 512, 1024, 2048, 4096, 8192, 16384). @default 512 */
    readonly taskCpu?: number;
    /** Task memory (MiB), valid for `taskCpu` (ECS task size table). @default 1024 */
    readonly taskMemory?: number;
    /** Name of the application container. @default "app" */
    readonly containerName?: string;
    /** Port the container listens on (also passed as `PORT`). @default 3000 */
    readonly containerPort?: number;
    /** HTTP path of the health check (target group and default container check). @default "/api/health" */
    readonly healthCheckPath?: string;
    /**
     * Container health check command. @default `["CMD", "node", "-e", <fetch of healthCheckPath>]`
     * (any Node 18+ image; override it for other images)
     */
    readonly containerHealthCheckCommand?: string[];
    /**
     * User (and group) the container runs as: `uid[:gid]` or a name the image defines; root (`root`, `0`)
     * is refused. Set explicitly in the task definition, as Security Hub ECS.20 requires.
     * @default "1000:1000" (the `node` user of the official Node images, and of the sample app)
     */
    readonly containerUser?: string;
    /** Plain environment variables (never secrets: names that look like one are refused). @default {} */
    readonly environment?: Record<string, pulumi.Input<string>>;
    /**
     * Secrets injected as environment variables at task start: name → Secrets
     * Manager secret ARN, optionally with a JSON key (`arn:...:secret:x-AbCdEf:password::`).
     * The execution role may read exactly these. @default {}
     */
    readonly secrets?: Record<string, pulumi.Input<string>>;
    /** Customer managed KMS keys encrypting those secrets (not needed for the AWS managed key). @default [] */
    readonly secretsKmsKeyArns?: pulumi.Input<string>[];
    /** The application's permissions, granted to the task role. @default [] (the task role has none) */
    readonly taskRoleStatements?: TaskRoleStatement[];
    /** Retention of the application log group (days, a CloudWatch Logs value). @default 30 */
    readonly logRetentionDays?: number;

    // --- service ---
    /** Task count at creation (auto scaling owns it afterwards). @default minTasks */
    readonly desiredTasks?: number;
    /** Service auto scaling minimum. @default 1 */
    readonly minTasks?: number;
    /** Service auto scaling maximum. @default the larger of minTasks and 2 */
    readonly maxTasks?: number;
    /** Service auto scaling on (target tracking); off keeps `desiredTasks` fixed. @default true */
    readonly autoScaling?: boolean;
    /** Target average CPU utilisation (%). @default 70 */
    readonly cpuTargetPercent?: number;
    /** Target average memory utilisation (%); unset = no memory policy. @default undefined */
    readonly memoryTargetPercent?: number;
    /** Target requests per task per minute (ALBRequestCountPerTarget); unset = no request policy. @default undefined */
    readonly requestsPerTarget?: number;
    /**
     * Seconds the service ignores load balancer health checks after a task starts (ingress "alb" only: valid
     * only on a load-balanced service). @default 60 with ingress "alb"
     */
    readonly healthCheckGracePeriodSeconds?: number;
    /** `pulumi up` waits until the deployment is steady (fails on a rolled-back deployment). @default true */
    readonly waitForSteadyState?: boolean;
    /**
     * For images that must sign in with a password from `secrets`: force a new deployment when that
     * secret has rotated (EventBridge rule on `RotationSucceeded`, a function calling `ecs:UpdateService`
     * on this service only). @default none (tasks keep the value they started with)
     */
    readonly restartOnSecretRotation?: RestartOnSecretRotationArgs;

    // --- image ---
    /** Prebuilt image reference (best by digest). Exactly one of `image` and `buildContext`. @default undefined */
    readonly image?: pulumi.Input<string>;
    /** Docker context to build (e.g. `app/`) and push to the repository; needs a Docker engine at deploy time. @default undefined */
    readonly buildContext?: string;
    /** Dockerfile, relative to `buildContext`. @default "Dockerfile" */
    readonly dockerfile?: string;
    /** Images the repository keeps (older ones expire). @default 20 */
    readonly keepImages?: number;
    /** Days before an untagged image expires. @default 1 */
    readonly untaggedImageExpiryDays?: number;
    /** KMS key of the repository. @default AES256 (ECR managed) */
    readonly repositoryKmsKeyArn?: pulumi.Input<string>;
    /** Let `pulumi destroy` delete the repository with its images and the log bucket with its objects (never in prod). @default false */
    readonly forceDestroy?: boolean;

    // --- ingress ---
    /**
     * Ingress mode: `"alb"` (internet-facing Application Load Balancer in `albSubnetIds`) or `"httpApi"`
     * (HTTP API + VPC link + Cloud Map SRV records: no hourly cost; ALB-only arguments are refused). @default "alb"
     */
    readonly ingress?: IngressMode;
    /** ACM certificate for HTTPS on 443 (HTTP then redirects). Unset = HTTP only. @default undefined */
    readonly certificateArn?: pulumi.Input<string>;
    /** TLS 1.3 security policy of the HTTPS listener. @default "ELBSecurityPolicy-TLS13-1-2-2021-06" */
    readonly sslPolicy?: string;
    /** Host name clients use (the stack's alias record); shapes the `url` output only. @default the load balancer DNS name */
    readonly domainName?: string;
    /** Load balancer deletion protection. @default false */
    readonly deletionProtection?: boolean;
    /** Load balancer access logs. @default false */
    readonly accessLogs?: boolean;
    /** Existing bucket for access logs (its policy must admit ELB log delivery). @default a locked-down bucket created here */
    readonly accessLogsBucket?: pulumi.Input<string>;
    /** Key prefix of the access logs. @default "alb" */
    readonly accessLogsPrefix?: string;
    /** Days the created access log bucket keeps logs. @default 90 */
    readonly accessLogsRetentionDays?: number;
    /** Load balancer idle timeout (seconds). @default 60 */
    readonly idleTimeoutSeconds?: number;
    /** Prefix lists the load balancer admits instead of the internet (CloudFront's origin-facing list). @default [] */
    readonly ingressPrefixListIds?: pulumi.Input<string>[];
    /** Secret header the load balancer requires (CloudFront's origin custom header); else 403. @default undefined */
    readonly originVerifyHeader?: OriginVerifyHeader;
    /** Seconds the target group drains a deregistered task. @default 30 */
    readonly deregistrationDelaySeconds?: number;

    // --- joining shared blocks ---
    /** An existing cluster to run on (an EcsCluster, or its outputs); no cluster or capacity is created. @default a cluster with its own capacity */
    readonly cluster?: EcsClusterRef;
    /** Capacity provider of the joined `cluster`. @default the cluster's default strategy */
    readonly capacityProviderName?: pulumi.Input<string>;
    /** An existing load balancer to join (ingress "alb"): the service adds its target group and a listener rule. @default a load balancer of its own */
    readonly loadBalancer?: WebLoadBalancerRef;
    /** The service's listener rule on the load balancer (its own or the joined one). @default priority 100 on all paths (`/*`) */
    readonly listenerRule?: ListenerRuleArgs;
    /** An existing HTTP API to join (ingress "httpApi"): the service adds its Cloud Map service and routes. @default an HTTP API of its own */
    readonly httpApi?: HttpApiGatewayRef;
    /** Route keys of the service on the HTTP API (behind its JWT authorizer, when it has one). @default ["$default"] */
    readonly routeKeys?: string[];
    /**
     * Ingress "httpApi": a daily GET of `healthCheckPath` through the API keeps its VPC link active (API
     * Gateway makes a link INACTIVE after 60 days without traffic). Under 0.01 USD a month. @default true
     */
    readonly vpcLinkKeepAlive?: boolean;
    /** Route keys of the service on the HTTP API that need no token (health checks, public reads). @default [] */
    readonly publicRouteKeys?: string[];
    /**
     * JWT authorizer of the pattern's own HTTP API (UserAuth's `jwtAuthorizer`): `routeKeys` require a
     * valid token, `publicRouteKeys` do not. @default undefined (no authorizer)
     */
    readonly httpApiJwtAuthorizer?: pulumi.Input<HttpApiJwtAuthorizerArgs>;

    /** Tags merged into every taggable child. @default {} */
    readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * Validates every argument of an {@link EcsEc2Service}: the pattern's own,
 * then each block's it builds, on one problem set (by the pattern's names).
 * Throws one `ValidationError`; Outputs are skipped.
 */
export function resolveEcsEc2ServiceArgs(name: string, args: EcsEc2ServiceArgs) {
    const p = new ProblemSet(`EcsEc2Service "${name}"`);
    componentName(p, name);
    const ingress = oneOf(
        p,
        "ingress",
        args.ingress ?? (args.httpApi !== undefined ? "httpApi" : ECS_EC2_SERVICE_DEFAULTS.ingress),
        INGRESS_MODES,
    );
    refuseInapplicable(p, args, ingress);
    let maxInstances: number | undefined;
    if (args.cluster === undefined) {
        resolveEcsClusterArgs(name, { containerInsights: args.containerInsights }, p);
        if (args.instanceType !== undefined)
            maxInstances = resolveEc2CapacityArgs(
                name,
                capacityArgsOf(args),
                renamedKeys(p, { subnetIds: "instanceSubnetIds" }),
            ).maxInstances;
    }
    const architecture = architectureOf(args);
    resolveContainerImageArgs(
        name,
        { ...imageArgsOf(args, architecture), image: args.image, buildContext: args.buildContext },
        p,
    );
    if (ingress === "alb" && args.loadBalancer === undefined)
        resolveWebLoadBalancerArgs(name, loadBalancerArgsOf(args), renamedKeys(p, { subnetIds: "albSubnetIds" }));
    if (ingress === "httpApi" && args.httpApi === undefined)
        resolveHttpApiGatewayArgs(name, gatewayArgsOf(args), renamedKeys(p, { subnetIds: "serviceSubnetIds" }));
    const service = resolveEc2ServiceArgs(
        name,
        serviceArgsOf(args, ingress, PLANNED),
        renamedKeys(p, { subnetIds: "serviceSubnetIds", loadBalancer: "listenerRule" }),
    );
    // The EC2 launch type's rule: the task fits the pattern's instance type, the tasks its instances.
    const info =
        args.cluster === undefined && typeof args.instanceType === "string" && instanceTypeInfo(args.instanceType);
    const counts = [service.taskCpu, service.taskMemory, maxInstances, service.maxTasks, service.desiredTasks];
    if (info && counts.every(Number.isInteger)) {
        const placementArgs = {
            instanceType: args.instanceType!,
            taskCpu: service.taskCpu,
            taskMemory: service.taskMemory,
            maxInstances: maxInstances!,
            maxTasks: service.maxTasks,
            desiredTasks: service.desiredTasks,
        };
        for (const line of placementProblems(info, placementArgs, (k) => k)) p.add(line);
    }
    p.throwIfAny();
    return { ingress, architecture };
}

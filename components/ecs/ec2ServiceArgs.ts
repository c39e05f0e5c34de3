/**
 * Arguments of {@link Ec2Service}, their defaults (one constant) and their
 * pure validation, run before the component registers anything.
 */
import * as pulumi from "@pulumi/pulumi";
import type { HttpApiGatewayRef } from "../apigw/httpApiGateway";
import type { WebLoadBalancerRef } from "../lb/webLoadBalancer";
import { isCidr } from "../shared/cidr";
import {
    bool,
    componentName,
    int,
    optionalKmsKeyArn,
    logRetention,
    optionalInt,
    ordered,
    requiredInput,
    requiredObject,
    resolveOn,
    subnetList,
    VPC_ID,
    within,
    type ProblemSink,
} from "../shared/inputChecks";
import { isKnown } from "../shared/validation";
import type { EcsClusterRef } from "./cluster";
import {
    CONTAINER_USER,
    DEFAULT_CONTAINER_USER,
    defaultHealthCheckCommand,
    environmentMap,
    HEALTH_PATH,
    isRootUser,
    secretsMap,
    taskRoleStatements,
    type TaskRoleStatement,
} from "./containerChecks";
import { checkRestartOnSecretRotation, type RestartOnSecretRotationArgs } from "./restartOnRotation";
import { EC2_TASK_CPU, EC2_TASK_MEMORY_MIB } from "./placement";
import { keepAlivePath } from "./vpcLinkKeepAlive";

/** Defaults of {@link Ec2ServiceArgs}, named by each argument's `@default`. */
export const EC2_SERVICE_DEFAULTS = {
    taskCpu: 512,
    taskMemory: 1024,
    containerName: "app",
    containerPort: 3000,
    healthCheckPath: "/api/health",
    containerUser: DEFAULT_CONTAINER_USER,
    logRetentionDays: 30,
    minTasks: 1,
    /** maxTasks: the larger of minTasks and this. */
    maxTasksAtLeast: 2,
    autoScaling: true,
    cpuTargetPercent: 70,
    healthCheckGracePeriodSeconds: 60,
    waitForSteadyState: true,
    deregistrationDelaySeconds: 30,
    routeKeys: ["$default"] as readonly string[],
} as const;

/** How a service joins a {@link WebLoadBalancer}: its own target group, and a rule on the load balancer's listener. */
export interface LoadBalancerAttachment {
    /** The load balancer (a WebLoadBalancer, or its outputs). */
    readonly loadBalancer: WebLoadBalancerRef;
    /** Listener rule priority (1 to 50000, unique per load balancer; lower wins). */
    readonly priority: number;
    /** Path patterns the rule matches, e.g. `["/api/*"]` (at most 5 with hostHeaders). @default none (hostHeaders only) */
    readonly pathPatterns?: string[];
    /** Host headers the rule matches, e.g. `["api.example.com"]`. @default none (pathPatterns only) */
    readonly hostHeaders?: string[];
}

/** How a service joins an {@link HttpApiGateway}: its own Cloud Map service, integration and routes. */
export interface HttpApiAttachment {
    /** The HTTP API (an HttpApiGateway, or its outputs). */
    readonly gateway: HttpApiGatewayRef;
    /** Route keys sent to this service, e.g. `["ANY /api/{proxy+}"]` (behind the gateway's JWT authorizer, when it has one). @default `EC2_SERVICE_DEFAULTS.routeKeys` (["$default"]) */
    readonly routeKeys?: string[];
    /** Route keys sent to this service without the gateway's authorizer, e.g. `["GET /api/health"]`. @default [] */
    readonly publicRouteKeys?: string[];
    /** Name of the Cloud Map service (unique in the namespace; a DNS label). @default the component name */
    readonly discoveryName?: string;
    /**
     * A daily GET of `healthCheckPath` through the API (a scheduled rule and a small function), so the VPC
     * link never goes 60 days without traffic (API Gateway then makes it INACTIVE: requests fail for minutes
     * until it is re-provisioned). Needs a route key matching `healthCheckPath`. Costs under 0.01 USD a month.
     * @default true
     */
    readonly keepAlive?: boolean;
}

/**
 * Arguments of {@link Ec2Service}. Counts, sizes and switches are plain values
 * (validated before anything is registered); ids and ARNs may be Outputs.
 */
export interface Ec2ServiceArgs {
    /** VPC of the service's security group and target group. */
    readonly vpcId: pulumi.Input<string>;
    /** IPv4 CIDR block of the VPC: tasks may open TCP connections inside it (database, private services). */
    readonly cidrBlock: pulumi.Input<string>;
    /** Private subnets of the task ENIs (awsvpc tasks on EC2 never get a public IP). */
    readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /** The cluster the service runs on (an EcsCluster, or its outputs). */
    readonly cluster: EcsClusterRef;
    /** Capacity provider of the tasks (an Ec2Capacity's or EcsCluster's `capacityProviderName`). @default the cluster's default strategy */
    readonly capacityProviderName?: pulumi.Input<string>;
    /**
     * TCP ports the tasks may connect to inside the VPC (`cidrBlock`), e.g. the database's `port`: one
     * egress rule each. Besides these, tasks reach HTTPS anywhere and nothing else. @default []
     */
    readonly vpcEgressPorts?: pulumi.Input<number>[];
    /** Image the task runs (a ContainerImage's `imageRef`; best by digest). */
    readonly image: pulumi.Input<string>;
    /** ECR repository the execution role may pull from (a ContainerImage's `repositoryArn`). @default none (a public image) */
    readonly repositoryArn?: pulumi.Input<string>;

    /** Task CPU units, 128 to 196608 (EC2 launch type; 1024 = one vCPU); it must fit the instances. @default `EC2_SERVICE_DEFAULTS.taskCpu` (512) */
    readonly taskCpu?: number;
    /** Task memory (MiB): EC2 launch type, it must fit the instances (memory minus the ECS agent's reserve). @default `EC2_SERVICE_DEFAULTS.taskMemory` (1024) */
    readonly taskMemory?: number;
    /** Name of the application container. @default `EC2_SERVICE_DEFAULTS.containerName` ("app") */
    readonly containerName?: string;
    /** Port the container listens on (also passed as `PORT`). @default `EC2_SERVICE_DEFAULTS.containerPort` (3000) */
    readonly containerPort?: number;
    /** HTTP path of the health check (target group and default container check). @default `EC2_SERVICE_DEFAULTS.healthCheckPath` ("/api/health") */
    readonly healthCheckPath?: string;
    /** Container health check command. @default `["CMD", "node", "-e", <fetch of healthCheckPath>]` (any Node 18+ image) */
    readonly containerHealthCheckCommand?: string[];
    /** User (and group) the container runs as, never root (Security Hub ECS.20). @default `EC2_SERVICE_DEFAULTS.containerUser` ("1000:1000") */
    readonly containerUser?: string;
    /** Plain environment variables (never secrets: names that look like one are refused). @default {} */
    readonly environment?: Record<string, pulumi.Input<string>>;
    /** Secrets injected at task start: name → Secrets Manager secret ARN (optionally `:json-key::`). @default {} */
    readonly secrets?: Record<string, pulumi.Input<string>>;
    /** Customer managed KMS keys encrypting those secrets (not needed for the AWS managed key). @default [] */
    readonly secretsKmsKeyArns?: pulumi.Input<string>[];
    /** The application's permissions, granted to the task role. @default [] (the task role has none) */
    readonly taskRoleStatements?: TaskRoleStatement[];
    /** Retention of the application log group (days, a CloudWatch Logs value). @default `EC2_SERVICE_DEFAULTS.logRetentionDays` (30) */
    readonly logRetentionDays?: number;

    /** Task count at creation (auto scaling owns it afterwards). @default minTasks */
    readonly desiredTasks?: number;
    /** Service auto scaling minimum. @default `EC2_SERVICE_DEFAULTS.minTasks` (1) */
    readonly minTasks?: number;
    /** Service auto scaling maximum. @default the larger of minTasks and `EC2_SERVICE_DEFAULTS.maxTasksAtLeast` (2) */
    readonly maxTasks?: number;
    /** Service auto scaling on (target tracking); off keeps `desiredTasks` fixed. @default `EC2_SERVICE_DEFAULTS.autoScaling` (true) */
    readonly autoScaling?: boolean;
    /** Target average CPU utilisation (%). @default `EC2_SERVICE_DEFAULTS.cpuTargetPercent` (70) */
    readonly cpuTargetPercent?: number;
    /** Target average memory utilisation (%); unset = no memory policy. @default undefined */
    readonly memoryTargetPercent?: number;
    /** Target requests per task per minute (ALBRequestCountPerTarget; needs `loadBalancer`). @default undefined */
    readonly requestsPerTarget?: number;
    /** Seconds the service ignores load balancer health checks after a task starts (with `loadBalancer` only). @default `EC2_SERVICE_DEFAULTS.healthCheckGracePeriodSeconds` (60) */
    readonly healthCheckGracePeriodSeconds?: number;
    /** `pulumi up` waits until the deployment is steady (fails on a rolled-back deployment). @default `EC2_SERVICE_DEFAULTS.waitForSteadyState` (true) */
    readonly waitForSteadyState?: boolean;

    /** Join a WebLoadBalancer (own target group + listener rule). At most one of loadBalancer and httpApi. @default none */
    readonly loadBalancer?: LoadBalancerAttachment;
    /** Seconds the target group drains a deregistered task (with `loadBalancer`). @default `EC2_SERVICE_DEFAULTS.deregistrationDelaySeconds` (30) */
    readonly deregistrationDelaySeconds?: number;
    /** Join an HttpApiGateway (own Cloud Map service, integration and routes). @default none (no ingress: a worker) */
    readonly httpApi?: HttpApiAttachment;
    /**
     * For images that must sign in with a password from `secrets`: force a new deployment when that
     * secret has rotated (EventBridge rule on its `RotationSucceeded` event, a small function calling
     * `ecs:UpdateService` on this service only), so tasks start again with the new value.
     * @default none (tasks keep the value they started with)
     */
    readonly restartOnSecretRotation?: RestartOnSecretRotationArgs;

    /** Tags merged into every taggable child. @default {} */
    readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/** Defaults and validation of {@link Ec2ServiceArgs}; throws one error naming every bad argument (or adds to `sink`). */
export function resolveEc2ServiceArgs(name: string, args: Ec2ServiceArgs, sink?: ProblemSink) {
    return resolveOn(`Ec2Service "${name}"`, sink, (p) => {
        componentName(p, name);
        requiredInput(p, "vpcId", args.vpcId, VPC_ID, "is not a VPC id such as vpc-0123456789abcdef0");
        if (args.cidrBlock === undefined) p.add("cidrBlock: is required: expected the VPC's IPv4 CIDR block");
        else if (isKnown(args.cidrBlock))
            p.expect(isCidr(args.cidrBlock), "cidrBlock", args.cidrBlock, "is not a valid IPv4 CIDR block");
        subnetList(p, "subnetIds", args.subnetIds, 1);
        requiredObject(p, "cluster", args.cluster, ["clusterArn", "clusterName"]);
        vpcPorts(p, args.vpcEgressPorts);
        if (args.image === undefined)
            p.add("image: is required: expected an image reference (a ContainerImage's imageRef)");
        const task = resolveTask(p, args);
        const service = resolveService(p, args);
        const ingress = resolveIngress(p, name, args);
        const keepAlive = ingress.route?.keepAlive
            ? keepAlivePath(ingress.route.routeKeys, task.healthCheckPath)
            : undefined;
        if (ingress.route?.keepAlive && keepAlive === undefined)
            p.add(
                `httpApi.keepAlive: no route key (${ingress.route.routeKeys.join(", ")}) takes a GET: expected a GET or ANY route the keep-alive can send through the VPC link, or keepAlive false`,
            );
        checkRestartOnSecretRotation(p, args.restartOnSecretRotation);
        return {
            ...task,
            ...service,
            ...ingress,
            keepAlivePath: keepAlive,
            restartOnSecretRotation: args.restartOnSecretRotation !== undefined,
        };
    });
}

function vpcPorts(p: ProblemSink, ports: unknown): void {
    if (ports === undefined) return;
    if (!Array.isArray(ports)) {
        p.expect(false, "vpcEgressPorts", ports, "is not a list of TCP ports (elements may be Outputs)");
        return;
    }
    ports.forEach((port, i) => {
        if (isKnown(port as pulumi.Input<number>)) int(p, `vpcEgressPorts.${i}`, port, 1, 65535);
    });
}

/** Resolved service settings. */
export type Ec2ServiceSettings = ReturnType<typeof resolveEc2ServiceArgs>;

function resolveTask(p: ProblemSink, args: Ec2ServiceArgs) {
    const d = EC2_SERVICE_DEFAULTS;
    // The EC2 launch type's ranges (not Fargate's size table); whether the size fits the
    // instances is the capacity's rule (EcsEc2Service checks it against its instance type).
    const taskCpu = int(p, "taskCpu", args.taskCpu ?? d.taskCpu, EC2_TASK_CPU.min, EC2_TASK_CPU.max);
    const taskMemory = int(
        p,
        "taskMemory",
        args.taskMemory ?? d.taskMemory,
        EC2_TASK_MEMORY_MIB.min,
        EC2_TASK_MEMORY_MIB.max,
    );
    const containerName = args.containerName ?? d.containerName;
    p.expect(
        typeof containerName === "string" && /^[A-Za-z0-9][A-Za-z0-9_-]{0,254}$/.test(containerName),
        "containerName",
        containerName,
        "is not a container name: expected letters, digits, hyphens and underscores",
    );
    const containerPort = int(p, "containerPort", args.containerPort ?? d.containerPort, 1, 65535);
    const healthCheckPath = args.healthCheckPath ?? d.healthCheckPath;
    p.expect(
        typeof healthCheckPath === "string" && HEALTH_PATH.test(healthCheckPath) && healthCheckPath.length <= 1024,
        "healthCheckPath",
        healthCheckPath,
        "is not an HTTP path such as /api/health",
    );
    const containerHealthCheckCommand =
        args.containerHealthCheckCommand ?? defaultHealthCheckCommand(containerPort, healthCheckPath);
    p.expect(
        Array.isArray(containerHealthCheckCommand) &&
            containerHealthCheckCommand.length >= 2 &&
            ["CMD", "CMD-SHELL"].includes(containerHealthCheckCommand[0]) &&
            containerHealthCheckCommand.every((c) => typeof c === "string"),
        "containerHealthCheckCommand",
        containerHealthCheckCommand,
        `is not a container health check command: expected ["CMD", <executable>, ...args] or ["CMD-SHELL", <command>]`,
    );
    const containerUser = args.containerUser ?? d.containerUser;
    p.expect(
        typeof containerUser === "string" && CONTAINER_USER.test(containerUser) && !isRootUser(containerUser),
        "containerUser",
        containerUser,
        `is not a non-root container user: expected "<uid or name>[:<gid or group>]" other than root or 0`,
    );
    const logRetentionDays = logRetention(p, "logRetentionDays", args.logRetentionDays ?? d.logRetentionDays);
    environmentMap(p, args.environment ?? {}, args.secrets ?? {});
    secretsMap(p, args.secrets ?? {});
    (args.secretsKmsKeyArns ?? []).forEach((k, i) =>
        // They become the Resource of the execution role's kms:Decrypt: IAM matches
        // key ARNs only, so an alias ARN would deploy and then fail every task start.
        optionalKmsKeyArn(p, `secretsKmsKeyArns.${i}`, k, { why: "an alias ARN grants nothing in IAM" }),
    );
    taskRoleStatements(p, args.taskRoleStatements ?? []);
    return {
        taskCpu,
        taskMemory,
        containerName,
        containerPort,
        healthCheckPath,
        containerHealthCheckCommand: containerHealthCheckCommand as readonly string[],
        containerUser,
        logRetentionDays,
    };
}

function resolveService(p: ProblemSink, args: Ec2ServiceArgs) {
    const d = EC2_SERVICE_DEFAULTS;
    const minTasks = int(p, "minTasks", args.minTasks ?? d.minTasks, 0, 1000);
    const maxTasks = int(p, "maxTasks", args.maxTasks ?? Math.max(minTasks, d.maxTasksAtLeast), 1, 1000);
    const desiredTasks = int(p, "desiredTasks", args.desiredTasks ?? minTasks, 0, 1000);
    ordered(p, "minTasks", minTasks, "maxTasks", maxTasks);
    within(p, "desiredTasks", desiredTasks, "minTasks", minTasks, "maxTasks", maxTasks);
    const autoScaling = bool(p, "autoScaling", args.autoScaling ?? d.autoScaling);
    const cpuTargetPercent = int(p, "cpuTargetPercent", args.cpuTargetPercent ?? d.cpuTargetPercent, 10, 95);
    const memoryTargetPercent = optionalInt(p, "memoryTargetPercent", args.memoryTargetPercent, 10, 95);
    const requestsPerTarget = optionalInt(p, "requestsPerTarget", args.requestsPerTarget, 1, 1000000);
    const healthCheckGracePeriodSeconds = int(
        p,
        "healthCheckGracePeriodSeconds",
        args.healthCheckGracePeriodSeconds ?? d.healthCheckGracePeriodSeconds,
        0,
        7200,
    );
    const waitForSteadyState = bool(p, "waitForSteadyState", args.waitForSteadyState ?? d.waitForSteadyState);
    return {
        minTasks,
        maxTasks,
        desiredTasks,
        autoScaling,
        cpuTargetPercent,
        memoryTargetPercent,
        requestsPerTarget,
        healthCheckGracePeriodSeconds,
        waitForSteadyState,
    };
}

const PATH_PATTERN = /^[A-Za-z0-9_\-.$/~"'@:+*?&=%]{1,128}$/;
const HOST_HEADER = /^[A-Za-z0-9*?.-]{1,128}$/;
const ROUTE_KEY = /^(\$default|(ANY|GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) \/[A-Za-z0-9_\-./{}+]*)$/;
const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

function stringList(p: ProblemSink, key: string, value: unknown, re: RegExp, what: string): string[] {
    if (value === undefined) return [];
    if (!Array.isArray(value)) {
        p.expect(false, key, value, `is not a list of ${what}`);
        return [];
    }
    value.forEach((v, i) => p.expect(typeof v === "string" && re.test(v), `${key}.${i}`, v, `is not ${what}`));
    return value as string[];
}

function resolveIngress(p: ProblemSink, name: string, args: Ec2ServiceArgs) {
    const d = EC2_SERVICE_DEFAULTS;
    const lb = args.loadBalancer;
    const api = args.httpApi;
    if (lb !== undefined && api !== undefined)
        p.add("loadBalancer: is set together with httpApi: expected at most one ingress per service");
    const deregistrationDelaySeconds = int(
        p,
        "deregistrationDelaySeconds",
        args.deregistrationDelaySeconds ?? d.deregistrationDelaySeconds,
        0,
        3600,
    );
    let rule: { priority: number; pathPatterns: string[]; hostHeaders: string[] } | undefined;
    if (lb !== undefined) {
        requiredObject(p, "loadBalancer.loadBalancer", lb.loadBalancer, [
            "listenerArn",
            "securityGroupId",
            "arnSuffix",
        ]);
        const priority = int(p, "loadBalancer.priority", lb.priority, 1, 50000);
        const paths = stringList(p, "loadBalancer.pathPatterns", lb.pathPatterns, PATH_PATTERN, "an ALB path pattern");
        const hosts = stringList(p, "loadBalancer.hostHeaders", lb.hostHeaders, HOST_HEADER, "a host header");
        if (paths.length + hosts.length === 0)
            p.add("loadBalancer: has neither pathPatterns nor hostHeaders: expected at least one condition");
        if (paths.length + hosts.length > 5)
            p.add(
                `loadBalancer: has ${paths.length + hosts.length} path and host values: expected at most 5 (ALB rule limit)`,
            );
        rule = { priority, pathPatterns: paths, hostHeaders: hosts };
    } else {
        if (args.requestsPerTarget !== undefined)
            p.add(`requestsPerTarget: ${args.requestsPerTarget} needs loadBalancer (the metric is the target group's)`);
        // Documented as valid only for load-balanced services, and ECS has rejected it on others.
        if (args.healthCheckGracePeriodSeconds !== undefined)
            p.add(
                "healthCheckGracePeriodSeconds: is set but applies to load-balanced services only: expected it unset without loadBalancer",
            );
    }
    let route:
        { routeKeys: string[]; publicRouteKeys: string[]; discoveryName: string; keepAlive: boolean } | undefined;
    if (api !== undefined) {
        requiredObject(p, "httpApi.gateway", api.gateway, ["apiId", "vpcLinkId", "securityGroupId", "namespaceId"]);
        const routeKeys =
            api.routeKeys === undefined
                ? [...d.routeKeys]
                : stringList(
                      p,
                      "httpApi.routeKeys",
                      api.routeKeys,
                      ROUTE_KEY,
                      'a route key such as "ANY /api/{proxy+}"',
                  );
        if (api.routeKeys !== undefined && routeKeys.length === 0)
            p.add("httpApi.routeKeys: is empty: expected at least one route key");
        const publicRouteKeys =
            api.publicRouteKeys === undefined
                ? []
                : stringList(
                      p,
                      "httpApi.publicRouteKeys",
                      api.publicRouteKeys,
                      ROUTE_KEY,
                      'a route key such as "GET /api/health"',
                  );
        for (const k of publicRouteKeys.filter((k) => routeKeys.includes(k)))
            p.add(`httpApi.publicRouteKeys: "${k}" is also in routeKeys: expected each route key once`);
        const discoveryName = api.discoveryName ?? name;
        p.expect(DNS_LABEL.test(discoveryName), "httpApi.discoveryName", discoveryName, "is not a DNS label");
        const keepAlive = bool(p, "httpApi.keepAlive", api.keepAlive ?? true);
        route = { routeKeys, publicRouteKeys, discoveryName, keepAlive };
    }
    return { deregistrationDelaySeconds, rule, route };
}

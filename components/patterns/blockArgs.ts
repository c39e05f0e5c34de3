/**
 * The arguments {@link EcsEc2Service} hands each block it builds (capacity,
 * image, load balancer or HTTP API, service), mapped from its own, and the
 * stand-ins its validation uses for blocks not created yet.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { HttpApiGatewayRef } from "../apigw/httpApiGateway";
import type { EcsClusterRef } from "../ecs/cluster";
import type { ClusterCapacityArgs } from "../ecs/ec2Capacity";
import type { Ec2ServiceArgs } from "../ecs/ec2ServiceArgs";
import { architectureOfInstanceType, type Architecture } from "../ecs/taskSizes";
import type { WebLoadBalancerArgs, WebLoadBalancerRef } from "../lb/webLoadBalancer";
import { ECS_EC2_SERVICE_DEFAULTS, type EcsEc2ServiceArgs, type IngressMode } from "./ecsEc2ServiceArgs";

/** Arguments of the capacity the pattern builds (without `cluster`). */
export function capacityArgsOf(args: EcsEc2ServiceArgs): ClusterCapacityArgs {
    return {
        vpcId: args.vpcId,
        subnetIds: args.instanceSubnetIds!,
        instancePublicIp: args.instancePublicIp,
        instanceType: args.instanceType!,
        architecture: args.architecture,
        additionalInstanceTypes: args.additionalInstanceTypes,
        minInstances: args.minInstances,
        maxInstances: args.maxInstances,
        desiredInstances: args.desiredInstances,
        onDemandBaseCapacity: args.onDemandBaseCapacity,
        onDemandPercentage: args.onDemandPercentage,
        capacityTargetPercent: args.capacityTargetPercent,
        managedTerminationProtection: args.managedTerminationProtection,
        rootVolumeSizeGb: args.rootVolumeSizeGb,
        rootVolumeKmsKeyArn: args.rootVolumeKmsKeyArn,
        amiId: args.amiId,
        tags: args.tags,
    };
}

/** Arguments of the load balancer the pattern builds (without `loadBalancer`). */
export function loadBalancerArgsOf(args: EcsEc2ServiceArgs): WebLoadBalancerArgs {
    return {
        vpcId: args.vpcId,
        subnetIds: args.albSubnetIds!,
        certificateArn: args.certificateArn,
        sslPolicy: args.sslPolicy,
        domainName: args.domainName,
        deletionProtection: args.deletionProtection,
        accessLogs: args.accessLogs,
        accessLogsBucket: args.accessLogsBucket,
        accessLogsPrefix: args.accessLogsPrefix,
        accessLogsRetentionDays: args.accessLogsRetentionDays,
        idleTimeoutSeconds: args.idleTimeoutSeconds,
        ingressPrefixListIds: args.ingressPrefixListIds,
        originVerifyHeader: args.originVerifyHeader,
        forceDestroy: args.forceDestroy,
        tags: args.tags,
    };
}

/** The CPU architecture the pattern builds the image for. */
export function architectureOf(args: EcsEc2ServiceArgs): Architecture {
    return (
        args.architecture ??
        (typeof args.instanceType === "string" ? architectureOfInstanceType(args.instanceType) : "x86_64")
    );
}

/** The name the pattern's Cloud Map service always had (a rename would replace it). */
export const PATTERN_DISCOVERY_NAME = "app";

/** What the pattern hands its service of the blocks it built or joined. */
export interface ServiceWiring {
    readonly cluster: EcsClusterRef;
    readonly capacityProviderName: pulumi.Input<string> | undefined;
    readonly image: pulumi.Input<string>;
    readonly repositoryArn: pulumi.Input<string> | undefined;
    readonly loadBalancer: WebLoadBalancerRef | undefined;
    readonly httpApi: HttpApiGatewayRef | undefined;
}

/** Arguments of the pattern's Ec2Service. */
export function serviceArgsOf(args: EcsEc2ServiceArgs, ingress: IngressMode, w: ServiceWiring): Ec2ServiceArgs {
    const rule = args.listenerRule ?? {};
    const alb = ingress === "alb";
    return {
        vpcId: args.vpcId,
        cidrBlock: args.cidrBlock,
        subnetIds: args.serviceSubnetIds,
        vpcEgressPorts: args.vpcEgressPorts,
        cluster: w.cluster,
        capacityProviderName: w.capacityProviderName,
        image: w.image,
        repositoryArn: w.repositoryArn,
        taskCpu: args.taskCpu,
        taskMemory: args.taskMemory,
        containerName: args.containerName,
        containerPort: args.containerPort,
        healthCheckPath: args.healthCheckPath,
        containerHealthCheckCommand: args.containerHealthCheckCommand,
        containerUser: args.containerUser,
        environment: args.environment,
        secrets: args.secrets,
        secretsKmsKeyArns: args.secretsKmsKeyArns,
        taskRoleStatements: args.taskRoleStatements,
        logRetentionDays: args.logRetentionDays,
        desiredTasks: args.desiredTasks,
        minTasks: args.minTasks,
        maxTasks: args.maxTasks,
        autoScaling: args.autoScaling,
        cpuTargetPercent: args.cpuTargetPercent,
        memoryTargetPercent: args.memoryTargetPercent,
        // The pattern reports these itself when they do not apply (by its own ingress names).
        requestsPerTarget: alb ? args.requestsPerTarget : undefined,
        healthCheckGracePeriodSeconds: alb ? args.healthCheckGracePeriodSeconds : undefined,
        waitForSteadyState: args.waitForSteadyState,
        restartOnSecretRotation: args.restartOnSecretRotation,
        deregistrationDelaySeconds: args.deregistrationDelaySeconds,
        loadBalancer:
            alb && w.loadBalancer
                ? {
                      loadBalancer: w.loadBalancer,
                      priority: rule.priority ?? ECS_EC2_SERVICE_DEFAULTS.listenerRulePriority,
                      pathPatterns:
                          rule.pathPatterns ??
                          (rule.hostHeaders === undefined ? [...ECS_EC2_SERVICE_DEFAULTS.pathPatterns] : undefined),
                      hostHeaders: rule.hostHeaders,
                  }
                : undefined,
        httpApi:
            !alb && w.httpApi
                ? {
                      gateway: w.httpApi,
                      routeKeys: args.routeKeys,
                      publicRouteKeys: args.publicRouteKeys,
                      discoveryName: PATTERN_DISCOVERY_NAME,
                      keepAlive: args.vpcLinkKeepAlive,
                  }
                : undefined,
        tags: args.tags,
    };
}

/** Stand-ins for blocks the pattern creates after validation (the service's checks only need them present). */
const TO_BE_CREATED = "(created by the pattern)";
export const PLANNED: ServiceWiring = {
    cluster: { clusterArn: TO_BE_CREATED, clusterName: TO_BE_CREATED },
    capacityProviderName: TO_BE_CREATED,
    image: TO_BE_CREATED,
    repositoryArn: TO_BE_CREATED,
    loadBalancer: {
        listenerArn: TO_BE_CREATED,
        securityGroupId: TO_BE_CREATED,
        arnSuffix: TO_BE_CREATED,
        url: TO_BE_CREATED,
    },
    httpApi: {
        apiId: TO_BE_CREATED,
        vpcLinkId: TO_BE_CREATED,
        securityGroupId: TO_BE_CREATED,
        namespaceId: TO_BE_CREATED,
        url: TO_BE_CREATED,
    },
};

/** Arguments of the image block. */
export function imageArgsOf(args: EcsEc2ServiceArgs, architecture: Architecture) {
    return {
        image: args.image,
        buildContext: args.buildContext,
        dockerfile: args.dockerfile,
        architecture,
        // The pattern always had its repository, also for a prebuilt image.
        createRepository: true,
        keepImages: args.keepImages,
        untaggedImageExpiryDays: args.untaggedImageExpiryDays,
        repositoryKmsKeyArn: args.repositoryKmsKeyArn,
        forceDestroy: args.forceDestroy,
        tags: args.tags,
    };
}

/** Arguments of the HTTP API the pattern builds (without `httpApi`). */
export function gatewayArgsOf(args: EcsEc2ServiceArgs) {
    return {
        vpcId: args.vpcId,
        subnetIds: args.serviceSubnetIds,
        logRetentionDays: args.logRetentionDays,
        jwtAuthorizer: args.httpApiJwtAuthorizer,
        tags: args.tags,
    };
}

/**
 * Task and service (internal piece of EcsEc2Service): log group, execution
 * and task roles, task definition, service security group, the awsvpc ECS
 * service and its target-tracking auto scaling.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { nameTags } from "../shared/tags";
import type { Ingress } from "./albIngress";
import type { TaskRoleStatement } from "./ecsEc2Service";
import { ecsTasksTrustPolicy, executionRolePolicy, taskRolePolicy } from "./policies";
import type { EcsEc2ServiceSettings } from "./validation";

export interface ContainerSpec {
    readonly name: string;
    readonly image: string;
    readonly port: number;
    readonly environment: Readonly<Record<string, string>>;
    /** Variable name → Secrets Manager `valueFrom`. */
    readonly secrets: Readonly<Record<string, string>>;
    readonly logGroupName: string;
    readonly region: string;
    readonly healthCheckCommand: readonly string[];
    /** `uid[:gid]` (never root): set in the definition, not left to the image. */
    readonly user: string;
}

/** Name of the task-scoped writable volume mounted on /tmp (the root filesystem is read-only). */
export const TMP_VOLUME = "tmp";

/**
 * The container definitions JSON of the task: secrets only through
 * `secrets` (ECS resolves them at start; they never appear in the task
 * definition), read-only root filesystem with a writable /tmp, awslogs.
 */
export function containerDefinitions(c: ContainerSpec): string {
    const byName = <T>(entries: [string, T][]) => entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return JSON.stringify([
        {
            name: c.name,
            image: c.image,
            essential: true,
            user: c.user,
            portMappings: [
                { name: "http", containerPort: c.port, hostPort: c.port, protocol: "tcp", appProtocol: "http" },
            ],
            environment: byName(Object.entries(c.environment)).map(([name, value]) => ({ name, value })),
            secrets: byName(Object.entries(c.secrets)).map(([name, valueFrom]) => ({ name, valueFrom })),
            readonlyRootFilesystem: true,
            mountPoints: [{ sourceVolume: TMP_VOLUME, containerPath: "/tmp", readOnly: false }],
            privileged: false,
            linuxParameters: { initProcessEnabled: true },
            stopTimeout: 30,
            healthCheck: { command: [...c.healthCheckCommand], interval: 30, timeout: 5, retries: 3, startPeriod: 30 },
            logConfiguration: {
                logDriver: "awslogs",
                options: {
                    "awslogs-group": c.logGroupName,
                    "awslogs-region": c.region,
                    "awslogs-stream-prefix": c.name,
                    mode: "non-blocking",
                    "max-buffer-size": "4m",
                },
            },
        },
    ]);
}

/**
 * Task definition family: `<name>-<stack>`, with every character ECS refuses
 * in a family (anything but letters, digits, `-` and `_`; Pulumi stack names
 * may hold `.`) replaced by `-`, at most 255 characters.
 */
export function taskFamily(name: string, stack: string): string {
    return `${name}-${stack}`.replace(/[^A-Za-z0-9_-]/g, "-").slice(0, 255);
}

/** Application Auto Scaling resource id of an ECS service. */
export function serviceResourceId(clusterName: string, serviceName: string): string {
    return `service/${clusterName}/${serviceName}`;
}

export interface ServiceInputs {
    readonly name: string;
    readonly parent: pulumi.Resource;
    readonly settings: EcsEc2ServiceSettings;
    readonly vpcId: pulumi.Input<string>;
    readonly cidrBlock: pulumi.Input<string>;
    readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    readonly cluster: aws.ecs.Cluster;
    readonly capacityProviderName: pulumi.Output<string>;
    readonly capacityReady: pulumi.Resource[];
    readonly repositoryArn: pulumi.Output<string>;
    readonly image: pulumi.Input<string>;
    readonly environment: Record<string, pulumi.Input<string>>;
    readonly secrets: Record<string, pulumi.Input<string>>;
    readonly secretsKmsKeyArns: pulumi.Input<string>[];
    readonly taskRoleStatements: readonly TaskRoleStatement[];
    readonly tags: pulumi.Input<Record<string, pulumi.Input<string>>> | undefined;
}

export interface ServiceSecurity {
    readonly securityGroup: aws.ec2.SecurityGroup;
}

/**
 * The service security group, created before the ingress so the ingress can
 * admit itself to it. Egress: HTTPS anywhere (AWS APIs, S3 through the
 * gateway endpoint) and TCP inside the VPC (database and other private
 * services); no inbound rule until an ingress adds one.
 */
export function createServiceSecurityGroup(
    i: Pick<ServiceInputs, "name" | "parent" | "vpcId" | "cidrBlock" | "tags">,
): ServiceSecurity {
    const opts = { parent: i.parent };
    const securityGroup = new aws.ec2.SecurityGroup(
        `${i.name}-service-sg`,
        {
            vpcId: i.vpcId,
            description: `Tasks of ${i.name}: inbound from the ingress only`,
            tags: nameTags(`${i.name}-service-sg`, i.tags),
        },
        opts,
    );
    new aws.vpc.SecurityGroupEgressRule(
        `${i.name}-service-out-https`,
        {
            securityGroupId: securityGroup.id,
            description: "HTTPS to AWS APIs",
            ipProtocol: "tcp",
            fromPort: 443,
            toPort: 443,
            cidrIpv4: "0.0.0.0/0",
            tags: nameTags(`${i.name}-service-out-https`, i.tags),
        },
        opts,
    );
    new aws.vpc.SecurityGroupEgressRule(
        `${i.name}-service-out-vpc`,
        {
            securityGroupId: securityGroup.id,
            description: "TCP inside the VPC (database, private services)",
            ipProtocol: "tcp",
            fromPort: 0,
            toPort: 65535,
            cidrIpv4: i.cidrBlock,
            tags: nameTags(`${i.name}-service-out-vpc`, i.tags),
        },
        opts,
    );
    return { securityGroup };
}

export interface TaskService {
    readonly logGroup: aws.cloudwatch.LogGroup;
    readonly executionRole: aws.iam.Role;
    readonly taskRole: aws.iam.Role;
    readonly taskDefinition: aws.ecs.TaskDefinition;
    readonly service: aws.ecs.Service;
    readonly scalingTarget?: aws.appautoscaling.Target;
    readonly scalingPolicies: aws.appautoscaling.Policy[];
}

export function createTaskService(i: ServiceInputs, security: ServiceSecurity, ingress: Ingress): TaskService {
    const { name, settings: s } = i;
    const opts = { parent: i.parent };
    const tags = (n: string) => nameTags(n, i.tags);
    const region = aws.getRegionOutput({}, opts).region;
    const identity = aws.getCallerIdentityOutput({}, opts);
    const partition = aws.getPartitionOutput({}, opts).partition;

    const logGroup = new aws.cloudwatch.LogGroup(
        `${name}-logs`,
        { retentionInDays: s.logRetentionDays, tags: tags(`${name}-logs`) },
        opts,
    );

    const trust = pulumi
        .all([partition, region, identity.accountId])
        .apply(([p, r, accountId]) => JSON.stringify(ecsTasksTrustPolicy({ partition: p, region: r, accountId })));

    const executionRole = new aws.iam.Role(
        `${name}-execution-role`,
        {
            description: `ECS agent starting tasks of ${name}`,
            assumeRolePolicy: trust,
            tags: tags(`${name}-execution-role`),
        },
        opts,
    );
    const secretValues = Object.values(i.secrets);
    const executionPolicy = new aws.iam.RolePolicy(
        `${name}-execution-policy`,
        {
            role: executionRole.name,
            policy: pulumi
                .all([i.repositoryArn, logGroup.arn, pulumi.all(secretValues), pulumi.all(i.secretsKmsKeyArns), region])
                .apply(([repositoryArn, logGroupArn, secretValueFroms, secretKmsKeyArns, r]) =>
                    JSON.stringify(
                        executionRolePolicy({
                            repositoryArn,
                            logGroupArn,
                            secretValueFroms,
                            secretKmsKeyArns,
                            region: r,
                        }),
                    ),
                ),
        },
        opts,
    );

    const taskRole = new aws.iam.Role(
        `${name}-task-role`,
        { description: `Application permissions of ${name}`, assumeRolePolicy: trust, tags: tags(`${name}-task-role`) },
        opts,
    );
    const roleDependencies: pulumi.Resource[] = [executionPolicy];
    if (i.taskRoleStatements.length > 0) {
        const resolved = pulumi.all(
            i.taskRoleStatements.map((st) =>
                pulumi.all(st.resources).apply((resources) => ({ sid: st.sid, actions: st.actions, resources })),
            ),
        );
        roleDependencies.push(
            new aws.iam.RolePolicy(
                `${name}-task-policy`,
                { role: taskRole.name, policy: resolved.apply((st) => JSON.stringify(taskRolePolicy(st))) },
                opts,
            ),
        );
    }

    const environment = { PORT: String(s.containerPort), ...i.environment };
    const taskDefinition = new aws.ecs.TaskDefinition(
        `${name}-task`,
        {
            family: taskFamily(name, pulumi.getStack()),
            requiresCompatibilities: ["EC2"],
            networkMode: "awsvpc",
            cpu: String(s.taskCpu),
            memory: String(s.taskMemory),
            executionRoleArn: executionRole.arn,
            taskRoleArn: taskRole.arn,
            volumes: [{ name: TMP_VOLUME }],
            containerDefinitions: pulumi
                .all([i.image, pulumi.all(environment), pulumi.all(i.secrets), logGroup.name, region])
                .apply(([image, env, secrets, logGroupName, r]) =>
                    containerDefinitions({
                        name: s.containerName,
                        image,
                        port: s.containerPort,
                        environment: env,
                        secrets,
                        logGroupName,
                        region: r,
                        healthCheckCommand: s.containerHealthCheckCommand,
                        user: s.containerUser,
                    }),
                ),
            tags: tags(`${name}-task`),
        },
        opts,
    );

    const service = new aws.ecs.Service(
        `${name}-service`,
        {
            cluster: i.cluster.arn,
            taskDefinition: taskDefinition.arn,
            desiredCount: s.desiredTasks,
            capacityProviderStrategies: [{ capacityProvider: i.capacityProviderName, weight: 1, base: 0 }],
            networkConfiguration: {
                subnets: i.subnetIds,
                securityGroups: [security.securityGroup.id],
                // awsvpc tasks on EC2 capacity cannot have a public IP; they
                // live in private subnets and reach AWS through the instance.
                assignPublicIp: false,
            },
            loadBalancers: ingress.loadBalancers,
            serviceRegistries: ingress.serviceRegistries,
            // Valid only on a load-balanced service (ECS has rejected it on others);
            // without a load balancer (HTTP API ingress) the container health
            // check's start period covers startup.
            healthCheckGracePeriodSeconds:
                ingress.loadBalancers.length > 0 ? s.healthCheckGracePeriodSeconds : undefined,
            deploymentCircuitBreaker: { enable: true, rollback: true },
            deploymentMinimumHealthyPercent: 100,
            deploymentMaximumPercent: 200,
            // Spread over zones first (availability), then pack instances
            // (cost: managed scaling can empty and remove instances).
            orderedPlacementStrategies: [
                { type: "spread", field: "attribute:ecs.availability-zone" },
                { type: "binpack", field: "memory" },
            ],
            // ECS's AZ rebalancing does not support binpack placement.
            availabilityZoneRebalancing: "DISABLED",
            enableEcsManagedTags: true,
            propagateTags: "SERVICE",
            waitForSteadyState: s.waitForSteadyState,
            tags: tags(`${name}-service`),
        },
        {
            ...opts,
            dependsOn: [...i.capacityReady, ...ingress.dependsOn, ...roleDependencies],
            // Auto scaling owns the task count once it is on.
            ignoreChanges: s.autoScaling ? ["desiredCount"] : [],
        },
    );

    const scalingPolicies: aws.appautoscaling.Policy[] = [];
    let scalingTarget: aws.appautoscaling.Target | undefined;
    if (s.autoScaling) {
        scalingTarget = new aws.appautoscaling.Target(
            `${name}-scaling`,
            {
                serviceNamespace: "ecs",
                scalableDimension: "ecs:service:DesiredCount",
                resourceId: pulumi.all([i.cluster.name, service.name]).apply(([c, sv]) => serviceResourceId(c, sv)),
                minCapacity: s.minTasks,
                maxCapacity: s.maxTasks,
                tags: tags(`${name}-scaling`),
            },
            opts,
        );
        const target = scalingTarget;
        const policy = (
            role: string,
            targetValue: number,
            predefinedMetricType: string,
            resourceLabel?: pulumi.Input<string>,
        ) =>
            new aws.appautoscaling.Policy(
                `${name}-scale-${role}`,
                {
                    policyType: "TargetTrackingScaling",
                    serviceNamespace: target.serviceNamespace,
                    scalableDimension: target.scalableDimension,
                    resourceId: target.resourceId,
                    targetTrackingScalingPolicyConfiguration: {
                        targetValue,
                        predefinedMetricSpecification: { predefinedMetricType, resourceLabel },
                        scaleOutCooldown: 60,
                        scaleInCooldown: 300,
                    },
                },
                opts,
            );
        scalingPolicies.push(policy("cpu", s.cpuTargetPercent, "ECSServiceAverageCPUUtilization"));
        if (s.memoryTargetPercent !== undefined) {
            scalingPolicies.push(policy("memory", s.memoryTargetPercent, "ECSServiceAverageMemoryUtilization"));
        }
        if (s.requestsPerTarget !== undefined && ingress.requestCountResourceLabel) {
            scalingPolicies.push(
                policy("requests", s.requestsPerTarget, "ALBRequestCountPerTarget", ingress.requestCountResourceLabel),
            );
        }
    }

    return { logGroup, executionRole, taskRole, taskDefinition, service, scalingTarget, scalingPolicies };
}

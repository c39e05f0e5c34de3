/**
 * Ec2Service: an ECS service of awsvpc tasks on EC2 capacity. Task
 * definition (read-only root filesystem, non-root user, secrets from Secrets
 * Manager, awslogs), execution and task roles, log group, security group, the
 * service with deployment circuit breaker and target-tracking auto scaling.
 * It joins a {@link WebLoadBalancer} (own target group + listener rule), an
 * {@link HttpApiGateway} (own Cloud Map service + routes), or no ingress.
 * Opt-in: a restart (new deployment) when a secret it reads has rotated.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { childOptions } from "../shared/moves";
import { ValidationError } from "../shared/validation";
import { nameTags } from "../shared/tags";
import { attachToHttpApi, attachToLoadBalancer, NO_INGRESS, type Ingress } from "./attachments";
import { resolveEc2ServiceArgs, type Ec2ServiceArgs } from "./ec2ServiceArgs";
import { ecsTasksTrustPolicy, executionRolePolicy, taskRolePolicy } from "./policies";
import { restartBundleDir, restartOnSecretRotation } from "./restartOnRotation";
import { keepAliveBundleDir, vpcLinkKeepAlive } from "./vpcLinkKeepAlive";
import { containerDefinitions, serviceResourceId, taskFamily, TMP_VOLUME } from "./taskDefinition";

/** An ECS service on EC2 capacity. See docs/components/Ec2Service.md. */
export class Ec2Service extends pulumi.ComponentResource {
    /** Pulumi type token. */
    static readonly TYPE = "aws-webapp:index:Ec2Service";

    /** Name of the ECS service. */
    public readonly serviceName: pulumi.Output<string>;
    /** Security group of the tasks: admit it on the database (`PostgresDb.allowFrom`). */
    public readonly securityGroupId: pulumi.Output<string>;
    /** Log group of the containers (with retention). */
    public readonly logGroupName: pulumi.Output<string>;
    /** ARN of the current task definition revision. */
    public readonly taskDefinitionArn: pulumi.Output<string>;
    /** Execution role name (pulls the image, writes logs, reads the listed secrets). */
    public readonly executionRoleName: pulumi.Output<string>;
    /** Execution role ARN. */
    public readonly executionRoleArn: pulumi.Output<string>;
    /** Attach further application permissions to this role. */
    public readonly taskRoleName: pulumi.Output<string>;
    /** Task role ARN (the application's own permissions). */
    public readonly taskRoleArn: pulumi.Output<string>;
    /** `targetgroup/<name>/<id>`: the CloudWatch `TargetGroup` dimension; undefined without `loadBalancer`. */
    public readonly targetGroupArnSuffix: pulumi.Output<string | undefined>;
    /** Function that forces a new deployment on rotation; undefined without `restartOnSecretRotation`. */
    public readonly restartFunctionName: pulumi.Output<string | undefined>;
    /** Function that keeps the HTTP API's VPC link active (daily); undefined without `httpApi` or with `keepAlive` false. */
    public readonly keepAliveFunctionName: pulumi.Output<string | undefined>;
    /**
     * Application Auto Scaling resource id of the service's scalable target (`service/<cluster>/<service>`),
     * depending on that target: scheduled actions (`OfficeHours`) take it; undefined without `autoScaling`.
     */
    public readonly scalingResourceId: pulumi.Output<string | undefined>;

    constructor(name: string, args: Ec2ServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        const s = resolveEc2ServiceArgs(name, args);
        const bundle = (key: string, dir: () => string) => {
            try {
                return dir();
            } catch (e) {
                throw new ValidationError(`Ec2Service "${name}"`, [`${key}: ${(e as Error).message}`]);
            }
        };
        const restartBundle = s.restartOnSecretRotation
            ? bundle("restartOnSecretRotation", restartBundleDir)
            : undefined;
        const keepAliveBundle = s.keepAlivePath ? bundle("httpApi.keepAlive", keepAliveBundleDir) : undefined;
        super(Ec2Service.TYPE, name, {}, opts);
        const child = childOptions(this, opts);
        const invoke = { parent: this };
        const tags = (n: string) => nameTags(n, args.tags);
        const region = aws.getRegionOutput({}, invoke).region;
        const identity = aws.getCallerIdentityOutput({}, invoke);
        const partition = aws.getPartitionOutput({}, invoke).partition;
        const secrets = args.secrets ?? {};
        const secretsKmsKeyArns = args.secretsKmsKeyArns ?? [];
        const taskRoleStatements = args.taskRoleStatements ?? [];

        // Egress: HTTPS anywhere (AWS APIs, S3 through the gateway endpoint) and
        // TCP inside the VPC; inbound only from the ingress it joins.
        const securityGroup = new aws.ec2.SecurityGroup(
            `${name}-service-sg`,
            {
                vpcId: args.vpcId,
                description: `Tasks of ${name}: inbound from the ingress only`,
                tags: nameTags(`${name}-service-sg`, args.tags),
            },
            child,
        );
        new aws.vpc.SecurityGroupEgressRule(
            `${name}-service-out-https`,
            {
                securityGroupId: securityGroup.id,
                description: "HTTPS to AWS APIs",
                ipProtocol: "tcp",
                fromPort: 443,
                toPort: 443,
                cidrIpv4: "0.0.0.0/0",
                tags: nameTags(`${name}-service-out-https`, args.tags),
            },
            child,
        );
        // Inside the VPC only the ports the tasks need (the database's ...), not every TCP port.
        (args.vpcEgressPorts ?? []).forEach((port, k) => {
            const rule = `${name}-service-out-vpc-${k}`;
            new aws.vpc.SecurityGroupEgressRule(
                rule,
                {
                    securityGroupId: securityGroup.id,
                    description: "TCP inside the VPC to a port the tasks need (vpcEgressPorts)",
                    ipProtocol: "tcp",
                    fromPort: port,
                    toPort: port,
                    cidrIpv4: args.cidrBlock,
                    tags: nameTags(rule, args.tags),
                },
                child,
            );
        });

        const attachment = {
            name,
            opts: child,
            vpcId: args.vpcId,
            serviceSecurityGroupId: securityGroup.id,
            containerName: s.containerName,
            containerPort: s.containerPort,
            healthCheckPath: s.healthCheckPath,
            tags: args.tags,
        };
        const ingress: Ingress =
            args.loadBalancer && s.rule
                ? attachToLoadBalancer(attachment, args.loadBalancer.loadBalancer, s.rule, s.deregistrationDelaySeconds)
                : args.httpApi && s.route
                  ? attachToHttpApi(attachment, args.httpApi.gateway, s.route)
                  : NO_INGRESS;

        const logGroup = new aws.cloudwatch.LogGroup(
            `${name}-logs`,
            { retentionInDays: s.logRetentionDays, tags: tags(`${name}-logs`) },
            child,
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
            child,
        );
        const secretValues = Object.values(secrets);
        const executionPolicy = new aws.iam.RolePolicy(
            `${name}-execution-policy`,
            {
                role: executionRole.name,
                policy: pulumi
                    .all([
                        pulumi.output(args.repositoryArn),
                        logGroup.arn,
                        pulumi.all(secretValues),
                        pulumi.all(secretsKmsKeyArns),
                        region,
                    ])
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
            child,
        );

        const taskRole = new aws.iam.Role(
            `${name}-task-role`,
            {
                description: `Application permissions of ${name}`,
                assumeRolePolicy: trust,
                tags: tags(`${name}-task-role`),
            },
            child,
        );
        const roleDependencies: pulumi.Resource[] = [executionPolicy];
        if (taskRoleStatements.length > 0) {
            const resolved = pulumi.all(
                taskRoleStatements.map((st) =>
                    pulumi.all(st.resources).apply((resources) => ({ sid: st.sid, actions: st.actions, resources })),
                ),
            );
            roleDependencies.push(
                new aws.iam.RolePolicy(
                    `${name}-task-policy`,
                    { role: taskRole.name, policy: resolved.apply((st) => JSON.stringify(taskRolePolicy(st))) },
                    child,
                ),
            );
        }

        const environment = { PORT: String(s.containerPort), ...(args.environment ?? {}) };
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
                    .all([args.image, pulumi.all(environment), pulumi.all(secrets), logGroup.name, region])
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
            child,
        );

        const service = new aws.ecs.Service(
            `${name}-service`,
            {
                cluster: args.cluster.clusterArn,
                taskDefinition: taskDefinition.arn,
                desiredCount: s.desiredTasks,
                capacityProviderStrategies:
                    args.capacityProviderName === undefined
                        ? undefined
                        : [{ capacityProvider: args.capacityProviderName, weight: 1, base: 0 }],
                networkConfiguration: {
                    subnets: args.subnetIds,
                    securityGroups: [securityGroup.id],
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
                ...child,
                dependsOn: [...ingress.dependsOn, ...roleDependencies],
                // Auto scaling owns the task count once it is on.
                ignoreChanges: s.autoScaling ? ["desiredCount"] : [],
            },
        );

        let scalingResourceId: pulumi.Output<string | undefined> = pulumi.output(undefined);
        if (s.autoScaling) {
            const scalingTarget = new aws.appautoscaling.Target(
                `${name}-scaling`,
                {
                    serviceNamespace: "ecs",
                    scalableDimension: "ecs:service:DesiredCount",
                    resourceId: pulumi
                        .all([args.cluster.clusterName, service.name])
                        .apply(([c, sv]) => serviceResourceId(c, sv)),
                    minCapacity: s.minTasks,
                    maxCapacity: s.maxTasks,
                    tags: tags(`${name}-scaling`),
                },
                child,
            );
            const target = scalingTarget;
            scalingResourceId = scalingTarget.resourceId;
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
                    child,
                );
            policy("cpu", s.cpuTargetPercent, "ECSServiceAverageCPUUtilization");
            if (s.memoryTargetPercent !== undefined) {
                policy("memory", s.memoryTargetPercent, "ECSServiceAverageMemoryUtilization");
            }
            if (s.requestsPerTarget !== undefined && ingress.requestCountResourceLabel) {
                policy("requests", s.requestsPerTarget, "ALBRequestCountPerTarget", ingress.requestCountResourceLabel);
            }
        }

        const restart =
            args.restartOnSecretRotation && restartBundle
                ? restartOnSecretRotation(
                      {
                          name,
                          secretArn: args.restartOnSecretRotation.secretArn,
                          clusterArn: args.cluster.clusterArn,
                          clusterName: args.cluster.clusterName,
                          serviceName: service.name,
                          logRetentionDays: s.logRetentionDays,
                          tags: args.tags,
                      },
                      restartBundle,
                      child,
                  )
                : undefined;

        const keepAlive =
            args.httpApi && s.keepAlivePath && keepAliveBundle
                ? vpcLinkKeepAlive(
                      {
                          name,
                          apiUrl: args.httpApi.gateway.url,
                          path: s.keepAlivePath,
                          logRetentionDays: s.logRetentionDays,
                          tags: args.tags,
                      },
                      keepAliveBundle,
                      { ...child, dependsOn: [service] },
                  )
                : undefined;

        this.serviceName = service.name;
        this.securityGroupId = securityGroup.id;
        this.logGroupName = logGroup.name;
        this.taskDefinitionArn = taskDefinition.arn;
        this.executionRoleName = executionRole.name;
        this.executionRoleArn = executionRole.arn;
        this.taskRoleName = taskRole.name;
        this.taskRoleArn = taskRole.arn;
        this.targetGroupArnSuffix = ingress.targetGroupArnSuffix ?? pulumi.output(undefined);
        this.restartFunctionName = restart ? restart.functionName : pulumi.output(undefined);
        this.keepAliveFunctionName = keepAlive ? keepAlive.functionName : pulumi.output(undefined);
        this.scalingResourceId = scalingResourceId;
        this.registerOutputs({
            restartFunctionName: this.restartFunctionName,
            keepAliveFunctionName: this.keepAliveFunctionName,
            scalingResourceId: this.scalingResourceId,
            serviceName: this.serviceName,
            securityGroupId: this.securityGroupId,
            logGroupName: this.logGroupName,
            taskDefinitionArn: this.taskDefinitionArn,
            executionRoleName: this.executionRoleName,
            executionRoleArn: this.executionRoleArn,
            taskRoleName: this.taskRoleName,
            taskRoleArn: this.taskRoleArn,
            targetGroupArnSuffix: this.targetGroupArnSuffix,
        });
    }
}

/**
 * Ec2Capacity: EC2 container instances for an ECS cluster. Instance role and
 * profile, an instance security group without inbound rules, a launch template
 * (ECS-optimized Amazon Linux 2023, IMDSv2, encrypted gp3), an Auto Scaling
 * group (on demand and/or spot) and a capacity provider with managed scaling
 * and managed termination protection, set as the cluster's default strategy.
 * Usable alone (give it any cluster's name) or built by an {@link EcsCluster}.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
    bool,
    componentName,
    int,
    KMS_KEY_ARN,
    oneOf,
    optionalInput,
    ordered,
    requiredInput,
    resolveOn,
    subnetList,
    VPC_ID,
    within,
    type ProblemSink,
} from "../shared/inputChecks";
import { childOptions } from "../shared/moves";
import { nameTags } from "../shared/tags";
import { ec2TrustPolicy, instanceRolePolicy } from "./policies";
import { ARCHITECTURES, architectureOfInstanceType, INSTANCE_TYPE, type Architecture } from "./taskSizes";

/** Defaults of {@link ClusterCapacityArgs}, named by each argument's `@default`. */
export const EC2_CAPACITY_DEFAULTS = {
    instancePublicIp: false,
    minInstances: 1,
    /** maxInstances: the larger of minInstances and this. */
    maxInstancesAtLeast: 2,
    onDemandBaseCapacity: 0,
    onDemandPercentage: 100,
    capacityTargetPercent: 100,
    managedTerminationProtection: true,
    rootVolumeSizeGb: 30,
} as const;

/** The capacity arguments, without the cluster: what {@link EcsCluster} takes for its default capacity. */
export interface ClusterCapacityArgs {
    /** VPC of the instance security group. */
    readonly vpcId: pulumi.Input<string>;
    /**
     * Subnets of the instances: the VPC's egress tier (SecureVpc `egressSubnetIds`: private subnets behind
     * NAT, or the public subnets of a NAT-less VPC with `instancePublicIp: true`).
     */
    readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /** Give instances a public IPv4 address (SecureVpc `egressNeedsPublicIp`). @default `EC2_CAPACITY_DEFAULTS.instancePublicIp` (false) */
    readonly instancePublicIp?: boolean;
    /** EC2 instance type, e.g. `t4g.small`. */
    readonly instanceType: string;
    /** CPU architecture; must match the instance type. @default derived from `instanceType` (Graviton → arm64) */
    readonly architecture?: Architecture;
    /** Further instance types (same architecture) the Auto Scaling group may launch, for spot diversity. @default [] */
    readonly additionalInstanceTypes?: string[];
    /** Auto Scaling group minimum size. @default `EC2_CAPACITY_DEFAULTS.minInstances` (1) */
    readonly minInstances?: number;
    /** Auto Scaling group maximum size. @default the larger of minInstances and `EC2_CAPACITY_DEFAULTS.maxInstancesAtLeast` (2) */
    readonly maxInstances?: number;
    /** Auto Scaling group size at creation (ECS managed scaling owns it afterwards). @default minInstances */
    readonly desiredInstances?: number;
    /** Instances always launched on demand before the percentage applies. @default `EC2_CAPACITY_DEFAULTS.onDemandBaseCapacity` (0) */
    readonly onDemandBaseCapacity?: number;
    /** Share of instances above the base launched on demand; the rest are spot (0 = all spot). @default `EC2_CAPACITY_DEFAULTS.onDemandPercentage` (100) */
    readonly onDemandPercentage?: number;
    /** Managed scaling target: how full (in %) ECS keeps the instances. 100 = no spare instance. @default `EC2_CAPACITY_DEFAULTS.capacityTargetPercent` (100) */
    readonly capacityTargetPercent?: number;
    /** Managed termination protection: ECS only scales in instances without tasks. @default `EC2_CAPACITY_DEFAULTS.managedTerminationProtection` (true) */
    readonly managedTerminationProtection?: boolean;
    /** Encrypted gp3 root volume size (GiB, at least the AMI's 30). @default `EC2_CAPACITY_DEFAULTS.rootVolumeSizeGb` (30) */
    readonly rootVolumeSizeGb?: number;
    /** KMS key of the root volumes. @default the account's EBS default key (aws/ebs) */
    readonly rootVolumeKmsKeyArn?: pulumi.Input<string>;
    /** Tags merged into every taggable child. @default {} */
    readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/** Arguments of {@link Ec2Capacity}. */
export interface Ec2CapacityArgs extends ClusterCapacityArgs {
    /** Name of the ECS cluster the instances join (an `EcsCluster`'s `clusterName`). */
    readonly clusterName: pulumi.Input<string>;
}

/** Defaults and validation of the capacity arguments; throws one error naming every bad argument (or adds to `sink`). */
export function resolveEc2CapacityArgs(name: string, args: ClusterCapacityArgs, sink?: ProblemSink) {
    return resolveOn(`Ec2Capacity "${name}"`, sink, (p) => {
        const d = EC2_CAPACITY_DEFAULTS;
        componentName(p, name);
        requiredInput(p, "vpcId", args.vpcId, VPC_ID, "is not a VPC id such as vpc-0123456789abcdef0");
        subnetList(p, "subnetIds", args.subnetIds, 1);
        const instancePublicIp = bool(p, "instancePublicIp", args.instancePublicIp ?? d.instancePublicIp);
        const instanceType = args.instanceType;
        p.expect(
            typeof instanceType === "string" && INSTANCE_TYPE.test(instanceType),
            "instanceType",
            instanceType,
            "is not an EC2 instance type such as t4g.small",
        );
        const derived = typeof instanceType === "string" ? architectureOfInstanceType(instanceType) : "x86_64";
        const architecture = oneOf(p, "architecture", args.architecture ?? derived, ARCHITECTURES);
        if (args.architecture !== undefined && typeof instanceType === "string" && architecture !== derived) {
            p.add(
                `architecture: ${JSON.stringify(architecture)} does not match instanceType ${JSON.stringify(instanceType)} (${derived})`,
            );
        }
        const additionalInstanceTypes = args.additionalInstanceTypes ?? [];
        additionalTypes(p, additionalInstanceTypes, architecture);
        const minInstances = int(p, "minInstances", args.minInstances ?? d.minInstances, 0, 1000);
        const maxInstances = int(
            p,
            "maxInstances",
            args.maxInstances ?? Math.max(minInstances, d.maxInstancesAtLeast),
            1,
            1000,
        );
        const desiredInstances = int(p, "desiredInstances", args.desiredInstances ?? minInstances, 0, 1000);
        ordered(p, "minInstances", minInstances, "maxInstances", maxInstances);
        within(p, "desiredInstances", desiredInstances, "minInstances", minInstances, "maxInstances", maxInstances);
        const onDemandBaseCapacity = int(
            p,
            "onDemandBaseCapacity",
            args.onDemandBaseCapacity ?? d.onDemandBaseCapacity,
            0,
            1000,
        );
        const onDemandPercentage = int(
            p,
            "onDemandPercentage",
            args.onDemandPercentage ?? d.onDemandPercentage,
            0,
            100,
        );
        const capacityTargetPercent = int(
            p,
            "capacityTargetPercent",
            args.capacityTargetPercent ?? d.capacityTargetPercent,
            1,
            100,
        );
        const managedTerminationProtection = bool(
            p,
            "managedTerminationProtection",
            args.managedTerminationProtection ?? d.managedTerminationProtection,
        );
        const rootVolumeSizeGb = int(p, "rootVolumeSizeGb", args.rootVolumeSizeGb ?? d.rootVolumeSizeGb, 30, 16384);
        optionalInput(p, "rootVolumeKmsKeyArn", args.rootVolumeKmsKeyArn, KMS_KEY_ARN, "is not a KMS key ARN");
        return {
            instancePublicIp,
            instanceType,
            architecture,
            additionalInstanceTypes: additionalInstanceTypes as readonly string[],
            minInstances,
            maxInstances,
            desiredInstances,
            onDemandBaseCapacity,
            onDemandPercentage,
            capacityTargetPercent,
            managedTerminationProtection,
            rootVolumeSizeGb,
        };
    });
}

/** Resolved capacity settings. */
export type Ec2CapacitySettings = ReturnType<typeof resolveEc2CapacityArgs>;

function additionalTypes(p: ProblemSink, types: unknown, architecture: Architecture): void {
    if (!Array.isArray(types)) {
        p.expect(false, "additionalInstanceTypes", types, "is not a list of EC2 instance types");
        return;
    }
    types.forEach((t, i) => {
        if (typeof t !== "string" || !INSTANCE_TYPE.test(t)) {
            p.expect(false, `additionalInstanceTypes.${i}`, t, "is not an EC2 instance type such as t4g.medium");
        } else if (architectureOfInstanceType(t) !== architecture) {
            p.expect(
                false,
                `additionalInstanceTypes.${i}`,
                t,
                `is not an ${architecture} instance type (the AMI and image are ${architecture})`,
            );
        }
    });
}

/** AWS's public SSM parameter holding the current ECS-optimized Amazon Linux 2023 AMI. */
export function ecsAmiParameterName(architecture: Architecture): string {
    return architecture === "arm64"
        ? "/aws/service/ecs/optimized-ami/amazon-linux-2023/arm64/recommended/image_id"
        : "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id";
}

/**
 * User data (before base64) that joins the instance to the cluster. Tasks use
 * task roles (ECS_ENABLE_TASK_IAM_ROLE) and cannot reach the instance
 * metadata service (ECS_AWSVPC_BLOCK_IMDS), so they never see the instance
 * role; awslogs authenticates with the task execution role.
 */
export function ecsUserData(clusterName: string): string {
    return [
        "#!/bin/bash",
        "set -euo pipefail",
        "cat >> /etc/ecs/ecs.config <<'EOF'",
        `ECS_CLUSTER=${clusterName}`,
        "ECS_ENABLE_TASK_IAM_ROLE=true",
        "ECS_AWSVPC_BLOCK_IMDS=true",
        "ECS_ENABLE_AWSLOGS_EXECUTIONROLE_OVERRIDE=true",
        "ECS_ENABLE_SPOT_INSTANCE_DRAINING=true",
        "ECS_CONTAINER_STOP_TIMEOUT=30s",
        "EOF",
        "",
    ].join("\n");
}

/** True when the Auto Scaling group needs a mixed-instances policy (spot or several types). */
export function usesMixedInstances(s: {
    readonly onDemandPercentage: number;
    readonly additionalInstanceTypes: readonly string[];
}): boolean {
    return s.onDemandPercentage < 100 || s.additionalInstanceTypes.length > 0;
}

/** EC2 capacity of an ECS cluster. See docs/components/Ec2Capacity.md. */
export class Ec2Capacity extends pulumi.ComponentResource {
    /** Pulumi type token. */
    static readonly TYPE = "aws-webapp:index:Ec2Capacity";

    /** Capacity provider name (resolves once it is the cluster's provider): a service's capacity provider strategy. */
    public readonly capacityProviderName: pulumi.Output<string>;
    /** Security group of the instances (no inbound rule). */
    public readonly instanceSecurityGroupId: pulumi.Output<string>;
    public readonly autoScalingGroupName: pulumi.Output<string>;
    public readonly autoScalingGroupArn: pulumi.Output<string>;
    public readonly instanceRoleName: pulumi.Output<string>;
    public readonly launchTemplateId: pulumi.Output<string>;

    constructor(name: string, args: Ec2CapacityArgs, opts?: pulumi.ComponentResourceOptions) {
        const s = resolveEc2CapacityArgs(name, args);
        super(Ec2Capacity.TYPE, name, {}, opts);
        const child = childOptions(this, opts);
        const partition = aws.getPartitionOutput({}, { parent: this }).partition;

        const instanceRole = new aws.iam.Role(
            `${name}-instance-role`,
            {
                description: `ECS container instances of ${name}`,
                assumeRolePolicy: JSON.stringify(ec2TrustPolicy()),
                tags: nameTags(`${name}-instance-role`, args.tags),
            },
            child,
        );
        const region = aws.getRegionOutput({}, { parent: this }).region;
        const accountId = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
        const instancePolicy = new aws.iam.RolePolicy(
            `${name}-instance-policy`,
            {
                role: instanceRole.name,
                policy: pulumi
                    .all([partition, region, accountId, args.clusterName])
                    .apply(([p, r, a, clusterName]) =>
                        JSON.stringify(instanceRolePolicy({ partition: p, region: r, accountId: a, clusterName })),
                    ),
            },
            child,
        );
        const instanceProfile = new aws.iam.InstanceProfile(
            `${name}-instance-profile`,
            { role: instanceRole.name, tags: nameTags(`${name}-instance-profile`, args.tags) },
            child,
        );

        // No inbound rule at all: tasks have their own ENIs (awsvpc), shell access
        // is Session Manager. Egress is HTTPS only: ECS, ECR, S3 layers, Secrets
        // Manager, CloudWatch Logs and SSM endpoints.
        const instanceSecurityGroup = new aws.ec2.SecurityGroup(
            `${name}-instance-sg`,
            {
                vpcId: args.vpcId,
                description: `ECS container instances of ${name}: no inbound`,
                tags: nameTags(`${name}-instance-sg`, args.tags),
            },
            child,
        );
        new aws.vpc.SecurityGroupEgressRule(
            `${name}-instance-egress-https`,
            {
                securityGroupId: instanceSecurityGroup.id,
                description: "HTTPS to AWS APIs (ECS, ECR, S3, Secrets Manager, Logs, SSM)",
                ipProtocol: "tcp",
                fromPort: 443,
                toPort: 443,
                cidrIpv4: "0.0.0.0/0",
                tags: nameTags(`${name}-instance-egress-https`, args.tags),
            },
            child,
        );

        const ami = aws.ssm.getParameterOutput({ name: ecsAmiParameterName(s.architecture) }, { parent: this });
        const tagSpec = (resourceType: string) => ({ resourceType, tags: nameTags(`${name}-instance`, args.tags) });
        const launchTemplate = new aws.ec2.LaunchTemplate(
            `${name}-lt`,
            {
                description: `ECS-optimized Amazon Linux 2023 (${s.architecture}) for ${name}`,
                imageId: ami.value,
                instanceType: s.instanceType,
                iamInstanceProfile: { arn: instanceProfile.arn },
                // No keyName: there is no SSH; use Session Manager.
                networkInterfaces: [
                    {
                        deviceIndex: 0,
                        associatePublicIpAddress: String(s.instancePublicIp),
                        securityGroups: [instanceSecurityGroup.id],
                        deleteOnTermination: "true",
                    },
                ],
                metadataOptions: {
                    httpEndpoint: "enabled",
                    httpTokens: "required",
                    // 1 hop: a container on a bridge network (one hop further) cannot
                    // get an IMDSv2 token. The ECS agent itself runs in a container
                    // with host networking (no extra hop), so it keeps IMDS (instance
                    // identity, spot interruption notices); awsvpc tasks are also
                    // blocked outright by ECS_AWSVPC_BLOCK_IMDS.
                    httpPutResponseHopLimit: 1,
                    instanceMetadataTags: "disabled",
                },
                blockDeviceMappings: [
                    {
                        deviceName: "/dev/xvda",
                        ebs: {
                            volumeSize: s.rootVolumeSizeGb,
                            volumeType: "gp3",
                            encrypted: "true",
                            kmsKeyId: args.rootVolumeKmsKeyArn,
                            deleteOnTermination: "true",
                        },
                    },
                ],
                monitoring: { enabled: false },
                userData: pulumi
                    .output(args.clusterName)
                    .apply((c) => Buffer.from(ecsUserData(c), "utf8").toString("base64")),
                updateDefaultVersion: true,
                tagSpecifications: [tagSpec("instance"), tagSpec("volume"), tagSpec("network-interface")],
                tags: nameTags(`${name}-lt`, args.tags),
            },
            { ...child, dependsOn: [instancePolicy] },
        );

        const template = { id: launchTemplate.id, version: launchTemplate.latestVersion.apply(String) };
        const asgTags = pulumi.output(args.tags ?? {}).apply((t) => [
            ...Object.entries({ ...t, Name: `${name}-instance` }).map(([key, value]) => ({
                key,
                value,
                propagateAtLaunch: true,
            })),
            // Managed scaling expects this tag; declaring it avoids a perpetual diff.
            { key: "AmazonECSManaged", value: "true", propagateAtLaunch: true },
        ]);
        const mixed = usesMixedInstances(s);
        const autoScalingGroup = new aws.autoscaling.Group(
            `${name}-asg`,
            {
                vpcZoneIdentifiers: args.subnetIds,
                minSize: s.minInstances,
                maxSize: s.maxInstances,
                desiredCapacity: s.desiredInstances,
                // Required by managed termination protection: ECS decides which
                // instance may go, so no instance running tasks is scaled in.
                protectFromScaleIn: s.managedTerminationProtection,
                healthCheckType: "EC2",
                healthCheckGracePeriod: 120,
                defaultInstanceWarmup: 120,
                capacityRebalance: mixed && s.onDemandPercentage < 100,
                launchTemplate: mixed ? undefined : template,
                mixedInstancesPolicy: mixed
                    ? {
                          instancesDistribution: {
                              onDemandBaseCapacity: s.onDemandBaseCapacity,
                              onDemandPercentageAboveBaseCapacity: s.onDemandPercentage,
                              spotAllocationStrategy: "price-capacity-optimized",
                          },
                          launchTemplate: {
                              launchTemplateSpecification: { launchTemplateId: template.id, version: template.version },
                              overrides: [s.instanceType, ...s.additionalInstanceTypes].map((instanceType) => ({
                                  instanceType,
                              })),
                          },
                      }
                    : undefined,
                // A new launch template version (new AMI, new user data) replaces
                // instances launch-before-terminate; ECS managed draining moves tasks.
                instanceRefresh: {
                    strategy: "Rolling",
                    preferences: {
                        minHealthyPercentage: 100,
                        maxHealthyPercentage: 200,
                        scaleInProtectedInstances: "Refresh",
                        standbyInstances: "Terminate",
                    },
                },
                // Instances carry no state; do not wait for them on delete.
                forceDelete: true,
                tags: asgTags,
            },
            // ECS managed scaling owns the desired capacity once running.
            { ...child, ignoreChanges: ["desiredCapacity"] },
        );

        const capacityProvider = new aws.ecs.CapacityProvider(
            `${name}-cp`,
            {
                autoScalingGroupProvider: {
                    autoScalingGroupArn: autoScalingGroup.arn,
                    managedTerminationProtection: s.managedTerminationProtection ? "ENABLED" : "DISABLED",
                    managedDraining: "ENABLED",
                    managedScaling: {
                        status: "ENABLED",
                        targetCapacity: s.capacityTargetPercent,
                        minimumScalingStepSize: 1,
                        maximumScalingStepSize: Math.max(1, Math.min(10, s.maxInstances)),
                        instanceWarmupPeriod: 120,
                    },
                },
                tags: nameTags(`${name}-cp`, args.tags),
            },
            child,
        );
        const clusterCapacityProviders = new aws.ecs.ClusterCapacityProviders(
            `${name}-cluster-cps`,
            {
                clusterName: pulumi.output(args.clusterName),
                capacityProviders: [capacityProvider.name],
                defaultCapacityProviderStrategies: [{ capacityProvider: capacityProvider.name, weight: 1, base: 0 }],
            },
            child,
        );

        this.capacityProviderName = pulumi
            .all([capacityProvider.name, clusterCapacityProviders.id])
            .apply(([providerName]) => providerName);
        this.instanceSecurityGroupId = instanceSecurityGroup.id;
        this.autoScalingGroupName = autoScalingGroup.name;
        this.autoScalingGroupArn = autoScalingGroup.arn;
        this.instanceRoleName = instanceRole.name;
        this.launchTemplateId = launchTemplate.id;
        this.registerOutputs({
            capacityProviderName: this.capacityProviderName,
            instanceSecurityGroupId: this.instanceSecurityGroupId,
            autoScalingGroupName: this.autoScalingGroupName,
            autoScalingGroupArn: this.autoScalingGroupArn,
            instanceRoleName: this.instanceRoleName,
            launchTemplateId: this.launchTemplateId,
        });
    }
}

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
import { childOptions } from "../shared/moves";
import { nameTags } from "../shared/tags";
import {
    ecsAmiParameterName,
    ecsUserData,
    resolveEc2CapacityArgs,
    usesMixedInstances,
    type Ec2CapacityArgs,
} from "./ec2CapacityArgs";
import { ec2TrustPolicy, instanceRolePolicy } from "./policies";

export {
    AMI_ID,
    EC2_CAPACITY_DEFAULTS,
    ecsAmiParameterName,
    ecsUserData,
    resolveEc2CapacityArgs,
    usesMixedInstances,
    type ClusterCapacityArgs,
    type Ec2CapacityArgs,
    type Ec2CapacitySettings,
} from "./ec2CapacityArgs";

/** EC2 capacity of an ECS cluster. See docs/components/Ec2Capacity.md. */
export class Ec2Capacity extends pulumi.ComponentResource {
    /** Pulumi type token. */
    static readonly TYPE = "aws-webapp:index:Ec2Capacity";

    /** Capacity provider name (resolves once it is the cluster's provider): a service's capacity provider strategy. */
    public readonly capacityProviderName: pulumi.Output<string>;
    /** Security group of the instances (no inbound rule). */
    public readonly instanceSecurityGroupId: pulumi.Output<string>;
    /** Name of the Auto Scaling group of the instances. */
    public readonly autoScalingGroupName: pulumi.Output<string>;
    /** ARN of the Auto Scaling group (the capacity provider manages it). */
    public readonly autoScalingGroupArn: pulumi.Output<string>;
    /** IAM role of the container instances (its own policy, scoped to the cluster). */
    public readonly instanceRoleName: pulumi.Output<string>;
    /** Id of the launch template (IMDSv2 required, encrypted root volume). */
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

        // The parameter is a public, plain String, but the provider marks its `value` secret and with it
        // the whole result (a preview would show `[secret]`): its `insecureValue`, unsecreted, is readable.
        const imageId =
            s.amiId ??
            pulumi.unsecret(
                aws.ssm.getParameterOutput({ name: ecsAmiParameterName(s.architecture) }, { parent: this })
                    .insecureValue,
            );
        const tagSpec = (resourceType: string) => ({ resourceType, tags: nameTags(`${name}-instance`, args.tags) });
        const launchTemplate = new aws.ec2.LaunchTemplate(
            `${name}-lt`,
            {
                description: `ECS-optimized Amazon Linux 2023 (${s.architecture}) for ${name}`,
                imageId,
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
            {
                ...child,
                dependsOn: [instancePolicy],
                // Without a pinned amiId the AMI read at creation is kept: AWS's next release must not
                // roll every instance on an unrelated `up`. Setting amiId is the deliberate update.
                ignoreChanges: s.amiId === undefined ? ["imageId"] : [],
            },
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
                // A new launch template version (a new amiId, new user data) replaces
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

/**
 * EC2 capacity of the cluster (internal piece of EcsEc2Service): instance
 * role and profile, instance security group, launch template, Auto Scaling
 * group and the capacity provider with managed scaling.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { nameTags } from "../shared/tags";
import { ec2TrustPolicy, instanceManagedPolicyArns } from "./policies";
import type { Architecture, EcsEc2ServiceSettings } from "./validation";

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
export function usesMixedInstances(
    s: Pick<EcsEc2ServiceSettings, "onDemandPercentage" | "additionalInstanceTypes">,
): boolean {
    return s.onDemandPercentage < 100 || s.additionalInstanceTypes.length > 0;
}

export interface CapacityInputs {
    readonly name: string;
    readonly parent: pulumi.Resource;
    readonly settings: EcsEc2ServiceSettings;
    readonly vpcId: pulumi.Input<string>;
    readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    readonly clusterName: pulumi.Output<string>;
    readonly rootVolumeKmsKeyArn: pulumi.Input<string> | undefined;
    readonly tags: pulumi.Input<Record<string, pulumi.Input<string>>> | undefined;
}

export interface Capacity {
    readonly instanceRole: aws.iam.Role;
    readonly instanceSecurityGroup: aws.ec2.SecurityGroup;
    readonly launchTemplate: aws.ec2.LaunchTemplate;
    readonly autoScalingGroup: aws.autoscaling.Group;
    readonly capacityProvider: aws.ecs.CapacityProvider;
    readonly clusterCapacityProviders: aws.ecs.ClusterCapacityProviders;
}

export function createCapacity(i: CapacityInputs): Capacity {
    const { name, settings: s } = i;
    const opts = { parent: i.parent };
    const partition = aws.getPartitionOutput({}, opts).partition;

    const instanceRole = new aws.iam.Role(
        `${name}-instance-role`,
        {
            description: `ECS container instances of ${name}`,
            assumeRolePolicy: JSON.stringify(ec2TrustPolicy()),
            tags: nameTags(`${name}-instance-role`, i.tags),
        },
        opts,
    );
    const attachments = ["ecs", "ssm"].map(
        (role, k) =>
            new aws.iam.RolePolicyAttachment(
                `${name}-instance-${role}`,
                { role: instanceRole.name, policyArn: partition.apply((p) => instanceManagedPolicyArns(p)[k]) },
                opts,
            ),
    );
    const instanceProfile = new aws.iam.InstanceProfile(
        `${name}-instance-profile`,
        { role: instanceRole.name, tags: nameTags(`${name}-instance-profile`, i.tags) },
        opts,
    );

    // No inbound rule at all: tasks have their own ENIs (awsvpc), shell access
    // is Session Manager. Egress is HTTPS only: ECS, ECR, S3 layers, Secrets
    // Manager, CloudWatch Logs and SSM endpoints.
    const instanceSecurityGroup = new aws.ec2.SecurityGroup(
        `${name}-instance-sg`,
        {
            vpcId: i.vpcId,
            description: `ECS container instances of ${name}: no inbound`,
            tags: nameTags(`${name}-instance-sg`, i.tags),
        },
        opts,
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
            tags: nameTags(`${name}-instance-egress-https`, i.tags),
        },
        opts,
    );

    const ami = aws.ssm.getParameterOutput({ name: ecsAmiParameterName(s.architecture) }, opts);
    const tagSpec = (resourceType: string) => ({ resourceType, tags: nameTags(`${name}-instance`, i.tags) });
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
                        kmsKeyId: i.rootVolumeKmsKeyArn,
                        deleteOnTermination: "true",
                    },
                },
            ],
            monitoring: { enabled: false },
            userData: i.clusterName.apply((c) => Buffer.from(ecsUserData(c), "utf8").toString("base64")),
            updateDefaultVersion: true,
            tagSpecifications: [tagSpec("instance"), tagSpec("volume"), tagSpec("network-interface")],
            tags: nameTags(`${name}-lt`, i.tags),
        },
        { ...opts, dependsOn: attachments },
    );

    const template = { id: launchTemplate.id, version: launchTemplate.latestVersion.apply(String) };
    const asgTags = pulumi.output(i.tags ?? {}).apply((t) => [
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
            vpcZoneIdentifiers: i.subnetIds,
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
        { ...opts, ignoreChanges: ["desiredCapacity"] },
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
            tags: nameTags(`${name}-cp`, i.tags),
        },
        opts,
    );
    const clusterCapacityProviders = new aws.ecs.ClusterCapacityProviders(
        `${name}-cluster-cps`,
        {
            clusterName: i.clusterName,
            capacityProviders: [capacityProvider.name],
            defaultCapacityProviderStrategies: [{ capacityProvider: capacityProvider.name, weight: 1, base: 0 }],
        },
        opts,
    );
    return {
        instanceRole,
        instanceSecurityGroup,
        launchTemplate,
        autoScalingGroup,
        capacityProvider,
        clusterCapacityProviders,
    };
}

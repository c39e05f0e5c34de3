/**
 * Arguments of {@link Ec2Capacity}, their defaults (one constant), their pure
 * validation (run before anything is registered), and the pure helpers of the
 * launch template: the AMI parameter, the user data, the mixed-instances switch.
 */
import type * as pulumi from "@pulumi/pulumi";
import {
    bool,
    componentName,
    int,
    optionalKmsKeyArn,
    oneOf,
    ordered,
    requiredInput,
    resolveOn,
    subnetList,
    VPC_ID,
    within,
    type ProblemSink,
} from "../shared/inputChecks";
import { instanceType as instanceTypeCheck } from "../shared/instanceTypes";
import { ARCHITECTURES, architectureOfInstanceType, type Architecture } from "./taskSizes";

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
    /**
     * AMI of the instances, pinned (e.g. `ami-0123456789abcdef0`): changing it is the deliberate AMI
     * update (a new launch template version, then a rolling instance refresh). Unset: the ECS-optimized
     * Amazon Linux 2023 AMI recommended when the launch template was created, read from AWS's public SSM
     * parameter ({@link ecsAmiParameterName}) and then kept (a later AMI release changes nothing until
     * `amiId` is set). @default unset (the recommended AMI at creation)
     */
    readonly amiId?: string;
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
        const typeProblem = instanceTypeCheck(instanceType);
        if (typeProblem !== undefined) p.expect(false, "instanceType", instanceType, typeProblem);
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
        // The launch template hands it to EBS, which resolves aliases.
        optionalKmsKeyArn(p, "rootVolumeKmsKeyArn", args.rootVolumeKmsKeyArn, { aliases: true });
        if (args.amiId !== undefined)
            p.expect(
                typeof args.amiId === "string" && AMI_ID.test(args.amiId),
                "amiId",
                args.amiId,
                "is not an AMI id such as ami-0123456789abcdef0",
            );
        return {
            amiId: args.amiId,
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
        const problem = instanceTypeCheck(t);
        if (problem !== undefined) {
            p.expect(false, `additionalInstanceTypes.${i}`, t, problem);
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

/** An EC2 AMI id (8 or 17 hex digits). */
export const AMI_ID = /^ami-([0-9a-f]{8}|[0-9a-f]{17})$/;

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

// ECS building blocks: a cluster, its EC2 capacity, services; and the pure helpers they are built from.
export { EcsCluster, ECS_CLUSTER_DEFAULTS, resolveEcsClusterArgs } from "./cluster";
export type { EcsClusterArgs, EcsClusterRef } from "./cluster";
export {
    Ec2Capacity,
    EC2_CAPACITY_DEFAULTS,
    AMI_ID,
    ecsAmiParameterName,
    ecsUserData,
    resolveEc2CapacityArgs,
    usesMixedInstances,
} from "./ec2Capacity";
export type { ClusterCapacityArgs, Ec2CapacityArgs, Ec2CapacitySettings } from "./ec2Capacity";
export { Ec2Service } from "./ec2Service";
export { EC2_SERVICE_DEFAULTS, resolveEc2ServiceArgs } from "./ec2ServiceArgs";
export type { Ec2ServiceArgs, Ec2ServiceSettings, HttpApiAttachment, LoadBalancerAttachment } from "./ec2ServiceArgs";
export {
    DEFAULT_CONTAINER_USER,
    defaultHealthCheckCommand,
    escalationActionsOf,
    isRootUser,
    isServiceWideResource,
    looksLikeSecret,
    PRIVILEGE_ESCALATION_ACTIONS,
    secretResourceArn,
    type TaskRoleStatement,
} from "./containerChecks";
export {
    ecsTasksTrustPolicy,
    ec2TrustPolicy,
    executionRolePolicy,
    instanceRolePolicy,
    taskRolePolicy,
} from "./policies";
export { containerDefinitions, serviceResourceId, taskFamily } from "./taskDefinition";
export {
    ecsServiceArn,
    restartRolePolicy,
    rotationEventPattern,
    SECRET_ARN,
    type RestartOnSecretRotationArgs,
} from "./restartOnRotation";
export { RESTART_ENV, ROTATION_SUCCEEDED } from "./restartEnv";
export {
    Architecture,
    ARCHITECTURES,
    architectureOfInstanceType,
    CONTAINER_INSIGHTS,
    ContainerInsights,
    describeMemoryFor,
    dockerPlatform,
    isValidTaskSize,
    TASK_SIZES,
} from "./taskSizes";

// The compute tier: one public component plus the pure helpers its tests and
// users may call (validation, policy documents, naming).
export { EcsEc2Service } from "./ecsEc2Service";
export type { EcsEc2ServiceArgs, TaskRoleStatement } from "./ecsEc2Service";
export {
    Architecture,
    ARCHITECTURES,
    CONTAINER_INSIGHTS,
    ContainerInsights,
    IngressMode,
    INGRESS_MODES,
    TASK_SIZES,
    architectureOfInstanceType,
    isValidTaskSize,
    resolveEcsEc2ServiceArgs,
} from "./validation";
export type { EcsEc2ServiceSettings } from "./validation";

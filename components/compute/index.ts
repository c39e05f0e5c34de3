// The compute tier: one public component plus the pure helpers its tests and
// users may call (validation, policy documents, naming).
export { EcsEc2Service } from "./ecsEc2Service";
export type { EcsEc2ServiceArgs, TaskRoleStatement } from "./ecsEc2Service";
export {
    ARCHITECTURES,
    INGRESS_MODES,
    TASK_SIZES,
    architectureOfInstanceType,
    isValidTaskSize,
    resolveEcsEc2ServiceArgs,
} from "./validation";
export type { Architecture, EcsEc2ServiceSettings, IngressMode } from "./validation";

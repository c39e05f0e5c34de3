// One-call patterns composed of the building blocks.
export { EcsEc2Service } from "./ecsEc2Service";
export {
    ECS_EC2_SERVICE_DEFAULTS,
    IngressMode,
    INGRESS_MODES,
    PATTERN_DISCOVERY_NAME,
    resolveEcsEc2ServiceArgs,
} from "./ecsEc2ServiceArgs";
export type { EcsEc2ServiceArgs, ListenerRuleArgs } from "./ecsEc2ServiceArgs";

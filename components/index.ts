// The public component library: every component and its args type.
export { ValidationError } from "./shared/validation";
export { BillingAlarm, type BillingAlarmArgs } from "./billing";
export * from "./database";
export { GithubDeployRole, type GithubDeployRoleArgs } from "./github";
export { SecureVpc, type SecureVpcArgs, type NatStrategy, type EgressTier, NAT_STRATEGIES } from "./vpc";
export { EcsEc2Service, type EcsEc2ServiceArgs, type TaskRoleStatement } from "./compute";
export { ImagePipeline, type ImagePipelineArgs, ensureHandlerBundle } from "./imagePipeline";

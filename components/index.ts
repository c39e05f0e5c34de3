// The public component library: every component, its args type and the enums its args and outputs use.
export { ValidationError } from "./shared/validation";
export {
    BillingAlarm,
    type BillingAlarmArgs,
    BILLING_ALARM_DEFAULTS,
    BILLING_REGION,
    TreatMissingData,
} from "./billing";
export * from "./database";
export { GithubDeployRole, type GithubDeployRoleArgs, permissionsBoundaryTransform } from "./github";
export { SecureVpc, type SecureVpcArgs, NatStrategy, EgressTier, NAT_INSTANCE_DEFAULTS, NAT_STRATEGIES } from "./vpc";
export {
    EcsCluster,
    type EcsClusterArgs,
    type EcsClusterRef,
    Ec2Capacity,
    type Ec2CapacityArgs,
    type ClusterCapacityArgs,
    Ec2Service,
    type Ec2ServiceArgs,
    type LoadBalancerAttachment,
    type HttpApiAttachment,
    type RestartOnSecretRotationArgs,
    type TaskRoleStatement,
    Architecture,
    ContainerInsights,
} from "./ecs";
export { WebLoadBalancer, type WebLoadBalancerArgs, type WebLoadBalancerRef } from "./lb";
export { HttpApiGateway, type HttpApiGatewayArgs, type HttpApiGatewayRef } from "./apigw";
export { ContainerImage, type ContainerImageArgs } from "./ecr";
export { EcsEc2Service, type EcsEc2ServiceArgs, type ListenerRuleArgs, IngressMode } from "./patterns";
export {
    ImagePipeline,
    type ImagePipelineArgs,
    type RenditionWidths,
    ensureHandlerBundle,
    LambdaArchitecture,
    OutputFormat,
    CorsMethod,
} from "./imagePipeline";
export {
    StaticSite,
    type StaticSiteArgs,
    ApiOriginProtocol,
    PriceClass,
    cloudFrontReadStatement,
    contentSecurityPolicy,
    securityHeaders,
} from "./cdn";
export {
    UserAuth,
    type UserAuthArgs,
    type PostConfirmationTriggerArgs,
    type UserAuthJwtConfiguration,
    MfaMode,
    ThreatProtection,
    JwksMirror,
    type JwksMirrorArgs,
    JWKS_MIRROR_DEFAULTS,
    jwksReadStatement,
} from "./auth";
export {
    MessageTable,
    type MessageTableArgs,
    Cache,
    type CacheArgs,
    ValkeyMajorVersion,
    type MessageTableIndexNames,
    type TableAccessStatement,
    newMessageId,
    ensureFunctionBundle,
} from "./data";
export {
    Observability,
    type ObservabilityArgs,
    OBSERVABILITY_DEFAULTS,
    type DbInstanceMetricDimensions,
    type EcsServiceMetricDimensions,
    type HttpApiMetricDimensions,
    type LambdaFunctionMetricDimensions,
    type LoadBalancerMetricDimensions,
    type QueueMetricDimensions,
    FUNCTION_ERROR_EVALUATION,
    FunctionRuns,
    type WatchedLambdaFunction,
    type WatchedQueue,
} from "./observability";
export {
    WebFirewall,
    type WebFirewallArgs,
    WEB_FIREWALL_DEFAULTS,
    WebAclScope,
    DomainCertificate,
    type DomainCertificateArgs,
} from "./edge";
export { AppSecret, type AppSecretArgs, APP_SECRET_DEFAULTS } from "./secrets";
export {
    OfficeHours,
    type OfficeHoursArgs,
    type OfficeHoursAutoScalingGroup,
    type OfficeHoursDatabase,
    OfficeHoursDatabaseKind,
    type OfficeHoursService,
    OFFICE_HOURS_DEFAULTS,
} from "./ops";

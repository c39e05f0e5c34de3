// Load balancing: an internet-facing ALB services share, and its access-log policy.
export {
    WebLoadBalancer,
    WEB_LOAD_BALANCER_DEFAULTS,
    applicationUrl,
    FORBIDDEN_ACTION,
    publicPorts,
    resolveWebLoadBalancerArgs,
} from "./webLoadBalancer";
export type { OriginVerifyHeader, WebLoadBalancerArgs, WebLoadBalancerRef } from "./webLoadBalancer";
export { accessLogsBucketPolicy, elbLogDeliveryAccountArn, ELB_LOG_DELIVERY_ACCOUNTS } from "./policies";

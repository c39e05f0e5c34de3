export { SecureVpc } from "./secureVpc";
export type { SecureVpcArgs } from "./secureVpcArgs";
export { NAT_STRATEGIES, NatStrategy } from "./validation";
export { EgressTier } from "./policies";
export { NAT_INSTANCE_DEFAULTS } from "./natInstancePolicies";

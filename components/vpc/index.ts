export { SecureVpc } from "./secureVpc";
export type { SecureVpcArgs } from "./secureVpc";
export { NAT_STRATEGIES, NatStrategy } from "./validation";
export { EgressTier } from "./policies";

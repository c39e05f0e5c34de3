export { SecureVpc } from "./secureVpc";
export type { SecureVpcArgs } from "./secureVpc";
export { NAT_STRATEGIES } from "./validation";
export type { NatStrategy } from "./validation";
export type { EgressTier } from "./policies";

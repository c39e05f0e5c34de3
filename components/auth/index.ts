// Identity components: Cognito sign-up and sign-in.
export { UserAuth } from "./userAuth";
export type { PostConfirmationTriggerArgs, UserAuthArgs, UserAuthJwtConfiguration } from "./userAuth";
export { MFA_MODES, MfaMode, resolveUserAuthSettings, THREAT_PROTECTION_MODES, ThreatProtection } from "./settings";
export type { UserAuthSettings } from "./settings";
export { JwksMirror, JWKS_MIRROR_DEFAULTS, resolveJwksMirrorArgs } from "./jwksMirror";
export type { JwksMirrorArgs, JwksMirrorSettings } from "./jwksMirror";
export { jwksReadStatement } from "./jwksMirrorPolicies";

// Edge: the web application firewall and the application's certificate.
export { WebAclScope, WebFirewall, WEB_FIREWALL_DEFAULTS, resolveWebFirewallArgs } from "./webFirewall";
export type { WebFirewallArgs, WebFirewallSettings } from "./webFirewall";
export { DomainCertificate, isInZone, resolveDomainCertificateArgs } from "./domainCertificate";
export type { DomainCertificateArgs, DomainCertificateSettings } from "./domainCertificate";
export { MANAGED_RULE_GROUPS, webAclRules } from "./webAclRules";

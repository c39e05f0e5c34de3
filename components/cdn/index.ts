// Edge: a single-page app on CloudFront from a private S3 bucket, with optional /api and /media behaviours.
export { StaticSite, API_PATH_PATTERN, MEDIA_PATH_PATTERN, MEDIA_KEY_PREFIX, MANAGED_POLICY_IDS } from "./staticSite";
export type { GeneratedFile, StaticSiteArgs } from "./siteArgs";
export { ApiOriginProtocol, PriceClass, STATIC_SITE_DEFAULTS, resolveStaticSiteArgs } from "./siteArgs";
export type { StaticSiteSettings } from "./siteArgs";
export { contentSecurityPolicy, securityHeaders, hstsValue } from "./headers";
export type { CspSources, HstsSettings } from "./headers";
export { cloudFrontReadStatement, siteBucketPolicy } from "./policies";
export type { BucketPolicyStatement, BucketPolicyDocument, CloudFrontReadGrant } from "./policies";
export { SPA_FALLBACK_FUNCTION, stripPrefixFunction } from "./functions";
export { contentTypeOf, isHashedAsset, siteFiles } from "./siteFiles";

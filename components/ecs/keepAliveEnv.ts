/**
 * The contract between {@link vpcLinkKeepAlive} (which writes this
 * environment variable) and the handler in lambda/vpc-link-keep-alive (which
 * esbuild bundles together with this file, so it must import nothing).
 */
export const KEEP_ALIVE_ENV = {
    /** The URL the function requests: the HTTP API's invoke URL and a path a route sends through the VPC link. */
    url: "KEEP_ALIVE_URL",
} as const;

/** User agent of the keep-alive requests (to tell them apart in the access log). */
export const KEEP_ALIVE_USER_AGENT = "aws-webapp-vpc-link-keep-alive";

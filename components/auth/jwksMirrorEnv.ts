/**
 * The contract between {@link JwksMirror} (which writes these environment
 * variables) and the handler in lambda/jwks-mirror (which esbuild bundles
 * together with this file, so it must import nothing).
 */
export const JWKS_MIRROR_ENV = {
    /** The key set to copy: the user pool's `https://cognito-idp.<region>.amazonaws.com/<pool>/.well-known/jwks.json`. */
    sourceUrl: "JWKS_SOURCE_URL",
    /** Bucket of the copy. */
    bucket: "JWKS_BUCKET",
    /** Key of the copy's one object. */
    key: "JWKS_KEY",
} as const;

/** User agent of the mirror's downloads. */
export const JWKS_MIRROR_USER_AGENT = "aws-webapp-jwks-mirror";

/** Largest key set the mirror accepts (bytes); a pool's is about 1 KB. */
export const MAX_JWKS_BYTES = 64 * 1024;

/**
 * Authentication of API requests (Cognito access tokens, or any OpenID
 * provider's with the same claims on loopback). Use:
 *
 *   const auth = authenticatorFromEnv(env, log);      // once, in createApp
 *   createHttpService(guard(auth, router(routes)), …); // deny by default
 *   const { sub } = await principalOf(ctx.req);         // in a handler: the caller
 */
import type { S3Client } from "@aws-sdk/client-s3";
import type { Env } from "../db/settings";
import type { Log } from "../log";
import { createAuthenticator, unconfiguredAuthenticator, type Authenticator } from "./principal";
import { authSettingsFromEnv } from "./settings";
import { createTokenVerifier } from "./verifier";

export { guard, isPublicRequest, principalOf, PUBLIC_ROUTES, type PublicRoute } from "./guard";
export { createAuthenticator, unauthorized, type Authenticator, type Principal } from "./principal";
export { authSettingsFromEnv, parseS3Uri, type AuthSettings } from "./settings";
export { createTokenVerifier, type TokenVerifier, type VerifierDeps } from "./verifier";

/**
 * The authenticator the AUTH_* variables describe; without them every protected request is a 503.
 * `s3` reads an `s3://` AUTH_JWKS_URI (the mirrored key set).
 */
export function authenticatorFromEnv(env: Env, log: Log, s3?: () => S3Client): Authenticator {
    const settings = authSettingsFromEnv(env);
    if (!settings.ok) {
        log("warn", "authentication not configured: protected routes answer 503", { reason: settings.reason });
        return unconfiguredAuthenticator(settings.reason);
    }
    const { kind, issuer, clientId, jwksUri } = settings.value;
    log("info", "access tokens verified", { kind, issuer, clientId, jwksUri });
    return createAuthenticator(createTokenVerifier(settings.value, { s3 }), log);
}

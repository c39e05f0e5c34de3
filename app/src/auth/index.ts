/**
 * Authentication of API requests (Cognito access tokens, or any OpenID
 * provider's with the same claims on loopback). Use:
 *
 *   const auth = authenticatorFromEnv(env, log);      // once, in createApp
 *   createHttpService(guard(auth, router(routes)), …); // deny by default
 *   const { sub } = await principalOf(ctx.req);         // in a handler: the caller
 */
import type { Env } from "../db/settings";
import type { Log } from "../log";
import { createAuthenticator, unconfiguredAuthenticator, type Authenticator } from "./principal";
import { authSettingsFromEnv } from "./settings";
import { createTokenVerifier } from "./verifier";

export { guard, isPublicRequest, principalOf, PUBLIC_ROUTES, type PublicRoute } from "./guard";
export { createAuthenticator, unauthorized, type Authenticator, type Principal } from "./principal";
export { authSettingsFromEnv, type AuthSettings } from "./settings";
export { createTokenVerifier, type TokenVerifier } from "./verifier";

/** The authenticator the AUTH_* variables describe; without them every protected request is a 503. */
export function authenticatorFromEnv(env: Env, log: Log): Authenticator {
    const settings = authSettingsFromEnv(env);
    if (!settings.ok) {
        log("warn", "authentication not configured: protected routes answer 503", { reason: settings.reason });
        return unconfiguredAuthenticator(settings.reason);
    }
    const { kind, issuer, clientId } = settings.value;
    log("info", "access tokens verified", { kind, issuer, clientId });
    return createAuthenticator(createTokenVerifier(settings.value), log);
}

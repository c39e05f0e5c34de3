/**
 * Who is calling: the bearer access token of a request, verified, as a
 * {@link Principal}. Every failure is a JSON 401 with a `WWW-Authenticate:
 * Bearer` challenge (RFC 6750); an issuer whose keys cannot be fetched is a
 * 503 (the caller's token may be fine). Tokens are never logged.
 */
import {
    CognitoJwtInvalidClientIdError,
    CognitoJwtInvalidTokenUseError,
    FetchError,
    JwksNotAvailableInCacheError,
    JwtExpiredError,
    JwtInvalidIssuerError,
    JwtNotBeforeError,
} from "aws-jwt-verify/error";
import type * as http from "http";
import { HttpError } from "../http/respond";
import type { Log } from "../log";
import type { TokenVerifier } from "./verifier";

/** The verified caller of a request. */
export interface Principal {
    /** The user's stable id (`sub`): the owner key of their records. */
    readonly sub: string;
    /** Email, when the token carries one (Cognito access tokens do not: read it from the users table). */
    readonly email?: string;
    /** `username` (Cognito) when present. */
    readonly username?: string;
    /** The app client the token was issued to. */
    readonly clientId: string;
    /** Granted OAuth scopes. */
    readonly scopes: readonly string[];
}

export interface Authenticator {
    /** Verifies the request's bearer token; rejects with a 401 (or 503) HttpError. */
    principalOf(req: http.IncomingMessage): Promise<Principal>;
}

/** A token is at most this long (Cognito's are about 1 KB; larger is refused unparsed). */
const MAX_TOKEN_LENGTH = 8192;
const BEARER = /^Bearer +([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+) *$/i;

/** A 401 with its Bearer challenge; `error` is RFC 6750's code when a token was sent. */
export function unauthorized(message: string, error?: "invalid_token" | "invalid_request"): HttpError {
    const challenge = error ? `Bearer realm="api", error="${error}"` : 'Bearer realm="api"';
    return new HttpError(401, "unauthorized", message, undefined, { "www-authenticate": challenge });
}

/** The compact JWT of an `Authorization: Bearer` header; throws the 401 to answer otherwise. */
export function bearerToken(header: string | undefined): string {
    if (header === undefined || header.trim() === "") throw unauthorized("a bearer access token is required");
    if (header.length > MAX_TOKEN_LENGTH + 16) throw unauthorized("the bearer token is too long", "invalid_request");
    const m = BEARER.exec(header);
    if (!m) throw unauthorized("the Authorization header is not a bearer JWT", "invalid_request");
    return m[1];
}

const REFUSALS: readonly [new (...args: never[]) => Error, string][] = [
    [JwtExpiredError, "the access token has expired"],
    [JwtNotBeforeError, "the access token is not valid yet"],
    [CognitoJwtInvalidTokenUseError, "not an access token"],
    [CognitoJwtInvalidClientIdError, "the access token was issued to another client"],
    [JwtInvalidIssuerError, "the access token is from another issuer"],
];

/** Why aws-jwt-verify refused a token, as a safe message for the client. */
export function refusalMessage(err: unknown): string {
    return REFUSALS.find(([type]) => err instanceof type)?.[1] ?? "the access token is not valid";
}

/** The issuer's keys could not be fetched: not the caller's fault. */
const isFetchFailure = (err: unknown) => err instanceof FetchError || err instanceof JwksNotAvailableInCacheError;

/** The principal in a verified payload; a token without a `sub` is refused. */
export function principalFromPayload(payload: Record<string, unknown>): Principal {
    const { sub, email, username, client_id: clientId, scope } = payload;
    if (typeof sub !== "string" || sub === "" || sub.length > 255) {
        throw unauthorized("the access token has no subject", "invalid_token");
    }
    return {
        sub,
        ...(typeof email === "string" ? { email } : {}),
        ...(typeof username === "string" ? { username } : {}),
        clientId: typeof clientId === "string" ? clientId : "",
        scopes: typeof scope === "string" ? scope.split(" ").filter(Boolean) : [],
    };
}

/** Verified tokens remembered (each until its `exp`): a user's next calls cost no signature check. */
export const VERIFIED_TOKENS_KEPT = 10_000;

/** An authenticator over a verifier; `now` (Unix ms) decides when a remembered token has expired. */
export function createAuthenticator(verify: TokenVerifier, log: Log, now: () => number = Date.now): Authenticator {
    let keysDown = false;
    const verified = new Map<string, { principal: Principal; expiresAt: number }>();
    return {
        async principalOf(req) {
            const token = bearerToken(req.headers.authorization);
            const hit = verified.get(token);
            if (hit && hit.expiresAt > now()) return hit.principal;
            if (hit) verified.delete(token);
            let payload: Record<string, unknown>;
            try {
                payload = (await verify(token)) as Record<string, unknown>;
                if (keysDown) log("info", "token keys available again");
                keysDown = false;
            } catch (err) {
                if (isFetchFailure(err)) {
                    if (!keysDown)
                        log("warn", "token keys unavailable", { error: (err as Error).message.slice(0, 200) });
                    keysDown = true;
                    throw new HttpError(503, "unavailable", "token verification unavailable");
                }
                throw unauthorized(refusalMessage(err), "invalid_token");
            }
            const principal = principalFromPayload(payload);
            if (typeof payload.exp === "number") {
                if (verified.size >= VERIFIED_TOKENS_KEPT) verified.delete(verified.keys().next().value!);
                verified.set(token, { principal, expiresAt: payload.exp * 1000 });
            }
            return principal;
        },
    };
}

/** Refuses every protected request with 503 and `reason` (authentication is not configured: fail closed). */
export function unconfiguredAuthenticator(reason: string): Authenticator {
    return {
        principalOf() {
            return Promise.reject(new HttpError(503, "unavailable", reason));
        },
    };
}

/**
 * Token verification settings from the environment (pure). Nothing here is a
 * secret: the issuer, its key set and the client id are public.
 *
 *   AUTH_USER_POOL_ID  a Cognito user pool id (`<region>_<id>`): issuer and JWKS derived
 *   AUTH_ISSUER        the expected `iss` (a Cognito pool's issuer URL, or any OpenID
 *                      provider's: local runs and tests use one on loopback)
 *   AUTH_CLIENT_ID     the app client whose access tokens are accepted (`client_id` claim)
 *   AUTH_JWKS_URI      the provider's key set; default: `<issuer>/.well-known/jwks.json`;
 *                      or `s3://<bucket>/<key>`, a copy of it (JwksMirror: tasks without
 *                      internet access read it through the VPC's S3 gateway endpoint)
 *
 * Either AUTH_USER_POOL_ID or AUTH_ISSUER, and AUTH_CLIENT_ID, are required.
 * URLs are https; plain http is accepted for loopback hosts only (local runs).
 */
import type { Env, Parsed } from "../db/settings";

export interface AuthSettings {
    /** "cognito": a user pool (aws-jwt-verify's CognitoJwtVerifier); "oidc": any provider (JwtVerifier). */
    readonly kind: "cognito" | "oidc";
    readonly issuer: string;
    readonly jwksUri: string;
    readonly clientId: string;
    /** The user pool id (kind "cognito"). */
    readonly userPoolId?: string;
}

const POOL_ID = /^(?<region>[a-z]{2}(?:-[a-z]+)+-\d)_[A-Za-z0-9]+$/;
const COGNITO_ISSUER = /^https:\/\/cognito-idp\.(?<region>[a-z]{2}(?:-[a-z]+)+-\d)\.amazonaws\.com\/(?<pool>[^/]+)$/;
const CLIENT_ID = /^[\w+=,.@-]{1,128}$/;
const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** True when `url` names a loopback host (where plain http is allowed). */
export function isLoopbackUrl(url: string): boolean {
    try {
        return LOOPBACK.has(new URL(url).hostname);
    } catch {
        return false;
    }
}

/** Why `url` is not acceptable for `key` (https, or http on loopback), or undefined. */
export function urlProblem(key: string, url: string): string | undefined {
    let parsed: URL;
    try {
        parsed = new URL(url);
    } catch {
        return `${key} is not a URL`;
    }
    if (parsed.username || parsed.password || parsed.hash || parsed.search) {
        return `${key} may not have credentials, a query or a fragment`;
    }
    if (parsed.protocol === "https:") return undefined;
    if (parsed.protocol === "http:" && LOOPBACK.has(parsed.hostname)) return undefined;
    return `${key} is not https (http is accepted for localhost only)`;
}

const S3_URI = /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/[A-Za-z0-9!_.*'()/-]+$/;

/** Bucket and key of an `s3://<bucket>/<key>` URI, or undefined when `uri` is not one. */
export function parseS3Uri(uri: string): { bucket: string; key: string } | undefined {
    if (!S3_URI.test(uri)) return undefined;
    const rest = uri.slice("s3://".length);
    const slash = rest.indexOf("/");
    return { bucket: rest.slice(0, slash), key: rest.slice(slash + 1) };
}

/** Why `uri` is not a key set location (an https URL, http on loopback, or `s3://<bucket>/<key>`), or undefined. */
export function jwksUriProblem(key: string, uri: string): string | undefined {
    if (!uri.startsWith("s3:")) return urlProblem(key, uri);
    return parseS3Uri(uri) ? undefined : `${key} is not an s3://<bucket>/<key> URI`;
}

/** The issuer of a Cognito user pool id, or undefined when `id` is not one. */
export function cognitoIssuer(id: string): string | undefined {
    const m = POOL_ID.exec(id);
    return m ? `https://cognito-idp.${m.groups!.region}.amazonaws.com/${id}` : undefined;
}

/** Reads the AUTH_* variables; the reason names every missing or malformed variable. */
export function authSettingsFromEnv(env: Env): Parsed<AuthSettings> {
    const value = (k: string) => env[k]?.trim() || undefined;
    const poolId = value("AUTH_USER_POOL_ID");
    const clientId = value("AUTH_CLIENT_ID");
    const jwksUri = value("AUTH_JWKS_URI");
    let issuer = value("AUTH_ISSUER")?.replace(/\/+$/, "");
    const problems: string[] = [];
    if (poolId !== undefined) {
        const derived = cognitoIssuer(poolId);
        if (!derived) problems.push("AUTH_USER_POOL_ID is not a user pool id (<region>_<id>)");
        else if (issuer !== undefined && issuer !== derived) {
            problems.push(`AUTH_ISSUER is not the issuer of AUTH_USER_POOL_ID (${derived})`);
        }
        issuer ??= derived;
    } else if (issuer === undefined) problems.push("AUTH_ISSUER (or AUTH_USER_POOL_ID) is not set");
    if (issuer !== undefined) {
        const why = urlProblem("AUTH_ISSUER", issuer);
        if (why) problems.push(why);
    }
    if (clientId === undefined) problems.push("AUTH_CLIENT_ID is not set");
    else if (!CLIENT_ID.test(clientId)) problems.push("AUTH_CLIENT_ID is not a client id");
    if (jwksUri !== undefined) {
        const why = jwksUriProblem("AUTH_JWKS_URI", jwksUri);
        if (why) problems.push(why);
    }
    if (problems.length > 0 || issuer === undefined || clientId === undefined) {
        return { ok: false, reason: `authentication not configured: ${problems.join("; ")}` };
    }
    const pool = COGNITO_ISSUER.exec(issuer)?.groups?.pool;
    const cognito = pool !== undefined && cognitoIssuer(pool) === issuer;
    return {
        ok: true,
        value: {
            kind: cognito ? "cognito" : "oidc",
            issuer,
            jwksUri: jwksUri ?? `${issuer}/.well-known/jwks.json`,
            clientId,
            ...(cognito ? { userPoolId: pool } : {}),
        },
    };
}

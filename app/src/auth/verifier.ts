/**
 * The access-token verifier: aws-jwt-verify (signature against the issuer's
 * JWKS, `iss`, `exp`/`nbf`, `token_use` "access", `client_id`), never
 * hand-written JWT code. A Cognito pool gets CognitoJwtVerifier; any other
 * OpenID provider (local runs, tests) JwtVerifier with the same Cognito
 * claim rules, so a token is accepted on loopback exactly when it would be by
 * a pool.
 */
import { CognitoJwtVerifier, JwtVerifier } from "aws-jwt-verify";
import { validateCognitoJwtFields } from "aws-jwt-verify/cognito-verifier";
import { NonRetryableFetchError } from "aws-jwt-verify/error";
import { SimpleFetcher, type Fetcher } from "aws-jwt-verify/https";
import { SimpleJwksCache } from "aws-jwt-verify/jwk";
import type { JwtPayload } from "aws-jwt-verify/jwt-model";
import { isLoopbackUrl, type AuthSettings } from "./settings";

/** Verifies a compact JWT; resolves with its payload or rejects with an aws-jwt-verify error. */
export type TokenVerifier = (token: string) => Promise<JwtPayload>;

/** How long one JWKS download may take (ms). */
export const JWKS_TIMEOUT_MS = 3000;

/**
 * aws-jwt-verify downloads key sets over https only; a provider on loopback
 * (local runs, tests) serves plain http, which this fetcher allows for
 * loopback hosts and nothing else.
 */
export class LoopbackAwareFetcher implements Fetcher {
    private readonly https = new SimpleFetcher({ defaultRequestOptions: { responseTimeout: JWKS_TIMEOUT_MS } });

    async fetch(uri: string, requestOptions?: Record<string, unknown>, data?: ArrayBuffer): Promise<ArrayBuffer> {
        if (!uri.startsWith("http:")) return this.https.fetch(uri, requestOptions, data);
        if (!isLoopbackUrl(uri)) throw new NonRetryableFetchError(uri, "plain http is allowed on loopback only");
        const res = await fetch(uri, { signal: AbortSignal.timeout(JWKS_TIMEOUT_MS), redirect: "error" });
        if (res.status !== 200) {
            await res.body?.cancel();
            throw new NonRetryableFetchError(uri, `Status code is ${res.status}, expected 200`);
        }
        return res.arrayBuffer();
    }
}

/** The verifier for `s`; keys are fetched on first use and when a token names an unknown key id. */
export function createTokenVerifier(s: AuthSettings): TokenVerifier {
    const jwksCache = new SimpleJwksCache({ fetcher: new LoopbackAwareFetcher() });
    if (s.kind === "cognito" && s.userPoolId) {
        const verifier = CognitoJwtVerifier.create(
            { userPoolId: s.userPoolId, tokenUse: "access", clientId: s.clientId },
            { jwksCache },
        );
        return (token) => verifier.verify(token);
    }
    const verifier = JwtVerifier.create(
        {
            issuer: s.issuer,
            jwksUri: s.jwksUri,
            // Cognito access tokens carry no `aud`; the client is in `client_id`.
            audience: null,
            customJwtCheck: ({ payload }) =>
                validateCognitoJwtFields(payload, { tokenUse: "access", clientId: s.clientId }),
        },
        { jwksCache },
    );
    return (token) => verifier.verify(token);
}

/**
 * A token issuer on loopback for the specs and `npm run bench:api`: a freshly generated RSA key whose
 * public half is served as a JWKS over HTTP on 127.0.0.1, and tokens signed
 * with it in the shape Cognito issues (access tokens: `token_use` "access",
 * `client_id`, no `aud`; ID tokens: `token_use` "id", `aud`). Signing here is
 * tooling for machines that drive the API directly; verification is the
 * app's (aws-jwt-verify). `npm run local` runs a full OpenID provider instead
 * (oidc.ts), for the browser.
 */
import * as crypto from "crypto";
import * as http from "http";
import type * as net from "net";

export const TEST_CLIENT_ID = "spa-client-test";

export interface TestIssuer {
    /** The issuer URL (`iss`), e.g. http://127.0.0.1:PORT/issuer. */
    readonly issuer: string;
    readonly jwksUri: string;
    /** AUTH_* variables of an app trusting this issuer. */
    readonly env: Record<string, string>;
    /** JWKS downloads so far. */
    readonly fetches: () => number;
    /** A signed access token for `sub`; `claims` override or remove (undefined) any claim. */
    accessToken(sub: string, claims?: Record<string, unknown>, key?: SigningKey): string;
    /** A signed ID token for `sub` (what an access token must not be confused with). */
    idToken(sub: string, claims?: Record<string, unknown>): string;
    /** Replaces the served key set (key rotation). */
    serve(keys: readonly SigningKey[]): void;
    /** Answers the JWKS with this status instead (an unavailable issuer). */
    failWith(status: number | undefined): void;
    readonly key: SigningKey;
    close(): Promise<void>;
}

export interface SigningKey {
    readonly kid: string;
    readonly privateKey: crypto.KeyObject;
    readonly jwk: Record<string, unknown>;
}

export function newSigningKey(): SigningKey {
    const { privateKey, publicKey } = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
    const kid = crypto.randomBytes(8).toString("hex");
    return { kid, privateKey, jwk: { ...publicKey.export({ format: "jwk" }), kid, alg: "RS256", use: "sig" } };
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** A compact RS256 JWT over `payload` (claims whose value is undefined are left out). */
export function signJwt(payload: Record<string, unknown>, key: SigningKey, typ = "JWT"): string {
    const body = Object.fromEntries(Object.entries(payload).filter(([, v]) => v !== undefined));
    const input = `${b64({ alg: "RS256", typ, kid: key.kid })}.${b64(body)}`;
    const signature = crypto.sign("RSA-SHA256", Buffer.from(input), key.privateKey).toString("base64url");
    return `${input}.${signature}`;
}

export async function startIssuer(clientId = TEST_CLIENT_ID): Promise<TestIssuer> {
    const key = newSigningKey();
    let served: readonly SigningKey[] = [key];
    let failure: number | undefined;
    let fetches = 0;
    const server = http.createServer((req, res) => {
        if (req.url !== "/issuer/.well-known/jwks.json") {
            res.writeHead(404).end();
            return;
        }
        fetches++;
        if (failure !== undefined) {
            res.writeHead(failure).end();
            return;
        }
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ keys: served.map((k) => k.jwk) }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const issuer = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/issuer`;
    const now = () => Math.floor(Date.now() / 1000);
    return {
        issuer,
        jwksUri: `${issuer}/.well-known/jwks.json`,
        env: { AUTH_ISSUER: issuer, AUTH_CLIENT_ID: clientId },
        fetches: () => fetches,
        key,
        accessToken: (sub, claims = {}, signWith = key) =>
            signJwt(
                {
                    sub,
                    iss: issuer,
                    client_id: clientId,
                    token_use: "access",
                    scope: "openid email",
                    auth_time: now(),
                    iat: now(),
                    exp: now() + 3600,
                    jti: crypto.randomUUID(),
                    username: sub,
                    ...claims,
                },
                signWith,
            ),
        idToken: (sub, claims = {}) =>
            signJwt(
                {
                    sub,
                    iss: issuer,
                    aud: clientId,
                    token_use: "id",
                    email: `${sub}@example.com`,
                    iat: now(),
                    exp: now() + 3600,
                    ...claims,
                },
                key,
            ),
        serve: (keys) => {
            served = keys;
        },
        failWith: (status) => {
            failure = status;
        },
        close: () =>
            new Promise<void>((resolve) => {
                server.closeAllConnections();
                server.close(() => resolve());
            }),
    };
}

/**
 * The access-token verifier: aws-jwt-verify (signature against the issuer's
 * JWKS, `iss`, `exp`/`nbf`, `token_use` "access", `client_id`), never
 * hand-written JWT code. A Cognito pool gets CognitoJwtVerifier; any other
 * OpenID provider (local runs, tests) JwtVerifier with the same Cognito
 * claim rules, so a token is accepted on loopback exactly when it would be by
 * a pool. The key set comes from the issuer, or from a copy of it in S3
 * (`AUTH_JWKS_URI=s3://…`, JwksMirror) for tasks without internet access.
 */
import { GetObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { CognitoJwtVerifier, JwtVerifier } from "aws-jwt-verify";
import { validateCognitoJwtFields } from "aws-jwt-verify/cognito-verifier";
import { FetchError, NonRetryableFetchError } from "aws-jwt-verify/error";
import { SimpleFetcher, type Fetcher } from "aws-jwt-verify/https";
import { SimpleJwksCache } from "aws-jwt-verify/jwk";
import type { JwtPayload } from "aws-jwt-verify/jwt-model";
import { isLoopbackUrl, parseS3Uri, type AuthSettings } from "./settings";

/** Verifies a compact JWT; resolves with its payload or rejects with an aws-jwt-verify error. */
export type TokenVerifier = (token: string) => Promise<JwtPayload>;

/** How long one JWKS download may take (ms). */
export const JWKS_TIMEOUT_MS = 3000;

/** Largest key set read from S3 (bytes; a pool's is about 1 KB). */
export const MAX_JWKS_BYTES = 64 * 1024;

/** What the verifier needs besides its settings. */
export interface VerifierDeps {
    /** The S3 client that reads an `s3://` key set (called on the first read only). */
    readonly s3?: () => S3Client;
}

/**
 * Where key sets come from. aws-jwt-verify downloads over https only; a
 * provider on loopback (local runs, tests) serves plain http, which this
 * fetcher allows for loopback hosts and nothing else; an `s3://<bucket>/<key>`
 * URI is read with GetObject (through the VPC's S3 gateway endpoint).
 */
export class LoopbackAwareFetcher implements Fetcher {
    private readonly https = new SimpleFetcher({ defaultRequestOptions: { responseTimeout: JWKS_TIMEOUT_MS } });

    constructor(private readonly deps: VerifierDeps = {}) {}

    async fetch(uri: string, requestOptions?: Record<string, unknown>, data?: ArrayBuffer): Promise<ArrayBuffer> {
        if (uri.startsWith("s3:")) return this.fromS3(uri);
        if (!uri.startsWith("http:")) return this.https.fetch(uri, requestOptions, data);
        if (!isLoopbackUrl(uri)) throw new NonRetryableFetchError(uri, "plain http is allowed on loopback only");
        const res = await fetch(uri, { signal: AbortSignal.timeout(JWKS_TIMEOUT_MS), redirect: "error" });
        if (res.status !== 200) {
            await res.body?.cancel();
            throw new NonRetryableFetchError(uri, `Status code is ${res.status}, expected 200`);
        }
        return res.arrayBuffer();
    }

    /** The object's bytes; any failure (missing object, access, network) is a FetchError (a 503, retried later). */
    private async fromS3(uri: string): Promise<ArrayBuffer> {
        const where = parseS3Uri(uri);
        if (!where || !this.deps.s3) throw new NonRetryableFetchError(uri, "no S3 client for this key set");
        let bytes: Uint8Array;
        try {
            const object = await this.deps.s3().send(new GetObjectCommand({ Bucket: where.bucket, Key: where.key }), {
                abortSignal: AbortSignal.timeout(JWKS_TIMEOUT_MS),
            });
            if ((object.ContentLength ?? 0) > MAX_JWKS_BYTES) throw new Error(`over ${MAX_JWKS_BYTES} bytes`);
            bytes = (await object.Body?.transformToByteArray()) ?? new Uint8Array();
        } catch (e) {
            throw new FetchError(uri, `${(e as Error).name}: ${(e as Error).message}`.slice(0, 200));
        }
        if (bytes.byteLength > MAX_JWKS_BYTES) throw new FetchError(uri, `over ${MAX_JWKS_BYTES} bytes`);
        return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    }
}

/**
 * A fetcher that reads every key set from `source`: CognitoJwtVerifier
 * derives its pool's key set URL itself, and a pool's verifier asks for that
 * pool's keys only, so they come from the copy instead.
 */
function keysFrom(source: string, fetcher: Fetcher): Fetcher {
    return { fetch: (_uri, requestOptions, data) => fetcher.fetch(source, requestOptions, data) };
}

/** The verifier for `s`; keys are fetched on first use and when a token names an unknown key id. */
export function createTokenVerifier(s: AuthSettings, deps: VerifierDeps = {}): TokenVerifier {
    const fetcher = new LoopbackAwareFetcher(deps);
    if (s.kind === "cognito" && s.userPoolId) {
        const own = `${s.issuer}/.well-known/jwks.json`;
        const jwksCache = new SimpleJwksCache({ fetcher: s.jwksUri === own ? fetcher : keysFrom(s.jwksUri, fetcher) });
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
        { jwksCache: new SimpleJwksCache({ fetcher }) },
    );
    return (token) => verifier.verify(token);
}

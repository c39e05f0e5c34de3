/**
 * The API's token checks with the key set read from its S3 copy
 * (`AUTH_JWKS_URI=s3://…`, what JwksMirror writes for tasks without internet
 * access): the real mirror function copies a loopback issuer's key set into
 * s3rver, and the app verifies that issuer's tokens with it, without asking
 * the issuer; a Cognito pool's verifier (issuer, token_use, client_id) reads
 * the copy instead of the pool's URL.
 */
import {
    CognitoJwtInvalidClientIdError,
    CognitoJwtInvalidTokenUseError,
    ParameterValidationError,
} from "aws-jwt-verify/error";
import { expect } from "chai";
import type * as net from "net";
import { createApp, type App } from "../app/src/app";
import { authSettingsFromEnv, createTokenVerifier, parseS3Uri } from "../app/src/auth";
import { createHandler } from "../lambda/jwks-mirror/src/handler";
import { newSigningKey, signJwt, startIssuer, type TestIssuer } from "../scripts/localSystem/tokenIssuer";
import { BUCKET, S3Server } from "./imageHandler.helpers";

const KEY = "auth/jwks.json";
const COPY = `s3://${BUCKET}/${KEY}`;
const POOL = "us-east-1_Mirror1";
const POOL_ISSUER = `https://cognito-idp.us-east-1.amazonaws.com/${POOL}`;

describe("API access tokens with the key set's S3 copy (AUTH_JWKS_URI s3://)", function () {
    this.timeout(30000);
    let s3: S3Server;
    let issuer: TestIssuer;
    let app: App;
    let url: string;
    let issuerFetchesAfterCopy = 0;

    const call = async (path: string, token?: string) => {
        const res = await fetch(`${url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
        return { status: res.status, body: (await res.json()) as Record<string, string> };
    };

    before(async () => {
        s3 = await new S3Server().start();
        issuer = await startIssuer();
        await createHandler({
            config: { sourceUrl: issuer.jwksUri, bucket: BUCKET, key: KEY },
            s3: s3.s3,
            log: () => undefined,
        })();
        issuerFetchesAfterCopy = issuer.fetches();
        // Without a database: a request the guard lets through reaches the users route's 503.
        app = createApp({ env: { ...issuer.env, AUTH_JWKS_URI: COPY }, s3: s3.s3, log: () => undefined });
        await new Promise<void>((resolve) => app.service.server.listen(0, "127.0.0.1", resolve));
        url = `http://127.0.0.1:${(app.service.server.address() as net.AddressInfo).port}`;
    });

    after(async () => {
        app?.service.server.closeAllConnections();
        await app?.shutdown();
        await issuer?.close();
        await s3?.stop();
    });

    it("reads s3://<bucket>/<key> and refuses what is not one", () => {
        const s = authSettingsFromEnv({ ...issuer.env, AUTH_JWKS_URI: COPY });
        expect(s.ok && s.value.jwksUri).to.equal(COPY);
        expect(parseS3Uri(COPY)).to.deep.equal({ bucket: BUCKET, key: KEY });
        for (const bad of ["s3://Bad_Bucket/x", "s3://bucket", "s3://bucket/", "s3://bucket/a?b"]) {
            const r = authSettingsFromEnv({ ...issuer.env, AUTH_JWKS_URI: bad });
            expect(r.ok === false && r.reason, bad).to.equal(
                "authentication not configured: AUTH_JWKS_URI is not an s3://<bucket>/<key> URI",
            );
        }
    });

    it("verifies the issuer's tokens with the copy, never asking the issuer", async () => {
        issuer.failWith(500);
        try {
            const ok = await call("/api/users", issuer.accessToken("user-1"));
            expect(ok.status).to.equal(503);
            expect(ok.body.message).to.match(/^database not configured/);
            const forged = signJwt({ sub: "x", iss: issuer.issuer, client_id: "spa-client-test" }, newSigningKey());
            const refused = await call("/api/users", forged);
            expect(refused.status).to.equal(401);
            expect(refused.body.error).to.equal("unauthorized");
            expect(issuer.fetches()).to.equal(issuerFetchesAfterCopy);
        } finally {
            issuer.failWith(undefined);
        }
    });

    it("a missing copy is a 503 (the keys are unavailable), not a 401", async () => {
        const other = createApp({
            env: { ...issuer.env, AUTH_JWKS_URI: `s3://${BUCKET}/missing/jwks.json` },
            s3: s3.s3,
            log: () => undefined,
        });
        await new Promise<void>((resolve) => other.service.server.listen(0, "127.0.0.1", resolve));
        try {
            const port = (other.service.server.address() as net.AddressInfo).port;
            const res = await fetch(`http://127.0.0.1:${port}/api/users`, {
                headers: { authorization: `Bearer ${issuer.accessToken("user-1")}` },
            });
            expect(res.status).to.equal(503);
            expect(((await res.json()) as { message: string }).message).to.equal("token verification unavailable");
        } finally {
            other.service.server.closeAllConnections();
            await other.shutdown();
        }
    });

    it("a Cognito pool's verifier reads the copy and still checks issuer, token_use and client_id", async () => {
        const s = authSettingsFromEnv({
            AUTH_USER_POOL_ID: POOL,
            AUTH_CLIENT_ID: "spa-client-test",
            AUTH_JWKS_URI: COPY,
        });
        expect(s.ok && s.value.kind).to.equal("cognito");
        const verify = createTokenVerifier(s.ok ? s.value : (undefined as never), { s3: () => s3.s3 });
        const payload = await verify(issuer.accessToken("user-2", { iss: POOL_ISSUER }));
        expect(payload.sub).to.equal("user-2");
        const refusals: [string, new (...a: never[]) => Error][] = [
            [issuer.accessToken("u", { iss: POOL_ISSUER, client_id: "another" }), CognitoJwtInvalidClientIdError],
            [issuer.accessToken("u", { iss: POOL_ISSUER, token_use: "id" }), CognitoJwtInvalidTokenUseError],
            // Another pool's token: that issuer is not this verifier's.
            [issuer.accessToken("u", { iss: `${POOL_ISSUER}x` }), ParameterValidationError],
        ];
        for (const [token, type] of refusals) {
            let error: unknown;
            await verify(token).catch((e) => (error = e));
            expect(error, type.name).to.be.instanceOf(type);
        }
    });
});

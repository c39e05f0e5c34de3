/**
 * Access-token checks of the API (app/src/auth) against a real issuer on
 * loopback (test/harness/issuer.ts: a generated RSA key served as a JWKS):
 * the app verifies with aws-jwt-verify and refuses expired tokens, other
 * issuers, other clients, ID tokens, unknown keys and tampering with a JSON
 * 401; public routes need no token. Owner checks on users are in app-api.spec.ts.
 */
import { JwtExpiredError } from "aws-jwt-verify/error";
import { expect } from "chai";
import type * as net from "net";
import { createApp, type App } from "../app/src/app";
import { authSettingsFromEnv, createAuthenticator, createTokenVerifier, isPublicRequest } from "../app/src/auth";
import { bearerToken, principalFromPayload, refusalMessage } from "../app/src/auth/principal";
import {
    newSigningKey,
    signJwt,
    startIssuer,
    TEST_CLIENT_ID,
    type TestIssuer,
} from "../scripts/localSystem/tokenIssuer";

describe("API access tokens (app/src/auth)", () => {
    describe("settings from the environment", () => {
        it("derives a Cognito pool's issuer and key set from its id", () => {
            const s = authSettingsFromEnv({ AUTH_USER_POOL_ID: "eu-west-1_AbC123", AUTH_CLIENT_ID: "abc" });
            expect(s).to.deep.equal({
                ok: true,
                value: {
                    kind: "cognito",
                    issuer: "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123",
                    jwksUri: "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123/.well-known/jwks.json",
                    clientId: "abc",
                    userPoolId: "eu-west-1_AbC123",
                },
            });
            const byIssuer = authSettingsFromEnv({
                AUTH_ISSUER: "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123/",
                AUTH_CLIENT_ID: "abc",
            });
            expect(byIssuer.ok && byIssuer.value.kind).to.equal("cognito");
        });

        it("takes any other issuer as a generic OpenID provider, http only on loopback", () => {
            const s = authSettingsFromEnv({ AUTH_ISSUER: "http://127.0.0.1:9/oidc", AUTH_CLIENT_ID: "web" });
            expect(s.ok && s.value).to.deep.equal({
                kind: "oidc",
                issuer: "http://127.0.0.1:9/oidc",
                jwksUri: "http://127.0.0.1:9/oidc/.well-known/jwks.json",
                clientId: "web",
            });
            const jwks = authSettingsFromEnv({
                AUTH_ISSUER: "https://id.example.com",
                AUTH_JWKS_URI: "https://id.example.com/keys",
                AUTH_CLIENT_ID: "web",
            });
            expect(jwks.ok && jwks.value.jwksUri).to.equal("https://id.example.com/keys");
        });

        it("names every missing or malformed variable at once", () => {
            expect(authSettingsFromEnv({})).to.deep.equal({
                ok: false,
                reason: "authentication not configured: AUTH_ISSUER (or AUTH_USER_POOL_ID) is not set; AUTH_CLIENT_ID is not set",
            });
            const bad = authSettingsFromEnv({
                AUTH_ISSUER: "http://id.example.com",
                AUTH_JWKS_URI: "https://x.example.com/keys?x=1",
                AUTH_CLIENT_ID: "a b",
            });
            expect(bad.ok === false && bad.reason).to.equal(
                "authentication not configured: AUTH_ISSUER is not https (http is accepted for localhost only); " +
                    "AUTH_CLIENT_ID is not a client id; AUTH_JWKS_URI may not have credentials, a query or a fragment",
            );
            const mismatch = authSettingsFromEnv({
                AUTH_USER_POOL_ID: "us-east-1_a",
                AUTH_ISSUER: "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_b",
                AUTH_CLIENT_ID: "c",
            });
            expect(mismatch.ok === false && mismatch.reason).to.include(
                "AUTH_ISSUER is not the issuer of AUTH_USER_POOL_ID (https://cognito-idp.us-east-1.amazonaws.com/us-east-1_a)",
            );
        });
    });

    describe("pure parts", () => {
        it("reads a bearer JWT and refuses anything else with a 401 challenge", () => {
            expect(bearerToken("Bearer a.b.c")).to.equal("a.b.c");
            expect(bearerToken("bearer  x-1.y_2.z")).to.equal("x-1.y_2.z");
            for (const [header, message] of [
                [undefined, "a bearer access token is required"],
                ["", "a bearer access token is required"],
                ["Basic dXNlcjpwYXNz", "the Authorization header is not a bearer JWT"],
                ["Bearer a.b", "the Authorization header is not a bearer JWT"],
                [`Bearer ${"a".repeat(9000)}.b.c`, "the bearer token is too long"],
            ] as const) {
                expect(() => bearerToken(header), String(header)).to.throw(message);
            }
        });

        it("maps verifier errors to safe messages and needs a subject", () => {
            expect(refusalMessage(new JwtExpiredError("expired", 1))).to.equal("the access token has expired");
            expect(refusalMessage(new Error("secret detail"))).to.equal("the access token is not valid");
            expect(principalFromPayload({ sub: "u1", client_id: "c", scope: "openid email" })).to.deep.equal({
                sub: "u1",
                clientId: "c",
                scopes: ["openid", "email"],
            });
            expect(() => principalFromPayload({ client_id: "c" })).to.throw("the access token has no subject");
        });

        it("lists as public only health and the read of an upload's renditions", () => {
            expect(isPublicRequest("GET", "/api/health")).to.equal(true);
            expect(isPublicRequest("HEAD", "/api/health/db")).to.equal(true);
            expect(isPublicRequest("GET", "/api/images/abc")).to.equal(true);
            for (const [m, p] of [
                ["POST", "/api/health"],
                ["GET", "/api/users"],
                ["POST", "/api/uploads"],
                ["DELETE", "/api/images/abc"],
                ["GET", "/api/images/a/b"],
                ["GET", "/api/healthz"],
                ["GET", "/api/messages"],
            ]) {
                expect(isPublicRequest(m, p), `${m} ${p}`).to.equal(false);
            }
        });
    });

    describe("the app against an issuer on loopback", () => {
        let issuer: TestIssuer;
        let app: App;
        let url: string;
        const logs: string[] = [];

        const call = async (path: string, token?: string, method = "GET") => {
            const res = await fetch(`${url}${path}`, {
                method,
                headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
            });
            return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, string> };
        };

        before(async () => {
            issuer = await startIssuer();
            // No database: a request the guard lets through reaches the users route's 503.
            app = createApp({
                env: issuer.env,
                log: (level, msg, f) => logs.push(JSON.stringify({ level, msg, ...f })),
            });
            await new Promise<void>((resolve) => app.service.server.listen(0, "127.0.0.1", resolve));
            url = `http://127.0.0.1:${(app.service.server.address() as net.AddressInfo).port}`;
        });

        after(async () => {
            app?.service.server.closeAllConnections();
            await app?.shutdown();
            await issuer?.close();
        });

        it("serves the public routes without a token", async () => {
            expect((await call("/api/health")).status).to.equal(200);
            expect((await call("/api/health/db")).status).to.equal(503); // no database here: but not 401
        });

        it("answers a request without a token with a JSON 401 and a Bearer challenge", async () => {
            for (const [path, method] of [
                ["/api/users", "GET"],
                ["/api/users/1", "DELETE"],
                ["/api/uploads", "POST"],
                ["/api/nothing-here", "GET"],
            ]) {
                const res = await call(path, undefined, method);
                expect(res.status, path).to.equal(401);
                expect(res.body).to.include({ error: "unauthorized", message: "a bearer access token is required" });
                expect(res.headers.get("www-authenticate")).to.equal('Bearer realm="api"');
                expect(res.headers.get("content-type")).to.match(/^application\/json/);
            }
        });

        it("lets a valid access token through", async () => {
            const res = await call("/api/users", issuer.accessToken("user-1"));
            expect(res.status).to.equal(503);
            expect(res.body.error).to.equal("unavailable");
        });

        it("refuses expired, foreign, misdirected and ID tokens", async () => {
            const now = Math.floor(Date.now() / 1000);
            const cases: [string, string, string][] = [
                [
                    "expired",
                    issuer.accessToken("u", { exp: now - 10, iat: now - 3610 }),
                    "the access token has expired",
                ],
                ["not yet valid", issuer.accessToken("u", { nbf: now + 600 }), "the access token is not valid yet"],
                [
                    "another issuer",
                    issuer.accessToken("u", { iss: "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_x" }),
                    "the access token is from another issuer",
                ],
                [
                    "another client",
                    issuer.accessToken("u", { client_id: "other-client" }),
                    "the access token was issued to another client",
                ],
                [
                    "no client",
                    issuer.accessToken("u", { client_id: undefined }),
                    "the access token was issued to another client",
                ],
                ["ID token", issuer.idToken("u"), "not an access token"],
                ["no token_use", issuer.accessToken("u", { token_use: undefined }), "not an access token"],
                ["no subject", issuer.accessToken("", {}), "the access token has no subject"],
            ];
            for (const [what, token, message] of cases) {
                const res = await call("/api/users", token);
                expect(res.status, what).to.equal(401);
                expect(res.body.message, what).to.equal(message);
                expect(res.headers.get("www-authenticate"), what).to.equal('Bearer realm="api", error="invalid_token"');
            }
        });

        it("refuses a forged signature, a tampered payload and alg none", async () => {
            const good = issuer.accessToken("u");
            const [h, , s] = good.split(".");
            const tampered = `${h}.${Buffer.from(JSON.stringify({ sub: "admin", iss: issuer.issuer, client_id: TEST_CLIENT_ID, token_use: "access", exp: 9e9 })).toString("base64url")}.${s}`;
            const forged = signJwt(
                { ...JSON.parse(Buffer.from(good.split(".")[1], "base64url").toString()) },
                {
                    ...newSigningKey(),
                    kid: issuer.key.kid,
                },
            );
            const none = `${Buffer.from('{"alg":"none","kid":"' + issuer.key.kid + '"}').toString("base64url")}.${good.split(".")[1]}.x`;
            for (const [what, token] of [
                ["tampered", tampered],
                ["forged", forged],
                ["alg none", none],
            ]) {
                const res = await call("/api/users", token);
                expect(res.status, what).to.equal(401);
                expect(res.body.message, what).to.equal("the access token is not valid");
            }
        });

        it("follows key rotation and answers 503 while the key set cannot be fetched", async () => {
            const rotated = newSigningKey();
            const before = issuer.fetches();
            // A token with an unknown key id makes the verifier download the key set again.
            issuer.serve([issuer.key, rotated]);
            const first = await call("/api/users", issuer.accessToken("u", {}, rotated));
            expect(first.status, first.body.message).to.equal(503);
            expect(issuer.fetches()).to.be.greaterThan(before);
            expect((await call("/api/users", issuer.accessToken("u", {}, rotated))).body.error).to.equal("unavailable");
            // An unavailable issuer: 503 for a new key id, not a 401 blaming the caller.
            issuer.failWith(500);
            const unknown = newSigningKey();
            const res = await call("/api/users", issuer.accessToken("u", {}, unknown));
            expect(res.status).to.equal(503);
            expect(res.body.message).to.equal("token verification unavailable");
            expect(logs.some((l) => l.includes("token keys unavailable"))).to.equal(true);
            issuer.failWith(undefined);
            // Known keys keep working from the cache meanwhile.
            expect((await call("/api/users", issuer.accessToken("u"))).body.message).to.not.equal(
                "token verification unavailable",
            );
        });

        it("checks a token's signature once, then remembers it until it expires", async () => {
            const settings = authSettingsFromEnv(issuer.env);
            if (!settings.ok) throw new Error(settings.reason);
            const real = createTokenVerifier(settings.value);
            let checks = 0;
            let clock = Date.now();
            const auth = createAuthenticator(
                (t) => (checks++, real(t)),
                () => undefined,
                () => clock,
            );
            const req = (token: string) => ({ headers: { authorization: `Bearer ${token}` } }) as never;
            const token = issuer.accessToken("cached", { exp: Math.floor(clock / 1000) + 60 });
            expect((await auth.principalOf(req(token))).sub).to.equal("cached");
            expect((await auth.principalOf(req(token))).sub).to.equal("cached");
            expect(checks).to.equal(1);
            // Past its exp (by this authenticator's clock) the token goes back to the verifier.
            clock += 61_000;
            await auth.principalOf(req(token));
            expect(checks).to.equal(2);
            // A refused token is never remembered.
            const other = issuer.accessToken("u", { client_id: "other" });
            for (let i = 0; i < 2; i++) await auth.principalOf(req(other)).catch(() => undefined);
            expect(checks).to.equal(4);
        });

        it("never writes a token to the log", () => {
            expect(logs.join("\n")).to.not.match(/eyJ[A-Za-z0-9_-]{10,}\./);
        });
    });

    describe("without configuration", () => {
        it("fails closed: protected routes answer 503, public ones work", async () => {
            const logs: string[] = [];
            const app = createApp({ env: {}, log: (level, msg, f) => logs.push(JSON.stringify({ level, msg, ...f })) });
            await new Promise<void>((resolve) => app.service.server.listen(0, "127.0.0.1", resolve));
            const url = `http://127.0.0.1:${(app.service.server.address() as net.AddressInfo).port}`;
            try {
                const res = await fetch(`${url}/api/uploads`, {
                    method: "POST",
                    headers: { authorization: "Bearer a.b.c" },
                });
                expect(res.status).to.equal(503);
                expect(((await res.json()) as { message: string }).message).to.match(
                    /^authentication not configured: /,
                );
                expect((await fetch(`${url}/api/health`)).status).to.equal(200);
                expect(logs.some((l) => l.includes("authentication not configured"))).to.equal(true);
            } finally {
                app.service.server.closeAllConnections();
                await app.shutdown();
            }
        });
    });
});

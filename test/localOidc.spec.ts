/**
 * Sign-in without a browser: the web app's session code (web/src/auth.ts)
 * against the real OpenID provider `npm run local` starts
 * (scripts/localSystem/oidc.ts, oidc-provider on loopback): discovery, the
 * authorization request with PKCE, the provider's sign-in form, the code
 * exchange, refresh; and the access token it gets verified by the API's own
 * verifier (app/src/auth). The pure steps are checked on their own first.
 */
import { expect } from "chai";
import * as crypto from "crypto";
import { authSettingsFromEnv, createTokenVerifier } from "../app/src/auth";
import { startOidc, subjectOf, type LocalOidc } from "../scripts/localSystem/oidc";
import {
    authorizeUrl,
    codeChallenge,
    createSession,
    jwtClaims,
    parseCallback,
    parseTokens,
    randomString,
} from "../web/src/auth";
import { memoryStorage } from "./support/memoryStorage";

const SITE = "http://127.0.0.1:5999";

/** Follows the provider's redirects with a cookie jar, signing in at its form; returns the callback URL. */
async function signInAt(issuer: string, authorize: string, email: string, password: string): Promise<string> {
    const cookies = new Map<string, string>();
    const go = async (url: string, init: RequestInit = {}) => {
        const headers = {
            ...(init.headers as Record<string, string>),
            cookie: [...cookies].map((c) => c.join("=")).join("; "),
        };
        const res = await fetch(new URL(url, issuer), { ...init, headers, redirect: "manual" });
        for (const c of res.headers.getSetCookie()) {
            const [pair] = c.split(";");
            cookies.set(pair.slice(0, pair.indexOf("=")), pair.slice(pair.indexOf("=") + 1));
        }
        return res;
    };
    let res = await go(authorize);
    let location = res.headers.get("location")!;
    const page = await (await go(location)).text();
    expect(page).to.include("<h1>Sign in</h1>");
    res = await go(`${location}/login`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ email, password }).toString(),
    });
    location = res.headers.get("location")!;
    for (let hops = 0; hops < 8 && !location.startsWith(SITE); hops++) {
        res = await go(location);
        location = res.headers.get("location") ?? `(status ${res.status})`;
    }
    return location;
}

describe("sign-in: the web app's OIDC code + PKCE flow", () => {
    describe("pure steps (web/src/auth.ts)", () => {
        it("makes S256 challenges from random verifiers", async () => {
            const verifier = randomString(32);
            expect(verifier).to.match(/^[A-Za-z0-9_-]{43}$/);
            expect(randomString(32)).to.not.equal(verifier);
            expect(await codeChallenge(verifier)).to.equal(
                crypto.createHash("sha256").update(verifier).digest("base64url"),
            );
        });

        it("builds the authorization request and checks the answer's state", () => {
            const url = new URL(
                authorizeUrl("https://id.example.com/oauth2/authorize?x=1", {
                    clientId: "c",
                    redirectUri: "https://app.example.com/",
                    scope: "openid email",
                    state: "s1",
                    nonce: "n1",
                    challenge: "ch",
                }),
            );
            expect(Object.fromEntries(url.searchParams)).to.deep.equal({
                x: "1",
                response_type: "code",
                client_id: "c",
                redirect_uri: "https://app.example.com/",
                scope: "openid email",
                state: "s1",
                nonce: "n1",
                code_challenge: "ch",
                code_challenge_method: "S256",
            });
            expect(parseCallback("https://app.example.com/?code=abc&state=s1", "s1")).to.deep.equal({ code: "abc" });
            expect(parseCallback("https://app.example.com/?code=abc&state=evil", "s1")).to.deep.equal({
                error: "the sign-in answer does not match",
            });
            expect(parseCallback("https://app.example.com/?code=abc&state=s1", undefined)).to.have.property("error");
            expect(parseCallback("https://app.example.com/?error=access_denied&state=s1", "s1")).to.deep.equal({
                error: "access_denied",
            });
            expect(parseCallback("https://app.example.com/", "s1")).to.equal(undefined);
        });

        it("reads token answers: bearer only, expiry ahead of time, rotated refresh tokens kept", () => {
            const t = parseTokens(
                { access_token: "a", token_type: "Bearer", expires_in: 3600, refresh_token: "r1" },
                1000,
            );
            expect(t).to.deep.equal({
                accessToken: "a",
                idToken: undefined,
                refreshToken: "r1",
                expiresAt: 1000 + 3570_000,
            });
            expect(
                parseTokens({ access_token: "b", token_type: "bearer", expires_in: 60 }, 0, t).refreshToken,
            ).to.equal("r1");
            expect(() => parseTokens({ access_token: "a", token_type: "mac" }, 0)).to.throw(
                "without a bearer access token",
            );
            expect(jwtClaims("x.eyJzdWIiOiJ1In0.y")).to.deep.equal({ sub: "u" });
            expect(jwtClaims("garbage")).to.deep.equal({});
        });
    });

    describe("against the local OpenID provider", () => {
        let oidc: LocalOidc;
        const lines: string[] = [];
        before(async () => {
            oidc = await startOidc(0, SITE, (l) => lines.push(l));
        });
        after(() => oidc?.stop());

        it("signs in with PKCE, exchanges the code, refreshes, and the API's verifier accepts the token", async () => {
            const storage = memoryStorage();
            const assigned: string[] = [];
            const location = { href: `${SITE}/`, assign: (u: string) => void assigned.push(u) };
            const config = { issuer: oidc.issuer, clientId: oidc.clientId };
            const first = await createSession({ config, fetch, storage, location });
            expect(first.signedIn()).to.equal(false);
            await first.signIn();
            const authorize = new URL(assigned[0]);
            expect(authorize.origin).to.equal(oidc.issuer);
            expect(authorize.searchParams.get("code_challenge_method")).to.equal("S256");

            const callback = await signInAt(oidc.issuer, assigned[0], "Ada@Example.com", "correct horse");
            expect(callback).to.match(/^http:\/\/127\.0\.0\.1:5999\/\?code=/);
            const replaced: string[] = [];
            const back = await createSession({
                config,
                fetch,
                storage,
                location: { href: callback, assign: () => undefined },
                history: { replaceState: (_d, _u, url) => void replaced.push(url) },
            });
            expect(back.callbackError).to.equal(undefined);
            expect(replaced).to.deep.equal([`${SITE}/`]);
            expect(back.signedIn()).to.equal(true);
            expect(back.who()).to.equal("ada@example.com");
            const token = (await back.accessToken())!;
            const settings = authSettingsFromEnv(oidc.apiEnvironment);
            if (!settings.ok) throw new Error(settings.reason);
            const payload = await createTokenVerifier(settings.value)(token);
            expect(payload).to.include({
                sub: subjectOf("ada@example.com"),
                token_use: "access",
                client_id: oidc.clientId,
            });

            // A replayed callback signs nobody in: no pending request in this tab, and the code is spent.
            const replay = await createSession({
                config,
                fetch,
                storage: memoryStorage(),
                location: { href: callback, assign: () => undefined },
            });
            expect(replay.signedIn()).to.equal(false);
            expect(replay.callbackError).to.equal("the sign-in answer does not match");
            const reuse = await fetch(`${oidc.issuer}/token`, {
                method: "POST",
                headers: { "content-type": "application/x-www-form-urlencoded" },
                body: new URLSearchParams({
                    grant_type: "authorization_code",
                    client_id: oidc.clientId,
                    code: new URL(callback).searchParams.get("code")!,
                    redirect_uri: `${SITE}/`,
                    code_verifier: "x".repeat(43),
                }).toString(),
            });
            expect(reuse.status).to.equal(400);
            expect(((await reuse.json()) as { error: string }).error).to.equal("invalid_grant");

            // Refresh: an expired access token is renewed with the (rotated) refresh token.
            const saved = JSON.parse(storage.map.get("auth.tokens")!);
            storage.setItem("auth.tokens", JSON.stringify({ ...saved, expiresAt: 0 }));
            const renewed = (await back.accessToken())!;
            expect(renewed).to.not.equal(token);
            expect(JSON.parse(storage.map.get("auth.tokens")!).refreshToken).to.not.equal(saved.refreshToken);
            expect((await createTokenVerifier(settings.value)(renewed)).sub).to.equal(subjectOf("ada@example.com"));
            expect(lines.some((l) => l.includes("signed up ada@example.com"))).to.equal(true);
        });

        it("refuses an authorization request without PKCE and a redirect to another site", async () => {
            const base = { response_type: "code", client_id: oidc.clientId, scope: "openid", state: "s" };
            const noPkce = new URL("/auth", oidc.issuer);
            for (const [k, v] of Object.entries({ ...base, redirect_uri: `${SITE}/` })) noPkce.searchParams.set(k, v);
            const a = await fetch(noPkce, { redirect: "manual" });
            expect(a.headers.get("location") ?? "").to.match(/error=invalid_request/);
            const elsewhere = new URL("/auth", oidc.issuer);
            for (const [k, v] of Object.entries({
                ...base,
                redirect_uri: "https://evil.example/",
                code_challenge: "x".repeat(43),
                code_challenge_method: "S256",
            }))
                elsewhere.searchParams.set(k, v);
            const b = await fetch(elsewhere, { redirect: "manual" });
            expect(b.status).to.equal(400);
        });
    });
});

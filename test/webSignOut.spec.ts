/**
 * Sign-out of the web app (web/src/auth.ts) ends the provider's session too:
 * Cognito's /logout with `client_id` and `logout_uri`, or a provider's
 * RP-initiated logout endpoint; and it revokes the refresh token first.
 * Checked against the real OpenID provider `npm run local` starts (its
 * discovery, revocation and end-session endpoints); the browser test
 * (test/e2e/site.e2e.ts) checks that the next sign-in asks for credentials.
 */
import { expect } from "chai";
import { startOidc, type LocalOidc } from "../scripts/localSystem/oidc";
import { createSession, loadAuthConfig, signOutUrl } from "../web/src/auth";
import { memoryStorage } from "./support/memoryStorage";

const SITE = "http://127.0.0.1:5998";
const COGNITO = "https://app-login.auth.us-east-1.amazoncognito.com";

describe("sign-out: the tab's tokens and the provider's session", () => {
    it("goes to Cognito's /logout, else the end-session endpoint, else straight back", () => {
        const config = { issuer: "https://cognito-idp.us-east-1.amazonaws.com/p", clientId: "c1" };
        expect(signOutUrl({ ...config, logoutUrl: `${COGNITO}/logout` }, {}, "https://app.example.com/")).to.equal(
            `${COGNITO}/logout?client_id=c1&logout_uri=https%3A%2F%2Fapp.example.com%2F`,
        );
        const end = new URL(
            signOutUrl(
                config,
                { end_session_endpoint: "https://id.example.com/end" },
                "https://app.example.com/",
                "i.d.t",
            ),
        );
        expect(end.origin + end.pathname).to.equal("https://id.example.com/end");
        expect(Object.fromEntries(end.searchParams)).to.deep.equal({
            client_id: "c1",
            post_logout_redirect_uri: "https://app.example.com/",
            id_token_hint: "i.d.t",
        });
        expect(signOutUrl(config, {}, "https://app.example.com/")).to.equal("https://app.example.com/");
    });

    it("reads the sign-out and revocation URLs of /auth.json", async () => {
        const served = { issuer: "https://i", clientId: "c", logoutUrl: `${COGNITO}/logout`, revocationUrl: 7 };
        const config = await loadAuthConfig(async () => new Response(JSON.stringify(served)));
        expect(config).to.deep.equal({
            issuer: "https://i",
            clientId: "c",
            scope: undefined,
            logoutUrl: `${COGNITO}/logout`,
            revocationUrl: undefined,
        });
    });

    describe("against the local OpenID provider", () => {
        let oidc: LocalOidc;
        before(async () => {
            oidc = await startOidc(0, SITE, () => undefined);
        });
        after(() => oidc?.stop());

        // (No ID token: the provider refuses a made-up id_token_hint; the browser test signs in for real.)
        const signedInTab = () => {
            const storage = memoryStorage();
            storage.setItem(
                "auth.tokens",
                JSON.stringify({
                    accessToken: "a.b.c",
                    refreshToken: "r-1",
                    expiresAt: Date.now() + 60_000,
                }),
            );
            return storage;
        };
        const recording =
            (calls: string[]): typeof fetch =>
            async (input, init) => {
                calls.push(`${init?.method ?? "GET"} ${String(input)} ${init?.body ?? ""}`.trim());
                return fetch(input, init);
            };

        it("revokes the refresh token, forgets the tokens and ends the session at the provider", async () => {
            const calls: string[] = [];
            const assigned: string[] = [];
            const storage = signedInTab();
            const session = await createSession({
                config: { issuer: oidc.issuer, clientId: oidc.clientId },
                fetch: recording(calls),
                storage,
                location: { href: `${SITE}/`, assign: (u) => void assigned.push(u) },
            });
            expect(session.signedIn()).to.equal(true);
            await session.signOut();
            expect(session.signedIn()).to.equal(false);
            expect(storage.map.has("auth.tokens")).to.equal(false);
            expect(calls.slice(1)).to.deep.equal([
                `POST ${oidc.issuer}/token/revocation client_id=${oidc.clientId}&token=r-1&token_type_hint=refresh_token`,
            ]);
            const end = new URL(assigned[0]);
            expect(end.origin + end.pathname).to.equal(`${oidc.issuer}/session/end`);
            expect(end.searchParams.get("post_logout_redirect_uri")).to.equal(`${SITE}/`);
            // The provider accepts the request (client and return URL registered) and confirms it at once.
            const page = await fetch(assigned[0]);
            const html = await page.text();
            expect(page.status, html).to.equal(200);
            expect(html).to.include(`action="${oidc.issuer}/session/end/confirm"`);
            expect(html).to.match(/<input type="hidden" name="logout" value="yes"\/?>/);
        });

        it("with Cognito's URLs from /auth.json: revokes there and goes to /logout", async () => {
            const calls: string[] = [];
            const assigned: string[] = [];
            const session = await createSession({
                config: {
                    issuer: oidc.issuer,
                    clientId: oidc.clientId,
                    logoutUrl: `${COGNITO}/logout`,
                    revocationUrl: `${oidc.issuer}/token/revocation`,
                },
                fetch: recording(calls),
                storage: signedInTab(),
                location: { href: `${SITE}/`, assign: (u) => void assigned.push(u) },
            });
            await session.signOut();
            expect(calls[1]).to.match(new RegExp(`^POST ${oidc.issuer}/token/revocation `));
            expect(assigned).to.deep.equal([
                `${COGNITO}/logout?client_id=${oidc.clientId}&logout_uri=${encodeURIComponent(`${SITE}/`)}`,
            ]);
        });
    });
});

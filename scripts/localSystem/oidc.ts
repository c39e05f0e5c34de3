// The OpenID provider of `npm run local`, in place of Cognito: the `oidc-provider` package on
// loopback with one public client (the site; authorization code with PKCE S256 only, no secret) and
// a sign-in page where any email address and password signs in (or up: a new address is a new user).
// Access tokens are JWTs with Cognito's claims (`token_use` "access", `client_id`), signed with a key
// generated at start and published at <issuer>/.well-known/jwks.json, so the API verifies them with
// exactly the rules it applies to the user pool's.
import * as crypto from "crypto";
import * as http from "http";
import type { AddressInfo } from "net";

/** The local client id (the site's). */
export const LOCAL_CLIENT_ID = "local-web";
/** The API as the provider's resource server (the `aud` of its access tokens). */
const RESOURCE = "urn:aws-webapp:api";

export interface LocalOidc {
    readonly issuer: string;
    readonly clientId: string;
    /** AUTH_* variables of an API trusting this provider. */
    readonly apiEnvironment: Record<string, string>;
    stop(): Promise<void>;
}

/** A stable, UUID-shaped subject for an email address (Cognito's subs are UUIDs). */
export function subjectOf(email: string): string {
    const h = crypto.createHash("sha256").update(`local-oidc:${email.trim().toLowerCase()}`).digest("hex");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The sign-in page (no script: a plain form posting back to the provider). */
function loginPage(uid: string, clientId: string, error?: string): string {
    return `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Sign in (local)</title></head>
<body><main><h1>Sign in</h1><p>Local OpenID provider for ${escapeHtml(clientId)}: any email and password of 8+ characters signs in (a new email signs up).</p>
${error ? `<p role="alert">${escapeHtml(error)}</p>` : ""}
<form method="post" action="/interaction/${escapeHtml(uid)}/login">
<label>Email <input name="email" type="email" autocomplete="username" required></label>
<label>Password <input name="password" type="password" autocomplete="current-password" required minlength="8"></label>
<button type="submit">Sign in</button></form></main></body></html>`;
}

/** The end-session page: the provider's confirmation form, confirmed and submitted as soon as it loads. */
async function logoutSource(ctx: any, form: string): Promise<void> {
    ctx.type = "html";
    ctx.body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Signing out (local)</title></head>
<body><main><h1>Signing out</h1>${form.replace("</form>", '<input type="hidden" name="logout" value="yes"><button type="submit">Sign out</button></form>')}
<script>document.getElementById("op.logoutForm").submit();</script></main></body></html>`;
}

async function formOf(req: http.IncomingMessage): Promise<URLSearchParams> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
        size += (chunk as Buffer).length;
        if (size > 8192) throw new Error("form too large");
        chunks.push(chunk as Buffer);
    }
    return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

/** Starts the provider on `port` (0: any) for a site at `siteOrigin` (its `/` is the callback). */
export async function startOidc(port: number, siteOrigin: string, log: (line: string) => void): Promise<LocalOidc> {
    // oidc-provider is an ES module; Node 22 loads it with require().
    const Provider = require("oidc-provider").default as new (issuer: string, config: object) => any;
    const server = http.createServer();
    await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, "127.0.0.1", () => resolve());
    });
    const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const { privateKey } = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
    const jwk = { ...privateKey.export({ format: "jwk" }), kid: crypto.randomBytes(8).toString("hex"), use: "sig" };
    const accounts = new Map<string, string>(); // sub -> email
    const redirect = `${siteOrigin}/`;
    const provider = new Provider(issuer, {
        clients: [
            {
                client_id: LOCAL_CLIENT_ID,
                token_endpoint_auth_method: "none",
                application_type: "web",
                grant_types: ["authorization_code", "refresh_token"],
                response_types: ["code"],
                redirect_uris: [redirect],
                post_logout_redirect_uris: [redirect],
            },
        ],
        jwks: { keys: [jwk] },
        cookies: { keys: [crypto.randomBytes(32).toString("hex")] },
        // PKCE for every authorization request (S256 is the only method offered).
        pkce: { required: () => true },
        scopes: ["openid", "email", "offline_access"],
        claims: { openid: ["sub"], email: ["email", "email_verified"] },
        routes: { jwks: "/.well-known/jwks.json" },
        ttl: {
            AccessToken: 3600,
            IdToken: 3600,
            RefreshToken: 30 * 86400,
            Interaction: 600,
            Session: 86400,
            Grant: 86400,
        },
        rotateRefreshToken: true,
        // Refresh tokens for the public client without the consent prompt offline_access asks for.
        issueRefreshToken: async (_ctx: unknown, client: any) => client.grantTypeAllowed("refresh_token"),
        clientBasedCORS: (_ctx: unknown, origin: string) => origin === siteOrigin,
        features: {
            devInteractions: { enabled: false },
            resourceIndicators: {
                enabled: true,
                defaultResource: () => RESOURCE,
                useGrantedResource: () => true,
                getResourceServerInfo: () => ({
                    scope: "openid email",
                    audience: RESOURCE,
                    accessTokenFormat: "jwt",
                    jwt: { sign: { alg: "RS256" } },
                }),
            },
            // Sign-out ends the provider's session at once (no confirmation page), as Cognito's /logout does.
            rpInitiatedLogout: { enabled: true, logoutSource },
            // The page revokes its refresh token at sign-out.
            revocation: { enabled: true },
        },
        // The claims the API reads, as Cognito names them.
        extraTokenClaims: (_ctx: unknown, token: any) =>
            token.kind === "AccessToken"
                ? { token_use: "access", client_id: token.clientId, email: accounts.get(token.accountId) }
                : undefined,
        findAccount: (_ctx: unknown, sub: string) =>
            accounts.has(sub)
                ? { accountId: sub, claims: () => ({ sub, email: accounts.get(sub), email_verified: true }) }
                : undefined,
        renderError: (ctx: any, out: any) => {
            ctx.type = "html";
            ctx.body = `<!doctype html><title>Sign-in error</title><p>${escapeHtml(String(out.error_description ?? out.error))}</p>`;
        },
    });
    provider.proxy = false;

    const callback = provider.callback();
    server.on("request", async (req: http.IncomingMessage, res: http.ServerResponse) => {
        const m = /^\/interaction\/([^/]+)(\/login)?$/.exec(new URL(req.url ?? "/", issuer).pathname);
        if (!m) return callback(req, res);
        try {
            const details = await provider.interactionDetails(req, res);
            if (details.prompt.name === "consent") {
                // The site is this provider's own client: grant what it asked for.
                const grant = details.grantId
                    ? await provider.Grant.find(details.grantId)
                    : new provider.Grant({ accountId: details.session.accountId, clientId: LOCAL_CLIENT_ID });
                const missing = details.prompt.details;
                if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(" "));
                if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
                for (const [resource, scopes] of Object.entries(missing.missingResourceScopes ?? {}))
                    grant.addResourceScope(resource, (scopes as string[]).join(" "));
                return provider.interactionFinished(
                    req,
                    res,
                    { consent: { grantId: await grant.save() } },
                    { mergeWithLastSubmission: true },
                );
            }
            if (!m[2] || req.method !== "POST") {
                res.writeHead(200, { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" });
                return res.end(loginPage(details.uid, LOCAL_CLIENT_ID));
            }
            const form = await formOf(req);
            const email = (form.get("email") ?? "").trim().toLowerCase();
            if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) || (form.get("password") ?? "").length < 8) {
                res.writeHead(400, { "Content-Type": "text/html; charset=utf-8" });
                return res.end(
                    loginPage(
                        details.uid,
                        LOCAL_CLIENT_ID,
                        "An email address and a password of 8+ characters, please.",
                    ),
                );
            }
            const sub = subjectOf(email);
            if (!accounts.has(sub)) log(`oidc: signed up ${email} (sub ${sub})`);
            accounts.set(sub, email);
            return provider.interactionFinished(
                req,
                res,
                { login: { accountId: sub } },
                { mergeWithLastSubmission: false },
            );
        } catch (e) {
            log(`oidc: interaction failed: ${e instanceof Error ? e.message : String(e)}`);
            if (!res.headersSent) res.writeHead(400, { "Content-Type": "text/plain" });
            res.end("sign-in failed: start again from the app");
        }
    });
    return {
        issuer,
        clientId: LOCAL_CLIENT_ID,
        apiEnvironment: { AUTH_ISSUER: issuer, AUTH_CLIENT_ID: LOCAL_CLIENT_ID },
        stop: () =>
            new Promise<void>((resolve) => {
                server.closeAllConnections();
                server.close(() => resolve());
            }),
    };
}

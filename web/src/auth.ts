// Sign-in of the single-page app: the OpenID Connect authorization code flow with PKCE (RFC 7636,
// S256) against a configurable issuer: the Cognito user pool in AWS, a local OpenID provider on
// loopback for `npm run local`. No client secret (a public client). The pure steps are exported and
// unit-tested (test/web.spec.ts); the browser glue is createSession.

/** What the page needs to know of its issuer: served as /auth.json next to the app. */
export interface AuthConfig {
    readonly issuer: string;
    readonly clientId: string;
    /** @default "openid email" */
    readonly scope?: string;
    /**
     * Cognito's managed login sign-out (`https://<domain>/logout`): its discovery document names no
     * end-session endpoint. Sign-out goes there with `client_id` and `logout_uri` (one of the
     * client's sign-out URLs). @default the discovery document's `end_session_endpoint`
     */
    readonly logoutUrl?: string;
    /** Where the refresh token is revoked at sign-out (Cognito: `https://<domain>/oauth2/revoke`). @default the discovery document's `revocation_endpoint` */
    readonly revocationUrl?: string;
}

/** The endpoints of an issuer's discovery document (`/.well-known/openid-configuration`). */
export interface Endpoints {
    readonly authorization_endpoint: string;
    readonly token_endpoint: string;
    readonly end_session_endpoint?: string;
    readonly revocation_endpoint?: string;
}

export interface Tokens {
    readonly accessToken: string;
    readonly idToken?: string;
    readonly refreshToken?: string;
    /** Unix ms after which the access token is renewed (30 s before it expires). */
    readonly expiresAt: number;
}

const b64url = (bytes: Uint8Array) =>
    btoa(String.fromCharCode(...bytes))
        .replace(/\+/g, "-")
        .replace(/\//g, "_")
        .replace(/=+$/, "");

/** A random URL-safe string of `bytes` random bytes (a PKCE verifier, a state, a nonce). */
export function randomString(bytes = 32, random: (a: Uint8Array) => Uint8Array = (a) => crypto.getRandomValues(a)) {
    return b64url(random(new Uint8Array(bytes)));
}

/** The S256 code challenge of a verifier: base64url(SHA-256(verifier)). */
export async function codeChallenge(verifier: string): Promise<string> {
    const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
    return b64url(new Uint8Array(digest));
}

/** The authorization request URL (response_type code, S256 challenge, state and nonce). */
export function authorizeUrl(
    endpoint: string,
    p: { clientId: string; redirectUri: string; scope: string; state: string; nonce: string; challenge: string },
): string {
    const url = new URL(endpoint);
    const q = url.searchParams;
    q.set("response_type", "code");
    q.set("client_id", p.clientId);
    q.set("redirect_uri", p.redirectUri);
    q.set("scope", p.scope);
    q.set("state", p.state);
    q.set("nonce", p.nonce);
    q.set("code_challenge", p.challenge);
    q.set("code_challenge_method", "S256");
    return url.toString();
}

/** What the redirect back carries: a code for the expected state, an error, or nothing (not a callback). */
export function parseCallback(
    href: string,
    expectedState: string | undefined,
): { code: string } | { error: string } | undefined {
    const q = new URL(href).searchParams;
    if (!q.has("code") && !q.has("error")) return undefined;
    if (!expectedState || q.get("state") !== expectedState) return { error: "the sign-in answer does not match" };
    const error = q.get("error");
    if (error) return { error: q.get("error_description") ?? error };
    return { code: q.get("code")! };
}

/** Reads a token endpoint answer; `now` is when the request was sent. */
export function parseTokens(body: unknown, now: number, previous?: Tokens): Tokens {
    const b = (body ?? {}) as Record<string, unknown>;
    if (typeof b.access_token !== "string" || (b.token_type as string)?.toLowerCase() !== "bearer") {
        throw new Error("the token endpoint answered without a bearer access token");
    }
    const seconds = typeof b.expires_in === "number" ? b.expires_in : 300;
    return {
        accessToken: b.access_token,
        idToken: typeof b.id_token === "string" ? b.id_token : previous?.idToken,
        // Rotating refresh tokens: keep the new one when there is one.
        refreshToken: typeof b.refresh_token === "string" ? b.refresh_token : previous?.refreshToken,
        expiresAt: now + Math.max(0, seconds - 30) * 1000,
    };
}

/** Claims of a JWT's payload (display only: the API verifies the token, the page never trusts this). */
export function jwtClaims(token: string | undefined): Record<string, unknown> {
    try {
        const part = token!.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
        const bytes = Uint8Array.from(atob(part), (c) => c.charCodeAt(0));
        return JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
    } catch {
        return {};
    }
}

/**
 * Where sign-out sends the browser so that the provider's session ends too (the next sign-in asks
 * for credentials again): Cognito's /logout (`client_id`, `logout_uri`), else the provider's
 * RP-initiated logout endpoint (`client_id`, `post_logout_redirect_uri`, `id_token_hint`), else
 * straight back to the app.
 */
export function signOutUrl(
    config: AuthConfig,
    endpoints: Pick<Endpoints, "end_session_endpoint">,
    returnTo: string,
    idToken?: string,
): string {
    if (config.logoutUrl) {
        const url = new URL(config.logoutUrl);
        url.searchParams.set("client_id", config.clientId);
        url.searchParams.set("logout_uri", returnTo);
        return url.toString();
    }
    if (!endpoints.end_session_endpoint) return returnTo;
    const url = new URL(endpoints.end_session_endpoint);
    url.searchParams.set("client_id", config.clientId);
    url.searchParams.set("post_logout_redirect_uri", returnTo);
    if (idToken) url.searchParams.set("id_token_hint", idToken);
    return url.toString();
}

const KEY = { tokens: "auth.tokens", pending: "auth.pending" } as const;

export interface SessionDeps {
    readonly config: AuthConfig;
    readonly fetch: typeof fetch;
    /** sessionStorage: tokens live as long as the tab. */
    readonly storage: Pick<Storage, "getItem" | "setItem" | "removeItem">;
    readonly location: { href: string; assign(url: string): void };
    readonly history?: { replaceState(data: unknown, unused: string, url: string): void };
    readonly now?: () => number;
}

export type Session = Awaited<ReturnType<typeof createSession>>;

/** Discovery, the redirect to sign in, the code exchange on the way back, refresh and sign-out. */
export async function createSession(d: SessionDeps) {
    const now = d.now ?? Date.now;
    const issuer = d.config.issuer.replace(/\/$/, "");
    const discovery = await d.fetch(`${issuer}/.well-known/openid-configuration`);
    if (!discovery.ok) throw new Error(`the sign-in service is unavailable (${discovery.status})`);
    const endpoints = (await discovery.json()) as Endpoints;
    const redirectUri = new URL("/", d.location.href).toString();
    const read = (): Tokens | undefined => {
        try {
            return JSON.parse(d.storage.getItem(KEY.tokens) ?? "null") ?? undefined;
        } catch {
            return undefined;
        }
    };
    const save = (t: Tokens | undefined) =>
        t ? d.storage.setItem(KEY.tokens, JSON.stringify(t)) : d.storage.removeItem(KEY.tokens);

    async function tokenRequest(form: Record<string, string>, previous?: Tokens): Promise<Tokens> {
        const sent = now();
        const res = await d.fetch(endpoints.token_endpoint, {
            method: "POST",
            headers: { "Content-Type": "application/x-www-form-urlencoded" },
            body: new URLSearchParams({ client_id: d.config.clientId, ...form }).toString(),
        });
        const body: unknown = await res.json().catch(() => undefined);
        if (!res.ok) {
            const e = body as { error?: string; error_description?: string } | undefined;
            throw new Error(`sign-in failed: ${e?.error_description ?? e?.error ?? res.status}`);
        }
        return parseTokens(body, sent, previous);
    }

    // Back from the issuer: exchange the code (once), then drop it from the address bar.
    const pending = JSON.parse(d.storage.getItem(KEY.pending) ?? "null") as {
        state: string;
        verifier: string;
    } | null;
    const callback = parseCallback(d.location.href, pending?.state);
    let callbackError: string | undefined;
    if (callback) {
        d.storage.removeItem(KEY.pending);
        d.history?.replaceState(null, "", redirectUri);
        if ("code" in callback && pending) {
            save(
                await tokenRequest({
                    grant_type: "authorization_code",
                    code: callback.code,
                    redirect_uri: redirectUri,
                    code_verifier: pending.verifier,
                }),
            );
        } else if ("error" in callback) callbackError = callback.error;
    }

    let refreshing: Promise<Tokens | undefined> | undefined;
    return {
        callbackError,
        signedIn: () => read() !== undefined,
        /** Email (or subject) of the signed-in user, for display. */
        who: () => {
            const t = read();
            const claims = jwtClaims(t?.idToken ?? t?.accessToken);
            return typeof claims.email === "string" ? claims.email : (claims.sub as string | undefined);
        },
        /** A current access token (refreshed when due), or undefined when signed out. */
        async accessToken(): Promise<string | undefined> {
            const t = read();
            if (!t) return undefined;
            if (t.expiresAt > now()) return t.accessToken;
            if (!t.refreshToken) {
                save(undefined);
                return undefined;
            }
            refreshing ??= tokenRequest({ grant_type: "refresh_token", refresh_token: t.refreshToken }, t)
                .then((fresh) => (save(fresh), fresh))
                .catch(() => (save(undefined), undefined))
                .finally(() => (refreshing = undefined));
            return (await refreshing)?.accessToken;
        },
        async signIn(): Promise<void> {
            const verifier = randomString(32);
            const state = randomString(16);
            d.storage.setItem(KEY.pending, JSON.stringify({ state, verifier }));
            d.location.assign(
                authorizeUrl(endpoints.authorization_endpoint, {
                    clientId: d.config.clientId,
                    redirectUri,
                    scope: d.config.scope ?? "openid email",
                    state,
                    nonce: randomString(16),
                    challenge: await codeChallenge(verifier),
                }),
            );
        },
        /**
         * Forgets the tokens, revokes the refresh token (best effort: it cannot mint new access tokens
         * any more) and ends the provider's session (signOutUrl), which sends the browser back here.
         */
        async signOut(): Promise<void> {
            const t = read();
            save(undefined);
            const revocation = d.config.revocationUrl ?? endpoints.revocation_endpoint;
            if (t?.refreshToken && revocation) {
                await d
                    .fetch(revocation, {
                        method: "POST",
                        headers: { "Content-Type": "application/x-www-form-urlencoded" },
                        body: new URLSearchParams({
                            client_id: d.config.clientId,
                            token: t.refreshToken,
                            token_type_hint: "refresh_token",
                        }).toString(),
                    })
                    .catch(() => undefined);
            }
            d.location.assign(signOutUrl(d.config, endpoints, redirectUri, t?.idToken));
        },
    };
}

/** The page's auth configuration (/auth.json), or undefined when the site has none (sign-in off). */
export async function loadAuthConfig(doFetch: typeof fetch): Promise<AuthConfig | undefined> {
    const res = await doFetch("/auth.json", { headers: { Accept: "application/json" } }).catch(() => undefined);
    if (!res?.ok) return undefined;
    const c = (await res.json().catch(() => undefined)) as Partial<AuthConfig> | undefined;
    const optional = (v: unknown) => (typeof v === "string" ? v : undefined);
    return typeof c?.issuer === "string" && typeof c.clientId === "string"
        ? {
              issuer: c.issuer,
              clientId: c.clientId,
              scope: optional(c.scope),
              logoutUrl: optional(c.logoutUrl),
              revocationUrl: optional(c.revocationUrl),
          }
        : undefined;
}

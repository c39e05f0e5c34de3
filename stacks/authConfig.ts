/**
 * The sign-in block of the stack configuration (issue 18): its keys, merged
 * into the environment schema by stacks/config.ts, and its cross-key rules.
 */
import { z } from "zod";
import {
    boolean as booleanCheck,
    type Check,
    integer,
    matching,
    oneOf as oneOfCheck,
} from "../components/shared/checks";
import { show } from "../components/shared/validation";
import { baseError, withCheck } from "../components/shared/zodCheck";

const int = (min: number, max: number) =>
    withCheck(z.number({ error: baseError(integer(min, max)) }), integer(min, max));
const str = (check: Check) => withCheck(z.string({ error: baseError(check) }), check);
const bool = () => z.boolean({ error: baseError(booleanCheck) });
const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
    z.enum(values, { error: oneOfCheck(values)(undefined) });

/** The local development server's sign-in redirect (Vite's default port). */
export const LOCAL_CALLBACK_URL = "http://localhost:5173/";

/**
 * Sign-in (issue 18, stacks/auth.ts): the Cognito user pool and the single-page
 * app's client. Callback URLs default to the site's URL (`https://<domainName>/`);
 * authLocalCallbacks adds the local development server's (refused in prod).
 */
export const authKeys = {
    authCallbackUrls: z
        .array(str(matching(/^https?:\/\/[^\s#]+$/, "an http(s) URL without a fragment")), {
            error: "is not a list: expected a list of URLs",
        })
        .max(100, { error: "has too many entries: expected at most 100 URLs (Cognito's limit)" })
        .default([])
        .describe(
            "Sign-in redirect URLs of the web app (https). Empty means https://<domainName>/ when domainName is set, else none.",
        ),
    authLocalCallbacks: bool()
        .default(false)
        .describe(
            "Also accept the local development server (http://localhost:5173/) as a sign-in redirect; not in prod.",
        ),
    authMfa: oneOf(["OFF", "OPTIONAL", "ON"])
        .default("OPTIONAL")
        .describe("Multi-factor authentication with TOTP apps: OFF, OPTIONAL (users may enrol) or ON (required)."),
    authThreatProtection: oneOf(["OFF", "AUDIT", "ENFORCED"])
        .default("OFF")
        .describe(
            "Cognito threat protection (Plus plan, 0.02 USD per monthly active user, no free tier): OFF, AUDIT or ENFORCED.",
        ),
    authAccessTokenMinutes: int(5, 1440).default(60).describe("Lifetime of access tokens (minutes)."),
    authIdTokenMinutes: int(5, 1440).default(60).describe("Lifetime of ID tokens (minutes)."),
    authRefreshTokenDays: int(1, 3650).default(30).describe("Lifetime of refresh tokens (days; rotated on each use)."),
};

/** What the rules read of the parsed configuration. */
export interface AuthConfigInput {
    readonly environment: string;
    readonly domainName?: string;
    readonly authCallbackUrls: string[];
    readonly authLocalCallbacks: boolean;
}

/** Cross-key rules of the sign-in block: somewhere to return to, no local URLs in prod. */
export function authProblems(c: AuthConfigInput, key: (k: string) => string): string[] {
    const out: string[] = [];
    const local = /^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?\//;
    if (c.environment === "prod" && c.authLocalCallbacks) {
        out.push(`${key("authLocalCallbacks")}: true is not allowed in prod: local URLs are for development`);
    }
    for (const [i, u] of c.authCallbackUrls.entries()) {
        if (!u.startsWith("https://") && !local.test(u)) {
            out.push(`${key("authCallbackUrls")}[${i}]: ${show(u)} is not https (http only for localhost)`);
        } else if (local.test(u) && (c.environment === "prod" || !c.authLocalCallbacks)) {
            out.push(
                `${key("authCallbackUrls")}[${i}]: ${show(u)} is a local URL: expected ${key("authLocalCallbacks")} true (not in prod)`,
            );
        }
    }
    if (c.environment === "prod" && c.authCallbackUrls.length === 0 && c.domainName === undefined) {
        out.push(
            `${key("authCallbackUrls")}: is empty and there is no ${key("domainName")}: expected the web app's https URL(s) to return to after sign-in`,
        );
    }
    return out;
}

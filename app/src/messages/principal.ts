/**
 * Who is calling. The messages API never reads an identity from a header or
 * the body itself: the application passes in a function that resolves the
 * caller's verified principal (the sign-in's token check), and without one
 * the routes answer 503 rather than trust anything the client sends.
 */
import { HttpError } from "../http/respond";
import type { RequestContext } from "../http/server";

export interface Principal {
    /** The signed-in user's id (the token's subject). */
    readonly userId: string;
}

/** The caller's verified principal, or undefined when the request carries no valid sign-in. */
export type PrincipalOf = (ctx: RequestContext) => Promise<Principal | undefined> | Principal | undefined;

/** The principal, or a 401 (with `www-authenticate: Bearer`) when there is none. */
export async function requirePrincipal(principalOf: PrincipalOf, ctx: RequestContext): Promise<Principal> {
    const principal = await principalOf(ctx);
    if (!principal) {
        throw new HttpError(401, "unauthorized", "sign in required", undefined, { "www-authenticate": "Bearer" });
    }
    return principal;
}

/**
 * Deny by default: the guard wraps the whole router, so every route, present
 * or future, requires a verified access token unless it is listed in
 * {@link PUBLIC_ROUTES}. Public are the health checks (load balancer, ECS and
 * Cloud Map call them without a token) and the read of an image's renditions
 * by its upload id (an unguessable random id; the renditions themselves are
 * public objects behind CloudFront, so a token would protect nothing).
 * Handlers get the caller with {@link principalOf}.
 */
import type * as http from "http";
import type { Handler } from "../http/server";
import { unauthorized, type Authenticator, type Principal } from "./principal";

/** A request anyone may make: its method and its anchored path pattern. */
export interface PublicRoute {
    readonly methods: readonly string[];
    readonly pattern: RegExp;
}

export const PUBLIC_ROUTES: readonly PublicRoute[] = [
    { methods: ["GET", "HEAD"], pattern: /^\/api\/health(\/db)?$/ },
    { methods: ["GET", "HEAD"], pattern: /^\/api\/images\/[^/]+$/ },
];

/** True when `method path` needs no token. */
export function isPublicRequest(method: string | undefined, path: string, routes = PUBLIC_ROUTES): boolean {
    return routes.some((r) => r.methods.includes(method ?? "") && r.pattern.test(path));
}

const principals = new WeakMap<http.IncomingMessage, Principal>();

/**
 * The verified caller of a request the guard let through. Rejects with a 401
 * for a request that carried no verified token (a public route): a handler
 * that needs a user can never run without one.
 */
export function principalOf(req: http.IncomingMessage): Promise<Principal> {
    const principal = principals.get(req);
    return principal ? Promise.resolve(principal) : Promise.reject(unauthorized("a bearer access token is required"));
}

/** Wraps `handler`: non-public requests are verified first (401/503 JSON otherwise). */
export function guard(auth: Authenticator, handler: Handler, routes: readonly PublicRoute[] = PUBLIC_ROUTES): Handler {
    return async (ctx) => {
        if (!isPublicRequest(ctx.req.method, ctx.target.path, routes)) {
            principals.set(ctx.req, await auth.principalOf(ctx.req));
        }
        return handler(ctx);
    };
}

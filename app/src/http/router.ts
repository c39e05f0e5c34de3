/** A small router: path patterns with per-method handlers; 404 and 405 as JSON. */
import { methodNotAllowed, notFound } from "./respond";
import type { Handler, RequestContext } from "./server";

export type RouteHandler = (ctx: RequestContext, params: readonly string[]) => Promise<void> | void;

export interface Route {
    /** Anchored pattern; capture groups become `params`. */
    readonly pattern: RegExp;
    readonly methods: Readonly<Partial<Record<"GET" | "POST" | "PUT" | "DELETE", RouteHandler>>>;
}

/** Dispatches to the first route whose pattern matches; HEAD runs the GET handler without a body. */
export function router(routes: readonly Route[]): Handler {
    return (ctx) => {
        for (const route of routes) {
            const match = route.pattern.exec(ctx.target.path);
            if (!match) continue;
            const method = ctx.req.method === "HEAD" ? "GET" : ctx.req.method;
            const handler = route.methods[method as keyof Route["methods"]];
            if (!handler) {
                const allow = Object.keys(route.methods);
                if (allow.includes("GET")) allow.push("HEAD");
                throw methodNotAllowed(allow);
            }
            return handler(ctx, match.slice(1));
        }
        throw notFound();
    };
}

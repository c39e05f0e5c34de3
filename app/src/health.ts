/**
 * Health endpoints.
 *   GET /api/health     200 {"status":"ok"}: the process serves requests
 *                       (load balancer and container health checks; no database).
 *   GET /api/health/db  200 when the pool can run `SELECT 1` (result shared and
 *                       cached about a second), 503 with a JSON reason otherwise.
 */
import type { Route } from "./http/router";
import { sendJson } from "./http/respond";
import type { DbStatus } from "./db/status";

/** The database as the health route sees it: a status, or why there is none. */
export type HealthDb = { readonly status: DbStatus } | { readonly reason: string };

export function healthRoutes(db: HealthDb, started = Date.now()): Route[] {
    return [
        {
            pattern: /^\/api\/health$/,
            methods: {
                GET: ({ res }) =>
                    sendJson(res, 200, { status: "ok", uptimeSeconds: Math.round((Date.now() - started) / 1000) }),
            },
        },
        {
            pattern: /^\/api\/health\/db$/,
            methods: {
                GET: async ({ res }) => {
                    if (!("status" in db)) {
                        return sendJson(res, 503, { status: "error", check: "database", reason: db.reason });
                    }
                    const result = await db.status.current();
                    if (result.ok) sendJson(res, 200, { status: "ok", check: "database", latencyMs: result.latencyMs });
                    else {
                        const { reason, code } = result;
                        sendJson(res, 503, { status: "error", check: "database", reason, code });
                    }
                },
            },
        },
    ];
}

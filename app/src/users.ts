/**
 * Users API, stored in PostgreSQL (table `users`, migrations 1 and 2). Every
 * route needs a verified access token (the app's guard) and acts on the
 * caller's own record only: a record is owned by the `sub` it was created
 * with (`cognito_sub`, written by POST or by the post-confirmation trigger).
 *
 *   GET    /api/users            200 [user] the caller's record (none or one; ?limit=1..500, ?after=<id>)
 *   POST   /api/users            {name, email} -> 201 user owned by the caller (Location header); 400 invalid;
 *                                409 the caller already has a record, or the email is taken
 *   GET    /api/users/{id}       200 user; 404 (also for another user's record)
 *   PUT    /api/users/{id}       {name, email} -> 200 user; 400; 404 (also another user's); 409
 *   DELETE /api/users/{id}       204; 404 (also another user's)
 *
 * Another user's record answers 404, not 403: ids are sequential, and a 403
 * would tell a caller which ids exist. A user is `{id, name, email,
 * createdAt, updatedAt}`; emails are unique regardless of case.
 *
 * With a cache (CACHE_URL), `GET /api/users/{id}` reads through it (key
 * `user:<sub>:<id>`: only the owner's lookups share an entry; CACHE_TTL_SECONDS)
 * and PUT/DELETE drop the key; without one, or with it down, every lookup
 * reads PostgreSQL.
 */
import { principalOf } from "./auth";
import { DEFAULT_CACHE_TTL_SECONDS, readThroughCache, type AppCache } from "./cache";
import type { Database } from "./db/database";
import { badRequest, HttpError, notFound, readJson, sendJson, type Issue } from "./http/respond";
import type { Route } from "./http/router";
import type { RequestContext } from "./http/server";

export interface UserInput {
    readonly name: string;
    readonly email: string;
}

export interface User extends UserInput {
    readonly id: number;
    readonly createdAt: string;
    readonly updatedAt: string;
}

const EMAIL =
    /^[^\s@"<>(),;:\\[\]]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** Validates a `{name, email}` body; every problem at once. Unknown fields are ignored. */
export function validateUser(body: unknown): { ok: true; value: UserInput } | { ok: false; issues: Issue[] } {
    if (typeof body !== "object" || body === null || Array.isArray(body)) {
        return { ok: false, issues: [{ field: "", message: "expected a JSON object {name, email}" }] };
    }
    const { name, email } = body as Record<string, unknown>;
    const issues: Issue[] = [];
    const n = typeof name === "string" ? name.trim() : undefined;
    if (n === undefined) issues.push({ field: "name", message: "required, a string" });
    else if (n.length < 1 || n.length > 100) issues.push({ field: "name", message: "1 to 100 characters" });
    else if (CONTROL.test(n)) issues.push({ field: "name", message: "no control characters" });
    const e = typeof email === "string" ? email.trim() : undefined;
    if (e === undefined) issues.push({ field: "email", message: "required, a string" });
    else if (e.length > 254 || !EMAIL.test(e)) issues.push({ field: "email", message: "an email address" });
    return issues.length > 0 || n === undefined || e === undefined
        ? { ok: false, issues }
        : { ok: true, value: { name: n, email: e } };
}

/** A positive int4 id from a path segment, else undefined. */
export function parseId(raw: string): number | undefined {
    if (!/^[1-9]\d{0,9}$/.test(raw)) return undefined;
    const id = Number(raw);
    return id <= 2_147_483_647 ? id : undefined;
}

interface Row {
    id: number;
    name: string;
    email: string;
    created_at: Date;
    updated_at: Date;
}

const COLUMNS = "id, name, email, created_at, updated_at";

const toUser = (r: Row): User => ({
    id: r.id,
    name: r.name,
    email: r.email,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
});

const conflict = (message: string) => new HttpError(409, "conflict", message);

/** Unique violation -> 409 (which one: the owner's record or the email); anything else propagates. */
function onWriteError(err: unknown): never {
    const e = err as { code?: string; constraint?: string };
    if (e.code === "23505" && e.constraint === "users_cognito_sub_key") {
        throw conflict("you already have a user record");
    }
    if (e.code === "23505") throw conflict("a user with this email already exists");
    throw err;
}

function requireId(raw: string): number {
    const id = parseId(raw);
    if (id === undefined) throw notFound("no such user");
    return id;
}

async function input(ctx: RequestContext): Promise<UserInput> {
    const parsed = validateUser(await readJson(ctx.req));
    if (!parsed.ok) throw badRequest("invalid user", parsed.issues);
    return parsed.value;
}

/** The users routes over `db`; a user's own lookups read through `cache` when it has a client. */
export function userRoutes(db: Database, cache?: AppCache): Route[] {
    // Keyed by owner and id (`<sub>:<id>`): a cached record answers its owner only, as the query does.
    const byOwnerAndId = readThroughCache<User>({
        client: cache?.client,
        keyPrefix: "user:",
        ttlSeconds: cache?.ttlSeconds ?? DEFAULT_CACHE_TTL_SECONDS,
        cooldownMs: cache?.cooldownMs,
        log: cache?.log,
        load: async (key) => {
            const split = key.lastIndexOf(":");
            const { rows } = await db.query<Row>({
                name: "users-get",
                text: `SELECT ${COLUMNS} FROM users WHERE id = $1 AND cognito_sub = $2`,
                values: [Number(key.slice(split + 1)), key.slice(0, split)],
            });
            return rows.length === 0 ? undefined : toUser(rows[0]);
        },
    });
    const cacheKey = (sub: string, id: number) => `${sub}:${id}`;
    return [
        {
            pattern: /^\/api\/users$/,
            methods: {
                GET: async ({ req, res, target }) => {
                    const { sub } = await principalOf(req);
                    const limitRaw = target.query.get("limit") ?? "100";
                    const limit = /^\d{1,3}$/.test(limitRaw) ? Number(limitRaw) : NaN;
                    const afterRaw = target.query.get("after");
                    const after = afterRaw === null ? 0 : parseId(afterRaw);
                    const issues: Issue[] = [];
                    if (!(limit >= 1 && limit <= 500)) issues.push({ field: "limit", message: "1 to 500" });
                    if (after === undefined) issues.push({ field: "after", message: "a user id" });
                    if (issues.length > 0) throw badRequest("invalid query", issues);
                    const { rows } = await db.query<Row>({
                        name: "users-list",
                        text: `SELECT ${COLUMNS} FROM users WHERE cognito_sub = $3 AND id > $1 ORDER BY id LIMIT $2`,
                        values: [after, limit, sub],
                    });
                    sendJson(res, 200, rows.map(toUser));
                },
                POST: async (ctx) => {
                    const { sub } = await principalOf(ctx.req);
                    const user = await input(ctx);
                    const { rows } = await db
                        .query<Row>({
                            name: "users-insert",
                            text: `INSERT INTO users (name, email, cognito_sub) VALUES ($1, $2, $3) RETURNING ${COLUMNS}`,
                            values: [user.name, user.email, sub],
                        })
                        .catch(onWriteError);
                    sendJson(ctx.res, 201, toUser(rows[0]), { location: `/api/users/${rows[0].id}` });
                },
            },
        },
        {
            pattern: /^\/api\/users\/([^/]+)$/,
            methods: {
                GET: async ({ req, res }, [raw]) => {
                    const { sub } = await principalOf(req);
                    const user = await byOwnerAndId.get(cacheKey(sub, requireId(raw)));
                    if (!user) throw notFound("no such user");
                    sendJson(res, 200, user);
                },
                PUT: async (ctx, [raw]) => {
                    const { sub } = await principalOf(ctx.req);
                    const id = requireId(raw);
                    const user = await input(ctx);
                    const { rows } = await db
                        .query<Row>({
                            name: "users-update",
                            text: `UPDATE users SET name = $2, email = $3, updated_at = now() WHERE id = $1 AND cognito_sub = $4 RETURNING ${COLUMNS}`,
                            values: [id, user.name, user.email, sub],
                        })
                        .catch(onWriteError);
                    await byOwnerAndId.invalidate(cacheKey(sub, id));
                    if (rows.length === 0) throw notFound("no such user");
                    sendJson(ctx.res, 200, toUser(rows[0]));
                },
                DELETE: async ({ req, res }, [raw]) => {
                    const { sub } = await principalOf(req);
                    const id = requireId(raw);
                    const { rowCount } = await db.query({
                        name: "users-delete",
                        text: "DELETE FROM users WHERE id = $1 AND cognito_sub = $2",
                        values: [id, sub],
                    });
                    await byOwnerAndId.invalidate(cacheKey(sub, id));
                    if (!rowCount) throw notFound("no such user");
                    sendJson(res, 204, undefined);
                },
            },
        },
    ];
}

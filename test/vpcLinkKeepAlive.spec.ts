/**
 * The HTTP API VPC link keep-alive: the function (lambda/vpc-link-keep-alive)
 * against a local HTTP server, its bundle, the route matching that decides
 * whether the request crosses the link, and what Ec2Service registers for it.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as http from "http";
import type { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import { Ec2Service, EcsEc2Service, type Ec2ServiceArgs } from "../components";
import { ensureFunctionBundle } from "../components/data/functionBundle";
import { keepAlivePath, routeKeyMatches } from "../components/ecs/vpcLinkKeepAlive";
import { createHandler, urlFromEnv } from "../lambda/vpc-link-keep-alive/src/handler";
import { failsBeforeRegistering, mocksReady, record } from "./harness/mocks";

const API = {
    apiId: "a1b2c3",
    vpcLinkId: "vl-1",
    securityGroupId: "sg-0bbbbbbbbbbbbbbb2",
    namespaceId: "ns-1",
    url: "https://a1b2c3.execute-api.us-east-1.amazonaws.com",
};
const CLUSTER = { clusterArn: "arn:aws:ecs:us-east-1:123456789012:cluster/shared", clusterName: "shared" };
const base = (extra: Partial<Ec2ServiceArgs> = {}): Ec2ServiceArgs => ({
    vpcId: "vpc-1",
    cidrBlock: "10.0.0.0/16",
    subnetIds: ["subnet-0a1b2c3d4e5f60001"],
    cluster: CLUSTER,
    image: "public.ecr.aws/nginx/nginx:1.27",
    logRetentionDays: 7,
    httpApi: { gateway: API, routeKeys: ["ANY /api/{proxy+}"] },
    ...extra,
});
const T = {
    rule: "aws:cloudwatch/eventRule:EventRule",
    target: "aws:cloudwatch/eventTarget:EventTarget",
    fn: "aws:lambda/function:Function",
    permission: "aws:lambda/permission:Permission",
    policy: "aws:iam/rolePolicy:RolePolicy",
    logs: "aws:cloudwatch/logGroup:LogGroup",
};

describe("VPC link keep-alive", function () {
    this.timeout(30000);
    let server: http.Server;
    let base_: string;
    const seen: { method?: string; url?: string; agent?: string }[] = [];
    let status = 200;
    before(async () => {
        await mocksReady;
        server = http.createServer((req, res) => {
            seen.push({ method: req.method, url: req.url, agent: req.headers["user-agent"] });
            res.writeHead(status, { "content-type": "application/json" });
            res.end(JSON.stringify({ status: status === 200 ? "ok" : "down" }));
        });
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        base_ = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(() => new Promise<void>((resolve) => server.close(() => resolve())));
    beforeEach(() => {
        seen.length = 0;
        status = 200;
    });

    it("the function GETs its URL once and reports the status; any HTTP answer counts (it crossed the link)", async () => {
        const logs: Record<string, unknown>[] = [];
        const handler = createHandler({ url: `${base_}/api/health`, log: (e) => logs.push(e) });
        expect((await handler()).status).to.equal(200);
        status = 503;
        expect((await handler()).status).to.equal(503);
        expect(seen).to.deep.equal([
            { method: "GET", url: "/api/health", agent: "aws-webapp-vpc-link-keep-alive" },
            { method: "GET", url: "/api/health", agent: "aws-webapp-vpc-link-keep-alive" },
        ]);
        expect(logs.map((l) => l.status)).to.deep.equal([200, 503]);
    });

    it("a request that gets no answer fails the invocation", async () => {
        const closed = http.createServer();
        await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
        const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/api/health`;
        await new Promise<void>((resolve) => closed.close(() => resolve()));
        let error: unknown;
        try {
            await createHandler({ url, log: () => undefined })();
        } catch (e) {
            error = e;
        }
        expect(error).to.be.instanceOf(Error);
        expect(() => urlFromEnv({})).to.throw("vpc-link-keep-alive: KEEP_ALIVE_URL is not a URL");
    });

    it("the bundle: one index.js whose handler requests KEEP_ALIVE_URL", async () => {
        const out = fs.mkdtempSync(path.join(os.tmpdir(), "keep-alive-bundle-"));
        const before = process.env.KEEP_ALIVE_URL;
        try {
            expect(ensureFunctionBundle("vpc-link-keep-alive", { outDir: out, force: true }).built).to.equal(true);
            process.env.KEEP_ALIVE_URL = `${base_}/api/health`;
            const mod = require(path.join(out, "index.js")) as { handler: () => Promise<{ status: number }> };
            expect((await mod.handler()).status).to.equal(200);
            expect(seen.map((s) => s.url)).to.deep.equal(["/api/health"]);
        } finally {
            if (before === undefined) delete process.env.KEEP_ALIVE_URL;
            else process.env.KEEP_ALIVE_URL = before;
            fs.rmSync(out, { recursive: true, force: true });
        }
    });

    it("route keys that send a GET of the path through the link", () => {
        expect(routeKeyMatches("$default", "/api/health")).to.equal(true);
        expect(routeKeyMatches("ANY /api/{proxy+}", "/api/health")).to.equal(true);
        expect(routeKeyMatches("GET /api/health", "/api/health")).to.equal(true);
        expect(routeKeyMatches("GET /api/{name}", "/api/health")).to.equal(true);
        expect(routeKeyMatches("GET /api/{name}", "/api/a/b")).to.equal(false);
        expect(routeKeyMatches("POST /api/{proxy+}", "/api/health")).to.equal(false);
        expect(routeKeyMatches("ANY /messages/{proxy+}", "/api/health")).to.equal(false);
    });

    it("Ec2Service on an HTTP API: a daily rule invokes the function, which requests the health path", async () => {
        const rec = await record(() => new Ec2Service("api", base()));
        const rule = rec.one(T.rule);
        expect(rule.inputs.scheduleExpression).to.equal("rate(1 day)");
        const fn = rec.one(T.fn);
        expect(fn.inputs.environment.variables).to.deep.equal({ KEEP_ALIVE_URL: `${API.url}/api/health` });
        expect(fn.inputs).to.deep.include({ memorySize: 128, timeout: 15, architectures: ["arm64"] });
        expect(rec.one(T.permission).inputs).to.deep.include({
            principal: "events.amazonaws.com",
            sourceArn: rule.state.arn,
        });
        expect(rec.one(T.target).inputs).to.deep.include({ rule: rule.state.name, arn: fn.state.arn });
        const logs = rec.one(T.logs, "api-keepalive-logs");
        expect(logs.inputs.retentionInDays).to.equal(7);
        expect(JSON.parse(rec.one(T.policy, "api-keepalive-policy").inputs.policy).Statement).to.deep.equal([
            {
                Sid: "WriteOwnLogs",
                Effect: "Allow",
                Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
                Resource: `${logs.state.arn}:*`,
            },
        ]);
    });

    it("off with keepAlive false, and absent without an HTTP API", async () => {
        const off = await record(
            () => new Ec2Service("api", base({ httpApi: { gateway: API, routeKeys: ["$default"], keepAlive: false } })),
        );
        expect(off.ofType(T.fn)).to.have.length(0);
        const worker = await record(() => new Ec2Service("api", base({ httpApi: undefined })));
        expect(worker.ofType(T.rule)).to.have.length(0);
    });

    it("without a route for the health path: a path of its first GET/ANY route; none at all is refused", async () => {
        expect(keepAlivePath(["$default"], "/api/health")).to.equal("/api/health");
        expect(keepAlivePath(["POST /x", "ANY /messages/{proxy+}"], "/api/health")).to.equal("/messages/keep-alive");
        expect(keepAlivePath(["GET /users/{id}/posts"], "/")).to.equal("/users/keep-alive/posts");
        expect(keepAlivePath(["POST /x"], "/")).to.equal(undefined);
        const rec = await record(
            () => new Ec2Service("api", base({ httpApi: { gateway: API, routeKeys: ["ANY /messages/{proxy+}"] } })),
        );
        expect(rec.one(T.fn).inputs.environment.variables.KEEP_ALIVE_URL).to.equal(`${API.url}/messages/keep-alive`);
        const message = await failsBeforeRegistering(
            () => new Ec2Service("api", base({ httpApi: { gateway: API, routeKeys: ["POST /messages"] } })),
        );
        expect(message).to.include("httpApi.keepAlive: no route key (POST /messages) takes a GET");
    });

    it("EcsEc2Service: on by default with ingress httpApi, vpcLinkKeepAlive refused with ingress alb", async () => {
        const args = {
            vpcId: "vpc-1",
            cidrBlock: "10.0.0.0/16",
            cluster: CLUSTER,
            serviceSubnetIds: ["subnet-0a1b2c3d4e5f60001"],
            image: "public.ecr.aws/nginx/nginx:1.27",
        };
        const rec = await record(() => new EcsEc2Service("web", { ...args, ingress: "httpApi" }));
        expect(rec.one(T.rule, "web-keepalive-schedule").inputs.scheduleExpression).to.equal("rate(1 day)");
        const off = await record(
            () => new EcsEc2Service("web", { ...args, ingress: "httpApi", vpcLinkKeepAlive: false }),
        );
        expect(off.ofType(T.rule)).to.have.length(0);
        const message = await failsBeforeRegistering(
            () =>
                new EcsEc2Service("web", {
                    ...args,
                    ingress: "alb",
                    loadBalancer: {
                        listenerArn: "arn:x",
                        securityGroupId: "sg-1",
                        arnSuffix: "app/x/1",
                        url: "http://x",
                    },
                    vpcLinkKeepAlive: true,
                }),
        );
        expect(message).to.include('vpcLinkKeepAlive: is set but applies to ingress "httpApi" only');
    });
});

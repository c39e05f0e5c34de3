/**
 * The restart-on-rotation function (lambda/restart-service) with the real
 * AWS SDK ECS client against a local HTTP endpoint that speaks the ECS JSON
 * 1.1 protocol: the request it sends (target header, SigV4 scope, body) is
 * asserted as ECS receives it, and ECS's answers (a deployment, an error)
 * come back through the SDK's own parsing. Then the bundle is built and its
 * `index.handler` loaded.
 */
import { ECSClient } from "@aws-sdk/client-ecs";
import { expect } from "chai";
import * as fs from "fs";
import * as http from "http";
import type { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import { ensureFunctionBundle } from "../components/data/functionBundle";
import { RESTART_ENV } from "../components/ecs";
import { createHandler, targetFromEnv, type RotationEvent } from "../lambda/restart-service/src/handler";

const SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-0a1b2c3d-AbCdEf";
const CLUSTER = "arn:aws:ecs:us-east-1:123456789012:cluster/dev-web-cluster";
const SERVICE = "dev-web-service-1a2b3c4";
const TARGET = { cluster: CLUSTER, service: SERVICE, secretArn: SECRET };

/** A RotationSucceeded event as EventBridge delivers Secrets Manager's CloudTrail entry. */
function rotationEvent(secretId: string, eventName = "RotationSucceeded"): RotationEvent {
    return {
        source: "aws.secretsmanager",
        "detail-type": "AWS Service Event via CloudTrail",
        detail: { eventSource: "secretsmanager.amazonaws.com", eventName, additionalEventData: { SecretId: secretId } },
    };
}

interface Received {
    readonly headers: http.IncomingHttpHeaders;
    readonly body: Record<string, unknown>;
}

describe("restart-service function (lambda/restart-service) against a local ECS endpoint", function () {
    this.timeout(30000);
    let server: http.Server;
    let endpoint: string;
    const received: Received[] = [];
    let answer: (res: http.ServerResponse) => void;

    before(async () => {
        server = http.createServer((req, res) => {
            let raw = "";
            req.on("data", (c) => (raw += c));
            req.on("end", () => {
                received.push({ headers: req.headers, body: JSON.parse(raw || "{}") });
                answer(res);
            });
        });
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(() => new Promise<void>((resolve) => server.close(() => resolve())));
    beforeEach(() => {
        received.length = 0;
        answer = (res) => {
            res.writeHead(200, { "content-type": "application/x-amz-json-1.1" });
            res.end(
                JSON.stringify({
                    service: {
                        serviceName: SERVICE,
                        deployments: [
                            { id: "ecs-svc/1111111111111111111", status: "PRIMARY" },
                            { id: "ecs-svc/0000000000000000000", status: "ACTIVE" },
                        ],
                    },
                }),
            );
        };
    });

    const client = () =>
        new ECSClient({
            endpoint,
            region: "us-east-1",
            credentials: { accessKeyId: "AKIDLOCALTEST", secretAccessKey: "local-secret" },
            maxAttempts: 1,
        });

    it("on its secret's RotationSucceeded: UpdateService with forceNewDeployment on exactly its service", async () => {
        const logs: Record<string, unknown>[] = [];
        const handler = createHandler({ ecs: client(), target: TARGET, log: (e) => logs.push(e) });
        const result = await handler(rotationEvent(SECRET));
        expect(result).to.deep.equal({
            restarted: true,
            service: SERVICE,
            deploymentId: "ecs-svc/1111111111111111111",
        });
        expect(received).to.have.length(1);
        const { headers, body } = received[0];
        expect(headers["x-amz-target"]).to.equal("AmazonEC2ContainerServiceV20141113.UpdateService");
        expect(headers["content-type"]).to.equal("application/x-amz-json-1.1");
        // Signed for ECS in the function's region with the function's credentials.
        expect(headers.authorization).to.match(
            /^AWS4-HMAC-SHA256 Credential=AKIDLOCALTEST\/\d{8}\/us-east-1\/ecs\/aws4_request, SignedHeaders=.*x-amz-target.*, Signature=[0-9a-f]{64}$/,
        );
        expect(body).to.deep.equal({ cluster: CLUSTER, service: SERVICE, forceNewDeployment: true });
        expect(logs).to.deep.equal([
            {
                message: "new deployment forced",
                cluster: CLUSTER,
                service: SERVICE,
                deploymentId: "ecs-svc/1111111111111111111",
            },
        ]);
    });

    it("ignores another secret's rotation, other events and other sources: no request at all", async () => {
        const handler = createHandler({ ecs: client(), target: TARGET, log: () => undefined });
        const other = await handler(rotationEvent(SECRET.replace("AbCdEf", "ZzZzZz")));
        expect(other).to.deep.equal({
            restarted: false,
            reason: `secret "${SECRET.replace("AbCdEf", "ZzZzZz")}" is not ${SECRET}`,
        });
        expect((await handler(rotationEvent(SECRET, "RotationFailed"))).restarted).to.equal(false);
        expect((await handler({ ...rotationEvent(SECRET), source: "aws.ecs" })).restarted).to.equal(false);
        expect((await handler({} as RotationEvent)).restarted).to.equal(false);
        expect(received).to.have.length(0);
    });

    it("an ECS error fails the invocation (EventBridge retries it), with ECS's own error name", async () => {
        answer = (res) => {
            res.writeHead(400, { "content-type": "application/x-amz-json-1.1" });
            res.end(JSON.stringify({ __type: "ServiceNotFoundException", message: "Service not found." }));
        };
        const handler = createHandler({ ecs: client(), target: TARGET, log: () => undefined });
        let error: Error | undefined;
        try {
            await handler(rotationEvent(SECRET));
        } catch (e) {
            error = e as Error;
        }
        expect(error?.name).to.equal("ServiceNotFoundException");
        expect(received).to.have.length(1);
    });

    it("reads its target from the environment the component sets, naming every missing variable", () => {
        expect(
            targetFromEnv({
                [RESTART_ENV.cluster]: CLUSTER,
                [RESTART_ENV.service]: SERVICE,
                [RESTART_ENV.secretArn]: SECRET,
            }),
        ).to.deep.equal(TARGET);
        expect(() => targetFromEnv({ [RESTART_ENV.service]: SERVICE })).to.throw(
            "restart-service: environment lacks CLUSTER_ARN, SECRET_ARN",
        );
    });

    it("the deployable bundle: one index.js whose handler talks to ECS the same way", async () => {
        const out = fs.mkdtempSync(path.join(os.tmpdir(), "restart-service-bundle-"));
        const env = { ...process.env };
        try {
            const built = ensureFunctionBundle("restart-service", { outDir: out, force: true });
            expect(built.built).to.equal(true);
            expect(fs.readdirSync(out).sort()).to.deep.equal(["bundle.json", "index.js"]);
            Object.assign(process.env, {
                [RESTART_ENV.cluster]: CLUSTER,
                [RESTART_ENV.service]: SERVICE,
                [RESTART_ENV.secretArn]: SECRET,
                AWS_REGION: "us-east-1",
                AWS_ACCESS_KEY_ID: "AKIDBUNDLETEST",
                AWS_SECRET_ACCESS_KEY: "bundle-secret",
                AWS_ENDPOINT_URL_ECS: endpoint,
            });
            const mod = require(path.join(out, "index.js")) as {
                handler: (e: RotationEvent) => Promise<{ restarted: boolean }>;
            };
            expect((await mod.handler(rotationEvent(SECRET))).restarted).to.equal(true);
            expect(received.map((r) => r.body)).to.deep.equal([
                { cluster: CLUSTER, service: SERVICE, forceNewDeployment: true },
            ]);
            expect(received[0].headers.authorization).to.include("Credential=AKIDBUNDLETEST/");
        } finally {
            for (const k of Object.keys(process.env)) if (!(k in env)) delete process.env[k];
            Object.assign(process.env, env);
            fs.rmSync(out, { recursive: true, force: true });
        }
    });
});

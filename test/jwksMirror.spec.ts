/**
 * JwksMirror: the copying function (lambda/jwks-mirror) against a real
 * OpenID provider on loopback (the oidc-provider of `npm run local`) and a
 * real S3-compatible server (s3rver), its refusal of anything that is not a
 * key set (the stored copy stays), its bundle, and what the component
 * registers under the mock engine (no VPC, IAM scoped to the one object,
 * schedule, retention, the private bucket).
 */
import { GetObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { expect } from "chai";
import * as fs from "fs";
import * as http from "http";
import type { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { JwksMirror, type JwksMirrorArgs, jwksReadStatement } from "../components";
import { ensureFunctionBundle } from "../components/data/functionBundle";
import { checkJwks } from "../lambda/jwks-mirror/src/jwks";
import { configFromEnv, createHandler, MirrorRefused } from "../lambda/jwks-mirror/src/handler";
import { type LocalOidc, startOidc } from "../scripts/localSystem/oidc";
import { newSigningKey } from "../scripts/localSystem/tokenIssuer";
import { bucketsNotBlocked, logGroupsWithoutRetention, wildcardGrants } from "./harness/baseline";
import { failsBeforeRegistering, mocksReady, record } from "./harness/mocks";
import { BUCKET, CREDENTIALS, S3Server } from "./imageHandler.helpers";

const KEY = "auth/jwks.json";
const POOL_JWKS = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC123/.well-known/jwks.json";
const T = {
    fn: "aws:lambda/function:Function",
    role: "aws:iam/role:Role",
    policy: "aws:iam/rolePolicy:RolePolicy",
    logs: "aws:cloudwatch/logGroup:LogGroup",
    rule: "aws:cloudwatch/eventRule:EventRule",
    target: "aws:cloudwatch/eventTarget:EventTarget",
    permission: "aws:lambda/permission:Permission",
    invocation: "aws:lambda/invocation:Invocation",
    bucket: "aws:s3/bucket:Bucket",
    bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
    pab: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    ownership: "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
    sse: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
};
const bytes = (value: unknown) => new TextEncoder().encode(typeof value === "string" ? value : JSON.stringify(value));

async function stored(s3: S3Client): Promise<{ text: string; contentType?: string }> {
    const o = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: KEY }));
    return { text: await o.Body!.transformToString(), contentType: o.ContentType };
}

describe("JwksMirror", function () {
    this.timeout(30000);
    let s3: S3Server;
    let oidc: LocalOidc;
    let other: http.Server;
    let otherUrl: string;
    let answer: { status: number; type: string; body: string } = { status: 200, type: "text/html", body: "" };
    before(async () => {
        await mocksReady;
        s3 = await new S3Server().start();
        oidc = await startOidc(0, "http://127.0.0.1:5173", () => undefined);
        other = http.createServer((_req, res) =>
            res.writeHead(answer.status, { "content-type": answer.type }).end(answer.body),
        );
        await new Promise<void>((resolve) => other.listen(0, "127.0.0.1", resolve));
        otherUrl = `http://127.0.0.1:${(other.address() as AddressInfo).port}/.well-known/jwks.json`;
    });
    after(async () => {
        await oidc?.stop();
        await new Promise<void>((resolve) => other?.close(() => resolve()));
        await s3?.stop();
    });
    const mirror = (sourceUrl: string, log: Record<string, unknown>[] = []) =>
        createHandler({ config: { sourceUrl, bucket: BUCKET, key: KEY }, s3: s3.s3, log: (e) => log.push(e) });

    describe("the function", () => {
        it("copies the provider's key set into the one object", async () => {
            const jwksUrl = `${oidc.issuer}/.well-known/jwks.json`;
            const served = (await (await fetch(jwksUrl)).json()) as { keys: { kid: string }[] };
            const log: Record<string, unknown>[] = [];
            const result = await mirror(jwksUrl, log)();
            expect(result.kids)
                .to.deep.equal(served.keys.map((k: { kid: string }) => k.kid))
                .and.have.length(1);
            const copy = await stored(s3.s3);
            expect(JSON.parse(copy.text)).to.deep.equal({ keys: served.keys });
            expect(copy.contentType).to.equal("application/json");
            expect(log).to.deep.include({
                level: "info",
                message: "key set copied",
                source: jwksUrl,
                bucket: BUCKET,
                key: KEY,
                kids: result.kids,
                bytes: Buffer.byteLength(copy.text),
            });
        });

        it("refuses what is not a key set and keeps the previous copy", async () => {
            await mirror(`${oidc.issuer}/.well-known/jwks.json`)();
            const good = await stored(s3.s3);
            const refusals: [typeof answer, string][] = [
                [{ status: 200, type: "text/html", body: "<html>Service Unavailable</html>" }, "the body is not JSON"],
                [{ status: 200, type: "application/json", body: '{"keys":[]}' }, "keys has 0 entries"],
                [{ status: 200, type: "application/json", body: '{"error":"x"}' }, "the body has no keys list"],
                [{ status: 503, type: "application/json", body: good.text }, "status 503, expected 200"],
                [
                    {
                        status: 200,
                        type: "application/json",
                        body: JSON.stringify({
                            keys: [{ ...newSigningKey().privateKey.export({ format: "jwk" }), kid: "k" }],
                        }),
                    },
                    "keys[0] holds private key material (d, p, q, dp, dq, qi)",
                ],
            ];
            for (const [served, reason] of refusals) {
                answer = served;
                const log: Record<string, unknown>[] = [];
                let error: unknown;
                await mirror(otherUrl, log)().catch((e) => (error = e));
                expect(error, reason).to.be.instanceOf(MirrorRefused);
                expect((error as Error).message)
                    .to.include(reason)
                    .and.include("the stored copy is unchanged");
                expect((await stored(s3.s3)).text, reason).to.equal(good.text);
            }
        });

        it("a provider that cannot be reached fails the invocation", async () => {
            const closed = http.createServer();
            await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
            const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/jwks.json`;
            await new Promise<void>((resolve) => closed.close(() => resolve()));
            let error: unknown;
            await mirror(url)().catch((e) => (error = e));
            expect((error as Error).message).to.match(
                /^jwks-mirror: refused http:\/\/127\.0\.0\.1:\d+\/jwks\.json: the download failed/,
            );
        });

        it("retries a PutObject refused with AccessDenied (a new role policy applying), then gives up", async () => {
            const sent: string[] = [];
            const denying = (failures: number) =>
                ({
                    send: async (c: PutObjectCommand) => {
                        sent.push(c.input.Key!);
                        if (sent.length <= failures)
                            throw Object.assign(new Error("Access Denied"), { name: "AccessDenied" });
                        return s3.s3.send(c);
                    },
                }) as unknown as S3Client;
            const config = { sourceUrl: `${oidc.issuer}/.well-known/jwks.json`, bucket: BUCKET, key: KEY };
            const handler = (failures: number) =>
                createHandler({ config, s3: denying(failures), accessDeniedRetriesMs: [0, 0], log: () => undefined });
            expect((await handler(2)()).kids).to.have.length(1);
            expect(sent).to.deep.equal([KEY, KEY, KEY]);
            sent.length = 0;
            let error: unknown;
            await handler(3)().catch((e) => (error = e));
            expect((error as Error).name).to.equal("AccessDenied");
            expect(sent).to.have.length(3);
        });

        it("reads its configuration from the environment, naming every bad variable", () => {
            expect(
                configFromEnv({ JWKS_SOURCE_URL: POOL_JWKS, JWKS_BUCKET: "b-1", JWKS_KEY: "jwks.json" }),
            ).to.deep.equal({
                sourceUrl: POOL_JWKS,
                bucket: "b-1",
                key: "jwks.json",
            });
            expect(() => configFromEnv({ JWKS_SOURCE_URL: "http://example.com/jwks", JWKS_KEY: "/x" })).to.throw(
                "jwks-mirror: JWKS_SOURCE_URL is not an https URL; JWKS_BUCKET is not a bucket; JWKS_KEY is not an object key",
            );
        });

        it("the bundle: one index.js that copies the key set with the regional client (endpoint from the environment)", async () => {
            const out = fs.mkdtempSync(path.join(os.tmpdir(), "jwks-mirror-bundle-"));
            const env = {
                JWKS_SOURCE_URL: `${oidc.issuer}/.well-known/jwks.json`,
                JWKS_BUCKET: BUCKET,
                JWKS_KEY: KEY,
                AWS_ENDPOINT_URL_S3: s3.endpoint,
                AWS_REGION: "us-east-1",
                AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
                AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
            };
            const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
            try {
                await s3.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: KEY, Body: "{}" }));
                expect(ensureFunctionBundle("jwks-mirror", { outDir: out, force: true }).built).to.equal(true);
                Object.assign(process.env, env);
                const mod = require(path.join(out, "index.js")) as { handler: () => Promise<{ kids: string[] }> };
                expect((await mod.handler()).kids).to.have.length(1);
                expect(JSON.parse((await stored(s3.s3)).text).keys).to.have.length(1);
            } finally {
                for (const [k, v] of Object.entries(saved)) {
                    if (v === undefined) delete process.env[k];
                    else process.env[k] = v;
                }
                fs.rmSync(out, { recursive: true, force: true });
            }
        });
    });

    describe("what is a key set", () => {
        const rsa = newSigningKey().jwk;
        it("accepts public signing keys and stores only the keys list", () => {
            const checked = checkJwks(bytes({ keys: [rsa], extra: "dropped" }));
            expect(checked).to.deep.equal({ ok: true, text: JSON.stringify({ keys: [rsa] }), kids: [rsa.kid] });
            const ec = { kty: "EC", crv: "P-256", x: "x", y: "y", kid: "e1" };
            expect(checkJwks(bytes({ keys: [rsa, ec] })).ok).to.equal(true);
        });

        it("refuses everything else, saying why", () => {
            const cases: [unknown, string][] = [
                ["", "the body is empty"],
                ["[1,2]", "the body is not a JSON object"],
                [{ keys: "x" }, "the body has no keys list"],
                [{ keys: [rsa, { ...rsa, kid: undefined }] }, "keys[1] has no kid"],
                [{ keys: [{ ...rsa, kty: "oct" }] }, "keys[0] has no kty of RSA, EC or OKP"],
                [{ keys: [{ ...rsa, n: undefined }] }, "keys[0] (RSA) lacks n"],
                [{ keys: [{ ...rsa, use: "enc" }] }, "keys[0] is not a signing key (use enc)"],
                [{ keys: [rsa, rsa] }, "two keys have the same kid"],
                [
                    { keys: Array.from({ length: 101 }, (_, i) => ({ ...rsa, kid: `k${i}` })) },
                    "keys has 101 entries: expected 1 to 100",
                ],
                [{ keys: [rsa], pad: "x".repeat(70000) }, "the body is over 65536 bytes"],
            ];
            for (const [body, reason] of cases)
                expect(checkJwks(bytes(body)), reason).to.deep.equal({ ok: false, reason });
            expect(checkJwks(new Uint8Array([0xff, 0xfe]))).to.deep.equal({
                ok: false,
                reason: "the body is not JSON",
            });
        });
    });

    describe("the component", () => {
        const args = (extra: Partial<JwksMirrorArgs> = {}): JwksMirrorArgs => ({
            jwksUrl: POOL_JWKS,
            logRetentionDays: 7,
            tags: { Environment: "dev" },
            ...extra,
        });

        it("a function outside the VPC that may write exactly the copy, hourly and at deploy", async () => {
            const rec = await record(() => new JwksMirror("dev-jwks", args({ objectKey: KEY })));
            const fn = rec.one(T.fn);
            expect(fn.inputs.vpcConfig).to.equal(undefined);
            expect(fn.inputs).to.deep.include({ memorySize: 128, timeout: 30, architectures: ["arm64"] });
            const bucket = rec.one(T.bucket);
            expect(fn.inputs.environment.variables).to.deep.equal({
                JWKS_SOURCE_URL: POOL_JWKS,
                JWKS_BUCKET: bucket.state.bucket,
                JWKS_KEY: KEY,
            });
            const logs = rec.one(T.logs, "dev-jwks-mirror-logs");
            expect(logs.inputs.retentionInDays).to.equal(7);
            expect(fn.inputs.loggingConfig.logGroup).to.equal(logs.state.name);
            expect(JSON.parse(rec.one(T.policy).inputs.policy).Statement).to.deep.equal([
                {
                    Sid: "WriteTheCopy",
                    Effect: "Allow",
                    Action: "s3:PutObject",
                    Resource: `${bucket.state.arn}/${KEY}`,
                },
                {
                    Sid: "WriteOwnLogs",
                    Effect: "Allow",
                    Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
                    Resource: `${logs.state.arn}:*`,
                },
            ]);
            expect(JSON.parse(rec.one(T.role).inputs.assumeRolePolicy).Statement[0]).to.deep.include({
                Principal: { Service: "lambda.amazonaws.com" },
                Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } },
            });
            const rule = rec.one(T.rule);
            expect(rule.inputs.scheduleExpression).to.equal("rate(1 hour)");
            expect(rec.one(T.permission).inputs).to.deep.include({
                principal: "events.amazonaws.com",
                sourceArn: rule.state.arn,
            });
            expect(rec.one(T.target).inputs).to.deep.include({ rule: rule.state.name, arn: fn.state.arn });
            const now = rec.one(T.invocation);
            expect(now.inputs.functionName).to.equal(fn.state.name);
            expect(now.inputs.triggers).to.deep.equal({ jwksUrl: POOL_JWKS, bucket: bucket.state.bucket, key: KEY });
            expect(wildcardGrants(rec)).to.deep.equal([]);
            expect(logGroupsWithoutRetention(rec)).to.deep.equal([]);
        });

        it("a private bucket: no public access, owner-enforced, SSE-S3, TLS only; reads through the VPC endpoint", async () => {
            const rec = await record(
                () =>
                    new JwksMirror(
                        "dev-jwks",
                        args({ forceDestroy: true, readVpcEndpointIds: [pulumi.output("vpce-0123456789abcdef0")] }),
                    ),
            );
            const bucket = rec.one(T.bucket);
            expect(bucket.inputs.forceDestroy).to.equal(true);
            expect(bucketsNotBlocked(rec)).to.deep.equal([]);
            expect(rec.one(T.ownership).inputs.rule).to.deep.equal({ objectOwnership: "BucketOwnerEnforced" });
            expect(rec.one(T.sse).inputs.rules[0].applyServerSideEncryptionByDefault).to.deep.equal({
                sseAlgorithm: "AES256",
            });
            const arn = bucket.state.arn;
            expect(JSON.parse(rec.one(T.bucketPolicy).inputs.policy).Statement).to.deep.equal([
                {
                    Sid: "DenyInsecureTransport",
                    Effect: "Deny",
                    Principal: "*",
                    Action: "s3:*",
                    Resource: [arn, `${arn}/*`],
                    Condition: { Bool: { "aws:SecureTransport": "false" } },
                },
                {
                    Sid: "DenyReadsOutsideTheVpc",
                    Effect: "Deny",
                    Principal: "*",
                    Action: "s3:GetObject",
                    Resource: `${arn}/jwks.json`,
                    Condition: { StringNotEquals: { "aws:SourceVpce": ["vpce-0123456789abcdef0"] } },
                },
            ]);
            const plain = await record(() => new JwksMirror("dev-jwks", args()));
            expect(plain.one(T.bucket).inputs.forceDestroy).to.equal(false);
            expect(JSON.parse(plain.one(T.bucketPolicy).inputs.policy).Statement).to.have.length(1);
            expect(jwksReadStatement("arn:aws:s3:::b/jwks.json")).to.deep.equal({
                sid: "ReadJwksCopy",
                actions: ["s3:GetObject"],
                resources: ["arn:aws:s3:::b/jwks.json"],
            });
        });

        it("refuses bad arguments, every one at once, before registering anything", async () => {
            const message = await failsBeforeRegistering(
                () =>
                    new JwksMirror("Bad_Name", {
                        jwksUrl: "http://example.com/jwks.json",
                        objectKey: "../x",
                        schedule: "every day",
                        readVpcEndpointIds: ["vpc-1"],
                        forceDestroy: "yes",
                        logRetentionDays: 10,
                    } as unknown as JwksMirrorArgs),
            );
            for (const line of [
                'name: "Bad_Name" is not a valid name',
                'jwksUrl: "http://example.com/jwks.json" is not an https URL without a query',
                'objectKey: "../x" is not an S3 object key',
                'schedule: "every day" is not an EventBridge rate(...) or cron(...) expression',
                'readVpcEndpointIds[0]: "vpc-1" is not a VPC endpoint id (vpce-...)',
                'forceDestroy: "yes" is not a boolean',
                "logRetentionDays: 10 is not a CloudWatch Logs retention",
            ]) {
                expect(message).to.include(line);
            }
            expect(await failsBeforeRegistering(() => new JwksMirror("jwks", {} as JwksMirrorArgs))).to.include(
                "jwksUrl: is required",
            );
        });
    });
});

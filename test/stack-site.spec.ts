/**
 * The site wiring of both stacks (stacks/site.ts, stacks/services.ts): one
 * CloudFront domain with OAC on every S3 origin, HTTPS-only API behaviours,
 * the media bucket readable by this distribution only and open to uploads
 * from the site's origin only, the prod ALB reachable only from CloudFront
 * (prefix list + secret header), and further services from config entries.
 */
import { mocksReady, type Recording } from "./harness/mocks";
import { internetIngress } from "./harness/baseline";
import { evaluateStack, type StackEvaluation } from "./harness/stack";
import { T } from "./harness/stackBaseline";
import { expect } from "chai";
import { ORIGIN_HEADER_NAME, siteBuildProblem } from "../stacks/site";
import { routeKeysOf } from "../stacks/services";
import { siteProblems, type ServiceEntry } from "../stacks/siteConfig";

const S = {
    bucket: "aws:s3/bucket:Bucket",
    policy: "aws:s3/bucketPolicy:BucketPolicy",
    cors: "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration",
    object: "aws:s3/bucketObjectv2:BucketObjectv2",
    secret: "random:index/randomPassword:RandomPassword",
    rule: "aws:lb/listenerRule:ListenerRule",
    tg: "aws:lb/targetGroup:TargetGroup",
    record: "aws:route53/record:Record",
    route: "aws:apigatewayv2/route:Route",
};

/** Checks that hold for the distribution of either stack. */
function commonSiteChecks(stack: string, get: () => StackEvaluation) {
    it("serves the site, the API and the renditions from one distribution; every S3 origin through OAC", () => {
        const cdn = get().recording.one(T.cdn).inputs;
        const s3 = cdn.origins.filter((o: any) => o.originId !== "api");
        expect(s3.map((o: any) => o.originId).sort()).to.deep.equal(["media", "site"]);
        for (const o of s3) {
            expect(o.originAccessControlId, o.originId).to.be.a("string").and.not.equal("");
            expect(o.s3OriginConfig?.originAccessIdentity ?? "", o.originId).to.equal("");
        }
        const paths = cdn.orderedCacheBehaviors.map((b: any) => [b.pathPattern, b.targetOriginId]);
        expect(paths).to.deep.include.members([
            ["/api/*", "api"],
            ["/media/renders/*", "media"],
        ]);
        for (const b of [cdn.defaultCacheBehavior, ...cdn.orderedCacheBehaviors])
            expect(b.viewerProtocolPolicy, b.pathPattern ?? "default").to.be.oneOf(["https-only", "redirect-to-https"]);
        expect(cdn.orderedCacheBehaviors.find((b: any) => b.targetOriginId === "api").viewerProtocolPolicy).to.equal(
            "https-only",
        );
    });

    it("tells the page where to sign in: /auth.json names the stack's pool and client; the CSP admits Cognito", () => {
        const rec = get().recording;
        const pool = rec.one("aws:cognito/userPool:UserPool");
        const client = rec.one("aws:cognito/userPoolClient:UserPoolClient");
        const file = rec.ofType(S.object).find((o) => o.inputs.key === "auth.json");
        expect(file, "auth.json").to.not.equal(undefined);
        expect(file!.inputs.cacheControl).to.equal("no-cache");
        expect(file!.inputs.contentType).to.equal("application/json");
        const settings = JSON.parse(file!.inputs.content);
        expect(settings.clientId).to.equal(client.id);
        expect(settings.issuer).to.equal(`https://cognito-idp.us-east-1.amazonaws.com/${pool.id}`);
        // Sign-out ends the managed login session and revokes the refresh token (Cognito's discovery names neither).
        const domain = rec.one("aws:cognito/userPoolDomain:UserPoolDomain").inputs.domain;
        expect(settings.logoutUrl).to.equal(`https://${domain}.auth.us-east-1.amazoncognito.com/logout`);
        expect(settings.revocationUrl).to.equal(`https://${domain}.auth.us-east-1.amazoncognito.com/oauth2/revoke`);
        // The deployed site itself (its domain, else the distribution's) is a sign-in and sign-out URL.
        const siteUrl = `${String(get().outputs.applicationUrl)}/`;
        expect(client.inputs.callbackUrls, "sign-in returns to the site").to.include(siteUrl);
        expect(client.inputs.logoutUrls, "sign-out returns to the site").to.include(siteUrl);
        // The page returns to its origin's `/`: one of the client's sign-out URLs.
        expect(client.inputs.logoutUrls).to.include.members(
            client.inputs.callbackUrls.filter((u: string) => new URL(u).pathname === "/"),
        );
        const headers = rec.one("aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy").inputs;
        const csp: string = headers.securityHeadersConfig.contentSecurityPolicy.contentSecurityPolicy;
        const connect = csp.split(";").find((d) => d.trim().startsWith("connect-src"))!;
        expect(connect).to.include("https://cognito-idp.us-east-1.amazonaws.com");
        expect(connect).to.include("https://*.auth.us-east-1.amazoncognito.com");
    });

    it("lets this distribution alone read renders/ of the media bucket, keeping the TLS-only deny", () => {
        const rec = get().recording;
        const media = rec.one(S.bucket, `${stack}-images-media`);
        const policy = rec.ofType(S.policy).find((p) => p.inputs.bucket === media.id)!;
        const doc = JSON.parse(policy.inputs.policy);
        expect(doc.Statement.map((s: any) => [s.Sid, s.Effect])).to.deep.equal([
            ["DenyInsecureTransport", "Deny"],
            ["AllowCloudFrontReadRenditions", "Allow"],
        ]);
        expect(doc.Statement[1].Resource).to.equal(`${media.state.arn}/renders/*`);
        expect(doc.Statement[1].Condition).to.deep.equal({
            StringEquals: { "AWS:SourceArn": rec.one(T.cdn).state.arn },
        });
    });

    it("allows browser uploads (presigned POST) from the site's origin only", () => {
        const rec = get().recording;
        const [rule] = rec.one(S.cors).inputs.corsRules;
        expect(rule.allowedOrigins).to.deep.equal([String(get().outputs.applicationUrl)]);
        expect(rule.allowedMethods).to.deep.equal(["POST"]);
    });

    it("uploads the built frontend with content types; applicationUrl is the site's", () => {
        const rec = get().recording;
        const files = rec.ofType(S.object);
        const index = files.find((f) => f.inputs.key === "index.html")!;
        expect(index.inputs.contentType).to.match(/^text\/html/);
        expect(files.some((f) => /^assets\/.+\.js$/.test(f.inputs.key))).to.equal(true);
        expect(String(get().outputs.applicationUrl)).to.match(/^https:\/\//);
    });
}

describe("site wiring of the stacks", () => {
    before(() => mocksReady);

    describe("dev: the HTTP API behind the distribution", () => {
        let dev: StackEvaluation;
        before(async () => {
            dev = await evaluateStack("dev");
        });
        commonSiteChecks("dev", () => dev);

        it("sends /api/* to the HTTP API over HTTPS, without the Host header or an origin secret", () => {
            const rec = dev.recording;
            const api = rec.one(T.cdn).inputs.origins.find((o: any) => o.originId === "api");
            expect(api.domainName).to.match(/\.execute-api\.us-east-1\.amazonaws\.com$/);
            expect(api.customOriginConfig.originProtocolPolicy).to.equal("https-only");
            expect(api.customHeaders ?? []).to.deep.equal([]);
            expect(rec.ofType(S.secret).filter((s) => s.name === "dev-origin-secret")).to.be.empty;
        });
    });

    describe("prod: the load balancer reachable only from CloudFront", () => {
        let prod: StackEvaluation;
        let rec: Recording;
        before(async () => {
            prod = await evaluateStack("prod");
            rec = prod.recording;
        });
        commonSiteChecks("prod", () => prod);

        it("admits only CloudFront's origin-facing prefix list, on 443, and nothing from 0.0.0.0/0", () => {
            const albSg = rec.one(T.sg, "prod-web-alb-sg");
            const rules = rec.ofType(T.ingressRule).filter((r) => r.inputs.securityGroupId === albSg.id);
            expect(rules.map((r) => [r.inputs.fromPort, r.inputs.prefixListId, r.inputs.cidrIpv4])).to.deep.equal([
                [443, "pl-63a5400a", undefined],
            ]);
            expect(internetIngress(rec)).to.be.empty;
        });

        it("forwards only requests with the secret origin header; anything else gets 403", () => {
            const https = rec.ofType(T.listener).find((l) => l.inputs.port === 443)!;
            expect(https.inputs.defaultActions[0].fixedResponse.statusCode).to.equal("403");
            const secret = rec.one(S.secret, "prod-origin-secret");
            expect(secret.inputs).to.include({ length: 48, special: false });
            const value = secret.state.result;
            const rule = rec.one(S.rule);
            expect(rule.inputs.conditions).to.deep.include({
                httpHeader: { httpHeaderName: ORIGIN_HEADER_NAME, values: [value] },
            });
            expect(rule.secretInputs).to.include("conditions");
            const api = rec.one(T.cdn).inputs.origins.find((o: any) => o.originId === "api");
            expect(api.customHeaders).to.deep.equal([{ name: ORIGIN_HEADER_NAME, value }]);
            expect(rec.one(T.cdn).secretInputs).to.include("origins");
        });

        it("reaches the ALB over HTTPS with the Host forwarded (its certificate is the site's domain)", () => {
            const cdn = rec.one(T.cdn).inputs;
            const api = cdn.origins.find((o: any) => o.originId === "api");
            expect(api.domainName).to.equal(rec.one(T.lb).state.dnsName);
            expect(api.customOriginConfig.originProtocolPolicy).to.equal("https-only");
            expect(cdn.aliases).to.deep.equal(["app.example.com"]);
            expect(cdn.viewerCertificate).to.include({
                acmCertificateArn: rec.one("aws:acm/certificate:Certificate").state.arn,
                minimumProtocolVersion: "TLSv1.2_2021",
            });
        });

        it("points the domain's alias record at the distribution (same record, no target health)", () => {
            const alias = rec.one(S.record, "prod-domain-alias").inputs;
            expect(alias.aliases).to.deep.equal([
                {
                    name: rec.one(T.cdn).state.domainName,
                    zoneId: rec.one(T.cdn).state.hostedZoneId,
                    evaluateTargetHealth: false,
                },
            ]);
            const ipv6 = rec.one(S.record, "prod-domain-ipv6-alias").inputs;
            expect([alias.type, ipv6.type]).to.deep.equal(["A", "AAAA"]);
            expect(ipv6.aliases).to.deep.equal(alias.aliases);
            expect(String(prod.outputs.applicationUrl)).to.equal("https://app.example.com");
        });
    });

    describe("further services from config entries", () => {
        const services = JSON.stringify([
            { name: "front", image: "public.ecr.aws/nginx/nginx:1.27", port: 8080, pathPatterns: ["/app/*"] },
            { name: "worker", image: "public.ecr.aws/docker/library/busybox:1", healthCheckCommand: ["CMD", "true"] },
        ]);

        it("prod: each joins the cluster; the frontend gets a rule before the API's, with the header", async () => {
            const rec = (await evaluateStack("prod", { "aws-webapp:services": services })).recording;
            const ecs = rec.ofType(T.service);
            expect(ecs.map((s) => s.name).sort()).to.deep.equal([
                "prod-svc-front-service",
                "prod-svc-worker-service",
                "prod-web-service",
            ]);
            const cluster = rec.one(T.service, "prod-web-service").inputs.cluster;
            for (const s of ecs) expect(s.inputs.cluster, s.name).to.equal(cluster);
            const rules = rec.ofType(S.rule);
            const front = rules.find((r) => r.name === "prod-svc-front-rule")!;
            expect(front.inputs.priority).to.equal(10);
            expect(front.inputs.conditions[0]).to.deep.equal({ pathPattern: { values: ["/app/*"] } });
            expect(front.inputs.conditions[1].httpHeader.httpHeaderName).to.equal(ORIGIN_HEADER_NAME);
            expect(
                rec
                    .ofType(S.tg)
                    .map((t) => t.name)
                    .sort(),
            ).to.deep.equal(["prod-svc-front-tg", "prod-web-tg"]);
            expect(rec.one(T.service, "prod-svc-worker-service").inputs.loadBalancers ?? []).to.deep.equal([]);
            const behaviours = rec.one(T.cdn).inputs.orderedCacheBehaviors;
            expect(behaviours.find((b: any) => b.pathPattern === "/app/*").targetOriginId).to.equal("api");
        });

        it("dev: the frontend gets its own routes on the HTTP API", async () => {
            const rec = (
                await evaluateStack("dev", {
                    "aws-webapp:services": services,
                    "aws-webapp:maxInstances": "4",
                })
            ).recording;
            const keys = rec.ofType(S.route).map((r) => r.inputs.routeKey);
            expect(keys).to.include.members(["$default", "ANY /app/{proxy+}"]);
            expect(routeKeysOf(["/app/*", "/ssr/x/*"])).to.deep.equal(["ANY /app/{proxy+}", "ANY /ssr/x/{proxy+}"]);
        });

        const failure = (overrides: Record<string, string>) =>
            evaluateStack("prod", overrides).then(
                () => "no error",
                (e: Error) => e.message,
            );

        it("refuses malformed entries before anything is registered, naming each key", async () => {
            const error = await failure({
                "aws-webapp:services": JSON.stringify([
                    { name: "Web!", image: "x:1", port: 80, pathPatterns: ["app"] },
                    { name: "w", image: "x:1", replicas: 2 },
                ]),
            });
            expect(error).to.contain('aws-webapp:services.0.name: "Web!" is not a service name');
            expect(error).to.contain(
                "aws-webapp:services.0.port: 80 is out of range: expected an integer from 1024 to 65535",
            );
            expect(error).to.contain('aws-webapp:services.0.pathPatterns.0: "app" is not a path pattern');
            expect(error).to.contain("aws-webapp:services.1");
            expect(error).to.contain("replicas");
        });

        it("runs each entry's Ec2Service checks in the pre-pass, before anything is registered", async () => {
            const error = await failure({
                "aws-webapp:services": JSON.stringify([
                    { name: "worker", image: "x:1", healthCheckCommand: ["FOO", "true"] },
                ]),
            });
            expect(error).to.contain(
                'aws-webapp:services.0 (Ec2Service "prod-svc-worker") containerHealthCheckCommand: ["FOO","true"] is not a container health check command',
            );
        });

        it("refuses entries that clash with the API, the site or the capacity, every problem at once", async () => {
            const error = await failure({
                "aws-webapp:services": JSON.stringify([
                    { name: "web", image: "x:1", port: 8080, pathPatterns: ["/api/*"] },
                    { name: "w", image: "x:1", port: 3000 },
                    { name: "big", image: "x:1", port: 3000, pathPatterns: ["/big/*"], cpu: 256, memory: 65536 },
                ]),
            });
            expect(error).to.contain('aws-webapp:services.0.name: "web" is taken');
            expect(error).to.contain('aws-webapp:services.0.pathPatterns.0: "/api/*" is served by the site itself');
            expect(error).to.contain("aws-webapp:services.1.port: 3000 is set without pathPatterns");
            expect(error).to.contain("aws-webapp:services.1.healthCheckCommand: is required for a worker");
            expect(error).to.contain("aws-webapp:services.2.memory: 256 CPU / 65536 MiB does not fit");
        });
    });

    it("refuses to run without the built frontend, naming the key and the build command", () => {
        expect(siteBuildProblem("web/dist", () => true)).to.equal(undefined);
        expect(siteBuildProblem("nowhere/dist", () => false)).to.equal(
            'aws-webapp:siteDir: "nowhere/dist" has no index.html: expected the built web frontend (run `npm run build:web` first; the program uploads it to the site bucket)',
        );
    });
});

describe("site config rules (pure)", () => {
    const base = {
        instanceType: "t4g.small",
        maxInstances: 2,
        taskCpu: 512,
        taskMemory: 1024,
        maxTasks: 2,
        environment: "prod",
        ingress: "alb",
        domainName: "app.example.com",
    };
    const key = (k: string) => `aws-webapp:${k}`;
    const entry = (e: Partial<ServiceEntry> = {}): ServiceEntry => ({
        name: "front",
        image: "x:1",
        port: 8080,
        pathPatterns: ["/app/*"],
        cpu: 256,
        memory: 512,
        desiredTasks: 1,
        minTasks: 1,
        maxTasks: 1,
        ...e,
    });

    it("accepts a service that fits beside the API", () => {
        expect(siteProblems({ ...base, services: [entry()] }, key)).to.deep.equal([]);
    });

    it("refuses tasks beyond what maxInstances can place (awsvpc ENIs, memory)", () => {
        // t4g.small: 3 ENIs (2 tasks per instance), 2048 - 256 MiB usable: 4 tasks, 3584 MiB on 2 instances.
        expect(siteProblems({ ...base, services: [entry({ maxTasks: 3, desiredTasks: 3 })] }, key)).to.deep.equal([
            "aws-webapp:services: 5 tasks at maxTasks (3584 MiB with the API's) do not fit aws-webapp:maxInstances 2 instances of t4g.small: at most 4 awsvpc tasks and 3584 MiB",
        ]);
    });

    it("refuses a prod load balancer without a domain (CloudFront would reach it over plain HTTP)", () => {
        expect(siteProblems({ ...base, domainName: undefined, services: [] }, key)[0]).to.match(
            /^aws-webapp:domainName: is unset: prod needs it with aws-webapp:ingress "alb"/,
        );
        expect(siteProblems({ ...base, environment: "dev", domainName: undefined, services: [] }, key)).to.deep.equal(
            [],
        );
    });

    it("refuses duplicate paths and unordered counts", () => {
        const problems = siteProblems(
            {
                ...base,
                maxInstances: 10,
                services: [entry(), entry({ name: "second", minTasks: 2, desiredTasks: 1, maxTasks: 2 })],
            },
            key,
        );
        expect(problems).to.deep.equal([
            'aws-webapp:services.1.pathPatterns.0: "/app/*" is already routed to front',
            "aws-webapp:services.1.desiredTasks: 1 is outside minTasks 2 to maxTasks 2: expected min <= desired <= max",
        ]);
    });
});

/**
 * The blocks that put an application behind one CloudFront domain, through
 * the public entry point: a load balancer reachable only from CloudFront
 * (prefix list + secret header), a web ACL of scope CLOUDFRONT in us-east-1,
 * the media bucket granting one distribution reads of renders/ and CORS for
 * the site's origin, and StaticSite's extra API paths.
 */
import { failsBeforeRegistering, mocksReady, record, type Recording } from "./harness/mocks";
import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { Ec2Service, ImagePipeline, StaticSite, WebFirewall, WebLoadBalancer } from "../components";
import { MANAGED_POLICY_IDS } from "../components/cdn";
import { withExtraStatements } from "../components/imagePipeline";
import * as path from "path";
import { ROOT } from "./harness/stack";
import { ensureWebBuild } from "../scripts/webBuild";
import { authSettingsFile, signInConnectSources } from "../stacks/site";

const PUBLIC = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"];
const CERT = "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555";
const PREFIX_LIST = "pl-3b927c52";
const SECRET = "a".repeat(20) + "B".repeat(20) + "0123456789";
const T = {
    ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    listener: "aws:lb/listener:Listener",
    rule: "aws:lb/listenerRule:ListenerRule",
    acl: "aws:wafv2/webAcl:WebAcl",
    assoc: "aws:wafv2/webAclAssociation:WebAclAssociation",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    provider: "pulumi:providers:aws",
    policy: "aws:s3/bucketPolicy:BucketPolicy",
    cors: "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration",
    cdn: "aws:cloudfront/distribution:Distribution",
};

describe("CloudFront in front of the application", () => {
    before(() => mocksReady);
    before(() => ensureWebBuild(ROOT));

    describe("a load balancer that admits only CloudFront", () => {
        let rec: Recording;
        before(async () => {
            rec = await record(() => {
                const alb = new WebLoadBalancer("edge", {
                    vpcId: "vpc-1",
                    subnetIds: PUBLIC,
                    certificateArn: CERT,
                    ingressPrefixListIds: [PREFIX_LIST],
                    originVerifyHeader: { name: "X-Origin-Verify", value: SECRET },
                });
                new Ec2Service("api", {
                    vpcId: "vpc-1",
                    cidrBlock: "10.0.0.0/16",
                    subnetIds: PUBLIC,
                    cluster: { clusterArn: "arn:aws:ecs:us-east-1:123456789012:cluster/c", clusterName: "c" },
                    image: "public.ecr.aws/nginx/nginx:1.27",
                    loadBalancer: { loadBalancer: alb, priority: 100, pathPatterns: ["/*"] },
                });
            });
        });

        it("opens only 443, only to the prefix list: never 0.0.0.0/0", () => {
            const rules = rec.ofType(T.ingress).filter((r) => r.name.startsWith("edge-alb-in"));
            expect(
                rules.map((r) => [r.name, r.inputs.fromPort, r.inputs.prefixListId, r.inputs.cidrIpv4]),
            ).to.deep.equal([["edge-alb-in-443", 443, PREFIX_LIST, undefined]]);
            expect(rec.ofType(T.ingress).some((r) => r.inputs.cidrIpv4 === "0.0.0.0/0")).to.equal(false);
        });

        it("answers 403 to requests that match no rule; the service's rule also needs the secret header", () => {
            const https = rec.one(T.listener, "edge-https").inputs;
            expect(https.defaultActions).to.deep.equal([
                {
                    type: "fixed-response",
                    fixedResponse: { contentType: "text/plain", messageBody: "Forbidden", statusCode: "403" },
                },
            ]);
            const rule = rec.one(T.rule);
            expect(rule.inputs.listenerArn).to.equal(rec.one(T.listener, "edge-https").state.arn);
            expect(rule.inputs.conditions).to.deep.equal([
                { pathPattern: { values: ["/*"] } },
                { httpHeader: { httpHeaderName: "X-Origin-Verify", values: [SECRET] } },
            ]);
            // The header value is encrypted in the state, never plain.
            expect(rule.secretInputs).to.include("conditions");
        });

        it("refuses a bad prefix list id and a weak or wildcard header value, without showing the value", async () => {
            const message = await failsBeforeRegistering(
                () =>
                    new WebLoadBalancer("edge", {
                        vpcId: "vpc-1",
                        subnetIds: PUBLIC,
                        ingressPrefixListIds: ["sg-123"],
                        originVerifyHeader: { name: "X Origin", value: "short*?" },
                    }),
            );
            expect(message).to.contain('ingressPrefixListIds[0]: "sg-123" is not a prefix list id (pl-...)');
            expect(message).to.contain('originVerifyHeader.name: "X Origin" is not a header name');
            expect(message).to.contain("originVerifyHeader.value: (hidden) is not 32 to 128 letters and digits");
            expect(message).not.to.contain("short*?");
        });
    });

    describe("a web ACL of scope CLOUDFRONT", () => {
        let rec: Recording;
        before(async () => {
            rec = await record(() => new WebFirewall("edge-waf", { scope: "CLOUDFRONT", logRetentionDays: 30 }));
        });

        it("is created in us-east-1 with its log group, and associated with nothing (the distribution names it)", () => {
            const provider = rec.one(T.provider);
            expect(provider.inputs.region).to.equal("us-east-1");
            const acl = rec.one(T.acl);
            expect(acl.inputs.scope).to.equal("CLOUDFRONT");
            expect(acl.provider.startsWith(provider.urn)).to.equal(true);
            expect(rec.one(T.logGroup).provider.startsWith(provider.urn)).to.equal(true);
            expect(rec.one(T.logGroup).inputs.name).to.equal("aws-waf-logs-edge-waf");
            expect(rec.ofType(T.assoc)).to.deep.equal([]);
        });

        it("refuses a load balancer with scope CLOUDFRONT, and none with REGIONAL", async () => {
            const lb = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/a/1";
            expect(
                await failsBeforeRegistering(() => new WebFirewall("w", { scope: "CLOUDFRONT", loadBalancerArn: lb })),
            ).to.contain("loadBalancerArn: is set with scope CLOUDFRONT");
            expect(await failsBeforeRegistering(() => new WebFirewall("w", {}))).to.contain(
                "loadBalancerArn: is required with scope REGIONAL",
            );
        });
    });

    describe("the media bucket behind the distribution", () => {
        let rec: Recording;
        before(async () => {
            rec = await record(() => {
                const [statements, resolveStatements] = pulumi.deferredOutput<(string | undefined)[]>();
                const [origin, resolveOrigin] = pulumi.deferredOutput<string>();
                const images = new ImagePipeline("media", {
                    corsAllowedOrigins: [origin],
                    corsAllowedMethods: ["POST"],
                    rendersBucketPolicyStatements: [statements.apply((s) => s[0])],
                });
                const site = new StaticSite("web", {
                    apiOriginDomainName: "abc.execute-api.us-east-1.amazonaws.com",
                    apiPathPatterns: ["/api/*", "/app/*"],
                    mediaBucketName: images.rendersBucketName,
                });
                resolveStatements(site.mediaReadPolicyStatement.apply((s) => [s]));
                resolveOrigin(site.url);
            });
        });

        it("keeps the TLS-only deny and lets this distribution alone read renders/ (OAC)", () => {
            const doc = JSON.parse(rec.one(T.policy, "media-media-policy").inputs.policy);
            const bucketArn = rec.one("aws:s3/bucket:Bucket", "media-media").state.arn;
            expect(doc.Statement.map((s: any) => s.Sid)).to.deep.equal([
                "DenyInsecureTransport",
                "AllowCloudFrontReadRenditions",
            ]);
            expect(doc.Statement[1]).to.deep.equal({
                Sid: "AllowCloudFrontReadRenditions",
                Effect: "Allow",
                Principal: { Service: "cloudfront.amazonaws.com" },
                Action: "s3:GetObject",
                Resource: `${bucketArn}/renders/*`,
                Condition: { StringEquals: { "AWS:SourceArn": rec.one(T.cdn).state.arn } },
            });
        });

        it("allows browser uploads by POST from the site's origin only", () => {
            const [rule] = rec.one(T.cors).inputs.corsRules;
            expect(rule.allowedOrigins).to.deep.equal([`https://${rec.one(T.cdn).state.domainName}`]);
            expect(rule.allowedMethods).to.deep.equal(["POST"]);
        });

        it("sends every API path to the API origin over HTTPS only, without the Host header", () => {
            const behaviours = rec.one(T.cdn).inputs.orderedCacheBehaviors;
            const api = behaviours.filter((b: any) => b.targetOriginId === "api");
            expect(api.map((b: any) => b.pathPattern)).to.deep.equal(["/api/*", "/app/*"]);
            for (const b of api) {
                expect(b.viewerProtocolPolicy).to.equal("https-only");
                expect(b.originRequestPolicyId).to.equal(MANAGED_POLICY_IDS.allViewerExceptHostHeader);
            }
        });
    });

    it("forwards the Host header to an ALB origin whose certificate is for the site's domain", async () => {
        const rec = await record(
            () =>
                new StaticSite("web", {
                    apiOriginDomainName: "edge-123.us-east-1.elb.amazonaws.com",
                    apiOriginForwardHost: true,
                }),
        );
        const api = rec.one(T.cdn).inputs.orderedCacheBehaviors.find((b: any) => b.targetOriginId === "api");
        expect(api.originRequestPolicyId).to.equal(MANAGED_POLICY_IDS.allViewer);
    });

    it("refuses API paths that shadow the site's own behaviours", async () => {
        const message = await failsBeforeRegistering(
            () =>
                new StaticSite("web", {
                    apiOriginDomainName: "a.example.com",
                    apiPathPatterns: ["/*", "/media/x/*", "api"],
                }),
        );
        expect(message).to.contain('apiPathPatterns[0]: "/*" overlaps the site\'s own behaviours');
        expect(message).to.contain('apiPathPatterns[1]: "/media/x/*" overlaps');
        expect(message).to.contain('apiPathPatterns[2]: "api" is not a path pattern');
    });

    describe("generated files (runtime settings such as /auth.json)", () => {
        it("are uploaded beside the build with no-cache; the sign-in settings admit Cognito in the CSP", async () => {
            const auth = authSettingsFile({
                issuerUrl: pulumi.output("https://issuer.example"),
                clientId: "abc",
                loginBaseUrl: "https://login.auth.eu-west-1.amazoncognito.com",
            });
            const rec = await record(
                () =>
                    new StaticSite("web", {
                        siteDir: path.join(ROOT, "web", "dist"),
                        generatedFiles: [auth],
                        connectSources: signInConnectSources("eu-west-1"),
                    }),
            );
            const file = rec.ofType("aws:s3/bucketObjectv2:BucketObjectv2").find((o) => o.inputs.key === "auth.json")!;
            expect(file.inputs).to.include({ contentType: "application/json", cacheControl: "no-cache" });
            expect(JSON.parse(file.inputs.content)).to.deep.equal({
                issuer: "https://issuer.example",
                clientId: "abc",
                logoutUrl: "https://login.auth.eu-west-1.amazoncognito.com/logout",
                revocationUrl: "https://login.auth.eu-west-1.amazoncognito.com/oauth2/revoke",
            });
            const csp = rec.one("aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy").inputs
                .securityHeadersConfig.contentSecurityPolicy.contentSecurityPolicy;
            expect(csp).to.contain(
                "connect-src 'self' https://cognito-idp.eu-west-1.amazonaws.com https://*.auth.eu-west-1.amazoncognito.com",
            );
        });

        it("refuses a bad key or type, a key listed twice and one the build already has", async () => {
            const bad = await failsBeforeRegistering(
                () =>
                    new StaticSite("web", {
                        generatedFiles: [
                            { key: "../x", content: "{}", contentType: "json" },
                            { key: "a.json", content: "{}", contentType: "application/json" },
                            { key: "a.json", content: "{}", contentType: "application/json" },
                        ],
                    }),
            );
            expect(bad).to.contain('generatedFiles[0].key: "../x" is not an object key');
            expect(bad).to.contain('generatedFiles[0].contentType: "json" is not a media type');
            expect(bad).to.contain('generatedFiles[2].key: "a.json" is listed twice');
            const clash = await failsBeforeRegistering(
                () =>
                    new StaticSite("web", {
                        siteDir: path.join(ROOT, "web", "dist"),
                        generatedFiles: [{ key: "index.html", content: "x", contentType: "text/html" }],
                    }),
            );
            expect(clash).to.contain('generatedFiles: ["index.html"] are also files of siteDir');
        });
    });

    describe("extra statements of the renditions bucket policy", () => {
        const base = {
            Version: "2012-10-17" as const,
            Statement: [
                { Sid: "DenyInsecureTransport", Effect: "Deny" as const, Principal: "*" as const, Action: "s3:*" },
            ],
        };
        const arn = "arn:aws:s3:::media";
        const ok = JSON.stringify({ Sid: "Read", Effect: "Allow", Principal: "*", Resource: `${arn}/renders/*` });

        it("appends valid statements and leaves the document as it was without any", () => {
            expect(withExtraStatements("t", base, arn, [undefined])).to.equal(base);
            expect(withExtraStatements("t", base, arn, [ok]).Statement.map((s) => s.Sid)).to.deep.equal([
                "DenyInsecureTransport",
                "Read",
            ]);
        });

        it("refuses non-JSON, a taken Sid and resources outside the bucket, in one error", () => {
            const taken = JSON.stringify({
                Sid: "DenyInsecureTransport",
                Effect: "Allow",
                Principal: "*",
                Resource: arn,
            });
            const outside = JSON.stringify({
                Sid: "X",
                Effect: "Allow",
                Principal: "*",
                Resource: "arn:aws:s3:::other/*",
            });
            expect(() => withExtraStatements('ImagePipeline "m"', base, arn, ["{", taken, outside]))
                .to.throw(/rendersBucketPolicyStatements\[0\]: is not JSON/)
                .and.satisfy((e: Error) => {
                    expect(e.message).to.contain("rendersBucketPolicyStatements[1].Sid");
                    expect(e.message).to.contain("rendersBucketPolicyStatements[2].Resource");
                    return true;
                });
        });
    });
});

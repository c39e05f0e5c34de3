import { ACCOUNT_ID, failsBeforeRegistering, mocksReady, record, type Recording, valueOf } from "./harness/mocks";

import { expect } from "chai";
import fc from "fast-check";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { StaticSite, type StaticSiteArgs } from "../components";
import {
    contentTypeOf,
    isHashedAsset,
    MANAGED_POLICY_IDS,
    SPA_FALLBACK_FUNCTION,
    stripPrefixFunction,
} from "../components/cdn";

const T = {
    site: "aws-webapp:index:StaticSite",
    bucket: "aws:s3/bucket:Bucket",
    pab: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    ownership: "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
    sse: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
    object: "aws:s3/bucketObjectv2:BucketObjectv2",
    distribution: "aws:cloudfront/distribution:Distribution",
    oac: "aws:cloudfront/originAccessControl:OriginAccessControl",
    headers: "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy",
    cachePolicy: "aws:cloudfront/cachePolicy:CachePolicy",
    fn: "aws:cloudfront/function:Function",
} as const;

const CERT = `arn:aws:acm:us-east-1:${ACCOUNT_ID}:certificate/1234abcd-12ab-34cd-56ef-1234567890ab`;
const WAF = `arn:aws:wafv2:us-east-1:${ACCOUNT_ID}:global/webacl/edge/a1b2c3d4-5678-90ab-cdef-1234567890ab`;
const SECRET = "s3cr3t-0123456789-abcdefghijklmnopqrstuvwxyz";

/** A built site as Vite lays it out. */
function siteDir(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "static-site-"));
    fs.mkdirSync(path.join(dir, "assets"));
    fs.writeFileSync(path.join(dir, "index.html"), "<!doctype html><title>x</title>");
    fs.writeFileSync(path.join(dir, "assets", "index-B3xk9_aQ.js"), "console.log(1)");
    fs.writeFileSync(path.join(dir, "assets", "index-Dq81LmZp.css"), "body{}");
    fs.writeFileSync(path.join(dir, "favicon.svg"), "<svg/>");
    fs.writeFileSync(path.join(dir, "robots.txt"), "User-agent: *");
    return dir;
}

/** Runs a CloudFront Function's source on a viewer-request event. */
function runFunction(code: string, uri: string): string {
    const handler = new Function(`${code}\nreturn handler;`)() as (e: unknown) => { uri: string };
    return handler({ request: { uri, method: "GET", headers: {} } }).uri;
}

const behaviours = (d: { inputs: Record<string, any> }) => [
    { pathPattern: "default", ...d.inputs.defaultCacheBehavior },
    ...(d.inputs.orderedCacheBehaviors ?? []),
];

describe("StaticSite", () => {
    before(() => mocksReady);

    const full = (dir: string): StaticSiteArgs => ({
        siteDir: dir,
        aliases: ["app.example.com"],
        certificateArn: CERT,
        apiOriginDomainName: "api-123.us-east-1.elb.amazonaws.com",
        apiOriginSecret: SECRET,
        mediaBucketName: "images-media-abc1234",
        webAclArn: WAF,
        connectSources: ["https://auth.example.com"],
        tags: { Project: "aws-webapp" },
    });

    describe("with a site, /api and /media", () => {
        let rec: Recording;
        let site: StaticSite;
        let dir: string;
        before(async () => {
            dir = siteDir();
            rec = await record(() => {
                site = new StaticSite("web", full(dir));
            });
        });

        it("registers under the aws-webapp:index:StaticSite type token", () => {
            expect(rec.one(T.site).name).to.equal("web");
        });

        it("keeps the site bucket private, owner-enforced, encrypted and TLS-only", () => {
            const bucket = rec.one(T.bucket);
            expect(rec.one(T.pab).inputs).to.include({
                bucket: bucket.id,
                blockPublicAcls: true,
                blockPublicPolicy: true,
                ignorePublicAcls: true,
                restrictPublicBuckets: true,
            });
            expect(rec.one(T.ownership).inputs.rule).to.deep.equal({ objectOwnership: "BucketOwnerEnforced" });
            expect(rec.one(T.sse).inputs.rules[0].applyServerSideEncryptionByDefault.sseAlgorithm).to.equal("AES256");
            const policy = JSON.parse(rec.one(T.bucketPolicy).inputs.policy);
            const [deny, allow] = policy.Statement;
            expect(deny).to.deep.include({ Effect: "Deny", Principal: "*", Action: "s3:*" });
            expect(deny.Condition).to.deep.equal({ Bool: { "aws:SecureTransport": "false" } });
            expect(allow).to.deep.include({
                Effect: "Allow",
                Principal: { Service: "cloudfront.amazonaws.com" },
                Action: "s3:GetObject",
                Resource: `${bucket.state.arn}/*`,
            });
            expect(allow.Condition.StringEquals["AWS:SourceArn"]).to.equal(rec.one(T.distribution).state.arn);
            expect(rec.one(T.bucketPolicy).dependencies).to.include(rec.one(T.pab).urn);
        });

        it("reads every S3 origin through origin access control (SigV4, always signed)", () => {
            const oac = rec.one(T.oac);
            expect(oac.inputs).to.include({
                originAccessControlOriginType: "s3",
                signingBehavior: "always",
                signingProtocol: "sigv4",
            });
            const origins: any[] = rec.one(T.distribution).inputs.origins;
            const s3 = origins.filter((o) => /\.s3\.[a-z0-9-]+\.amazonaws\.com$/.test(o.domainName));
            expect(s3.map((o) => o.originId)).to.deep.equal(["site", "media"]);
            for (const o of s3) {
                expect(o.originAccessControlId, o.originId).to.equal(oac.id);
                expect(o.s3OriginConfig, `${o.originId}: no legacy origin access identity`).to.equal(undefined);
            }
            expect(s3[1].domainName).to.equal("images-media-abc1234.s3.us-east-1.amazonaws.com");
        });

        it("serves every behaviour over HTTPS only, with TLS 1.2 (2021) on the custom domain", () => {
            const d = rec.one(T.distribution);
            for (const b of behaviours(d)) {
                expect(["https-only", "redirect-to-https"], b.pathPattern).to.include(b.viewerProtocolPolicy);
            }
            expect(d.inputs.aliases).to.deep.equal(["app.example.com"]);
            expect(d.inputs.viewerCertificate).to.deep.equal({
                acmCertificateArn: CERT,
                sslSupportMethod: "sni-only",
                minimumProtocolVersion: "TLSv1.2_2021",
            });
            expect(d.inputs.webAclId).to.equal(WAF);
            const api = d.inputs.origins.find((o: any) => o.originId === "api");
            expect(api.customOriginConfig).to.include({ originProtocolPolicy: "https-only" });
            expect(api.customOriginConfig.originSslProtocols).to.deep.equal(["TLSv1.2"]);
        });

        it("sends the security headers on every behaviour (HSTS, CSP with the upload origin, DENY, nosniff)", async () => {
            const h = rec.one(T.headers);
            const sec = h.inputs.securityHeadersConfig;
            expect(sec.strictTransportSecurity).to.deep.equal({
                accessControlMaxAgeSec: 63072000,
                includeSubdomains: true,
                preload: false,
                override: true,
            });
            expect(sec.frameOptions).to.deep.equal({ frameOption: "DENY", override: true });
            expect(sec.contentTypeOptions).to.deep.equal({ override: true });
            expect(sec.referrerPolicy.referrerPolicy).to.equal("strict-origin-when-cross-origin");
            const csp: string = sec.contentSecurityPolicy.contentSecurityPolicy;
            expect(csp).to.include("default-src 'self'");
            expect(csp).to.include("script-src 'self';");
            expect(csp).to.include("frame-ancestors 'none'");
            expect(csp).to.include(
                "connect-src 'self' https://auth.example.com https://images-media-abc1234.s3.us-east-1.amazonaws.com",
            );
            expect(csp).to.not.include("unsafe");
            expect(await valueOf(site.contentSecurityPolicy)).to.equal(csp);
            for (const b of behaviours(rec.one(T.distribution))) {
                expect(b.responseHeadersPolicyId, b.pathPattern).to.equal(h.id);
            }
        });

        it("answers app routes with index.html by a function on the default behaviour only (API errors stay)", () => {
            const d = rec.one(T.distribution);
            const fns = rec.ofType(T.fn);
            const fallback = fns.find((f) => f.inputs.code === SPA_FALLBACK_FUNCTION)!;
            expect(fallback.inputs).to.include({ runtime: "cloudfront-js-2.0", publish: true });
            expect(d.inputs.defaultCacheBehavior.functionAssociations).to.deep.equal([
                { eventType: "viewer-request", functionArn: fallback.state.arn },
            ]);
            for (const b of d.inputs.orderedCacheBehaviors) {
                for (const a of b.functionAssociations ?? [])
                    expect(a.functionArn, b.pathPattern).to.not.equal(fallback.state.arn);
            }
            expect(d.inputs.customErrorResponses ?? []).to.deep.equal([]);
            expect(d.inputs.defaultRootObject).to.equal("index.html");
        });

        it("routes /api/* uncached to the API with every viewer header but Host and the secret origin header", () => {
            const d = rec.one(T.distribution);
            const api = d.inputs.orderedCacheBehaviors.find((b: any) => b.pathPattern === "/api/*");
            expect(api).to.include({
                targetOriginId: "api",
                viewerProtocolPolicy: "https-only",
                cachePolicyId: MANAGED_POLICY_IDS.cachingDisabled,
                originRequestPolicyId: MANAGED_POLICY_IDS.allViewerExceptHostHeader,
            });
            expect(api.allowedMethods).to.have.members(["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"]);
            expect(api.functionAssociations ?? []).to.deep.equal([]);
            const origin = d.inputs.origins.find((o: any) => o.originId === "api");
            expect(origin.domainName).to.equal("api-123.us-east-1.elb.amazonaws.com");
            expect(origin.customHeaders).to.deep.equal([{ name: "X-Origin-Verify", value: SECRET }]);
            expect(d.secretInputs, "the origin secret is encrypted in the state").to.include("origins");
        });

        it("serves /media/renders/* from the media bucket's renders/ prefix and exposes its bucket policy statement", async () => {
            const d = rec.one(T.distribution);
            const media = d.inputs.orderedCacheBehaviors.find((b: any) => b.pathPattern === "/media/renders/*");
            expect(media).to.include({ targetOriginId: "media", cachePolicyId: MANAGED_POLICY_IDS.cachingOptimized });
            expect(media.allowedMethods).to.deep.equal(["GET", "HEAD"]);
            const strip = rec.ofType(T.fn).find((f) => f.state.arn === media.functionAssociations[0].functionArn)!;
            expect(runFunction(strip.inputs.code, "/media/renders/cat/large.webp")).to.equal("/renders/cat/large.webp");
            const statement = JSON.parse((await valueOf(site.mediaReadPolicyStatement))!);
            expect(statement).to.deep.equal({
                Sid: "AllowCloudFrontReadRenditions",
                Effect: "Allow",
                Principal: { Service: "cloudfront.amazonaws.com" },
                Action: "s3:GetObject",
                Resource: "arn:aws:s3:::images-media-abc1234/renders/*",
                Condition: { StringEquals: { "AWS:SourceArn": d.state.arn } },
            });
            expect(await valueOf(site.distributionArn)).to.equal(d.state.arn);
            expect(d.state.arn).to.match(/^arn:aws:cloudfront::\d{12}:distribution\/E[0-9a-f]+$/);
        });

        it("caches hashed assets for a year and index.html briefly", () => {
            const d = rec.one(T.distribution);
            const policies = rec.ofType(T.cachePolicy);
            const byId = (id: string) => policies.find((p) => p.id === id)!.inputs;
            const assets = d.inputs.orderedCacheBehaviors.find((b: any) => b.pathPattern === "/assets/*");
            expect(byId(assets.cachePolicyId)).to.include({ defaultTtl: 31536000, maxTtl: 31536000 });
            expect(byId(d.inputs.defaultCacheBehavior.cachePolicyId)).to.include({
                minTtl: 0,
                defaultTtl: 60,
                maxTtl: 60,
            });
            for (const p of policies) {
                expect(p.inputs.parametersInCacheKeyAndForwardedToOrigin.cookiesConfig.cookieBehavior).to.equal("none");
            }
        });

        it("uploads every file of the build with its content type and cache-control", async () => {
            const bucket = rec.one(T.bucket);
            const objects = Object.fromEntries(rec.ofType(T.object).map((o) => [o.inputs.key, o.inputs]));
            expect(Object.keys(objects).sort()).to.deep.equal([
                "assets/index-B3xk9_aQ.js",
                "assets/index-Dq81LmZp.css",
                "favicon.svg",
                "index.html",
                "robots.txt",
            ]);
            const expected: Record<string, [string, string]> = {
                "index.html": ["text/html; charset=utf-8", "public, max-age=60, must-revalidate"],
                "assets/index-B3xk9_aQ.js": ["text/javascript; charset=utf-8", "public, max-age=31536000, immutable"],
                "assets/index-Dq81LmZp.css": ["text/css; charset=utf-8", "public, max-age=31536000, immutable"],
                "favicon.svg": ["image/svg+xml", "public, max-age=60, must-revalidate"],
                "robots.txt": ["text/plain; charset=utf-8", "public, max-age=60, must-revalidate"],
            };
            for (const [key, [contentType, cacheControl]] of Object.entries(expected)) {
                expect(objects[key], key).to.include({ bucket: bucket.id, contentType, cacheControl });
                const object = rec.ofType(T.object).find((o) => o.inputs.key === key)!;
                expect(await object.state.source.path, key).to.equal(path.join(dir, key));
            }
        });

        it("names children after the component and tags them", () => {
            const d = rec.one(T.distribution);
            expect(d.name).to.equal("web-cdn");
            expect(d.inputs.tags).to.deep.equal({ Project: "aws-webapp", Name: "web-cdn" });
            expect(rec.one(T.bucket).name).to.equal("web-site");
            const component = rec.one(T.site);
            for (const r of rec.resources.filter((r) => r.type !== T.site))
                expect(r.parent, r.name).to.equal(component.urn);
        });
    });

    describe("defaults", () => {
        let rec: Recording;
        let site: StaticSite;
        before(async () => {
            rec = await record(() => {
                site = new StaticSite("plain");
            });
        });

        it("uses CloudFront's default certificate and only the site origin (no /api, no /media)", async () => {
            const d = rec.one(T.distribution);
            expect(d.inputs.viewerCertificate).to.deep.equal({ cloudfrontDefaultCertificate: true });
            expect(d.inputs.origins.map((o: any) => o.originId)).to.deep.equal(["site"]);
            expect(d.inputs.orderedCacheBehaviors.map((b: any) => b.pathPattern)).to.deep.equal(["/assets/*"]);
            expect(d.inputs.webAclId).to.equal(undefined);
            expect(d.inputs.loggingConfig).to.equal(undefined);
            expect(rec.ofType(T.object)).to.have.length(0);
            expect(rec.ofType(T.fn)).to.have.length(1);
            expect(await valueOf(site.mediaReadPolicyStatement)).to.equal(undefined);
            expect(await valueOf(site.url)).to.equal(`https://${d.state.domainName}`);
            expect(rec.one(T.bucket).protect).to.equal(false);
        });

        it("production protects and retains the site bucket", async () => {
            const prod = await record(() => new StaticSite("prod", { production: true }));
            expect(prod.one(T.bucket)).to.include({ protect: true, retainOnDelete: true });
        });

        it("writes access logs when given a log bucket", async () => {
            const logged = await record(
                () =>
                    new StaticSite("logged", { logBucketDomainName: "logs-abc.s3.amazonaws.com", logPrefix: "site/" }),
            );
            expect(logged.one(T.distribution).inputs.loggingConfig).to.deep.equal({
                bucket: "logs-abc.s3.amazonaws.com",
                prefix: "site/",
                includeCookies: false,
            });
        });
    });

    describe("validation", () => {
        it("lists every bad argument in one error and registers nothing", async () => {
            const message = await failsBeforeRegistering(
                () =>
                    new StaticSite("bad", {
                        siteDir: path.join(os.tmpdir(), "no-such-site-dir"),
                        aliases: ["app.example.com", "not a host"],
                        certificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/abc",
                        apiOriginSecret: "short",
                        apiOriginHeaderName: "Host",
                        webAclArn: "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/x/abc",
                        connectSources: ["http://insecure.example.com"],
                        hstsMaxAgeSeconds: 60,
                        htmlCacheSeconds: -1,
                        priceClass: "PriceClass_1" as never,
                        production: true,
                        forceDestroy: true,
                        mediaBucketName: "media",
                        mediaBucketRegion: "mars-north-1",
                        tags: { "aws:owner": "me" },
                    }),
            );
            expect(message).to.match(/^StaticSite "bad": invalid values:/);
            for (const key of [
                "siteDir:",
                "aliases[1]:",
                "certificateArn:",
                "apiOriginSecret: is given without apiOriginDomainName",
                "apiOriginSecret: (hidden)",
                "apiOriginHeaderName:",
                "webAclArn:",
                "connectSources[0]:",
                "hstsMaxAgeSeconds:",
                "htmlCacheSeconds:",
                "priceClass:",
                "forceDestroy:",
                'mediaBucketRegion: "mars-north-1" is not an AWS region',
                'tags: tag "aws:owner" starts with "aws:"',
            ]) {
                expect(message, key).to.include(`\n  - ${key}`);
            }
            expect(message, "the secret is never echoed").to.not.include("short");
        });

        it("refuses aliases without a certificate", async () => {
            const message = await failsBeforeRegistering(
                () => new StaticSite("nocert", { aliases: ["a.example.com"] }),
            );
            expect(message).to.include('aliases: ["a.example.com"] need certificateArn');
        });
    });

    describe("pure parts", () => {
        it("the SPA fallback rewrites routes to /index.html and leaves files alone", () => {
            expect(runFunction(SPA_FALLBACK_FUNCTION, "/")).to.equal("/index.html");
            expect(runFunction(SPA_FALLBACK_FUNCTION, "/users/42")).to.equal("/index.html");
            expect(runFunction(SPA_FALLBACK_FUNCTION, "/assets/index-B3xk9_aQ.js")).to.equal(
                "/assets/index-B3xk9_aQ.js",
            );
            const segment = fc.stringMatching(/^[a-z0-9_-]{1,12}$/);
            fc.assert(
                fc.property(fc.array(segment, { maxLength: 4 }), segment, segment, (dirs, stem, ext) => {
                    const file = `/${[...dirs, `${stem}.${ext}`].join("/")}`;
                    expect(runFunction(SPA_FALLBACK_FUNCTION, file)).to.equal(file);
                    expect(runFunction(SPA_FALLBACK_FUNCTION, `/${[...dirs, stem].join("/")}`)).to.equal("/index.html");
                }),
            );
        });

        it("the media function strips only a leading /media/", () => {
            const code = stripPrefixFunction("/media");
            expect(runFunction(code, "/media/renders/a.webp")).to.equal("/renders/a.webp");
            expect(runFunction(code, "/mediax/renders/a.webp")).to.equal("/mediax/renders/a.webp");
            expect(() => stripPrefixFunction("media")).to.throw(/is not a path prefix/);
        });

        it("content types and hashed-asset detection", () => {
            expect(contentTypeOf("a/INDEX.HTML")).to.equal("text/html; charset=utf-8");
            expect(contentTypeOf("x.woff2")).to.equal("font/woff2");
            expect(contentTypeOf("LICENSE")).to.equal("application/octet-stream");
            expect(isHashedAsset("assets/index-B3xk9_aQ.js", "assets")).to.equal(true);
            expect(isHashedAsset("assets/logo.svg", "assets")).to.equal(false);
            expect(isHashedAsset("index-B3xk9_aQ.js", "assets")).to.equal(false);
        });
    });
});

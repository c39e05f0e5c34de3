import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { privateBucket } from "../shared/privateBucket";
import { nameTags } from "../shared/tags";
import { ValidationError } from "../shared/validation";
import { SPA_FALLBACK_FUNCTION, stripPrefixFunction } from "./functions";
import { contentSecurityPolicy, responseHeadersPolicyConfig } from "./headers";
import { cloudFrontReadStatement, siteBucketPolicy } from "./policies";
import { resolveStaticSiteArgs, type StaticSiteArgs, type StaticSiteSettings } from "./siteArgs";
import { siteFiles } from "./siteFiles";

export type { StaticSiteArgs } from "./siteArgs";

/** AWS managed CloudFront policies (their ids are the same in every account). */
export const MANAGED_POLICY_IDS = {
    /** Cache policy `Managed-CachingDisabled`. */
    cachingDisabled: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
    /** Cache policy `Managed-CachingOptimized` (renditions: long TTL, compressed, no cookies or query). */
    cachingOptimized: "658327ea-f89d-4fab-a63d-7e88639e58f6",
    /** Origin request policy `Managed-AllViewerExceptHostHeader`. */
    allViewerExceptHostHeader: "b689b0a8-53d0-40ab-baf2-68738e2966ac",
    /** Origin request policy `Managed-AllViewer` (the Host header too). */
    allViewer: "216adef6-5c7f-47e4-b989-5492eafa07d3",
} as const;

/** Path patterns of the behaviours besides the default (`/*`, the site). */
export const API_PATH_PATTERN = "/api/*";
export const MEDIA_PATH_PREFIX = "/media";
/** Renditions (ImagePipeline's `renders/` prefix) under /media. */
export const MEDIA_PATH_PATTERN = `${MEDIA_PATH_PREFIX}/renders/*`;
export const MEDIA_KEY_PREFIX = "renders/";

const ORIGIN_IDS = { site: "site", api: "api", media: "media" } as const;
const ALL_METHODS = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"];
const READ_METHODS = ["GET", "HEAD"];

/**
 * A single-page app on CloudFront from a private S3 bucket: origin access
 * control (SigV4) on every S3 origin, HTTPS only, TLS 1.2 (2021 policy) with
 * a custom domain, security headers (HSTS, CSP, frame and content-type
 * options), the SPA fallback as a CloudFront Function on the default
 * behaviour only, hashed assets cached for a year and `index.html` briefly,
 * the build's files uploaded with their content types. Optional behaviours:
 * `/api/*` to an HTTP origin (not cached, all viewer headers but Host, a
 * secret origin header) and `/media/renders/*` to a media bucket.
 */
export class StaticSite extends pulumi.ComponentResource {
    /** Pulumi type token. */
    public static readonly TYPE = "aws-webapp:index:StaticSite";

    /** Name of the site bucket. */
    public readonly bucketName: pulumi.Output<string>;
    /** ARN of the site bucket. */
    public readonly bucketArn: pulumi.Output<string>;
    /** Id of the distribution (for invalidations). */
    public readonly distributionId: pulumi.Output<string>;
    /** ARN of the distribution (the `AWS:SourceArn` of bucket policies granting it reads). */
    public readonly distributionArn: pulumi.Output<string>;
    /** The distribution's `*.cloudfront.net` domain name (target of alias DNS records). */
    public readonly domainName: pulumi.Output<string>;
    /** Route 53 hosted zone id of CloudFront (for alias records). */
    public readonly hostedZoneId: pulumi.Output<string>;
    /** URL of the site: `https://<first alias>` or `https://<domainName>`. */
    public readonly url: pulumi.Output<string>;
    /**
     * JSON of the bucket policy statement the media bucket needs
     * (CloudFront reads `renders/*` for this distribution only), or
     * undefined without mediaBucketName.
     */
    public readonly mediaReadPolicyStatement: pulumi.Output<string | undefined>;
    /** The Content-Security-Policy the site is served with. */
    public readonly contentSecurityPolicy: pulumi.Output<string>;

    constructor(name: string, args: StaticSiteArgs = {}, opts?: pulumi.ComponentResourceOptions) {
        // Validation (siteDir on disk included) before super(): bad input registers nothing.
        const s = resolveStaticSiteArgs(name, args);
        const files = s.siteDir === undefined ? [] : siteFiles(s.siteDir, s.assetsDir, s.htmlCacheSeconds);
        const clash = s.generatedFiles.filter((g) => files.some((f) => f.key === g.key)).map((g) => g.key);
        if (clash.length > 0)
            throw new ValidationError(`StaticSite "${name}"`, [
                `generatedFiles: ${JSON.stringify(clash)} are also files of siteDir: expected keys of their own`,
            ]);
        super(StaticSite.TYPE, name, {}, opts);

        const child = { parent: this };
        const tags = (n: string) => nameTags(n, args.tags);
        const region = aws.getRegionOutput({}, child).region;

        const { bucket, publicAccessBlock, encryption } = this.siteBucket(name, s, args);
        const mediaDomain =
            args.mediaBucketName === undefined
                ? undefined
                : pulumi
                      .all([args.mediaBucketName, s.mediaBucketRegion ?? region])
                      .apply(([b, r]) => `${b}.s3.${r}.amazonaws.com`);
        const csp = pulumi
            .output(mediaDomain)
            .apply((m) =>
                contentSecurityPolicy({ connectSources: [...s.connectSources, ...(m ? [`https://${m}`] : [])] }),
            );

        const oac = new aws.cloudfront.OriginAccessControl(
            `${name}-oac`,
            {
                description: `S3 origins of the ${name} distribution`,
                originAccessControlOriginType: "s3",
                signingBehavior: "always",
                signingProtocol: "sigv4",
            },
            child,
        );
        const headers = new aws.cloudfront.ResponseHeadersPolicy(
            `${name}-headers`,
            {
                comment: `Security headers of ${name}`,
                securityHeadersConfig: csp.apply((v) => responseHeadersPolicyConfig(v, s.hsts).securityHeadersConfig),
                customHeadersConfig: responseHeadersPolicyConfig("", s.hsts).customHeadersConfig,
            },
            child,
        );
        const cache = (role: string, minTtl: number, defaultTtl: number, maxTtl: number, comment: string) =>
            new aws.cloudfront.CachePolicy(
                `${name}-${role}-cache`,
                {
                    comment,
                    minTtl,
                    defaultTtl,
                    maxTtl,
                    parametersInCacheKeyAndForwardedToOrigin: {
                        cookiesConfig: { cookieBehavior: "none" },
                        headersConfig: { headerBehavior: "none" },
                        queryStringsConfig: { queryStringBehavior: "none" },
                        enableAcceptEncodingGzip: true,
                        enableAcceptEncodingBrotli: true,
                    },
                },
                child,
            );
        const year = 31_536_000;
        const assetsCache = cache("assets", 86_400, year, year, "Content-hashed files: a year");
        const htmlCache = cache("html", 0, s.htmlCacheSeconds, s.htmlCacheSeconds, "index.html and unhashed files");

        const fn = (role: string, code: string, comment: string) =>
            new aws.cloudfront.Function(
                `${name}-${role}`,
                { runtime: "cloudfront-js-2.0", code, comment, publish: true },
                child,
            );
        const fallback = fn("spa-fallback", SPA_FALLBACK_FUNCTION, "Routes of the single-page app to /index.html");

        const viewerRequest = (f: aws.cloudfront.Function) => [{ eventType: "viewer-request", functionArn: f.arn }];
        const s3Behaviour = (originId: string, cachePolicyId: pulumi.Input<string>) => ({
            targetOriginId: originId,
            viewerProtocolPolicy: "redirect-to-https",
            allowedMethods: READ_METHODS,
            cachedMethods: READ_METHODS,
            cachePolicyId,
            responseHeadersPolicyId: headers.id,
            compress: true,
        });

        const origins: aws.types.input.cloudfront.DistributionOrigin[] = [
            { originId: ORIGIN_IDS.site, domainName: bucket.bucketRegionalDomainName, originAccessControlId: oac.id },
        ];
        const ordered: aws.types.input.cloudfront.DistributionOrderedCacheBehavior[] = [
            { pathPattern: `/${s.assetsDir}/*`, ...s3Behaviour(ORIGIN_IDS.site, assetsCache.id) },
        ];
        if (args.apiOriginDomainName !== undefined) {
            origins.push({
                originId: ORIGIN_IDS.api,
                domainName: args.apiOriginDomainName,
                customOriginConfig: {
                    httpPort: 80,
                    httpsPort: 443,
                    originProtocolPolicy: s.apiOriginProtocol,
                    originSslProtocols: ["TLSv1.2"],
                    originReadTimeout: 30,
                    originKeepaliveTimeout: 5,
                },
                customHeaders:
                    args.apiOriginSecret === undefined
                        ? []
                        : [{ name: s.apiOriginHeaderName, value: pulumi.secret(args.apiOriginSecret) }],
            });
            for (const pathPattern of s.apiPathPatterns) {
                ordered.push({
                    pathPattern,
                    targetOriginId: ORIGIN_IDS.api,
                    viewerProtocolPolicy: "https-only",
                    allowedMethods: ALL_METHODS,
                    cachedMethods: READ_METHODS,
                    cachePolicyId: MANAGED_POLICY_IDS.cachingDisabled,
                    originRequestPolicyId: s.apiOriginForwardHost
                        ? MANAGED_POLICY_IDS.allViewer
                        : MANAGED_POLICY_IDS.allViewerExceptHostHeader,
                    responseHeadersPolicyId: headers.id,
                    compress: true,
                });
            }
        }
        if (mediaDomain !== undefined) {
            const strip = fn(
                "media-path",
                stripPrefixFunction(MEDIA_PATH_PREFIX),
                "Maps /media/renders/* to renders/*",
            );
            origins.push({ originId: ORIGIN_IDS.media, domainName: mediaDomain, originAccessControlId: oac.id });
            ordered.push({
                pathPattern: MEDIA_PATH_PATTERN,
                ...s3Behaviour(ORIGIN_IDS.media, MANAGED_POLICY_IDS.cachingOptimized),
                functionAssociations: viewerRequest(strip),
            });
        }

        const distribution = new aws.cloudfront.Distribution(
            `${name}-cdn`,
            {
                comment: `${name} (${pulumi.getProject()}-${pulumi.getStack()})`,
                enabled: true,
                isIpv6Enabled: true,
                httpVersion: "http2and3",
                priceClass: s.priceClass,
                aliases: s.aliases,
                defaultRootObject: "index.html",
                origins,
                defaultCacheBehavior: {
                    ...s3Behaviour(ORIGIN_IDS.site, htmlCache.id),
                    functionAssociations: viewerRequest(fallback),
                },
                orderedCacheBehaviors: ordered,
                viewerCertificate:
                    args.certificateArn === undefined
                        ? { cloudfrontDefaultCertificate: true }
                        : {
                              acmCertificateArn: args.certificateArn,
                              sslSupportMethod: "sni-only",
                              minimumProtocolVersion: "TLSv1.2_2021",
                          },
                restrictions: { geoRestriction: { restrictionType: "none" } },
                webAclId: args.webAclArn,
                loggingConfig:
                    args.logBucketDomainName === undefined
                        ? undefined
                        : { bucket: args.logBucketDomainName, prefix: s.logPrefix, includeCookies: false },
                tags: tags(`${name}-cdn`),
            },
            child,
        );

        // Policy after the public access block: S3 refuses concurrent changes to both.
        const policy = new aws.s3.BucketPolicy(
            `${name}-site-policy`,
            {
                bucket: bucket.id,
                policy: pulumi
                    .all([bucket.arn, distribution.arn])
                    .apply(([bucketArn, distributionArn]) =>
                        JSON.stringify(siteBucketPolicy(bucketArn, distributionArn)),
                    ),
            },
            { ...child, dependsOn: [publicAccessBlock] },
        );

        for (const f of files) {
            new aws.s3.BucketObjectv2(
                `${name}-file-${f.key}`,
                {
                    bucket: bucket.id,
                    key: f.key,
                    source: new pulumi.asset.FileAsset(f.path),
                    contentType: f.contentType,
                    cacheControl: f.cacheControl,
                    tags: tags(`${name}-file-${f.key}`),
                },
                { ...child, dependsOn: [policy, encryption] },
            );
        }

        for (const g of s.generatedFiles) {
            new aws.s3.BucketObjectv2(
                `${name}-generated-${g.key}`,
                {
                    bucket: bucket.id,
                    key: g.key,
                    content: g.content,
                    contentType: g.contentType,
                    cacheControl: "no-cache",
                    tags: tags(`${name}-generated-${g.key}`),
                },
                { ...child, dependsOn: [policy, encryption] },
            );
        }

        this.bucketName = bucket.bucket;
        this.bucketArn = bucket.arn;
        this.distributionId = distribution.id;
        this.distributionArn = distribution.arn;
        this.domainName = distribution.domainName;
        this.hostedZoneId = distribution.hostedZoneId;
        this.url = pulumi.interpolate`https://${s.aliases[0] ?? distribution.domainName}`;
        this.mediaReadPolicyStatement =
            args.mediaBucketName === undefined
                ? pulumi.output(undefined)
                : pulumi.all([args.mediaBucketName, distribution.arn]).apply(([b, distributionArn]) =>
                      JSON.stringify(
                          cloudFrontReadStatement({
                              bucketArn: `arn:aws:s3:::${b}`,
                              distributionArn,
                              prefix: MEDIA_KEY_PREFIX,
                              sid: "AllowCloudFrontReadRenditions",
                          }),
                      ),
                  );
        this.contentSecurityPolicy = csp;
        this.registerOutputs({
            bucketName: this.bucketName,
            bucketArn: this.bucketArn,
            distributionId: this.distributionId,
            distributionArn: this.distributionArn,
            domainName: this.domainName,
            hostedZoneId: this.hostedZoneId,
            url: this.url,
            mediaReadPolicyStatement: this.mediaReadPolicyStatement,
            contentSecurityPolicy: this.contentSecurityPolicy,
        });
    }

    /** The private, owner-enforced, encrypted site bucket (its policy comes with the distribution). */
    private siteBucket(name: string, s: StaticSiteSettings, args: StaticSiteArgs) {
        return privateBucket(
            `${name}-site`,
            s,
            args.tags,
            { parent: this },
            { protect: s.production, retainOnDelete: s.production },
        );
    }
}

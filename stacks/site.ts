/**
 * One domain for the user: a StaticSite distribution serves `/` from the
 * site bucket (the built web frontend, uploaded by the program), `/api/*`
 * (and the further services' paths) from the ingress (the ALB in prod, the
 * HTTP API in dev) and `/media/renders/*` from the media bucket through
 * origin access control. The ALB then admits only CloudFront: its security
 * group opens to the `com.amazonaws.global.cloudfront.origin-facing`
 * prefix list alone, and its listener forwards only requests carrying a
 * random origin header (a Pulumi secret), answering anything else 403. The
 * web ACL sits on the distribution (scope CLOUDFRONT, in us-east-1).
 *
 * Two steps, because the media bucket's policy and CORS name the
 * distribution that needs the bucket's name: {@link prepareSite} runs
 * before the ImagePipeline and the service (deferred grants, the ALB's
 * prefix list and header), {@link buildSite} after them.
 */
import * as fs from "fs";
import * as path from "path";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import {
    DomainCertificate,
    type EcsEc2Service,
    type EcsEc2ServiceArgs,
    type ImagePipeline,
    type ImagePipelineArgs,
    StaticSite,
    type StaticSiteArgs,
    ValidationError,
    WebFirewall,
    type WebFirewallArgs,
} from "../components";
import { usEast1ProviderArgs } from "../components/billing/provider";
import type { EnvironmentConfig } from "./config";
import { aliasRecord } from "./edge";
import { buildServices, joinOf, servicePathPatterns, type ServiceJoin, type ServiceParts } from "./services";

/** The header CloudFront adds to every API origin request, and the ALB requires. */
export const ORIGIN_HEADER_NAME = "X-Origin-Verify";
/** AWS managed prefix list of CloudFront's origin-facing addresses. */
export const CLOUDFRONT_PREFIX_LIST = "com.amazonaws.global.cloudfront.origin-facing";
/** Length of the random origin header value (letters and digits: ALB header conditions treat * and ? as wildcards). */
export const ORIGIN_SECRET_LENGTH = 48;

/**
 * The rule for the built frontend: the program uploads `siteDir`, so it must
 * hold `index.html` when the program runs (`pulumi preview` and `up` alike),
 * or nothing is registered. The offline plan and the stack specs build it on
 * demand first (scripts/webBuild.ts); CI runs `npm run build:web`.
 */
export function siteBuildProblem(siteDir: string, exists: (p: string) => boolean = fs.existsSync): string | undefined {
    return exists(path.join(path.resolve(siteDir), "index.html"))
        ? undefined
        : `aws-webapp:siteDir: ${JSON.stringify(siteDir)} has no index.html: expected the built web frontend (run \`npm run build:web\` first; the program uploads it to the site bucket)`;
}

/** What the environment hands its components before the site exists. */
export interface SitePreparation {
    /** ImagePipeline args: the distribution reads renders/ (OAC) and the site's origin uploads by POST. */
    readonly media: Pick<
        ImagePipelineArgs,
        "corsAllowedOrigins" | "corsAllowedMethods" | "rendersBucketPolicyStatements"
    >;
    /** EcsEc2Service args (ingress "alb"): only CloudFront, only with the origin header. */
    readonly loadBalancer: Pick<EcsEc2ServiceArgs, "ingressPrefixListIds" | "originVerifyHeader">;
    /** The origin header's value (a secret), with ingress "alb". */
    readonly originSecret: pulumi.Output<string> | undefined;
    /** The site's URL (`https://<domain or distribution domain>`), known once the site exists. */
    readonly siteUrl: pulumi.Output<string>;
    /** Fills the deferred grants once the site exists. */
    connect(site: StaticSite): void;
}

/**
 * Checks the frontend build (throws before any registration), then creates
 * the origin secret and looks up CloudFront's prefix list (ingress "alb").
 */
export function prepareSite(config: EnvironmentConfig): SitePreparation {
    const problem = siteBuildProblem(config.siteDir);
    if (problem) throw new ValidationError(`stack "${config.stack}" configuration`, [problem]);
    const [statement, resolveStatement] = pulumi.deferredOutput<string | undefined>();
    const [origin, resolveOrigin] = pulumi.deferredOutput<string>();
    let originSecret: pulumi.Output<string> | undefined;
    let loadBalancer: SitePreparation["loadBalancer"] = {};
    if (config.ingress === "alb") {
        const secret = new random.RandomPassword(`${config.stack}-origin-secret`, {
            length: ORIGIN_SECRET_LENGTH,
            special: false,
        });
        originSecret = pulumi.secret(secret.result);
        const prefixList = aws.ec2.getManagedPrefixListOutput({ name: CLOUDFRONT_PREFIX_LIST });
        loadBalancer = {
            ingressPrefixListIds: [prefixList.id],
            originVerifyHeader: { name: ORIGIN_HEADER_NAME, value: originSecret },
        };
    }
    return {
        media: {
            corsAllowedOrigins: [origin],
            corsAllowedMethods: ["POST"],
            rendersBucketPolicyStatements: [statement],
        },
        loadBalancer,
        originSecret,
        siteUrl: origin,
        connect(site) {
            resolveStatement(site.mediaReadPolicyStatement);
            resolveOrigin(site.url);
        },
    };
}

export interface SiteParts {
    readonly tags: Record<string, string>;
    readonly vpc: {
        readonly vpcId: pulumi.Input<string>;
        readonly cidrBlock: pulumi.Input<string>;
        readonly privateSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
    };
    readonly service: EcsEc2Service;
    readonly images: ImagePipeline;
    /** The application's certificate (stack region), with a domain. */
    readonly certificate: DomainCertificate | undefined;
    /** Sign-in (a UserAuth): the site serves its settings at `/auth.json` and the CSP admits Cognito. */
    readonly signIn?: {
        readonly issuerUrl: pulumi.Input<string>;
        readonly clientId: pulumi.Input<string>;
        /** `https://<login domain>`: base of the sign-out and revocation endpoints. */
        readonly loginBaseUrl: pulumi.Input<string>;
    };
}

/** Origins the page's sign-in code calls (OIDC discovery at the issuer, the token endpoint on the login domain). */
export function signInConnectSources(region: string): string[] {
    return [`https://cognito-idp.${region}.amazonaws.com`, `https://*.auth.${region}.amazoncognito.com`];
}

/**
 * The sign-in settings the web app reads at start (web/src/auth.ts): `/auth.json`. Cognito's discovery
 * document names no end-session or revocation endpoint: sign-out uses the login domain's `/logout`
 * (the provider's session ends) and `/oauth2/revoke` (the refresh token is revoked).
 */
export function authSettingsFile(signIn: NonNullable<SiteParts["signIn"]>) {
    return {
        key: "auth.json",
        content: pulumi.jsonStringify({
            issuer: signIn.issuerUrl,
            clientId: signIn.clientId,
            logoutUrl: pulumi.interpolate`${signIn.loginBaseUrl}/logout`,
            revocationUrl: pulumi.interpolate`${signIn.loginBaseUrl}/oauth2/revoke`,
        }),
        contentType: "application/json",
    };
}

/** A certificate CloudFront accepts (us-east-1): the stack's own there, else one issued in us-east-1. */
function cloudFrontCertificate(
    config: EnvironmentConfig,
    certificate: DomainCertificate | undefined,
    tags: Record<string, string>,
) {
    if (!certificate || !config.domainName || !config.hostedZoneName) return undefined;
    if (config.region === "us-east-1") return certificate.certificateArn;
    const provider = new aws.Provider(`${config.stack}-site-us-east-1`, usEast1ProviderArgs());
    return new DomainCertificate(
        `${config.stack}-site-domain`,
        { domainName: config.domainName, hostedZoneName: config.hostedZoneName, tags },
        { providers: [provider] },
    ).certificateArn;
}

/** The distribution's arguments (pure: the pre-pass judges them before anything is registered). */
export function staticSiteArgs(
    config: EnvironmentConfig,
    parts: SiteParts,
    prep: Pick<SitePreparation, "originSecret">,
    certificateArn: pulumi.Input<string> | undefined,
    webAclArn: pulumi.Input<string> | undefined,
): StaticSiteArgs {
    const prod = config.environment === "prod";
    const alb = config.ingress === "alb";
    const { service, certificate, tags } = parts;
    return {
        siteDir: config.siteDir,
        generatedFiles: parts.signIn ? [authSettingsFile(parts.signIn)] : [],
        connectSources: parts.signIn ? signInConnectSources(config.region) : [],
        aliases: certificateArn && config.domainName ? [config.domainName] : [],
        certificateArn,
        apiOriginDomainName: alb
            ? service.loadBalancerDnsName.apply((d) => d!)
            : service.url.apply((u) => new URL(u).host),
        apiPathPatterns: ["/api/*", ...servicePathPatterns(config.services)],
        // An ALB with the site's certificate: TLS checked against the forwarded Host. Without one, plain HTTP.
        apiOriginProtocol: alb && !certificate ? "http-only" : "https-only",
        apiOriginForwardHost: alb && certificate !== undefined,
        apiOriginSecret: prep.originSecret,
        apiOriginHeaderName: ORIGIN_HEADER_NAME,
        mediaBucketName: parts.images.rendersBucketName,
        mediaBucketRegion: config.region,
        webAclArn,
        priceClass: config.sitePriceClass,
        production: prod,
        forceDestroy: !prod,
        tags,
    };
}

/** The web ACL's arguments (scope CLOUDFRONT), with wafEnabled. */
export function edgeFirewallArgs(config: EnvironmentConfig, tags: Record<string, string>): WebFirewallArgs {
    return { scope: "CLOUDFRONT", logRetentionDays: config.logRetentionDays, tags };
}

/** What the further services are built from (the join: the API's blocks, or stand-ins in the pre-pass). */
export function serviceParts(config: EnvironmentConfig, parts: SiteParts, join: ServiceJoin): ServiceParts {
    return {
        name: config.stack,
        vpcId: parts.vpc.vpcId,
        cidrBlock: parts.vpc.cidrBlock,
        subnetIds: parts.vpc.privateSubnetIds,
        join,
        logRetentionDays: config.logRetentionDays,
        tags: parts.tags,
    };
}

/** The distribution, its web ACL and DNS record, and the further services. */
export function buildSite(config: EnvironmentConfig, parts: SiteParts, prep: SitePreparation) {
    const name = config.stack;
    const { service, certificate, tags } = parts;
    const services = buildServices(config.services, serviceParts(config, parts, joinOf(service)));
    const firewall = config.wafEnabled
        ? new WebFirewall(`${name}-edge-waf`, edgeFirewallArgs(config, tags))
        : undefined;
    const certificateArn = cloudFrontCertificate(config, certificate, tags);
    const site = new StaticSite(
        `${name}-site`,
        staticSiteArgs(config, parts, prep, certificateArn, firewall?.webAclArn),
    );
    prep.connect(site);
    if (certificate && config.domainName) {
        // The A record that pointed at the load balancer (same name, same parent) now points at
        // CloudFront; an AAAA record beside it serves IPv6 viewers (the distribution has IPv6 on).
        for (const [role, type] of [
            ["domain", "A"],
            ["domain-ipv6", "AAAA"],
        ] as const)
            aliasRecord(
                `${name}-${role}`,
                {
                    zoneId: certificate.zoneId,
                    domainName: config.domainName,
                    targetDnsName: site.domainName,
                    targetZoneId: site.hostedZoneId,
                    type,
                },
                { parent: certificate },
            );
    }
    return { url: site.url, distributionId: site.distributionId, site, services, firewall };
}

/**
 * The site (stacks/site.ts) as steps of the pre-pass (stacks/steps.ts): the
 * frontend build and the origin secret before the ImagePipeline and the
 * service, the distribution, its web ACL and the further services after
 * them. The StaticSite's and the web ACL's resolvers run before anything is
 * registered; `siteDir` resolves against the project directory.
 */
import * as path from "path";
import type { StaticSite } from "../components";
import { resolveStaticSiteArgs } from "../components/cdn/siteArgs";
import { resolveWebFirewallArgs } from "../components/edge/webFirewall";
import { ValidationError } from "../components/shared/validation";
import type { EnvironmentConfig } from "./config";
import { environmentTags, PROJECT_DIR } from "./environmentSteps";
import {
    buildSite,
    edgeFirewallArgs,
    ORIGIN_HEADER_NAME,
    prepareSite,
    serviceParts,
    siteBuildProblem,
    type SitePreparation,
    staticSiteArgs,
} from "./site";
import { type ServiceJoin, validateServices } from "./services";
import { step, unknownOutput } from "./steps";

declare module "./steps" {
    interface Refs {
        sitePrep: SitePreparation;
        site: { readonly url: StaticSite["url"]; readonly site: StaticSite };
    }
}

/** The configuration the site sees: `siteDir` against the project directory, not the working directory. */
function siteConfig(c: EnvironmentConfig): EnvironmentConfig {
    return { ...c, siteDir: path.resolve(PROJECT_DIR, c.siteDir) };
}

/** Stand-ins of what the further services join (the API's blocks do not exist during the pre-pass). */
function standInJoin(c: EnvironmentConfig): ServiceJoin {
    const u = () => unknownOutput<string>();
    return {
        cluster: { clusterArn: u(), clusterName: u() },
        capacityProviderName: u(),
        loadBalancer:
            c.ingress === "alb"
                ? {
                      listenerArn: u(),
                      securityGroupId: u(),
                      arnSuffix: u(),
                      url: u(),
                      originVerifyHeader: { name: ORIGIN_HEADER_NAME, value: u() },
                  }
                : undefined,
        httpApi:
            c.ingress === "httpApi"
                ? { apiId: u(), vpcLinkId: u(), securityGroupId: u(), namespaceId: u(), url: u() }
                : undefined,
    };
}

/** Runs several resolvers; their problems are thrown together. */
function together(subject: string, ...resolvers: (() => unknown)[]): void {
    const problems: string[] = [];
    for (const resolve of resolvers) {
        try {
            resolve();
        } catch (e) {
            if (!(e instanceof ValidationError)) throw e;
            problems.push(...e.problems);
        }
    }
    if (problems.length > 0) throw new ValidationError(subject, problems);
}

export const sitePrepStep = step({
    ref: "sitePrep",
    component: "StaticSite",
    name: (c) => `${c.stack}-site`,
    args: (c) => siteConfig(c),
    validate: (name, c) => {
        const problem = siteBuildProblem(c.siteDir);
        if (problem) throw new ValidationError(`StaticSite "${name}"`, [problem]);
    },
    create: (_name, c) => prepareSite(c),
    // What the ImagePipeline and the service read before the site exists.
    standIn: (_args, c) => ({
        media: {
            corsAllowedOrigins: [unknownOutput<string>()],
            corsAllowedMethods: ["POST" as const],
            rendersBucketPolicyStatements: [unknownOutput<string | undefined>()],
        },
        loadBalancer:
            c.ingress === "alb"
                ? {
                      ingressPrefixListIds: [unknownOutput<string>()],
                      originVerifyHeader: { name: ORIGIN_HEADER_NAME, value: unknownOutput<string>() },
                  }
                : {},
        originSecret: c.ingress === "alb" ? unknownOutput<string>() : undefined,
        siteUrl: unknownOutput<string>(),
    }),
});

export const siteStep = step({
    ref: "site",
    component: "StaticSite",
    name: (c) => `${c.stack}-site`,
    args: (c, refs) => ({
        config: siteConfig(c),
        parts: {
            tags: environmentTags(c),
            vpc: refs.vpc,
            service: refs.service,
            images: refs.images,
            certificate: refs.certificate,
            // The page signs in against the stack's user pool (served as /auth.json, admitted by the CSP).
            signIn: refs.auth,
        },
        prep: refs.sitePrep,
    }),
    validate: (name, a) =>
        together(
            `StaticSite "${name}"`,
            // The further services, joined to stand-ins of the API's cluster and ingress.
            () => validateServices(a.config.services, serviceParts(a.config, a.parts, standInJoin(a.config))),
            () =>
                a.config.wafEnabled && resolveWebFirewallArgs(`${name}-waf`, edgeFirewallArgs(a.config, a.parts.tags)),
            () =>
                resolveStaticSiteArgs(
                    name,
                    staticSiteArgs(
                        a.config,
                        a.parts,
                        a.prep,
                        a.parts.certificate?.certificateArn,
                        a.config.wafEnabled ? unknownOutput<string>() : undefined,
                    ),
                ),
        ),
    create: (_name, a) => buildSite(a.config, a.parts, a.prep),
    keys: {
        priceClass: "sitePriceClass",
        aliases: "domainName",
        certificateArn: "domainName",
        apiPathPatterns: "services",
        mediaBucketRegion: "aws:region",
        webAclArn: "wafEnabled",
        production: "environment",
        forceDestroy: "environment",
        apiOriginDomainName: "",
        apiOriginSecret: "",
        mediaBucketName: "",
    },
});

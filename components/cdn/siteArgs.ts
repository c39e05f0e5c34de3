// The arguments of StaticSite, their defaults, and the checks that run before anything is registered.
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { awsRegion } from "../shared/regions";
import { checkTags } from "../shared/tags";
import { isKnown, Problems } from "../shared/validation";
import { contentSecurityPolicy, MAX_CSP_LENGTH } from "./headers";

/** How CloudFront connects to the `/api/*` origin. */
export const ApiOriginProtocol = {
    /** TLS to the origin (an HTTP API's `execute-api` domain, an ALB with a certificate for its origin name). */
    HttpsOnly: "https-only",
    /** Plain HTTP to the origin (an ALB listening on port 80 only to CloudFront's prefix list). */
    HttpOnly: "http-only",
} as const;
export type ApiOriginProtocol = (typeof ApiOriginProtocol)[keyof typeof ApiOriginProtocol];

/** CloudFront price classes (edge locations used). */
export const PriceClass = {
    /** North America and Europe (the cheapest). */
    PriceClass100: "PriceClass_100",
    /** Adds Asia, the Middle East and Africa. */
    PriceClass200: "PriceClass_200",
    /** Every edge location. */
    PriceClassAll: "PriceClass_All",
} as const;
export type PriceClass = (typeof PriceClass)[keyof typeof PriceClass];

export const STATIC_SITE_DEFAULTS = {
    assetsDir: "assets",
    htmlCacheSeconds: 60,
    apiOriginProtocol: "https-only" as ApiOriginProtocol,
    apiOriginHeaderName: "X-Origin-Verify",
    apiPathPatterns: ["/api/*"] as readonly string[],
    apiOriginForwardHost: false,
    priceClass: "PriceClass_100" as PriceClass,
    hstsMaxAgeSeconds: 63_072_000,
    hstsIncludeSubdomains: true,
    hstsPreload: false,
    logPrefix: "cloudfront/",
} as const;

/** A file the program writes into the site bucket (its content may be an Output). */
export interface GeneratedFile {
    /** Object key, e.g. `auth.json`. */
    readonly key: string;
    /** The file's text. */
    readonly content: pulumi.Input<string>;
    /** Its Content-Type, e.g. `application/json`. */
    readonly contentType: string;
}

/** Arguments of {@link StaticSite}. */
export interface StaticSiteArgs {
    /**
     * Directory of the built site (for example `web/dist`, from `npm run
     * build:web`), relative to the working directory; every file is uploaded
     * as an S3 object with its content type and cache-control. It must
     * contain `index.html`.
     * @default undefined (nothing uploaded: the bucket is filled another way)
     */
    readonly siteDir?: string;
    /**
     * Files the program generates, uploaded beside the build with
     * `Cache-Control: no-cache`: runtime configuration such as the sign-in
     * settings the app reads from `/auth.json`. Keys may not collide with the
     * build's files.
     * @default []
     */
    readonly generatedFiles?: GeneratedFile[];
    /**
     * Directory (inside siteDir) of the bundler's content-hashed files, served
     * with a year-long immutable cache (`/<assetsDir>/*` behaviour).
     * @default STATIC_SITE_DEFAULTS.assetsDir ("assets", Vite's)
     */
    readonly assetsDir?: string;
    /**
     * Seconds browsers and CloudFront keep `index.html` and the other
     * unhashed files before revalidating (a deploy shows after at most this).
     * @default STATIC_SITE_DEFAULTS.htmlCacheSeconds (60)
     */
    readonly htmlCacheSeconds?: number;
    /**
     * Custom domain names of the distribution; needs certificateArn.
     * @default [] (the distribution's own `*.cloudfront.net` name)
     */
    readonly aliases?: string[];
    /**
     * ACM certificate in us-east-1 (CloudFront's region for certificates)
     * covering every alias; viewers then need TLS 1.2 (`TLSv1.2_2021`).
     * @default undefined (CloudFront's default certificate)
     */
    readonly certificateArn?: pulumi.Input<string>;
    /**
     * Domain name of the origin of `/api/*`: the ALB's DNS name (prod) or
     * the HTTP API's `<id>.execute-api.<region>.amazonaws.com` (dev). Not
     * cached; every viewer header but Host is forwarded.
     * @default undefined (no /api/* behaviour)
     */
    readonly apiOriginDomainName?: pulumi.Input<string>;
    /**
     * Path patterns CloudFront sends to the API origin (the API, and any
     * further service behind the same load balancer or HTTP API, such as
     * `/app/*`), in this order, before the media and site behaviours.
     * @default STATIC_SITE_DEFAULTS.apiPathPatterns (["/api/*"])
     */
    readonly apiPathPatterns?: string[];
    /**
     * Forward the viewer's Host header to the API origin (origin request
     * policy `Managed-AllViewer`). Needed for an ALB with a certificate for
     * the site's own domain: CloudFront then checks the origin's
     * certificate against that Host. Never for an HTTP API (it routes on
     * its own host name).
     * @default STATIC_SITE_DEFAULTS.apiOriginForwardHost (false: all viewer headers but Host)
     */
    readonly apiOriginForwardHost?: boolean;
    /**
     * How CloudFront connects to the API origin.
     * @default STATIC_SITE_DEFAULTS.apiOriginProtocol ("https-only")
     */
    readonly apiOriginProtocol?: ApiOriginProtocol;
    /**
     * Secret value CloudFront adds to every API origin request in the
     * apiOriginHeaderName header, for the origin to accept only CloudFront
     * (an ALB listener rule). Kept as a Pulumi secret; at least 32 characters.
     * @default undefined (no header)
     */
    readonly apiOriginSecret?: pulumi.Input<string>;
    /**
     * Name of the header carrying apiOriginSecret.
     * @default STATIC_SITE_DEFAULTS.apiOriginHeaderName ("X-Origin-Verify")
     */
    readonly apiOriginHeaderName?: string;
    /**
     * Media bucket (an ImagePipeline's rendersBucketName): `/media/renders/*`
     * is served from its `renders/` prefix through origin access control;
     * its policy needs the statement in `mediaReadPolicyStatement`.
     * Its regional origin is allowed in the CSP's `connect-src` (presigned
     * POST uploads).
     * @default undefined (no /media/renders/* behaviour)
     */
    readonly mediaBucketName?: pulumi.Input<string>;
    /**
     * Region of the media bucket.
     * @default the stack's region
     */
    readonly mediaBucketRegion?: string;
    /**
     * More `connect-src` origins of the CSP (`https://host`), such as the
     * Cognito sign-in domain or a separate uploads bucket.
     * @default []
     */
    readonly connectSources?: string[];
    /**
     * ARN of a WAFv2 web ACL of scope CLOUDFRONT (created in us-east-1).
     * @default undefined (no web ACL)
     */
    readonly webAclArn?: pulumi.Input<string>;
    /**
     * Domain of the S3 bucket receiving standard access logs
     * (`<bucket>.s3.amazonaws.com`; the bucket must allow ACLs, as CloudFront
     * standard logging writes with one).
     * @default undefined (no access logs)
     */
    readonly logBucketDomainName?: pulumi.Input<string>;
    /**
     * Key prefix of the access logs.
     * @default STATIC_SITE_DEFAULTS.logPrefix ("cloudfront/")
     */
    readonly logPrefix?: string;
    /**
     * Edge locations used.
     * @default STATIC_SITE_DEFAULTS.priceClass ("PriceClass_100")
     */
    readonly priceClass?: PriceClass;
    /**
     * `Strict-Transport-Security` max-age in seconds (at least a year).
     * @default STATIC_SITE_DEFAULTS.hstsMaxAgeSeconds (two years)
     */
    readonly hstsMaxAgeSeconds?: number;
    /**
     * HSTS `includeSubDomains`.
     * @default STATIC_SITE_DEFAULTS.hstsIncludeSubdomains (true)
     */
    readonly hstsIncludeSubdomains?: boolean;
    /**
     * HSTS `preload` (only once the domain is ready for the preload list).
     * @default STATIC_SITE_DEFAULTS.hstsPreload (false)
     */
    readonly hstsPreload?: boolean;
    /**
     * Production switch: the site bucket is registered with `protect` and
     * `retainOnDelete`; forceDestroy is refused.
     * @default false
     */
    readonly production?: boolean;
    /**
     * Let `pulumi destroy` empty and delete the site bucket.
     * @default false
     */
    readonly forceDestroy?: boolean;
    /**
     * Tags on every taggable child (merged under a `Name` tag).
     * @default {}
     */
    readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

const ACM_ARN = /^arn:aws(-[a-z]+)*:acm:us-east-1:\d{12}:certificate\/[A-Za-z0-9-]+$/;
const WAF_ARN = /^arn:aws(-[a-z]+)*:wafv2:us-east-1:\d{12}:global\/webacl\/[A-Za-z0-9_-]+\/[a-f0-9-]+$/;
const LABEL = "[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?";
const HOST = new RegExp(`^(\\*\\.)?(${LABEL}\\.)+${LABEL}$`);
const ORIGIN_HOST = new RegExp(`^(${LABEL}\\.)*${LABEL}$`);
const HEADER = /^[A-Za-z0-9-]{1,100}$/;
const ORIGIN = /^https:\/\/(\*\.)?[a-z0-9.-]+(:\d{1,5})?$/;
const KEY = /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/;
const DIR = /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/;
const PATH_PATTERN = /^\/[A-Za-z0-9._~-]+(\/[A-Za-z0-9._~-]+)*\/\*$/;
/** Headers CloudFront refuses as origin custom headers, or that the distribution sets itself. */
const RESERVED_HEADERS = ["host", "authorization", "cookie", "content-length", "x-forwarded-for", "x-amz-cf-id", "via"];

const isInt = (v: unknown, min: number, max: number): v is number =>
    typeof v === "number" && Number.isInteger(v) && v >= min && v <= max;

function oneOf<T extends string>(problems: Problems, key: string, value: unknown, allowed: readonly T[]): T {
    problems.expect(
        (allowed as readonly unknown[]).includes(value),
        key,
        value,
        `is not one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}`,
    );
    return value as T;
}

function stringList(problems: Problems, key: string, value: unknown, ok: RegExp, expected: string): string[] {
    if (!Array.isArray(value)) {
        problems.expect(false, key, value, "is not a list of strings");
        return [];
    }
    value.forEach((item, i) => {
        problems.expect(typeof item === "string" && ok.test(item), `${key}[${i}]`, item, expected);
        problems.expect(value.indexOf(item) === i, `${key}[${i}]`, item, "is listed twice");
    });
    return value as string[];
}

/**
 * Applies the defaults and checks every plain argument (and siteDir on disk),
 * throwing one ValidationError (subject `StaticSite "<name>"`) listing each
 * bad argument. Outputs are checked only when they are plain strings.
 */
export function resolveStaticSiteArgs(name: string, args: StaticSiteArgs) {
    const problems = new Problems(`StaticSite "${name}"`);
    const d = STATIC_SITE_DEFAULTS;
    const bool = (key: keyof StaticSiteArgs, fallback: boolean): boolean => {
        const value = args[key] ?? fallback;
        problems.expect(typeof value === "boolean", key, value, "is not a boolean: expected true or false");
        return value as boolean;
    };
    const int = (key: keyof StaticSiteArgs, fallback: number, min: number, max: number, unit: string): number => {
        const value = args[key] ?? fallback;
        problems.expect(isInt(value, min, max), key, value, `is not an integer from ${min} to ${max} (${unit})`);
        return value as number;
    };

    const production = bool("production", false);
    const forceDestroy = bool("forceDestroy", false);
    problems.expect(!(production && forceDestroy), "forceDestroy", forceDestroy, "is refused with production: true");

    const assetsDir = args.assetsDir ?? d.assetsDir;
    problems.expect(
        typeof assetsDir === "string" && DIR.test(assetsDir) && !assetsDir.split("/").includes(".."),
        "assetsDir",
        assetsDir,
        'is not a relative directory like "assets"',
    );
    const siteDir = args.siteDir === undefined ? undefined : path.resolve(String(args.siteDir));
    if (siteDir !== undefined) {
        problems.expect(
            typeof args.siteDir === "string" && fs.existsSync(path.join(siteDir, "index.html")),
            "siteDir",
            args.siteDir,
            "has no index.html: expected the built site's directory (run `npm run build:web`)",
        );
    }
    const generatedFiles = args.generatedFiles ?? [];
    if (!Array.isArray(generatedFiles)) problems.add("generatedFiles: is not a list of {key, content, contentType}");
    else
        generatedFiles.forEach((f, i) => {
            problems.expect(
                typeof f?.key === "string" && KEY.test(f.key) && !f.key.split("/").includes(".."),
                `generatedFiles[${i}].key`,
                f?.key,
                'is not an object key like "auth.json"',
            );
            problems.expect(
                typeof f?.contentType === "string" &&
                    /^[a-z]+\/[a-z0-9.+-]+(; ?charset=[a-z0-9-]+)?$/i.test(f.contentType),
                `generatedFiles[${i}].contentType`,
                f?.contentType,
                'is not a media type like "application/json"',
            );
            problems.expect(
                generatedFiles.findIndex((g) => g?.key === f?.key) === i,
                `generatedFiles[${i}].key`,
                f?.key,
                "is listed twice",
            );
        });
    const htmlCacheSeconds = int("htmlCacheSeconds", d.htmlCacheSeconds, 0, 86_400, "seconds");

    const aliases = stringList(problems, "aliases", args.aliases ?? [], HOST, "is not a domain name");
    if (aliases.length > 0 && args.certificateArn === undefined) {
        problems.add(`aliases: ${JSON.stringify(aliases)} need certificateArn (an ACM certificate in us-east-1)`);
    }
    if (args.certificateArn !== undefined && isKnown(args.certificateArn)) {
        problems.expect(
            typeof args.certificateArn === "string" && ACM_ARN.test(args.certificateArn),
            "certificateArn",
            args.certificateArn,
            "is not an ACM certificate ARN in us-east-1 (CloudFront uses certificates from us-east-1 only)",
        );
        problems.expect(aliases.length > 0, "certificateArn", args.certificateArn, "is given without aliases");
    }

    const apiOriginProtocol = oneOf(problems, "apiOriginProtocol", args.apiOriginProtocol ?? d.apiOriginProtocol, [
        "https-only",
        "http-only",
    ] as const);
    const apiOriginHeaderName = args.apiOriginHeaderName ?? d.apiOriginHeaderName;
    problems.expect(
        typeof apiOriginHeaderName === "string" &&
            HEADER.test(apiOriginHeaderName) &&
            !RESERVED_HEADERS.includes(apiOriginHeaderName.toLowerCase()),
        "apiOriginHeaderName",
        apiOriginHeaderName,
        "is not a custom header name (letters, digits, hyphens; not a header CloudFront sets)",
    );
    if (args.apiOriginDomainName !== undefined && isKnown(args.apiOriginDomainName)) {
        problems.expect(
            typeof args.apiOriginDomainName === "string" && ORIGIN_HOST.test(args.apiOriginDomainName),
            "apiOriginDomainName",
            args.apiOriginDomainName,
            "is not a domain name (no scheme, path or port)",
        );
    }
    if (args.apiOriginSecret !== undefined) {
        if (args.apiOriginDomainName === undefined)
            problems.add("apiOriginSecret: is given without apiOriginDomainName");
        if (isKnown(args.apiOriginSecret)) {
            const ok = typeof args.apiOriginSecret === "string" && /^[\x21-\x7e]{32,256}$/.test(args.apiOriginSecret);
            // The value is secret: the message names its length, never the value.
            if (!ok)
                problems.add("apiOriginSecret: (hidden) is not 32 to 256 printable ASCII characters without spaces");
        }
    }

    const apiPathPatterns = stringList(
        problems,
        "apiPathPatterns",
        args.apiPathPatterns ?? [...d.apiPathPatterns],
        PATH_PATTERN,
        'is not a path pattern like "/api/*" (outside /media and the assets directory)',
    );
    apiPathPatterns.forEach((pattern, i) =>
        problems.expect(
            !pattern.startsWith("/media/") && !pattern.startsWith(`/${assetsDir}/`) && pattern !== "/*",
            `apiPathPatterns[${i}]`,
            pattern,
            `overlaps the site's own behaviours (/*, /${assetsDir}/*, /media/renders/*)`,
        ),
    );
    if (args.apiPathPatterns !== undefined && args.apiOriginDomainName === undefined)
        problems.add("apiPathPatterns: is given without apiOriginDomainName");
    const apiOriginForwardHost = bool("apiOriginForwardHost", d.apiOriginForwardHost);

    const mediaBucketRegion = args.mediaBucketRegion;
    if (mediaBucketRegion !== undefined) {
        const regionProblem = awsRegion(mediaBucketRegion);
        if (regionProblem) problems.expect(false, "mediaBucketRegion", mediaBucketRegion, regionProblem);
    }
    const connectSources = stringList(
        problems,
        "connectSources",
        args.connectSources ?? [],
        ORIGIN,
        'is not an https origin like "https://auth.example.com"',
    );
    if (args.webAclArn !== undefined && isKnown(args.webAclArn)) {
        problems.expect(
            typeof args.webAclArn === "string" && WAF_ARN.test(args.webAclArn),
            "webAclArn",
            args.webAclArn,
            "is not the ARN of a WAFv2 web ACL of scope CLOUDFRONT (arn:aws:wafv2:us-east-1:<account>:global/webacl/<name>/<id>)",
        );
    }
    const logPrefix = args.logPrefix ?? d.logPrefix;
    problems.expect(
        typeof logPrefix === "string" && /^[A-Za-z0-9!_.*'()/-]{0,200}$/.test(logPrefix),
        "logPrefix",
        logPrefix,
        "is not an S3 key prefix",
    );
    const priceClass = oneOf(problems, "priceClass", args.priceClass ?? d.priceClass, Object.values(PriceClass));
    const hsts = {
        maxAgeSeconds: int(
            "hstsMaxAgeSeconds",
            d.hstsMaxAgeSeconds,
            31_536_000,
            63_072_000,
            "seconds, one to two years",
        ),
        includeSubdomains: bool("hstsIncludeSubdomains", d.hstsIncludeSubdomains),
        preload: bool("hstsPreload", d.hstsPreload),
    };
    if (hsts.preload) {
        problems.expect(
            hsts.includeSubdomains,
            "hstsPreload",
            true,
            "needs hstsIncludeSubdomains: true (preload list rule)",
        );
    }
    // The longest CSP this configuration can produce (media origin at its longest) must fit CloudFront's limit.
    const longest = contentSecurityPolicy({
        connectSources: [...connectSources, `https://${"b".repeat(63)}.s3.ap-southeast-5.amazonaws.com`],
    });
    problems.expect(
        longest.length <= MAX_CSP_LENGTH,
        "connectSources",
        connectSources,
        `make the Content-Security-Policy longer than CloudFront's ${MAX_CSP_LENGTH} characters`,
    );

    checkTags(problems, "tags", args.tags ?? {});

    problems.throwIfAny();
    return {
        production,
        forceDestroy,
        siteDir,
        generatedFiles: Array.isArray(generatedFiles) ? generatedFiles : [],
        assetsDir,
        htmlCacheSeconds,
        aliases,
        apiOriginProtocol,
        apiOriginHeaderName,
        apiPathPatterns,
        apiOriginForwardHost,
        mediaBucketRegion,
        connectSources,
        logPrefix,
        priceClass,
        hsts,
    };
}

/** The validated settings with defaults applied. */
export type StaticSiteSettings = ReturnType<typeof resolveStaticSiteArgs>;

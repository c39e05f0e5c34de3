// Security headers of the site: one definition used by the distribution's response headers policy
// and by the local server (scripts/local.ts), so the browser test runs the app under the same CSP.

/** What the Content-Security-Policy allows beyond the site's own origin. */
export interface CspSources {
    /**
     * Extra `connect-src` origins: where the page's scripts send requests
     * (the API on another origin, the bucket receiving presigned POST
     * uploads, the sign-in domain's token endpoint).
     */
    readonly connectSources?: readonly string[];
    /** Extra `img-src` origins (images served from another origin). */
    readonly imageSources?: readonly string[];
    /** Extra `form-action` origins (a sign-in page the app posts a form to). */
    readonly formActionSources?: readonly string[];
}

const unique = (values: readonly string[]) => [...new Set(values)];

/**
 * The Content-Security-Policy of the single-page app: scripts, styles and
 * fonts from the site only (no inline script, no eval), images from the
 * site, `data:` and `blob:` (a preview of the chosen file), requests to the
 * site and the listed origins, no plugins, no framing, no `<base>` change.
 */
export function contentSecurityPolicy(sources: CspSources = {}): string {
    const directives: [string, readonly string[]][] = [
        ["default-src", ["'self'"]],
        ["script-src", ["'self'"]],
        ["style-src", ["'self'"]],
        ["font-src", ["'self'"]],
        ["img-src", unique(["'self'", "data:", "blob:", ...(sources.imageSources ?? [])])],
        ["connect-src", unique(["'self'", ...(sources.connectSources ?? [])])],
        ["form-action", unique(["'self'", ...(sources.formActionSources ?? [])])],
        ["object-src", ["'none'"]],
        ["base-uri", ["'self'"]],
        ["frame-ancestors", ["'none'"]],
    ];
    return directives.map(([name, values]) => `${name} ${values.join(" ")}`).join("; ");
}

/** CloudFront refuses a Content-Security-Policy longer than this (characters). */
export const MAX_CSP_LENGTH = 1783;

/** HTTP Strict Transport Security settings. */
export interface HstsSettings {
    readonly maxAgeSeconds: number;
    readonly includeSubdomains: boolean;
    readonly preload: boolean;
}

/** `Strict-Transport-Security` header value. */
export function hstsValue(h: HstsSettings): string {
    return [
        `max-age=${h.maxAgeSeconds}`,
        ...(h.includeSubdomains ? ["includeSubDomains"] : []),
        ...(h.preload ? ["preload"] : []),
    ].join("; ");
}

export const REFERRER_POLICY = "strict-origin-when-cross-origin";
export const PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()";

/** The security headers as name → value (what the local server sends; the distribution sends the same). */
export function securityHeaders(csp: string, hsts: HstsSettings | undefined): Record<string, string> {
    return {
        ...(hsts ? { "Strict-Transport-Security": hstsValue(hsts) } : {}),
        "Content-Security-Policy": csp,
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": REFERRER_POLICY,
        "Permissions-Policy": PERMISSIONS_POLICY,
    };
}

/** The `securityHeadersConfig` and custom headers of the distribution's response headers policy. */
export function responseHeadersPolicyConfig(csp: string, hsts: HstsSettings) {
    return {
        securityHeadersConfig: {
            strictTransportSecurity: {
                accessControlMaxAgeSec: hsts.maxAgeSeconds,
                includeSubdomains: hsts.includeSubdomains,
                preload: hsts.preload,
                override: true,
            },
            contentSecurityPolicy: { contentSecurityPolicy: csp, override: true },
            contentTypeOptions: { override: true },
            frameOptions: { frameOption: "DENY", override: true },
            referrerPolicy: { referrerPolicy: REFERRER_POLICY, override: true },
        },
        customHeadersConfig: {
            items: [{ header: "Permissions-Policy", value: PERMISSIONS_POLICY, override: true }],
        },
    };
}

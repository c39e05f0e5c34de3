// Who may reach the media buckets besides the function: browsers uploading
// (CORS) and extra bucket policy statements (a CDN reading renditions).
// Pure functions: the component applies them to Outputs once they resolve.
import { Problems, show } from "../shared/validation";
import { CORS_ALLOWED_HEADERS, type PolicyDocument, type PolicyStatement } from "./policies";

const HOST = /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** `https://app.example.com`, `https://*.example.com`, `http://localhost:5173`; never `*` or a path. */
export function isCorsOrigin(value: unknown): value is string {
    if (typeof value !== "string") return false;
    const m = /^(https?):\/\/([^/:?#]+)(:(\d{1,5}))?$/.exec(value);
    if (!m) return false;
    const [, scheme, host, , port] = m;
    if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) return false;
    if (scheme === "http") return host === "localhost" || host === "127.0.0.1";
    return HOST.test(host) && host !== "*";
}

/** Methods a CORS rule of the uploads bucket may allow. */
/** The CORS methods by name (`CorsMethod.Post`). */
export const CorsMethod = {
    /** Downloads. */
    Get: "GET",
    /** Metadata reads. */
    Head: "HEAD",
    /** Presigned PUT uploads. */
    Put: "PUT",
    /** Presigned POST uploads (browser forms). */
    Post: "POST",
} as const;
export type CorsMethod = (typeof CorsMethod)[keyof typeof CorsMethod];
/** The values of {@link CorsMethod}, in declaration order. */
export const CORS_METHODS: readonly CorsMethod[] = Object.values(CorsMethod);

/** Defaults of the media access arguments (named by their `@default`). */
export const MEDIA_ACCESS_DEFAULTS = {
    /** Presigned PUT and POST uploads, and reads. */
    corsAllowedMethods: [...CORS_METHODS] as readonly CorsMethod[],
} as const;

export const CORS_ORIGIN_EXPECTED =
    'is not an allowed CORS origin: expected "https://host[:port]" (one leading "*." allowed) or http://localhost[:port]';

/** Checks corsAllowedMethods (the origins are checked with the other arguments). */
export function checkCorsMethods(problems: Problems, value: unknown): readonly CorsMethod[] {
    const methods = value ?? MEDIA_ACCESS_DEFAULTS.corsAllowedMethods;
    const ok =
        Array.isArray(methods) &&
        methods.length > 0 &&
        methods.every((m) => (CORS_METHODS as readonly unknown[]).includes(m)) &&
        new Set(methods).size === methods.length;
    problems.expect(
        ok,
        "corsAllowedMethods",
        methods,
        `is not a non-empty list of distinct methods from ${CORS_METHODS.join(", ")}`,
    );
    return methods as readonly CorsMethod[];
}

/**
 * The uploads bucket's CORS rule for browser uploads from `origins` only.
 * Origins that arrive as Outputs are checked here, once known.
 */
export function corsRulesFor(subject: string, origins: readonly string[], methods: readonly CorsMethod[]) {
    const problems = new Problems(subject);
    origins.forEach((o, i) => problems.expect(isCorsOrigin(o), `corsAllowedOrigins[${i}]`, o, CORS_ORIGIN_EXPECTED));
    problems.throwIfAny();
    return [
        {
            id: "browser-uploads",
            allowedMethods: [...methods],
            allowedOrigins: [...new Set(origins)],
            allowedHeaders: CORS_ALLOWED_HEADERS,
            exposeHeaders: ["ETag"],
            maxAgeSeconds: 3600,
        },
    ];
}

/**
 * A bucket policy with extra statements (JSON, e.g. StaticSite's
 * `mediaReadPolicyStatement`) after the base document's TLS-only deny.
 * Each must be a statement object with a unique Sid other than the base's,
 * an Effect, a Principal and Resources inside this bucket; undefined entries
 * are skipped. Throws one error naming each bad statement.
 */
export function withExtraStatements(
    subject: string,
    base: PolicyDocument,
    bucketArn: string,
    extra: readonly (string | undefined)[],
): PolicyDocument {
    const problems = new Problems(subject);
    const sids = new Set(base.Statement.map((s) => s.Sid));
    const added: PolicyStatement[] = [];
    extra.forEach((json, i): void => {
        if (json === undefined) return;
        const key = `rendersBucketPolicyStatements[${i}]`;
        let s: Record<string, unknown>;
        try {
            s = JSON.parse(json);
        } catch {
            problems.add(`${key}: is not JSON: expected one policy statement object`);
            return;
        }
        if (s === null || typeof s !== "object" || Array.isArray(s)) {
            problems.add(`${key}: is not a policy statement object`);
            return;
        }
        const sid = s.Sid;
        problems.expect(
            typeof sid === "string" && /^[A-Za-z0-9]+$/.test(sid) && !sids.has(sid),
            `${key}.Sid`,
            sid,
            `is not a unique alphanumeric statement id (taken: ${[...sids].join(", ")})`,
        );
        if (typeof sid === "string") sids.add(sid);
        problems.expect(
            ["Allow", "Deny"].includes(s.Effect as string),
            `${key}.Effect`,
            s.Effect,
            "is not Allow or Deny",
        );
        problems.expect(s.Principal !== undefined, `${key}.Principal`, s.Principal, "is missing");
        const resources = ([] as unknown[]).concat(s.Resource ?? []);
        problems.expect(
            resources.length > 0 &&
                resources.every((r) => typeof r === "string" && (r === bucketArn || r.startsWith(`${bucketArn}/`))),
            `${key}.Resource`,
            s.Resource,
            `is not inside this bucket: expected ${show(bucketArn)} or keys under it`,
        );
        added.push(s as unknown as PolicyStatement);
    });
    problems.throwIfAny();
    return added.length === 0 ? base : { ...base, Statement: [...base.Statement, ...added] };
}

/**
 * Defaults and validation of UserAuth's arguments (pure: no resource is
 * touched). Every problem is collected and thrown as one ValidationError
 * before the component registers anything.
 */
import {
    checkBoolean,
    checkEnum,
    checkId,
    checkIdList,
    checkInt,
    checkLogRetention,
    isInt,
    SECURITY_GROUP_ID,
    SUBNET_ID,
    VPC_ID,
} from "../data/inputChecks";
import { isKnown, Problems, show } from "../shared/validation";
import type { UserAuthArgs } from "./userAuth";

/** Multi-factor authentication of the user pool (TOTP authenticator apps; no SMS). */
export const MfaMode = {
    /** No second factor. */
    Off: "OFF",
    /** Users may add a TOTP authenticator; those who did must use it. */
    Optional: "OPTIONAL",
    /** Every user must set up and use a TOTP authenticator. */
    Required: "ON",
} as const;
export type MfaMode = (typeof MfaMode)[keyof typeof MfaMode];
export const MFA_MODES: readonly MfaMode[] = Object.values(MfaMode);

/** Cognito threat protection (the Plus feature plan, billed per monthly active user). */
export const ThreatProtection = {
    /** Essentials plan, no threat protection. */
    Off: "OFF",
    /** Plus plan: risks are detected and logged, nothing is blocked. */
    Audit: "AUDIT",
    /** Plus plan: risky sign-ins are challenged or blocked, compromised passwords refused. */
    Enforced: "ENFORCED",
} as const;
export type ThreatProtection = (typeof ThreatProtection)[keyof typeof ThreatProtection];
export const THREAT_PROTECTION_MODES: readonly ThreatProtection[] = Object.values(ThreatProtection);

/** Default values of the arguments, named by their `@default` tags. */
export const USER_AUTH_DEFAULTS = {
    mfa: MfaMode.Optional,
    threatProtection: ThreatProtection.Off,
    passwordMinimumLength: 12,
    accessTokenValidityMinutes: 60,
    idTokenValidityMinutes: 60,
    refreshTokenValidityDays: 30,
    refreshTokenRotation: true,
    refreshTokenGracePeriodSeconds: 10,
    allowLocalhostUrls: false,
    selfSignUp: true,
    databasePort: 5432,
    usersTable: "users",
    /** Days of logs kept: 30 in production, else 7. */
    logRetentionDays: (production: boolean) => (production ? 30 : 7),
} as const;

/** Shortest password policy accepted (Cognito itself accepts 6). */
export const MIN_PASSWORD_LENGTH = 12;
/** Production log groups keep at least this many days. */
export const PRODUCTION_MIN_LOG_RETENTION_DAYS = 30;

const LOCAL_HOSTS = ["localhost", "127.0.0.1", "[::1]"];
const HOST_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const US_EAST_1_CERTIFICATE = /^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate\/[A-Za-z0-9-]+$/;
const DB_USER = /^[a-z_][a-z0-9_]{0,62}$/;
const TABLE = /^[a-z_][a-z0-9_]{0,62}(\.[a-z_][a-z0-9_]{0,62})?$/;
const IAM_CONNECT_PREFIX = /^arn:aws[a-z-]*:rds-db:[a-z0-9-]+:\d{12}:dbuser:(db|cluster)-[A-Za-z0-9]+$/;

/** The rules of the trigger's subnets (a whole Output list is checked by them once known). */
export const TRIGGER_SUBNETS = {
    pattern: SUBNET_ID,
    what: "subnet id (subnet-...)",
    min: 2,
    minMessage: "has fewer than two subnets: expected private subnets in at least two availability zones",
};

/** Why a Cognito domain prefix is invalid, or undefined. */
export function domainPrefixProblem(prefix: string): string | undefined {
    if (!/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(prefix)) {
        return "is not a domain prefix: expected 1 to 63 lower-case letters, digits or hyphens, not starting or ending with a hyphen";
    }
    if (/aws|amazon|cognito/.test(prefix)) return 'contains "aws", "amazon" or "cognito", which Cognito refuses';
    return undefined;
}

/**
 * Start of the default domain prefix: `<project>-<stack>-<name>` lowercased,
 * without the words Cognito refuses in a prefix (aws, amazon, cognito), at
 * most 50 characters; the component appends `-<account id>` at deployment
 * (prefixes are unique across all AWS accounts of a region).
 */
export function defaultDomainPrefixBase(project: string, stack: string, name: string): string {
    const base = `${project}-${stack}-${name}`
        .toLowerCase()
        .replace(/aws|amazon|cognito/g, "-")
        .replace(/[^a-z0-9-]+/g, "-")
        .replace(/-{2,}/g, "-")
        .replace(/^-+/, "")
        .slice(0, 50)
        .replace(/-+$/, "");
    return base || "auth";
}

/** Why a callback or logout URL is invalid, or undefined. */
export function redirectUrlProblem(url: string, allowLocalhost: boolean): string | undefined {
    let parsed: URL;
    try {
        parsed = new URL(url);
    } catch {
        return "is not a URL";
    }
    if (parsed.hash !== "" || url.includes("#")) return "has a fragment, which OAuth redirect URLs may not have";
    if (parsed.username !== "" || parsed.password !== "") return "has credentials in it";
    const local = LOCAL_HOSTS.includes(parsed.hostname);
    if (parsed.protocol === "https:") {
        if (local && !allowLocalhost) return "is a local development URL: set allowLocalhostUrls to accept it";
        return undefined;
    }
    if (parsed.protocol === "http:" && local) {
        return allowLocalhost ? undefined : "is a local development URL: set allowLocalhostUrls to accept it";
    }
    return "is not https (Cognito accepts http only for localhost)";
}

function checkUrls(problems: Problems, key: string, urls: unknown, allowLocalhost: boolean, min: number): string[] {
    if (!Array.isArray(urls) || urls.some((u) => typeof u !== "string")) {
        problems.expect(false, key, urls, "is not a list of URLs");
        return [];
    }
    if (urls.length < min) problems.expect(false, key, urls, "is empty: expected at least one https URL of the site");
    if (urls.length > 100) problems.expect(false, key, urls.length, "URLs are more than the 100 Cognito accepts");
    const seen = new Set<string>();
    urls.forEach((u: string, i) => {
        const why = redirectUrlProblem(u, allowLocalhost);
        if (why) problems.add(`${key}[${i}]: ${show(u)} ${why}`);
        else if (seen.has(u)) problems.add(`${key}[${i}]: ${show(u)} is listed twice`);
        seen.add(u);
    });
    return urls as string[];
}

/**
 * Why `siteUrl` cannot be a site's URL (an https origin without a path), or
 * undefined. An Output's value is checked when it is known.
 */
export function siteUrlProblem(siteUrl: string): string | undefined {
    const why = redirectUrlProblem(siteUrl, false);
    if (why) return why;
    const u = new URL(siteUrl);
    if (siteUrl.replace(/\/$/, "") !== u.origin) return "is not an origin (https://host, no path, query or port)";
    return undefined;
}

/** `urls` with `<siteUrl>/` added (once). */
export function withSiteUrlAdded(urls: readonly string[], siteUrl: string): string[] {
    const why = siteUrlProblem(siteUrl);
    if (why) throw new Error(`UserAuth siteUrl: ${show(siteUrl)} ${why}`);
    const url = `${siteUrl.replace(/\/$/, "")}/`;
    return urls.includes(url) ? [...urls] : [...urls, url];
}

/** The logout URLs derived from callback URLs: each distinct origin followed by `/`. */
export function defaultLogoutUrls(callbackUrls: readonly string[]): string[] {
    const origins: string[] = [];
    for (const u of callbackUrls) {
        try {
            const origin = `${new URL(u).origin}/`;
            if (!origins.includes(origin)) origins.push(origin);
        } catch {
            // Reported by the callbackUrls check.
        }
    }
    return origins;
}

function resolveTrigger(problems: Problems, t: UserAuthArgs["postConfirmation"]) {
    if (t === undefined) return undefined;
    const key = (k: string) => `postConfirmation.${k}`;
    checkId(problems, key("vpcId"), t.vpcId, VPC_ID, "a VPC id (vpc-...)");
    checkIdList(
        problems,
        key("subnetIds"),
        t.subnetIds,
        SUBNET_ID,
        TRIGGER_SUBNETS.what,
        TRIGGER_SUBNETS.min,
        TRIGGER_SUBNETS.minMessage,
        true,
    );
    checkId(
        problems,
        key("databaseSecurityGroupId"),
        t.databaseSecurityGroupId,
        SECURITY_GROUP_ID,
        "a security group id (sg-...)",
    );
    checkId(
        problems,
        key("iamConnectArnPrefix"),
        t.iamConnectArnPrefix,
        IAM_CONNECT_PREFIX,
        "an rds-db connect ARN prefix (arn:aws:rds-db:<region>:<account>:dbuser:<resource id>, PostgresDb's iamConnectArnPrefix)",
    );
    if (t.manageDatabaseIngress !== undefined)
        checkBoolean(problems, key("manageDatabaseIngress"), t.manageDatabaseIngress);
    if (t.databaseHost === undefined) problems.add(`${key("databaseHost")}: undefined is required: expected a host`);
    const port = t.databasePort ?? USER_AUTH_DEFAULTS.databasePort;
    if (isKnown(port)) checkInt(problems, key("databasePort"), port, 1, 65535);
    if (t.databaseName === undefined) problems.add(`${key("databaseName")}: undefined is required: expected a name`);
    problems.expect(
        typeof t.databaseUser === "string" && DB_USER.test(t.databaseUser),
        key("databaseUser"),
        t.databaseUser,
        "is not a PostgreSQL user name: expected a lower-case letter or _ then up to 62 letters, digits or _ (it is also part of the rds-db:connect ARN)",
    );
    const usersTable = t.usersTable ?? USER_AUTH_DEFAULTS.usersTable;
    problems.expect(
        typeof usersTable === "string" && TABLE.test(usersTable),
        key("usersTable"),
        usersTable,
        "is not a table name: expected table or schema.table in lower-case letters, digits and _",
    );
    return { databaseUser: t.databaseUser, usersTable };
}

/**
 * Applies the defaults and validates every argument of a UserAuth named
 * `name` in `project`/`stack`. Throws one ValidationError listing every problem.
 */
export function resolveUserAuthSettings(name: string, args: UserAuthArgs, project: string, stack: string) {
    const problems = new Problems(`UserAuth "${name}"`);
    const a = (args ?? {}) as UserAuthArgs;
    const d = USER_AUTH_DEFAULTS;

    const production = a.production ?? false;
    checkBoolean(problems, "production", production);
    const isProd = production === true;

    const allowLocalhostUrls = a.allowLocalhostUrls ?? d.allowLocalhostUrls;
    checkBoolean(problems, "allowLocalhostUrls", allowLocalhostUrls);
    if (isProd && allowLocalhostUrls === true) {
        problems.expect(
            false,
            "allowLocalhostUrls",
            true,
            "cannot be set in production: local URLs are for development",
        );
    }
    const local = allowLocalhostUrls === true;
    if (typeof a.siteUrl === "string") {
        const why = siteUrlProblem(a.siteUrl);
        if (why) problems.add(`siteUrl: ${show(a.siteUrl)} ${why}`);
    }
    const minCallbacks = a.siteUrl === undefined ? 1 : 0;
    const callbackUrls = checkUrls(problems, "callbackUrls", a.callbackUrls, local, minCallbacks);
    const logoutUrls =
        a.logoutUrls === undefined
            ? defaultLogoutUrls(callbackUrls)
            : checkUrls(problems, "logoutUrls", a.logoutUrls, local, 0);

    // Managed login domain: a prefix (default) or a custom domain with its us-east-1 certificate.
    const customDomain = a.customDomain;
    const explicitPrefix = a.domainPrefix !== undefined;
    let domainPrefix: string | undefined;
    if (customDomain !== undefined) {
        problems.expect(
            typeof customDomain === "string" && HOST_NAME.test(customDomain),
            "customDomain",
            customDomain,
            "is not a DNS host name such as auth.example.com",
        );
        if (explicitPrefix) {
            problems.expect(false, "domainPrefix", a.domainPrefix, "cannot be combined with customDomain: choose one");
        }
        if (a.customDomainCertificateArn === undefined) {
            problems.add(
                "customDomainCertificateArn: undefined is required with customDomain: expected an ACM certificate ARN in us-east-1",
            );
        } else if (isKnown(a.customDomainCertificateArn)) {
            problems.expect(
                typeof a.customDomainCertificateArn === "string" &&
                    US_EAST_1_CERTIFICATE.test(a.customDomainCertificateArn),
                "customDomainCertificateArn",
                a.customDomainCertificateArn,
                "is not an ACM certificate ARN in us-east-1 (Cognito custom domains use CloudFront, which takes us-east-1 certificates only)",
            );
        }
    } else {
        if (a.customDomainCertificateArn !== undefined) {
            problems.add("customDomainCertificateArn: is set without customDomain: set both or neither");
        }
        if (explicitPrefix) {
            domainPrefix = a.domainPrefix;
            const why = typeof domainPrefix === "string" ? domainPrefixProblem(domainPrefix) : "is not a string";
            if (why) problems.add(`domainPrefix: ${show(domainPrefix)} ${why}`);
        }
    }

    const mfa = a.mfa ?? d.mfa;
    checkEnum(problems, "mfa", mfa, MFA_MODES);
    const threatProtection = a.threatProtection ?? d.threatProtection;
    checkEnum(problems, "threatProtection", threatProtection, THREAT_PROTECTION_MODES);
    const passwordMinimumLength = a.passwordMinimumLength ?? d.passwordMinimumLength;
    checkInt(problems, "passwordMinimumLength", passwordMinimumLength, MIN_PASSWORD_LENGTH, 99, "characters");
    const selfSignUp = a.selfSignUp ?? d.selfSignUp;
    checkBoolean(problems, "selfSignUp", selfSignUp);

    // Tokens.
    const accessMinutes = a.accessTokenValidityMinutes ?? d.accessTokenValidityMinutes;
    checkInt(problems, "accessTokenValidityMinutes", accessMinutes, 5, 1440, "minutes");
    const idMinutes = a.idTokenValidityMinutes ?? d.idTokenValidityMinutes;
    checkInt(problems, "idTokenValidityMinutes", idMinutes, 5, 1440, "minutes");
    const refreshDays = a.refreshTokenValidityDays ?? d.refreshTokenValidityDays;
    checkInt(problems, "refreshTokenValidityDays", refreshDays, 1, 3650, "days");
    if (isInt(refreshDays) && refreshDays === 1 && (accessMinutes === 1440 || idMinutes === 1440)) {
        problems.expect(
            false,
            "refreshTokenValidityDays",
            refreshDays,
            "must outlast the access and ID tokens (1440 minutes): expected at least 2",
        );
    }
    const refreshTokenRotation = a.refreshTokenRotation ?? d.refreshTokenRotation;
    checkBoolean(problems, "refreshTokenRotation", refreshTokenRotation);
    const refreshTokenGracePeriodSeconds = a.refreshTokenGracePeriodSeconds ?? d.refreshTokenGracePeriodSeconds;
    checkInt(problems, "refreshTokenGracePeriodSeconds", refreshTokenGracePeriodSeconds, 0, 60, "seconds");

    const deletionProtection = a.deletionProtection ?? isProd;
    checkBoolean(problems, "deletionProtection", deletionProtection);
    if (isProd && deletionProtection === false) {
        problems.expect(false, "deletionProtection", false, "cannot be turned off for a production user pool");
    }
    const logRetentionDays = a.logRetentionDays ?? d.logRetentionDays(isProd);
    checkLogRetention(
        problems,
        "logRetentionDays",
        logRetentionDays,
        isProd ? PRODUCTION_MIN_LOG_RETENTION_DAYS : undefined,
    );
    const trigger = resolveTrigger(problems, a.postConfirmation);

    problems.throwIfAny();
    return {
        production: isProd,
        callbackUrls,
        logoutUrls,
        allowLocalhostUrls: local,
        customDomain: customDomain as string | undefined,
        /** The explicit prefix; undefined means the default `<base>-<account id>`. */
        domainPrefix,
        defaultDomainPrefixBase: defaultDomainPrefixBase(project, stack, name),
        mfa: mfa as MfaMode,
        threatProtection: threatProtection as ThreatProtection,
        /** The feature plan: Plus only for threat protection (it is billed per active user). */
        tier: threatProtection === ThreatProtection.Off ? ("ESSENTIALS" as const) : ("PLUS" as const),
        passwordMinimumLength: passwordMinimumLength as number,
        selfSignUp: selfSignUp as boolean,
        accessTokenValidityMinutes: accessMinutes as number,
        idTokenValidityMinutes: idMinutes as number,
        refreshTokenValidityDays: refreshDays as number,
        refreshTokenRotation: refreshTokenRotation as boolean,
        refreshTokenGracePeriodSeconds: refreshTokenGracePeriodSeconds as number,
        deletionProtection: deletionProtection as boolean,
        logRetentionDays: logRetentionDays as number,
        trigger,
    };
}

export type UserAuthSettings = ReturnType<typeof resolveUserAuthSettings>;

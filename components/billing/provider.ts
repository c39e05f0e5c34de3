import type * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { BILLING_REGION } from "./policies";

/** `aws:` config keys copied as strings. */
const STRING_KEYS = [
    "profile",
    "customCaBundle",
    "ec2MetadataServiceEndpoint",
    "ec2MetadataServiceEndpointMode",
    "httpProxy",
    "httpsProxy",
    "noProxy",
    "retryMode",
    "s3UsEast1RegionalEndpoint",
    "stsRegion",
    "tagPolicyCompliance",
] as const;

/** `aws:` config keys holding credentials: copied as secrets. */
const SECRET_KEYS = ["accessKey", "secretKey", "token"] as const;

/** `aws:` config keys copied as booleans. */
const BOOLEAN_KEYS = [
    "insecure",
    "s3UsePathStyle",
    "skipCredentialsValidation",
    "skipMetadataApiCheck",
    "skipRegionValidation",
    "skipRequestingAccountId",
    "useDualstackEndpoint",
    "useFipsEndpoint",
] as const;

/** `aws:` config keys copied as numbers. */
const NUMBER_KEYS = ["maxRetries", "tokenBucketRateLimiterCapacity"] as const;

/** `aws:` config keys holding lists or objects (JSON in the config map). */
const OBJECT_KEYS = [
    "allowedAccountIds",
    "forbiddenAccountIds",
    "defaultTags",
    "ignoreTags",
    "endpoints",
    "sharedConfigFiles",
    "sharedCredentialsFiles",
    "userAgents",
] as const;

/** Role-assumption settings: objects that may carry an external id or a web identity token, so copied as secrets. */
const SECRET_OBJECT_KEYS = ["assumeRoles", "assumeRoleWithWebIdentity"] as const;

/** Every `aws:` config key carried over to the us-east-1 provider (all but `region`). */
export const COPIED_AWS_CONFIG_KEYS: readonly string[] = [
    ...STRING_KEYS,
    ...SECRET_KEYS,
    ...BOOLEAN_KEYS,
    ...NUMBER_KEYS,
    ...OBJECT_KEYS,
    ...SECRET_OBJECT_KEYS,
    "assumeRole",
];

/**
 * Arguments of an AWS provider pinned to us-east-1 that otherwise behaves like
 * the stack's default provider: every setting of the stack's `aws:` config
 * namespace (profile, credentials, role assumption, default and ignored tags,
 * endpoints, proxies, retries, account allow-lists ...) is copied, and only
 * `region` is replaced. An explicit provider does not read the stack's `aws:`
 * config by itself, so without this copy the billing resources would lose the
 * stack's default tags and could run under other credentials. Credentials
 * from the environment (`AWS_PROFILE`, `AWS_ACCESS_KEY_ID`, OIDC in CI ...)
 * are read by every provider and need no copy. Credentials and role settings
 * stay secrets. The single-object `aws:assumeRole` of older configurations is
 * passed on as a one-element `assumeRoles`.
 */
export function usEast1ProviderArgs(config: pulumi.Config = new pulumi.Config("aws")): aws.ProviderArgs {
    const args: Record<string, unknown> = {};
    for (const key of STRING_KEYS) args[key] = config.get(key);
    for (const key of SECRET_KEYS) args[key] = config.getSecret(key);
    for (const key of BOOLEAN_KEYS) args[key] = config.getBoolean(key);
    for (const key of NUMBER_KEYS) args[key] = config.getNumber(key);
    for (const key of OBJECT_KEYS) args[key] = config.getObject(key);
    for (const key of SECRET_OBJECT_KEYS) args[key] = config.getSecretObject(key);
    if (args.assumeRoles === undefined) {
        const legacy = config.getSecretObject<aws.types.input.ProviderAssumeRole>("assumeRole");
        if (legacy !== undefined) args.assumeRoles = legacy.apply((role) => [role]);
    }
    const set = Object.fromEntries(Object.entries(args).filter(([, v]) => v !== undefined));
    return { ...(set as aws.ProviderArgs), region: BILLING_REGION };
}

import { z } from "zod";
import {
    boolean as booleanCheck,
    type Check,
    email,
    hostName,
    iamPolicyArn,
    integer,
    LOG_RETENTION_DAYS,
    logRetentionDays,
    matching,
    number,
    oneOf as oneOfCheck,
    natInstanceType as natInstanceTypeCheck,
    stepped,
} from "../components/shared/checks";
import { NAT_INSTANCE_DEFAULTS } from "../components/vpc/natInstancePolicies";
import { auroraVersionProblem, SERVERLESS_DEFAULTS } from "../components/database/serverless";
import { isInZone } from "../components/edge";
import { OBSERVABILITY_DEFAULTS } from "../components/observability";
import { isCidr, isPrivateCidr, parseCidr } from "../components/shared/cidr";
import { architectureOfInstanceType, dbInstanceClass, instanceType } from "../components/shared/instanceTypes";
import { awsRegion, zonesOf } from "../components/shared/regions";
import { COMPONENT_TAG_KEYS, tagProblems } from "../components/shared/tags";
import { Problems, show, ValidationError } from "../components/shared/validation";
import { baseError, withCheck } from "../components/shared/zodCheck";
import { capacityProblems, spendingProblems } from "./capacityRules";
import { authKeys, authProblems } from "./authConfig";
import { officeHoursKeys, officeHoursProblems } from "./officeHoursConfig";
import { SITE_CONFIG_SHAPE, siteProblems } from "./siteConfig";
import { zoneNameProblems } from "./zones";

/** Config namespace: the project name in Pulumi.yaml. */
export const NAMESPACE = "aws-webapp";

/** Retention values CloudWatch Logs accepts (days): the shared list. */
export { LOG_RETENTION_DAYS };

function int(min: number, max: number) {
    const check = integer(min, max);
    return withCheck(z.number({ error: baseError(check) }), check);
}

function num(min: number, max: number, what: string) {
    const check = number(min, max, what);
    return withCheck(z.number({ error: baseError(check) }), check);
}

function acu(min: number) {
    const check = stepped(min, 256, 0.5, `a capacity in ACU from ${min} to 256 in steps of 0.5`);
    return withCheck(z.number({ error: baseError(check) }), check);
}

function str(check: Check) {
    return withCheck(z.string({ error: baseError(check) }), check);
}

function bool() {
    return z.boolean({ error: baseError(booleanCheck) });
}

function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
    return z.enum(values, { error: oneOfCheck(values)(undefined) });
}

const emails = z
    .array(str(email), { error: "is not a list: expected a list of email addresses" })
    .max(20, { error: "has too many entries: expected at most 20 email addresses" });

/** Tag keys the components add to every resource besides the configured tags (Name). */
const ADDED_TAG_KEYS = COMPONENT_TAG_KEYS;

/**
 * Deploy access: what the principal that runs `pulumi up` may create. The
 * GitHub deploy role (GithubDeployRole with manageIamRoles) creates and
 * changes only IAM roles that carry its permissions boundary, so a stack it
 * deploys names that boundary here (the bootstrap stack's
 * `permissionsBoundaryArn` output) and every IAM role of the stack gets it
 * (stacks/deployAccess.ts).
 */
const deployAccessKeys = {
    permissionsBoundaryArn: str(iamPolicyArn)
        .optional()
        .describe(
            "Permissions boundary (IAM policy ARN) attached to every IAM role the stack creates; required when the GitHub deploy role deploys it (its permissionsBoundaryArn output). Unset means none.",
        ),
};

/**
 * The schema of one environment's configuration: every key, its type, its
 * default and what it means. This is the single place defaults live;
 * Pulumi.yaml declares the same keys (a test keeps them in step).
 */
export const environmentSchema = z
    .object({
        environment: oneOf(["dev", "prod"])
            .default("dev")
            .describe(
                "Environment class: prod turns on protections (deletion protection, retained data, minimum retention).",
            ),
        availabilityZones: int(2, 6).default(2).describe("Number of availability zones the VPC spans."),
        availabilityZoneNames: z
            .array(str(matching(/^[a-z]{2}(-[a-z0-9]+)+[a-z]$/, "an availability zone name such as us-east-1a")), {
                error: "is not a list: expected a list of availability zone names",
            })
            .default([])
            .describe(
                "Zones to use, in order (the first availabilityZones of them); empty chooses the region's first zones that offer instanceType and dbInstanceClass. Pin them in a deployed stack so that a change of offerings never moves its subnets.",
            ),
        vpcCidr: str(matching(/./, "an IPv4 CIDR block"))
            .refine(isCidr, { error: "is not a valid IPv4 CIDR block" })
            .refine((c) => !isCidr(c) || isPrivateCidr(parseCidr(c)!), { error: "is not a private (RFC 1918) range" })
            .refine((c) => !isCidr(c) || (parseCidr(c)!.prefix >= 16 && parseCidr(c)!.prefix <= 24), {
                error: "has a prefix outside /16 to /24 (the sizes a VPC accepts with room for three tiers)",
            })
            .default("10.0.0.0/16")
            .describe("VPC IPv4 CIDR block, private range, /16 to /24."),
        natStrategy: oneOf(["None", "Single", "OnePerAz", "Instance"])
            .default("None")
            .describe(
                "NAT: None (instances egress from public subnets), Single or OnePerAz (NAT gateways), or Instance (a NAT instance per AZ, healed by an Auto Scaling group).",
            ),
        natInstanceType: str(natInstanceTypeCheck)
            .default(NAT_INSTANCE_DEFAULTS.natInstanceType)
            .describe("EC2 instance type of the NAT instances (natStrategy Instance)."),
        ingress: oneOf(["alb", "httpApi"])
            .default("alb")
            .describe(
                "Ingress in front of the service: alb (Application Load Balancer) or httpApi (HTTP API + VPC link).",
            ),
        instanceType: str(instanceType)
            .default("t4g.small")
            .describe(
                "EC2 instance type of the ECS capacity (its CPU architecture follows: a Graviton type means arm64).",
            ),
        amiId: str(matching(/^ami-([0-9a-f]{8}|[0-9a-f]{17})$/, "an AMI id such as ami-0123456789abcdef0"))
            .optional()
            .describe(
                "AMI of the ECS instances, pinned; setting or changing it is the deliberate AMI update (rolling instance refresh). Unset: the ECS-optimized AMI recommended when the instances were created, then kept.",
            ),
        minInstances: int(0, 100).default(1).describe("Auto Scaling group minimum size."),
        maxInstances: int(1, 100).default(1).describe("Auto Scaling group maximum size."),
        desiredInstances: int(0, 100).default(1).describe("Auto Scaling group desired size at creation."),
        onDemandPercentage: int(0, 100)
            .default(100)
            .describe("Share of instances above the base launched on demand; the rest are spot (0 = all spot)."),
        taskCpu: int(256, 16384).default(512).describe("Task CPU units (1024 = one vCPU)."),
        taskMemory: int(512, 122880).default(1024).describe("Task memory in MiB."),
        containerPort: int(1024, 65535).default(3000).describe("Port the application container listens on."),
        desiredTasks: int(0, 100).default(1).describe("Service desired task count at creation."),
        minTasks: int(0, 100).default(1).describe("Service auto scaling minimum task count."),
        maxTasks: int(1, 100).default(1).describe("Service auto scaling maximum task count."),
        cpuTargetPercent: int(10, 95)
            .default(70)
            .describe("Target average CPU utilisation for service auto scaling (%)."),
        containerInsights: oneOf(["enabled", "disabled", "enhanced"])
            .default("enabled")
            .describe(
                "ECS Container Insights on the cluster: enabled, disabled or enhanced (billed as custom metrics: about 9.60 USD a month for a cluster with one service).",
            ),
        image: str(matching(/^[a-z0-9./:@_-]+$/i, "a container image reference"))
            .optional()
            .describe("Prebuilt container image; when unset the sample app in app/ is built and pushed to ECR."),
        buildContext: str(matching(/./, "a directory path"))
            .optional()
            .describe(
                "Docker build context of the application image, relative to the project directory (where Pulumi.yaml is), used when image is unset; unset means app.",
            ),
        dbInstanceClass: str(dbInstanceClass).default("db.t4g.micro").describe("RDS instance class."),
        dbEngineVersion: oneOf(["16", "17"]).default("17").describe("PostgreSQL major version."),
        dbAllocatedStorageGb: int(20, 65536).default(20).describe("Initial database storage (GiB, gp3)."),
        dbMaxAllocatedStorageGb: int(20, 65536).default(100).describe("Storage autoscaling ceiling (GiB)."),
        dbMultiAz: bool().default(false).describe("Run the database as a Multi-AZ deployment."),
        dbBackupRetentionDays: int(1, 35).default(1).describe("Automated backup retention (days)."),
        dbPerformanceInsights: bool().default(false).describe("Enable Performance Insights (7 days, free tier)."),
        dbMode: oneOf(["instance", "serverless"])
            .default("instance")
            .describe(
                "Database: instance (RDS for PostgreSQL, billed by the hour) or serverless (Aurora PostgreSQL Serverless v2, pauses when idle; changing it replaces the database: dump or snapshot it first).",
            ),
        dbAuroraEngineVersion: str((v) => auroraVersionProblem(v))
            .default(SERVERLESS_DEFAULTS.auroraEngineVersion)
            .describe(
                "Serverless database: Aurora PostgreSQL version that scales to zero (13.15+, 14.12+, 15.7+, 16.3+, 17.4+).",
            ),
        dbMinCapacityAcu: acu(0)
            .default(SERVERLESS_DEFAULTS.minCapacityAcu)
            .describe("Serverless database: minimum capacity (ACU, halves); 0 pauses it after 5 idle minutes."),
        dbMaxCapacityAcu: acu(1)
            .default(SERVERLESS_DEFAULTS.maxCapacityAcu)
            .describe("Serverless database: maximum capacity (ACU, halves; 1 ACU is about 2 GiB)."),
        logRetentionDays: withCheck(z.number({ error: baseError(logRetentionDays) }), logRetentionDays)
            .default(7)
            .describe("Retention of every log group the stack creates (days)."),
        billingThresholdUsdPerDay: num(0.01, 100000, "a daily charge in USD above 0 and at most 100000")
            .default(1)
            .describe("Alarm when the estimated daily charge reaches this many USD."),
        billingEmails: emails.default([]).describe("Email addresses notified by the billing alarm and budget."),
        billingAccountAlarm: bool()
            .default(true)
            .describe(
                "Create the account-wide EstimatedCharges alarm in this stack (billing metrics are per account: turn it on in exactly one stack per account).",
            ),
        monthlyBudgetUsd: num(1, 1000000, "a monthly amount in USD from 1 to 1000000")
            .optional()
            .describe("Monthly AWS Budget amount (USD); unset means no budget."),
        alarmEmails: emails.default([]).describe("Email addresses subscribed to the operations alarm topic."),
        alarmHttp5xxPer5Min: int(1, 100000)
            .default(OBSERVABILITY_DEFAULTS.http5xxPer5Min)
            .describe("Alarm when 5xx responses in 5 minutes reach this count."),
        alarmResponseTimeSeconds: num(0.01, 60, "seconds from 0.01 to 60")
            .default(OBSERVABILITY_DEFAULTS.responseTimeSeconds)
            .describe("Alarm when the average response time stays above this many seconds."),
        alarmEcsCpuPercent: int(1, 100)
            .default(OBSERVABILITY_DEFAULTS.ecsCpuPercent)
            .describe("Alarm when the service's average CPU stays above this %."),
        alarmEcsMemoryPercent: int(1, 100)
            .default(OBSERVABILITY_DEFAULTS.ecsMemoryPercent)
            .describe("Alarm when the service's average memory stays above this %."),
        alarmDbCpuPercent: int(1, 100)
            .default(OBSERVABILITY_DEFAULTS.dbCpuPercent)
            .describe("Alarm when the database CPU stays above this %."),
        alarmDbFreeStorageGb: int(1, 65536)
            .default(OBSERVABILITY_DEFAULTS.dbFreeStorageGb)
            .describe("Alarm when the database's free storage falls below this many GiB."),
        alarmDbConnections: int(1, 100000)
            .default(OBSERVABILITY_DEFAULTS.dbConnections)
            .describe("Alarm when database connections exceed this count."),
        domainName: str(hostName)
            .optional()
            .describe("Host name for the application (ACM certificate and alias record); unset means none."),
        hostedZoneName: str((v) => (hostName(v) === undefined ? undefined : "is not a valid DNS zone name"))
            .optional()
            .describe("Existing Route 53 public hosted zone that holds domainName."),
        wafEnabled: bool()
            .default(false)
            .describe("Attach a WAFv2 web ACL (scope CLOUDFRONT, in us-east-1) to the CloudFront distribution."),
        // --- site: the CloudFront distribution and further services (stacks/siteConfig.ts) ---
        ...SITE_CONFIG_SHAPE,
        // --- messaging (stacks/messaging.ts): the MessageTable is always there; the cache is optional.
        cacheEnabled: bool()
            .default(false)
            .describe(
                "Create the ElastiCache Serverless (Valkey) cache for the API's user lookups: at least about 6.13 USD a month in us-east-1 (0.1 GB minimum metered storage).",
            ),
        cacheMaxDataStorageGb: int(1, 5000).default(1).describe("Cache usage limit: most data stored (GB)."),
        cacheMaxEcpuPerSecond: int(1000, 15_000_000)
            .default(5000)
            .describe("Cache usage limit: most ElastiCache Processing Units per second."),
        cacheTtlSeconds: int(1, 86400).default(300).describe("Lifetime of a cached user lookup (seconds)."),
        tags: z
            .record(z.string(), z.string({ error: "is not a string: expected a tag value" }), {
                error: "is not a map of tag keys to string values",
            })
            .default({})
            .describe("Tags added to every taggable resource."),
        ...deployAccessKeys,
        // --- sign-in: the Cognito user pool (stacks/authConfig.ts) ---
        ...authKeys,
        // --- office hours: the dev schedule (stacks/officeHoursConfig.ts) ---
        ...officeHoursKeys,
    })
    .strict();

export type EnvironmentConfig = z.output<typeof environmentSchema> & {
    /** Stack name, for naming. */
    readonly stack: string;
    /** AWS region of the stack (the aws:region key). */
    readonly region: string;
    /** CPU architecture derived from the instance type. */
    readonly architecture: "x86_64" | "arm64";
    /**
     * Zones the VPC spans, chosen before anything is registered (stacks/zones.ts):
     * `availabilityZoneNames`, or the region's zones that offer the instance type
     * and the database class. Unset: SecureVpc looks the region's zones up itself.
     */
    readonly zones?: string[];
};

/** Keys of the schema, in declaration order. */
export const CONFIG_KEYS = Object.keys(environmentSchema.shape) as (keyof typeof environmentSchema.shape)[];

/** CPU architecture of an instance type: the shared table's (Graviton families are arm64). */
export function architectureOf(type: string): "x86_64" | "arm64" {
    return architectureOfInstanceType(type);
}

/** What {@link checkEnvironmentConfig} found. */
export interface ConfigCheck {
    /** Every problem line (`aws-webapp:<key>: <value> <what is wrong>`). */
    readonly problems: string[];
    /**
     * The configuration to map to the components' arguments (the refused keys
     * at their defaults); undefined when it cannot be formed.
     */
    readonly config?: EnvironmentConfig;
    /** Keys the schema refused (left at their defaults in `config`). */
    readonly refused: ReadonlySet<string>;
}

/**
 * Checks a whole environment's configuration and returns every problem (the
 * schema's, the cross-field rules') without throwing, with the configuration
 * the components' resolvers are run on next (stacks/environment.ts). Pure.
 *
 * @param raw keys without namespace, values decoded (see decodeConfigValue)
 */
export function checkEnvironmentConfig(
    raw: Record<string, unknown>,
    stack: string,
    region: string | undefined,
    defaultTags: unknown = undefined,
    idleMonthlyCostUsd: number | undefined = undefined,
): ConfigCheck {
    const problems = new Problems(configSubject(stack));
    if (region === undefined) problems.add(`aws:region: is required: expected an AWS region such as us-east-1`);
    else problems.check("aws:region", region, awsRegion);
    for (const line of tagProblems(defaultTags, [])) problems.add(`aws:defaultTags.tags: ${line}`);

    const known = new Set<string>(CONFIG_KEYS);
    for (const key of Object.keys(raw)) {
        if (key.includes(":")) {
            const [ns, name] = [key.slice(0, key.indexOf(":")), key.slice(key.indexOf(":") + 1)];
            problems.add(
                `${key}: is in namespace "${ns}", not "${NAMESPACE}" (the project name): did you mean ${NAMESPACE}:${name}?`,
            );
        } else if (!known.has(key))
            problems.add(`${NAMESPACE}:${key}: is not a known key (known keys: ${CONFIG_KEYS.join(", ")})`);
    }
    const input = Object.fromEntries(Object.entries(raw).filter(([k]) => known.has(k)));
    // AWS's tag rules, the components' Name tag and the provider's default tags counted.
    const defaultTagKeys = defaultTags && typeof defaultTags === "object" ? Object.keys(defaultTags) : [];
    if (input.tags && typeof input.tags === "object" && !Array.isArray(input.tags)) {
        const added = [...new Set([...ADDED_TAG_KEYS, ...defaultTagKeys])];
        for (const line of tagProblems(input.tags, added)) problems.add(`${NAMESPACE}:tags: ${line}`);
    }
    let parsed = environmentSchema.safeParse(input);
    // The keys the schema refused are judged no further: the rest of the checks (and the
    // components' resolvers) see their defaults, and lines naming them are dropped (see below).
    const refused = new Set<string>();
    if (!parsed.success) {
        problems.addZodIssues(parsed.error.issues, input, `${NAMESPACE}:`);
        for (const issue of parsed.error.issues) refused.add(String(issue.path[0] ?? ""));
        parsed = environmentSchema.safeParse(
            Object.fromEntries(Object.entries(input).filter(([k]) => !refused.has(k))),
        );
        if (!parsed.success) return { problems: problems.list(), refused };
    }
    const c = parsed.data!;
    const before = problems.count;
    const key = (k: string) => `${NAMESPACE}:${k}`;
    // The table's zone count; the environment asks the provider for the region's zones before registering.
    if (region !== undefined) problems.check(key("availabilityZones"), c.availabilityZones, zonesOf(region));
    const ordered = (lo: keyof typeof c, hi: keyof typeof c, what: string) =>
        problems.expect(
            (c[lo] as number) <= (c[hi] as number),
            key(lo),
            c[lo],
            `is greater than ${key(hi)} (${show(c[hi])}): ${what}`,
        );
    ordered("minInstances", "maxInstances", "expected min <= max");
    ordered("minInstances", "desiredInstances", "expected min <= desired <= max");
    ordered("desiredInstances", "maxInstances", "expected min <= desired <= max");
    ordered("minTasks", "maxTasks", "expected min <= max");
    ordered("minTasks", "desiredTasks", "expected min <= desired <= max");
    ordered("desiredTasks", "maxTasks", "expected min <= desired <= max");
    // RDS refuses a storage-autoscaling ceiling less than 10 % above the allocated storage.
    const minCeiling = Math.ceil((c.dbAllocatedStorageGb * 11) / 10);
    problems.expect(
        c.dbMaxAllocatedStorageGb >= minCeiling,
        key("dbMaxAllocatedStorageGb"),
        c.dbMaxAllocatedStorageGb,
        `is less than 10 % above ${key("dbAllocatedStorageGb")} (${c.dbAllocatedStorageGb}): expected at least ${minCeiling} (RDS storage autoscaling)`,
    );
    problems.expect(
        c.dbMaxCapacityAcu >= c.dbMinCapacityAcu,
        key("dbMaxCapacityAcu"),
        c.dbMaxCapacityAcu,
        `is below ${key("dbMinCapacityAcu")} (${c.dbMinCapacityAcu}): expected at least ${c.dbMinCapacityAcu}`,
    );
    problems.expect(
        c.taskMemory >= (c.taskCpu / 1024) * 512,
        key("taskMemory"),
        c.taskMemory,
        `is too small for ${key("taskCpu")} ${c.taskCpu}: expected at least ${(c.taskCpu / 1024) * 512} MiB`,
    );
    problems.expect(
        (c.domainName === undefined) === (c.hostedZoneName === undefined) &&
            (c.domainName === undefined || isInZone(c.domainName, c.hostedZoneName!)),
        key("domainName"),
        c.domainName,
        `expected together with ${key("hostedZoneName")} and inside that zone (${show(c.hostedZoneName)})`,
    );
    problems.expect(
        c.image === undefined || c.buildContext === undefined,
        key("buildContext"),
        c.buildContext,
        `is set together with ${key("image")}: expected one of them (a prebuilt image is not built)`,
    );
    for (const line of zoneNameProblems(c, region, key)) problems.add(line);
    for (const line of capacityProblems(c, key)) problems.add(line);
    for (const line of spendingProblems(c, idleMonthlyCostUsd, key)) problems.add(line);
    for (const line of siteProblems(c, key)) problems.add(line);
    for (const line of authProblems(c, key)) problems.add(line);
    for (const line of officeHoursProblems(c, key)) problems.add(line);
    if (c.ingress === "httpApi") {
        problems.expect(
            c.domainName === undefined,
            key("domainName"),
            c.domainName,
            `needs ${key("ingress")} "alb": the custom domain and certificate are served by the load balancer`,
        );
    }
    if (c.environment === "prod") {
        problems.expect(
            c.dbBackupRetentionDays >= 7,
            key("dbBackupRetentionDays"),
            c.dbBackupRetentionDays,
            "is below 7: prod keeps at least 7 days of backups",
        );
        problems.expect(
            c.logRetentionDays >= 30,
            key("logRetentionDays"),
            c.logRetentionDays,
            "is below 30: prod keeps logs at least 30 days",
        );
    }
    const lines = problems.list();
    const derived = lines.slice(before).filter((line) => !mentionsAny(line, refused));
    return {
        problems: [...lines.slice(0, before), ...derived],
        refused,
        config:
            region === undefined ? undefined : { ...c, stack, region, architecture: architectureOf(c.instanceType) },
    };
}

/** True when a problem line names one of `keys` (`aws-webapp:<key>` as a whole key). */
export function mentionsAny(line: string, keys: ReadonlySet<string>): boolean {
    for (const k of keys) if (new RegExp(`${NAMESPACE}:${k}(?![A-Za-z0-9])`).test(line)) return true;
    return false;
}

/**
 * Validates a whole environment: every bad key is reported in one error that
 * names the key, the value and what was expected. Pure: no Pulumi calls, so
 * it runs (and fails) before any resource is registered.
 *
 * @param raw keys without namespace, values decoded (see decodeConfigValue)
 */
export function parseEnvironmentConfig(
    raw: Record<string, unknown>,
    stack: string,
    region: string | undefined,
    defaultTags: unknown = undefined,
    idleMonthlyCostUsd: number | undefined = undefined,
): EnvironmentConfig {
    const checked = checkEnvironmentConfig(raw, stack, region, defaultTags, idleMonthlyCostUsd);
    if (checked.problems.length > 0) throw new ValidationError(configSubject(stack), checked.problems);
    return checked.config!;
}

/** The subject of the configuration's error (`stack "dev" configuration`). */
export function configSubject(stack: string): string {
    return `stack "${stack}" configuration`;
}

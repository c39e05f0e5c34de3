/**
 * A copy of a user pool's JSON Web Key Set in a private S3 bucket, for
 * services that check tokens but have no route to the internet (dev runs
 * without NAT): they read the copy through the VPC's free S3 gateway
 * endpoint instead of downloading
 * `https://cognito-idp.<region>.amazonaws.com/<pool>/.well-known/jwks.json`.
 * (A `cognito-idp` interface endpoint does not serve pools with a managed
 * login domain, and NAT costs about 33 USD a month.)
 *
 * A small function outside the VPC (lambda/jwks-mirror) downloads the key
 * set, checks that it is one and writes it to one object; it runs on a
 * schedule and once whenever the source URL (the pool) changes. A download
 * that is not a key set fails the invocation and leaves the copy as it was.
 *
 * Cost: about nothing (hourly: 720 invocations of a 128 MB function for
 * well under a second, 720 PUTs, one object of about 1 KB): under 0.01 USD
 * a month; the log group keeps `logRetentionDays`.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ensureFunctionBundle } from "../data/functionBundle";
import { boolean, logRetentionDays, matching } from "../shared/checks";
import { privateBucket } from "../shared/privateBucket";
import { scheduledFunction } from "../shared/scheduledFunction";
import { checkTags } from "../shared/tags";
import { isKnown, Problems, ValidationError } from "../shared/validation";
import { JWKS_MIRROR_ENV } from "./jwksMirrorEnv";
import { mirrorBucketPolicy, mirrorRolePolicy, objectArn, s3Uri } from "./jwksMirrorPolicies";

/** Defaults of {@link JwksMirrorArgs}: the one place they are written. */
export const JWKS_MIRROR_DEFAULTS = {
    objectKey: "jwks.json",
    schedule: "rate(1 hour)",
    forceDestroy: false,
    logRetentionDays: 30,
} as const;

/** Arguments of {@link JwksMirror}. */
export interface JwksMirrorArgs {
    /**
     * The key set to copy: an https URL, e.g. UserAuth's `jwksUrl`
     * (`https://cognito-idp.<region>.amazonaws.com/<pool id>/.well-known/jwks.json`).
     * A change (another pool) copies it again at once.
     */
    readonly jwksUrl: pulumi.Input<string>;
    /**
     * Key of the copy's one object (letters, digits, `/ ! _ . * ' ( ) -`).
     * @default JWKS_MIRROR_DEFAULTS.objectKey
     */
    readonly objectKey?: string;
    /**
     * How often the copy is refreshed: an EventBridge `rate(...)` or `cron(...)`
     * expression. A pool's keys rarely change; a token signed with a new key is
     * refused until the next copy.
     * @default JWKS_MIRROR_DEFAULTS.schedule
     */
    readonly schedule?: string;
    /**
     * VPC endpoint ids (`vpce-...`, e.g. SecureVpc's `s3EndpointId`): when
     * set, the bucket policy refuses reads of the copy that do not come
     * through one of them.
     * @default [] (reads allowed to any principal the caller's IAM grants)
     */
    readonly readVpcEndpointIds?: pulumi.Input<pulumi.Input<string>[]>;
    /** Delete the bucket with its object on `pulumi destroy` (dev). @default JWKS_MIRROR_DEFAULTS.forceDestroy */
    readonly forceDestroy?: boolean;
    /** Retention of the function's log group (days). @default JWKS_MIRROR_DEFAULTS.logRetentionDays */
    readonly logRetentionDays?: number;
    /** Tags merged into every taggable child (each also gets a `Name` tag). @default {} */
    readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

const NAME = /^[a-z0-9][a-z0-9-]{0,38}[a-z0-9]$/;
const HTTPS_URL = /^https:\/\/[A-Za-z0-9.-]+(:\d+)?\/[^\s?#]*$/;
const OBJECT_KEY = /^(?!.*\.\.)[A-Za-z0-9!_.*'()-]+(\/[A-Za-z0-9!_.*'()-]+)*$/;
const SCHEDULE = /^(rate\((1 (minute|hour|day)|[1-9]\d* (minutes|hours|days))\)|cron\(\S+( \S+){5}\))$/;
const VPC_ENDPOINT_ID = /^vpce-[0-9a-f]{8,17}$/;

/** Applies the defaults and checks every argument, throwing one ValidationError that lists each problem. Pure. */
export function resolveJwksMirrorArgs(name: string, args: JwksMirrorArgs) {
    const p = new Problems(`JwksMirror "${name}"`);
    const a = (args ?? {}) as Partial<JwksMirrorArgs>;
    p.expect(
        NAME.test(name),
        "name",
        name,
        "is not a valid name: expected 2 to 40 lower-case letters, digits and hyphens (it names the bucket)",
    );
    if (a.jwksUrl === undefined || a.jwksUrl === null) p.add("jwksUrl: is required: expected the key set's https URL");
    else if (isKnown(a.jwksUrl)) p.check("jwksUrl", a.jwksUrl, matching(HTTPS_URL, "an https URL without a query"));
    const objectKey = a.objectKey ?? JWKS_MIRROR_DEFAULTS.objectKey;
    p.check("objectKey", objectKey, matching(OBJECT_KEY, "an S3 object key of letters, digits and / ! _ . * ' ( ) -"));
    if (typeof objectKey === "string" && objectKey.length > 512) p.expect(false, "objectKey", objectKey, "is too long");
    const schedule = a.schedule ?? JWKS_MIRROR_DEFAULTS.schedule;
    p.check("schedule", schedule, matching(SCHEDULE, "an EventBridge rate(...) or cron(...) expression"));
    if (a.readVpcEndpointIds !== undefined && isKnown(a.readVpcEndpointIds)) {
        const known = (a.readVpcEndpointIds as unknown[]).map((id) => (isKnown(id) ? id : "vpce-00000000"));
        p.checkEach("readVpcEndpointIds", known, matching(VPC_ENDPOINT_ID, "a VPC endpoint id (vpce-...)"), "ids", 20);
    }
    const forceDestroy = a.forceDestroy ?? JWKS_MIRROR_DEFAULTS.forceDestroy;
    p.check("forceDestroy", forceDestroy, boolean);
    const retention = a.logRetentionDays ?? JWKS_MIRROR_DEFAULTS.logRetentionDays;
    p.check("logRetentionDays", retention, logRetentionDays);
    checkTags(p, "tags", a.tags);
    p.throwIfAny();
    return { objectKey, schedule, forceDestroy, logRetentionDays: retention };
}

/** A JwksMirror's arguments with defaults applied and every check passed. */
export type JwksMirrorSettings = ReturnType<typeof resolveJwksMirrorArgs>;

/**
 * A user pool's key set copied into one object of a private bucket (no
 * public access, owner-enforced, SSE-S3, TLS only), refreshed on a schedule
 * and whenever the pool changes, by a function outside the VPC that may
 * write that one object and nothing else. Readers get `s3Uri` and grant
 * themselves `s3:GetObject` on `objectArn` (jwksReadStatement).
 */
export class JwksMirror extends pulumi.ComponentResource {
    public static readonly TYPE = "aws-webapp:index:JwksMirror";

    /** Name of the bucket holding the copy. */
    public readonly bucketName: pulumi.Output<string>;
    /** ARN of the bucket. */
    public readonly bucketArn: pulumi.Output<string>;
    /** Key of the copy's object. */
    public readonly objectKey: pulumi.Output<string>;
    /** ARN of the copy's object (grant readers `s3:GetObject` on it). */
    public readonly objectArn: pulumi.Output<string>;
    /** `s3://<bucket>/<key>`: the application's AUTH_JWKS_URI. */
    public readonly s3Uri: pulumi.Output<string>;
    /** Name of the copying function (for alarms on its Errors). */
    public readonly functionName: pulumi.Output<string>;
    /** Log group of the function. */
    public readonly logGroupName: pulumi.Output<string>;

    constructor(name: string, args: JwksMirrorArgs, opts?: pulumi.ComponentResourceOptions) {
        const s = resolveJwksMirrorArgs(name, args);
        let bundleDir: string;
        try {
            bundleDir = ensureFunctionBundle("jwks-mirror").dir;
        } catch (e) {
            throw new ValidationError(`JwksMirror "${name}"`, [`function bundle: ${(e as Error).message}`]);
        }
        super(JwksMirror.TYPE, name, {}, opts);
        const child = { parent: this };
        const { bucket, publicAccessBlock } = privateBucket(`${name}-bucket`, s, args.tags, child);
        const copyArn = bucket.arn.apply((arn) => objectArn(arn, s.objectKey));
        const bucketPolicy = new aws.s3.BucketPolicy(
            `${name}-bucket-policy`,
            {
                bucket: bucket.id,
                policy: pulumi
                    .all([bucket.arn, copyArn, pulumi.output(args.readVpcEndpointIds ?? [])])
                    .apply(([bucketArn, arn, ids]) =>
                        JSON.stringify(mirrorBucketPolicy({ bucketArn, objectArn: arn, readVpcEndpointIds: ids })),
                    ),
            },
            { ...child, dependsOn: [publicAccessBlock] },
        );
        const mirror = scheduledFunction(
            {
                name,
                role: "mirror",
                roleDescription: `Writes the copy of a user pool's key set (${name})`,
                description: "Copies a user pool's JWKS into S3 for tasks without internet access",
                ruleDescription: `Refreshes the key set copy of ${name}`,
                schedule: s.schedule,
                bundleDir,
                timeout: 30,
                environment: {
                    [JWKS_MIRROR_ENV.sourceUrl]: args.jwksUrl,
                    [JWKS_MIRROR_ENV.bucket]: bucket.bucket,
                    [JWKS_MIRROR_ENV.key]: s.objectKey,
                },
                policy: (logGroupArn) =>
                    pulumi
                        .all([copyArn, logGroupArn])
                        .apply(([arn, logs]) =>
                            JSON.stringify(mirrorRolePolicy({ objectArn: arn, logGroupArn: logs })),
                        ),
                retryPolicy: { maximumRetryAttempts: 4, maximumEventAgeInSeconds: 3600 },
                logRetentionDays: s.logRetentionDays,
                tags: args.tags,
            },
            child,
        );
        // The first copy at deploy, and again whenever the pool (the URL) or the object changes.
        new aws.lambda.Invocation(
            `${name}-mirror-now`,
            {
                functionName: mirror.fn.name,
                input: JSON.stringify({ source: "aws-webapp.deploy" }),
                triggers: { jwksUrl: pulumi.output(args.jwksUrl), bucket: bucket.bucket, key: s.objectKey },
            },
            { ...child, dependsOn: [mirror.fn, mirror.policy, bucketPolicy] },
        );

        this.bucketName = bucket.bucket;
        this.bucketArn = bucket.arn;
        this.objectKey = pulumi.output(s.objectKey);
        this.objectArn = copyArn;
        this.s3Uri = bucket.bucket.apply((b) => s3Uri(b, s.objectKey));
        this.functionName = mirror.fn.name;
        this.logGroupName = mirror.logGroup.name;
        this.registerOutputs({
            bucketName: this.bucketName,
            bucketArn: this.bucketArn,
            objectKey: this.objectKey,
            objectArn: this.objectArn,
            s3Uri: this.s3Uri,
            functionName: this.functionName,
            logGroupName: this.logGroupName,
        });
    }
}

import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { nameTags } from "../shared/tags";
import { isKnown, ValidationError } from "../shared/validation";
import { idListWhenKnown, SECURITY_GROUP_ID } from "./inputChecks";
import { CACHE_PORTS, CACHE_SUBNETS, resolveCacheSettings, type ValkeyMajorVersion } from "./cacheSettings";

/** Each cache's component name and tags, kept outside the instance (instance properties become schema outputs). */
const caches = new WeakMap<object, { name: string; tags: CacheArgs["tags"] }>();

/**
 * Arguments of {@link Cache}. Sizes, limits and lists are plain values
 * (validated before anything is registered); ids and the key ARN may be Outputs.
 */
export interface CacheArgs {
    /** VPC of the cache's security group. */
    readonly vpcId: pulumi.Input<string>;
    /**
     * Two or three private subnets in different availability zones: a list of
     * ids, or a whole `Output<string[]>` such as `SecureVpc.privateSubnetIds`
     * (checked by the same rules once known).
     */
    readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /**
     * Security groups (e.g. the API service's) admitted on 6379 and 6380;
     * more with `allowFrom`. A plain array.
     * @default []
     */
    readonly allowedSecurityGroupIds?: pulumi.Input<string>[];
    /** Production switch: 7 days of daily snapshots by default. @default false */
    readonly production?: boolean;
    /**
     * Name of the serverless cache (1 to 40 lower-case letters, digits and hyphens).
     * @default `<project>-<stack>-<name>`, lowercased, other characters turned into hyphens
     */
    readonly cacheName?: string;
    /** Valkey major version. @default "8" */
    readonly engineVersion?: ValkeyMajorVersion;
    /** Upper limit of stored data, 1 to 5000 GB (a cost ceiling: writes fail beyond it). @default 1 */
    readonly maxDataStorageGb?: number;
    /** Upper limit of ElastiCache Processing Units per second, 1000 to 15,000,000 (requests are throttled beyond it). @default 5000 */
    readonly maxEcpuPerSecond?: number;
    /** Days of daily snapshots kept, 0 to 35 (0: none). @default 7 in production, else 1 */
    readonly snapshotRetentionDays?: number;
    /** Start of the daily snapshot, `HH:MM` UTC. @default "04:00" */
    readonly dailySnapshotTime?: string;
    /** Customer managed KMS key (key ARN) for data at rest and snapshots. @default undefined (an AWS managed key) */
    readonly kmsKeyArn?: pulumi.Input<string>;
    /** Tags merged into every taggable child (each also gets a `Name` tag). @default {} */
    readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * An ElastiCache Serverless (Valkey) cache in private subnets: TLS only
 * (serverless caches accept no plain connections), encrypted at rest, its
 * own security group admitting only given security groups on the primary
 * (6379) and reader (6380) ports, usage limits as a cost ceiling, and daily
 * snapshots. Create it only where a stack wants one: it has a minimum charge.
 */
export class Cache extends pulumi.ComponentResource {
    public static readonly TYPE = "aws-webapp:index:Cache";

    /** Name of the serverless cache. */
    public readonly cacheName: pulumi.Output<string>;
    /** ARN of the cache. */
    public readonly arn: pulumi.Output<string>;
    /** Host of the primary endpoint (reads and writes; connect with TLS). */
    public readonly endpointAddress: pulumi.Output<string>;
    /** Port of the primary endpoint (6379). */
    public readonly endpointPort: pulumi.Output<number>;
    /** Host of the reader endpoint (reads from replicas). */
    public readonly readerEndpointAddress: pulumi.Output<string>;
    /** Port of the reader endpoint (6380). */
    public readonly readerEndpointPort: pulumi.Output<number>;
    /** `rediss://<host>:<port>`: the primary endpoint as a client URL (TLS). */
    public readonly url: pulumi.Output<string>;
    /** The cache's security group (it admits the allowed groups). */
    public readonly securityGroupId: pulumi.Output<string>;

    constructor(name: string, args: CacheArgs, opts?: pulumi.ComponentResourceOptions) {
        // Defaults and validation before super(): bad input registers nothing.
        const s = resolveCacheSettings(name, args, pulumi.getProject(), pulumi.getStack());
        super(Cache.TYPE, name, {}, opts);

        const child = { parent: this };
        const tags = (n: string) => nameTags(n, args.tags);

        const sgName = `${name}-sg`;
        const securityGroup = new aws.ec2.SecurityGroup(
            sgName,
            {
                namePrefix: `cache-${s.cacheName}-`,
                description: `Valkey ${s.cacheName}: TCP ${CACHE_PORTS.primary}-${CACHE_PORTS.reader} from allowed security groups only`,
                vpcId: args.vpcId,
                revokeRulesOnDelete: true,
                tags: tags(sgName),
            },
            child,
        );
        this.securityGroupId = securityGroup.id;
        caches.set(this, { name, tags: args.tags });
        (args.allowedSecurityGroupIds ?? []).forEach((sourceId, i) => this.addRule(`${name}-from-${i}`, sourceId));

        const cache = new aws.elasticache.ServerlessCache(
            `${name}-cache`,
            {
                name: s.cacheName,
                description: `Valkey cache ${s.cacheName}`,
                engine: "valkey",
                majorEngineVersion: s.engineVersion,
                subnetIds: isKnown(args.subnetIds)
                    ? [...args.subnetIds]
                    : pulumi
                          .output(args.subnetIds)
                          .apply((ids) => idListWhenKnown(`Cache "${name}"`, "subnetIds", ids, CACHE_SUBNETS)),
                securityGroupIds: [securityGroup.id],
                kmsKeyId: args.kmsKeyArn,
                cacheUsageLimits: {
                    dataStorage: { maximum: s.maxDataStorageGb, unit: "GB" },
                    ecpuPerSeconds: [{ maximum: s.maxEcpuPerSecond }],
                },
                snapshotRetentionLimit: s.snapshotRetentionDays,
                dailySnapshotTime: s.dailySnapshotTime,
                tags: tags(`${name}-cache`),
            },
            child,
        );

        const first = <T extends { address: string; port: number }>(list: T[] | undefined, what: string): T => {
            if (!list || list.length === 0) throw new Error(`Cache "${name}": the cache reported no ${what}`);
            return list[0];
        };
        this.cacheName = cache.name;
        this.arn = cache.arn;
        this.endpointAddress = cache.endpoints.apply((e) => first(e, "endpoint").address);
        this.endpointPort = cache.endpoints.apply((e) => first(e, "endpoint").port);
        this.readerEndpointAddress = cache.readerEndpoints.apply((e) => first(e, "reader endpoint").address);
        this.readerEndpointPort = cache.readerEndpoints.apply((e) => first(e, "reader endpoint").port);
        this.url = pulumi.interpolate`rediss://${this.endpointAddress}:${this.endpointPort}`;
        this.registerOutputs({
            cacheName: this.cacheName,
            arn: this.arn,
            endpointAddress: this.endpointAddress,
            endpointPort: this.endpointPort,
            readerEndpointAddress: this.readerEndpointAddress,
            readerEndpointPort: this.readerEndpointPort,
            url: this.url,
            securityGroupId: this.securityGroupId,
        });
    }

    /**
     * Admits another security group (e.g. a service created after the cache)
     * on the primary and reader ports. `id` names the rules (`<name>-allow-<id>`)
     * and must be unique per cache.
     */
    public allowFrom(id: string, securityGroupId: pulumi.Input<string>): void {
        const problems: string[] = [];
        if (!/^[A-Za-z0-9-]{1,40}$/.test(id))
            problems.push(`allowFrom id: ${JSON.stringify(id)} is not 1 to 40 letters, digits or hyphens`);
        if (typeof securityGroupId === "string" && !SECURITY_GROUP_ID.test(securityGroupId)) {
            problems.push(
                `allowFrom securityGroupId: ${JSON.stringify(securityGroupId)} is not a security group id (sg-...)`,
            );
        }
        const name = caches.get(this)?.name ?? "cache";
        if (problems.length > 0) throw new ValidationError(`Cache "${name}"`, problems);
        this.addRule(`${name}-allow-${id}`, securityGroupId);
    }

    private addRule(ruleName: string, sourceId: pulumi.Input<string>): void {
        new aws.vpc.SecurityGroupIngressRule(
            ruleName,
            {
                securityGroupId: this.securityGroupId,
                referencedSecurityGroupId: sourceId,
                ipProtocol: "tcp",
                fromPort: CACHE_PORTS.primary,
                toPort: CACHE_PORTS.reader,
                description: "Valkey (primary and reader endpoints) from an allowed security group",
                tags: nameTags(ruleName, caches.get(this)?.tags),
            },
            { parent: this },
        );
    }
}

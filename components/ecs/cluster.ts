/**
 * EcsCluster: an ECS cluster (Container Insights setting) and, optionally,
 * its default EC2 capacity (an {@link Ec2Capacity} it builds and sets as the
 * cluster's default capacity provider strategy). Services join it by its
 * outputs: many services, one cluster, one fleet.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { componentName, oneOf, resolveOn, type ProblemSink } from "../shared/inputChecks";
import { childOptions, nestedBlockOptions } from "../shared/moves";
import { nameTags } from "../shared/tags";
import { Ec2Capacity, resolveEc2CapacityArgs, type ClusterCapacityArgs } from "./ec2Capacity";
import { CONTAINER_INSIGHTS, type ContainerInsights } from "./taskSizes";

/** Defaults of {@link EcsClusterArgs}, named by each argument's `@default`. */
export const ECS_CLUSTER_DEFAULTS = { containerInsights: "enabled" as ContainerInsights } as const;

/** Arguments of {@link EcsCluster}. */
export interface EcsClusterArgs {
    /** Container Insights on the cluster. @default `ECS_CLUSTER_DEFAULTS.containerInsights` ("enabled") */
    readonly containerInsights?: ContainerInsights;
    /** The cluster's default EC2 capacity (an Ec2Capacity joined to it). @default none (attach an Ec2Capacity yourself) */
    readonly capacity?: ClusterCapacityArgs;
    /** Tags merged into every taggable child. @default {} */
    readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/** What a service needs of a cluster: an {@link EcsCluster}, or these outputs of any cluster. */
export interface EcsClusterRef {
    /** Cluster ARN (the service's `cluster`). */
    readonly clusterArn: pulumi.Input<string>;
    /** Cluster name (the auto scaling resource id). */
    readonly clusterName: pulumi.Input<string>;
}

/** Defaults and validation of {@link EcsClusterArgs} (and of its capacity); throws one error naming every bad argument. */
export function resolveEcsClusterArgs(name: string, args: EcsClusterArgs, sink?: ProblemSink) {
    return resolveOn(`EcsCluster "${name}"`, sink, (p) => {
        componentName(p, name);
        const containerInsights = oneOf(
            p,
            "containerInsights",
            args.containerInsights ?? ECS_CLUSTER_DEFAULTS.containerInsights,
            CONTAINER_INSIGHTS,
        );
        if (args.capacity !== undefined) resolveEc2CapacityArgs(name, args.capacity, prefixed(p, "capacity"));
        return { containerInsights };
    });
}

/** A sink that prefixes every key (the capacity's `minInstances` is the cluster's `capacity.minInstances`). */
function prefixed(p: ProblemSink, prefix: string): ProblemSink {
    const sink: ProblemSink = {
        expect(ok: boolean, key: string, value: unknown, expected: string) {
            p.expect(ok, `${prefix}.${key}`, value, expected);
        },
        add(line: string) {
            p.add(`${prefix}.${line}`);
        },
    };
    return sink;
}

/** An ECS cluster with optional default EC2 capacity. See docs/components/EcsCluster.md. */
export class EcsCluster extends pulumi.ComponentResource {
    /** Pulumi type token. */
    static readonly TYPE = "aws-webapp:index:EcsCluster";

    /** Cluster ARN; with capacity, it resolves once the capacity provider is the cluster's default. */
    public readonly clusterArn: pulumi.Output<string>;
    /** Cluster name (the CloudWatch `ClusterName` dimension). */
    public readonly clusterName: pulumi.Output<string>;
    /** Capacity provider of the default capacity; undefined without `capacity`. */
    public readonly capacityProviderName: pulumi.Output<string | undefined>;
    /** Security group of the default capacity's instances; undefined without `capacity`. */
    public readonly instanceSecurityGroupId: pulumi.Output<string | undefined>;
    /** Auto Scaling group of the default capacity; undefined without `capacity`. */
    public readonly autoScalingGroupName: pulumi.Output<string | undefined>;

    constructor(name: string, args: EcsClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        const s = resolveEcsClusterArgs(name, args);
        super(EcsCluster.TYPE, name, {}, opts);

        const cluster = new aws.ecs.Cluster(
            `${name}-cluster`,
            {
                settings: [{ name: "containerInsights", value: s.containerInsights }],
                tags: nameTags(`${name}-cluster`, args.tags),
            },
            childOptions(this, opts),
        );
        const capacity = args.capacity
            ? new Ec2Capacity(
                  name,
                  { ...args.capacity, tags: args.capacity.tags ?? args.tags, clusterName: cluster.name },
                  nestedBlockOptions(this, opts),
              )
            : undefined;

        const none = pulumi.output(undefined as string | undefined);
        this.clusterArn = capacity
            ? pulumi.all([cluster.arn, capacity.capacityProviderName]).apply(([arn]) => arn)
            : cluster.arn;
        this.clusterName = cluster.name;
        this.capacityProviderName = capacity ? capacity.capacityProviderName : none;
        this.instanceSecurityGroupId = capacity ? capacity.instanceSecurityGroupId : none;
        this.autoScalingGroupName = capacity ? capacity.autoScalingGroupName : none;
        this.registerOutputs({
            clusterArn: this.clusterArn,
            clusterName: this.clusterName,
            capacityProviderName: this.capacityProviderName,
            instanceSecurityGroupId: this.instanceSecurityGroupId,
            autoScalingGroupName: this.autoScalingGroupName,
        });
    }
}

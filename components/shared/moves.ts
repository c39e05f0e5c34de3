/**
 * Keeping deployed resources when they move under a new parent.
 *
 * Before the compute split, `EcsEc2Service` created every resource (cluster,
 * instances, load balancer, repository, service ...) as its own direct child.
 * The pattern now builds them through blocks (`EcsCluster`, `Ec2Capacity`,
 * `WebLoadBalancer`, ...), which would put each under a new parent and so give
 * it a new URN: Pulumi would delete and recreate it. A block the pattern
 * builds is given {@link movedBlockOptions}; the block passes
 * {@link childOptions} to each of its resources, which adds an alias to the
 * URN the resource had directly under the pattern (same name and type), so a
 * deployed stack updates in place. Blocks built by users carry no alias.
 */
import * as pulumi from "@pulumi/pulumi";

/** Block options → the resource the block's children lived under before the split. */
const formerParents = new WeakMap<object, pulumi.Resource>();

/**
 * Options for a block built by a pattern (or by another block the pattern
 * built): parented to `parent`, its resources aliased to `formerParent`.
 */
export function movedBlockOptions(
    parent: pulumi.Resource,
    formerParent: pulumi.Resource,
    extra: Omit<pulumi.ComponentResourceOptions, "parent"> = {},
): pulumi.ComponentResourceOptions {
    const opts: pulumi.ComponentResourceOptions = { ...extra, parent };
    formerParents.set(opts, formerParent);
    return opts;
}

/** The former parent recorded for a block's options, if any. */
export function formerParentOf(opts: pulumi.ComponentResourceOptions | undefined): pulumi.Resource | undefined {
    return opts === undefined ? undefined : formerParents.get(opts);
}

/**
 * Options for a block that `block` builds itself (EcsCluster's default
 * capacity): parented to `block`, and moved like `block` when it was moved.
 */
export function nestedBlockOptions(
    block: pulumi.Resource,
    blockOpts: pulumi.ComponentResourceOptions | undefined,
): pulumi.ComponentResourceOptions {
    const former = formerParentOf(blockOpts);
    return former ? movedBlockOptions(block, former) : { parent: block };
}

/** Options of a block's own resource: parented to the block, aliased to its URN before the split when moved. */
export function childOptions(
    block: pulumi.Resource,
    blockOpts: pulumi.ComponentResourceOptions | undefined,
): pulumi.CustomResourceOptions {
    const former = formerParentOf(blockOpts);
    return former ? { parent: block, aliases: [{ parent: former }] } : { parent: block };
}

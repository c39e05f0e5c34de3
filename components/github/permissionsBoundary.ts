import * as pulumi from "@pulumi/pulumi";

/** The resource type whose registrations {@link permissionsBoundaryTransform} changes. */
export const IAM_ROLE_TYPE = "aws:iam/role:Role";

/**
 * A resource transform that gives every IAM role of a program the
 * permissions boundary of its `GithubDeployRole` (a role that names its own
 * boundary keeps it). The deploy role may create and change only roles with
 * that boundary, so a program deployed by it registers this once, before any
 * resource:
 *
 * ```ts
 * pulumi.runtime.registerResourceTransform(permissionsBoundaryTransform(boundaryArn));
 * ```
 *
 * Adding a boundary to an existing role is an in-place update
 * (`PutRolePermissionsBoundary`), not a replacement.
 */
export function permissionsBoundaryTransform(boundaryArn: pulumi.Input<string>): pulumi.ResourceTransform {
    return (args) => {
        if (args.type !== IAM_ROLE_TYPE || args.props.permissionsBoundary !== undefined) return undefined;
        return { props: { ...args.props, permissionsBoundary: boundaryArn }, opts: args.opts };
    };
}

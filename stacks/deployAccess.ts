/**
 * Deploy access: what the stack does so that the principal running
 * `pulumi up` may create it. With `aws-webapp:permissionsBoundaryArn` set,
 * every IAM role the program registers carries that permissions boundary
 * (the GitHub deploy role creates and changes only such roles).
 *
 * One stack transform rather than an argument threaded through each
 * component: it reaches every role of every component, present and future,
 * children of packaged (multi-language) components included, as CDK's
 * `PermissionsBoundary.of(scope).apply(...)` does. Adding a boundary to a
 * deployed role is an in-place update (`PutRolePermissionsBoundary`).
 */
import * as pulumi from "@pulumi/pulumi";
import { permissionsBoundaryTransform } from "../components";
import type { EnvironmentConfig } from "./config";

/** Registers the boundary transform when configured. Call before the first resource. */
export function applyDeployAccess(config: Pick<EnvironmentConfig, "permissionsBoundaryArn">): void {
    if (config.permissionsBoundaryArn === undefined) return;
    pulumi.runtime.registerResourceTransform(permissionsBoundaryTransform(config.permissionsBoundaryArn));
}

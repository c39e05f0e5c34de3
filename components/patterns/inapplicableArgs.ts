/**
 * Arguments of {@link EcsEc2Service} that make no sense in the shape it builds
 * (a joined cluster or load balancer, the ingress mode): refused with one
 * message each rather than silently ignored.
 */
import type { EcsEc2ServiceArgs, IngressMode } from "./ecsEc2ServiceArgs";
import type { ProblemSet } from "../shared/inputChecks";

const CAPACITY_KEYS = [
    "instanceSubnetIds",
    "instancePublicIp",
    "instanceType",
    "additionalInstanceTypes",
    "minInstances",
    "maxInstances",
    "desiredInstances",
    "onDemandBaseCapacity",
    "onDemandPercentage",
    "capacityTargetPercent",
    "managedTerminationProtection",
    "rootVolumeSizeGb",
    "rootVolumeKmsKeyArn",
    "amiId",
    "containerInsights",
] as const;
const LOAD_BALANCER_KEYS = [
    "albSubnetIds",
    "certificateArn",
    "sslPolicy",
    "domainName",
    "deletionProtection",
    "accessLogs",
    "accessLogsBucket",
    "accessLogsPrefix",
    "accessLogsRetentionDays",
    "idleTimeoutSeconds",
    "ingressPrefixListIds",
    "originVerifyHeader",
] as const;

/** Arguments that make no sense in the chosen shape are refused rather than ignored. */
export function refuseInapplicable(p: ProblemSet, args: EcsEc2ServiceArgs, ingress: IngressMode): void {
    if (args.cluster !== undefined) {
        for (const key of CAPACITY_KEYS)
            if (args[key] !== undefined)
                p.add(`${key}: is set but the joined cluster brings its capacity: expected it unset with cluster`);
    } else {
        if (args.capacityProviderName !== undefined)
            p.add("capacityProviderName: is set without cluster: expected it only with a joined cluster");
        if (args.instanceType === undefined) p.add("instanceType: is required (unless cluster is given)");
    }
    if (args.loadBalancer !== undefined) {
        for (const key of LOAD_BALANCER_KEYS)
            if (args[key] !== undefined)
                p.add(
                    `${key}: is set but applies to the pattern's own load balancer: expected it unset with loadBalancer`,
                );
    }
    if (ingress === "alb") {
        if (args.httpApi !== undefined)
            p.add(`httpApi: is set with ingress "alb": expected ingress "httpApi" to join it`);
        if (args.routeKeys !== undefined) p.add(`routeKeys: is set but applies to ingress "httpApi" only`);
        if (args.vpcLinkKeepAlive !== undefined)
            p.add(`vpcLinkKeepAlive: is set but applies to ingress "httpApi" only (an ALB has no VPC link)`);
        if (args.publicRouteKeys !== undefined) p.add(`publicRouteKeys: is set but applies to ingress "httpApi" only`);
        if (args.httpApiJwtAuthorizer !== undefined)
            p.add(`httpApiJwtAuthorizer: is set but applies to ingress "httpApi" only`);
        return;
    }
    if (args.loadBalancer !== undefined)
        p.add(`loadBalancer: is set with ingress "httpApi": expected ingress "alb" to join it`);
    if (args.listenerRule !== undefined) p.add(`listenerRule: is set but applies to ingress "alb" only`);
    // ALB-only arguments make no sense behind an HTTP API: refuse them rather than ignore them.
    for (const key of [
        "albSubnetIds",
        "certificateArn",
        "accessLogsBucket",
        "ingressPrefixListIds",
        "originVerifyHeader",
    ] as const) {
        if (args[key] !== undefined)
            p.add(`${key}: is set but applies to ingress "alb" only: expected it unset with ingress "httpApi"`);
    }
    for (const key of ["deletionProtection", "accessLogs"] as const) {
        if (args[key] === true)
            p.add(`${key}: true applies to ingress "alb" only: expected it unset with ingress "httpApi"`);
    }
    // The grace period is documented (provider and CreateService) as valid only for load-balanced
    // services, and ECS has rejected it on others; the container health check's start period covers startup.
    if (args.healthCheckGracePeriodSeconds !== undefined)
        p.add(
            `healthCheckGracePeriodSeconds: is set but applies to ingress "alb" only (valid only on load-balanced services): expected it unset with ingress "httpApi"`,
        );
    if (args.requestsPerTarget !== undefined)
        p.add(`requestsPerTarget: ${args.requestsPerTarget} needs ingress "alb" (the metric is the target group's)`);
}

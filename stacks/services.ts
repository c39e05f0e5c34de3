/**
 * The stack's further ECS services, from the `services` config entries: each
 * is an Ec2Service (the compute split's building block) on the API's cluster
 * and capacity provider, joined to the API's load balancer (a listener rule
 * before the API's, with its paths and the origin header) or HTTP API (its
 * own Cloud Map service and routes), or to nothing (a worker).
 */
import * as pulumi from "@pulumi/pulumi";
import { Ec2Service, type EcsEc2Service } from "../components";
import type { ServiceEntry } from "./siteConfig";

/** Listener rule priority of the first entry (the API's rule is 100 and matches every path). */
export const FIRST_SERVICE_PRIORITY = 10;

/** HTTP API route keys of a CloudFront path pattern: `/app/*` becomes `ANY /app/{proxy+}`. */
export function routeKeysOf(pathPatterns: readonly string[]): string[] {
    return pathPatterns.map((p) => `ANY ${p.slice(0, -1)}{proxy+}`);
}

/** Every path pattern the entries route (CloudFront sends them to the ingress). */
export function servicePathPatterns(entries: readonly ServiceEntry[]): string[] {
    return entries.flatMap((e) => e.pathPatterns ?? []);
}

export interface ServiceParts {
    readonly name: string;
    readonly vpcId: pulumi.Input<string>;
    readonly cidrBlock: pulumi.Input<string>;
    readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /** The API's pattern: its cluster, capacity provider and ingress are joined. */
    readonly api: EcsEc2Service;
    readonly logRetentionDays: number;
    readonly tags: Record<string, string>;
}

/** Builds one Ec2Service per entry, in order (`<stack>-svc-<name>`). */
export function buildServices(entries: readonly ServiceEntry[], parts: ServiceParts): Ec2Service[] {
    return entries.map((e, i) => {
        const http = e.pathPatterns !== undefined;
        const lb = parts.api.loadBalancer;
        const api = parts.api.httpApi;
        return new Ec2Service(`${parts.name}-svc-${e.name}`, {
            vpcId: parts.vpcId,
            cidrBlock: parts.cidrBlock,
            subnetIds: parts.subnetIds,
            cluster: parts.api.cluster,
            capacityProviderName: parts.api.capacityProviderName.apply((c) => c!),
            image: e.image,
            taskCpu: e.cpu,
            taskMemory: e.memory,
            containerName: e.name,
            ...(e.port !== undefined ? { containerPort: e.port } : {}),
            ...(e.healthCheckPath !== undefined ? { healthCheckPath: e.healthCheckPath } : {}),
            ...(e.healthCheckCommand !== undefined ? { containerHealthCheckCommand: e.healthCheckCommand } : {}),
            desiredTasks: e.desiredTasks,
            minTasks: e.minTasks,
            maxTasks: e.maxTasks,
            logRetentionDays: parts.logRetentionDays,
            loadBalancer:
                http && lb
                    ? { loadBalancer: lb, priority: FIRST_SERVICE_PRIORITY + i, pathPatterns: e.pathPatterns }
                    : undefined,
            httpApi:
                http && api
                    ? { gateway: api, routeKeys: routeKeysOf(e.pathPatterns!), discoveryName: e.name }
                    : undefined,
            tags: parts.tags,
        });
    });
}

/**
 * The stack's further ECS services, from the `services` config entries: each
 * is an Ec2Service (the compute split's building block) on the API's cluster
 * and capacity provider, joined to the API's load balancer (a listener rule
 * before the API's, with its paths and the origin header) or HTTP API (its
 * own Cloud Map service and routes), or to nothing (a worker).
 */
import * as pulumi from "@pulumi/pulumi";
import {
    Ec2Service,
    type Ec2ServiceArgs,
    type EcsClusterRef,
    type EcsEc2Service,
    type HttpApiGatewayRef,
    type WebLoadBalancerRef,
} from "../components";
import { resolveEc2ServiceArgs } from "../components/ecs";
import { ValidationError } from "../components/shared/validation";
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

/** What the further services join: the API pattern's cluster, capacity provider and ingress. */
export interface ServiceJoin {
    readonly cluster: EcsClusterRef;
    readonly capacityProviderName: pulumi.Input<string>;
    readonly loadBalancer: WebLoadBalancerRef | undefined;
    readonly httpApi: HttpApiGatewayRef | undefined;
}

export interface ServiceParts {
    readonly name: string;
    readonly vpcId: pulumi.Input<string>;
    readonly cidrBlock: pulumi.Input<string>;
    readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    readonly join: ServiceJoin;
    readonly logRetentionDays: number;
    readonly tags: Record<string, string>;
}

/** The Ec2Service of one entry (the `i`-th): its name and arguments. */
export function serviceArgsOf(e: ServiceEntry, i: number, parts: ServiceParts): [string, Ec2ServiceArgs] {
    const http = e.pathPatterns !== undefined;
    const { loadBalancer: lb, httpApi: api } = parts.join;
    return [
        `${parts.name}-svc-${e.name}`,
        {
            vpcId: parts.vpcId,
            cidrBlock: parts.cidrBlock,
            subnetIds: parts.subnetIds,
            cluster: parts.join.cluster,
            capacityProviderName: parts.join.capacityProviderName,
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
        },
    ];
}

/** What the API pattern offers further services to join. */
export function joinOf(api: EcsEc2Service): ServiceJoin {
    return {
        cluster: api.cluster,
        capacityProviderName: api.capacityProviderName.apply((c) => c!),
        loadBalancer: api.loadBalancer,
        httpApi: api.httpApi,
    };
}

/**
 * Runs each entry's Ec2Service resolver (the pre-pass: nothing is
 * registered); one error names each entry's problems by its config key.
 */
export function validateServices(entries: readonly ServiceEntry[], parts: ServiceParts): void {
    const problems: string[] = [];
    entries.forEach((e, i) => {
        const [name, args] = serviceArgsOf(e, i, parts);
        try {
            resolveEc2ServiceArgs(name, args);
        } catch (err) {
            if (!(err instanceof ValidationError)) throw err;
            problems.push(...err.problems.map((line) => `aws-webapp:services.${i} (Ec2Service "${name}") ${line}`));
        }
    });
    if (problems.length > 0) throw new ValidationError("services", problems);
}

/** Builds one Ec2Service per entry, in order (`<stack>-svc-<name>`). */
export function buildServices(entries: readonly ServiceEntry[], parts: ServiceParts): Ec2Service[] {
    return entries.map((e, i) => new Ec2Service(...serviceArgsOf(e, i, parts)));
}

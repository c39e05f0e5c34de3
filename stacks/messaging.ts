/**
 * The messaging data of an environment (issue 19) as steps of the pre-pass
 * (stacks/steps.ts), before the service that uses them: the MessageTable
 * (DynamoDB on demand, its stream consumer and failure queue; deletion
 * protection, `protect` and `retainOnDelete` in prod) and, when
 * `aws-webapp:cacheEnabled` is on, the Valkey serverless Cache in the
 * private subnets for the API's user lookups. DynamoDB traffic leaves the
 * VPC through SecureVpc's free gateway endpoint, so dev needs no NAT.
 */
import * as pulumi from "@pulumi/pulumi";
import { Cache, MessageTable, type EcsEc2Service } from "../components";
import { CACHE_PORTS, resolveCacheSettings } from "../components/data/cacheSettings";
import { apiAccessStatements } from "../components/data/messageTablePolicies";
import { resolveMessageTableSettings } from "../components/data/messageTableSettings";
import type { TaskRoleStatement } from "../components/ecs/containerChecks";
import type { EnvironmentConfig } from "./config";
// Called at build time only (environmentSteps imports this module: no value of it is read at load).
import { environmentTags } from "./environmentSteps";
import { type Refs, step } from "./steps";

declare module "./steps" {
    interface Refs {
        messages: MessageTable;
        cache?: Cache;
    }
}

const prod = (c: EnvironmentConfig) => c.environment === "prod";
/** Arguments set by the environment class (environmentSteps' BY_ENVIRONMENT). */
const BY_ENVIRONMENT = "environment";

export const messagesStep = step({
    ref: "messages",
    component: "MessageTable",
    name: (c) => `${c.stack}-messages`,
    args: (c) => ({ production: prod(c), logRetentionDays: c.logRetentionDays, tags: environmentTags(c) }),
    validate: (name, args) => resolveMessageTableSettings(name, args),
    create: (name, args) => new MessageTable(name, args),
    keys: { production: BY_ENVIRONMENT },
});

export const cacheStep = step({
    ref: "cache",
    component: "Cache",
    name: (c) => `${c.stack}-cache`,
    enabled: (c) => c.cacheEnabled,
    args: (c, refs) => ({
        vpcId: refs.vpc.vpcId,
        // Two or three zones' private subnets (a serverless cache takes at most three).
        subnetIds: refs.vpc.privateSubnetIds.apply((ids) => ids.slice(0, 3)),
        production: prod(c),
        maxDataStorageGb: c.cacheMaxDataStorageGb,
        maxEcpuPerSecond: c.cacheMaxEcpuPerSecond,
        tags: environmentTags(c),
    }),
    validate: (name, args) => resolveCacheSettings(name, args, pulumi.getProject(), pulumi.getStack()),
    create: (name, args) => new Cache(name, args),
    keys: {
        vpcId: "",
        subnetIds: "",
        production: BY_ENVIRONMENT,
        maxDataStorageGb: "cacheMaxDataStorageGb",
        maxEcpuPerSecond: "cacheMaxEcpuPerSecond",
    },
});

/** The app's environment: the table, and the cache's TLS URL and key TTL when there is one. */
export function messagingEnvironment(refs: Refs, c: EnvironmentConfig): Record<string, pulumi.Input<string>> {
    return {
        MESSAGES_TABLE: refs.messages.tableName,
        ...(refs.cache ? { CACHE_URL: refs.cache.url, CACHE_TTL_SECONDS: String(c.cacheTtlSeconds) } : {}),
    };
}

/** Exactly the table and index actions the API uses (MessageTable.apiStatements, from its properties). */
export function messagingStatements(refs: Refs): TaskRoleStatement[] {
    return apiAccessStatements(refs.messages.tableArn, refs.messages.byUserIndexArn);
}

/** Ports inside the VPC the tasks must reach: the cache's primary endpoint (DynamoDB goes by the gateway endpoint). */
export function messagingEgressPorts(c: EnvironmentConfig): number[] {
    return c.cacheEnabled ? [CACHE_PORTS.primary] : [];
}

/** Admits the service's security group to the cache (nothing without a cache). */
export function admitToMessaging(refs: Refs, service: EcsEc2Service): void {
    refs.cache?.allowFrom("web", service.serviceSecurityGroupId);
}

/**
 * Configuration keys of the site wiring (stacks/site.ts, stacks/services.ts):
 * the built frontend the program uploads, the distribution's price class,
 * and the stack's further ECS services as entries. Spread into the schema of
 * stacks/config.ts; {@link siteProblems} adds the cross-key rules there.
 */
import { z } from "zod";
import { integer, matching, type Check } from "../components/shared/checks";
import { instanceTypeInfo } from "../components/shared/instanceTypes";
import { baseError, withCheck } from "../components/shared/zodCheck";
import { ECS_AGENT_RESERVE_MIB, placement } from "./capacityRules";

/** Path patterns CloudFront keeps for itself (the site, its assets, the renditions) and the API's. */
export const RESERVED_PATH_PREFIXES = ["/api/", "/media/", "/assets/"] as const;

const int = (min: number, max: number) => {
    const check = integer(min, max);
    return withCheck(z.number({ error: baseError(check) }), check);
};
const str = (check: Check) => withCheck(z.string({ error: baseError(check) }), check);

const PATH_PATTERN = /^\/[a-z0-9][a-z0-9._~-]*(\/[a-z0-9._~-]+)*\/\*$/;

/** One further ECS service: an HTTP service behind the shared ingress (with paths) or a worker (without). */
export const serviceEntrySchema = z
    .object({
        name: str(
            matching(/^[a-z][a-z0-9-]{0,19}$/, "a service name: a-z, 0-9, -; at most 20, starting with a letter"),
        ),
        image: str(matching(/^[a-z0-9./:@_-]+$/i, "a container image reference (best by digest)")),
        port: int(1024, 65535).optional(),
        pathPatterns: z
            .array(str(matching(PATH_PATTERN, 'a path pattern like "/app/*"')), {
                error: "is not a list of path patterns",
            })
            .min(1, { error: "is empty: expected at least one path pattern, or leave it out for a worker" })
            .max(4, { error: "has more than 4 path patterns (a listener rule's condition limit with its header)" })
            .optional(),
        healthCheckPath: str(matching(/^\/[A-Za-z0-9._~/-]*$/, "an HTTP path such as /health")).optional(),
        healthCheckCommand: z
            .array(z.string({ error: "is not a string" }), { error: "is not a command list" })
            .min(2, { error: 'is too short: expected a command like ["CMD", "/bin/healthy"]' })
            .optional(),
        cpu: int(256, 16384).default(256),
        memory: int(512, 122880).default(512),
        desiredTasks: int(0, 100).default(1),
        minTasks: int(0, 100).default(1),
        maxTasks: int(1, 100).default(1),
    })
    .strict();

export type ServiceEntry = z.output<typeof serviceEntrySchema>;

/** The site block of the environment schema. */
export const SITE_CONFIG_SHAPE = {
    siteDir: str(matching(/^[A-Za-z0-9._/-]+$/, "a directory path"))
        .default("web/dist")
        .describe(
            "Directory of the built web frontend (`npm run build:web`) the program uploads to the site bucket; it must hold index.html when the program runs.",
        ),
    sitePriceClass: z
        .enum(["PriceClass_100", "PriceClass_200", "PriceClass_All"], {
            error: 'is not one of "PriceClass_100", "PriceClass_200", "PriceClass_All"',
        })
        .default("PriceClass_100")
        .describe("CloudFront price class of the distribution (edge locations used)."),
    services: z
        .array(serviceEntrySchema, { error: "is not a list of service entries" })
        .max(5, { error: "has more than 5 entries" })
        .default([])
        .describe(
            "More ECS services on the API's cluster and ingress, as entries {name, image, port, pathPatterns, healthCheckPath, healthCheckCommand, cpu, memory, desiredTasks, minTasks, maxTasks}; an entry without pathPatterns is a worker (no ingress; it needs healthCheckCommand).",
        ),
};

/** What the cross-key rules read. */
export interface SiteRuleConfig {
    readonly services: readonly ServiceEntry[];
    readonly instanceType: string;
    readonly maxInstances: number;
    readonly taskCpu: number;
    readonly taskMemory: number;
    readonly maxTasks: number;
    readonly environment: string;
    readonly ingress: string;
    readonly domainName?: string;
}

/**
 * Rules across keys: an entry with paths needs a port (a worker has
 * neither), names and paths are unique and stay off the site's own paths,
 * counts are ordered, and every service's tasks fit the instances beside the
 * API's (awsvpc ENIs and memory at maxTasks).
 */
export function siteProblems(c: SiteRuleConfig, key: (k: string) => string): string[] {
    const problems: string[] = [];
    if (c.environment === "prod" && c.ingress === "alb" && c.domainName === undefined)
        problems.push(
            `${key("domainName")}: is unset: prod needs it with ${key("ingress")} "alb" (CloudFront reaches the load balancer over HTTPS with its certificate; without one the API origin is plain HTTP)`,
        );
    const at = (i: number, k: string) => `${key("services")}.${i}.${k}`;
    const names = new Set<string>(["web"]);
    const paths = new Map<string, string>();
    c.services.forEach((s, i) => {
        if (names.has(s.name))
            problems.push(`${at(i, "name")}: "${s.name}" is taken (by the API "web" or an earlier entry)`);
        names.add(s.name);
        if ((s.pathPatterns === undefined) !== (s.port === undefined))
            problems.push(
                `${at(i, "port")}: ${s.port ?? "undefined"} ${s.pathPatterns ? "is required with pathPatterns" : "is set without pathPatterns"}: expected both (an HTTP service) or neither (a worker)`,
            );
        if (s.pathPatterns === undefined && s.healthCheckCommand === undefined)
            problems.push(
                `${at(i, "healthCheckCommand")}: is required for a worker (no pathPatterns): expected the container's health check command`,
            );
        for (const [j, p] of (s.pathPatterns ?? []).entries()) {
            if (RESERVED_PATH_PREFIXES.some((r) => p.startsWith(r)))
                problems.push(
                    `${at(i, `pathPatterns.${j}`)}: "${p}" is served by the site itself (${RESERVED_PATH_PREFIXES.join(", ")})`,
                );
            if (paths.has(p))
                problems.push(`${at(i, `pathPatterns.${j}`)}: "${p}" is already routed to ${paths.get(p)}`);
            paths.set(p, s.name);
        }
        if (!(s.minTasks <= s.desiredTasks && s.desiredTasks <= s.maxTasks))
            problems.push(
                `${at(i, "desiredTasks")}: ${s.desiredTasks} is outside minTasks ${s.minTasks} to maxTasks ${s.maxTasks}: expected min <= desired <= max`,
            );
        if (s.memory < (s.cpu / 1024) * 512)
            problems.push(
                `${at(i, "memory")}: ${s.memory} is too small for cpu ${s.cpu}: expected at least ${(s.cpu / 1024) * 512} MiB`,
            );
    });
    const info = instanceTypeInfo(c.instanceType);
    if (info === undefined || c.services.length === 0) return problems;
    const usable = info.memoryMiB - ECS_AGENT_RESERVE_MIB;
    c.services.forEach((s, i) => {
        if (s.memory > usable || placement(info, s.cpu, s.memory).byCpu < 1)
            problems.push(
                `${at(i, "memory")}: ${s.cpu} CPU / ${s.memory} MiB does not fit ${key("instanceType")} ${c.instanceType} (${usable} MiB usable, ${info.vcpu * 1024} CPU units)`,
            );
    });
    const tasks = c.maxTasks + c.services.reduce((n, s) => n + s.maxTasks, 0);
    const memory = c.maxTasks * c.taskMemory + c.services.reduce((n, s) => n + s.maxTasks * s.memory, 0);
    const enis = c.maxInstances * (info.maxEnis - 1);
    if (tasks > enis || memory > c.maxInstances * usable)
        problems.push(
            `${key("services")}: ${tasks} tasks at maxTasks (${memory} MiB with the API's) do not fit ${key("maxInstances")} ${c.maxInstances} instances of ${c.instanceType}: at most ${enis} awsvpc tasks and ${c.maxInstances * usable} MiB`,
        );
    return problems;
}

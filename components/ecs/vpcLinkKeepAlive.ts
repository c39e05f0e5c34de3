/**
 * Keep-alive of an HTTP API's VPC link: API Gateway makes a VPC link
 * INACTIVE after 60 days without traffic and deletes its network
 * interfaces; the next requests fail until it is re-provisioned (minutes).
 * A quiet environment (dev) can go that long. A scheduled EventBridge rule
 * invokes a small function (lambda/vpc-link-keep-alive) once a day that
 * requests the service's health path through the API, across the link.
 *
 * Cost: about nothing. 30 invocations a month of a 128 MB function for well
 * under a second, 30 HTTP API requests (1.00 USD per million), a scheduled
 * rule (free): under 0.01 USD a month; the log group keeps `logRetentionDays`.
 */
import * as pulumi from "@pulumi/pulumi";
import { ensureFunctionBundle } from "../data/functionBundle";
import { policyDocument, type PolicyDocument } from "../shared/iamDocuments";
import { scheduledFunction } from "../shared/scheduledFunction";
import { KEEP_ALIVE_ENV } from "./keepAliveEnv";

/** How often the link carries a request (far inside the 60 days). */
export const KEEP_ALIVE_SCHEDULE = "rate(1 day)";

/**
 * True when an HTTP API route key sends a GET of `path` to its integration:
 * `$default`, or `GET|ANY /a/{b}/{c+}` (a `{x}` is one segment, `{x+}` one or more).
 */
export function routeKeyMatches(routeKey: string, path: string): boolean {
    if (routeKey === "$default") return true;
    const m = /^(ANY|GET) (\/.*)$/.exec(routeKey);
    if (!m) return false;
    const pattern = m[2]
        .split("/")
        .map((seg) =>
            /^\{[^}]+\+\}$/.test(seg)
                ? "[^?#]+"
                : /^\{[^}]+\}$/.test(seg)
                  ? "[^/?#]+"
                  : seg.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"),
        )
        .join("/");
    return new RegExp(`^${pattern}$`).test(path);
}

/**
 * The path the keep-alive requests: the health check path when a route sends it through the link,
 * else a path of the first GET or ANY route (its `{x}` / `{x+}` parts filled with `keep-alive`: the
 * service may answer 404, the request still crossed the link); undefined when no route takes a GET.
 */
export function keepAlivePath(routeKeys: readonly string[], healthCheckPath: string): string | undefined {
    if (routeKeys.some((k) => routeKeyMatches(k, healthCheckPath))) return healthCheckPath;
    const key = routeKeys.find((k) => /^(ANY|GET) \//.test(k));
    return key?.slice(key.indexOf(" ") + 1).replace(/\{[^}]+\}/g, "keep-alive");
}

/** The function's permissions: its own log group, nothing else (it calls the public API URL). */
export function keepAliveRolePolicy(logGroupArn: string): PolicyDocument {
    return policyDocument({
        Sid: "WriteOwnLogs",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: `${logGroupArn}:*`,
    });
}

/** The bundled handler's directory; throws with what to run when there is none (call before registering). */
export function keepAliveBundleDir(): string {
    return ensureFunctionBundle("vpc-link-keep-alive").dir;
}

/** What the keep-alive needs of its service. */
export interface KeepAliveWiring {
    readonly name: string;
    /** The API's invoke URL (no trailing slash). */
    readonly apiUrl: pulumi.Input<string>;
    /** A path one of the service's routes matches (its health check path). */
    readonly path: string;
    readonly logRetentionDays: number;
    readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/** Registers the schedule, the function, its role, policy, log group and the invoke permission. */
export function vpcLinkKeepAlive(
    w: KeepAliveWiring,
    bundleDir: string,
    opts: pulumi.CustomResourceOptions,
): { functionName: pulumi.Output<string> } {
    const { fn } = scheduledFunction(
        {
            name: w.name,
            role: "keepalive",
            roleDescription: `Keeps the VPC link of ${w.name}'s HTTP API active`,
            description: `Daily GET ${w.path} through the HTTP API: its VPC link goes inactive after 60 idle days`,
            ruleDescription: `Once a day: a request through ${w.name}'s HTTP API keeps its VPC link active`,
            schedule: KEEP_ALIVE_SCHEDULE,
            bundleDir,
            timeout: 15,
            environment: { [KEEP_ALIVE_ENV.url]: pulumi.interpolate`${w.apiUrl}${w.path}` },
            policy: (logGroupArn) => logGroupArn.apply((arn) => JSON.stringify(keepAliveRolePolicy(arn))),
            retryPolicy: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 3600 },
            logRetentionDays: w.logRetentionDays,
            tags: w.tags,
        },
        opts,
    );
    return { functionName: fn.name };
}

/**
 * Forces a new deployment of one ECS service when its secret has rotated, so
 * that its tasks start again and ECS injects the new secret value (ECS reads
 * `secrets` only when a task starts). What it restarts is fixed by its
 * environment; the event only has to be the rotation of that very secret.
 */
import { UpdateServiceCommand, type ECSClient } from "@aws-sdk/client-ecs";
import { RESTART_ENV, ROTATION_SUCCEEDED } from "../../../components/ecs/restartEnv";

/** What the function acts on, from its environment. */
export interface RestartTarget {
    readonly cluster: string;
    readonly service: string;
    readonly secretArn: string;
}

/** The EventBridge event as far as the handler reads it. */
export interface RotationEvent {
    readonly source?: string;
    readonly "detail-type"?: string;
    readonly detail?: {
        readonly eventSource?: string;
        readonly eventName?: string;
        readonly additionalEventData?: { readonly SecretId?: string };
    };
}

export type RestartResult =
    | { readonly restarted: true; readonly service: string; readonly deploymentId: string | undefined }
    | { readonly restarted: false; readonly reason: string };

/** The target from the environment; throws naming every missing variable. */
export function targetFromEnv(env: Readonly<Record<string, string | undefined>>): RestartTarget {
    const missing = Object.values(RESTART_ENV).filter((k) => !env[k]);
    if (missing.length > 0) throw new Error(`restart-service: environment lacks ${missing.join(", ")}`);
    return {
        cluster: env[RESTART_ENV.cluster]!,
        service: env[RESTART_ENV.service]!,
        secretArn: env[RESTART_ENV.secretArn]!,
    };
}

/** Why an event is not the rotation of the target's secret, or undefined when it is. */
export function ignoreReason(event: RotationEvent, target: RestartTarget): string | undefined {
    if (event?.source !== "aws.secretsmanager")
        return `source ${JSON.stringify(event?.source)} is not aws.secretsmanager`;
    const name = event.detail?.eventName;
    if (name !== ROTATION_SUCCEEDED) return `event ${JSON.stringify(name)} is not ${ROTATION_SUCCEEDED}`;
    const secret = event.detail?.additionalEventData?.SecretId;
    if (secret !== target.secretArn) return `secret ${JSON.stringify(secret)} is not ${target.secretArn}`;
    return undefined;
}

/** A handler bound to an ECS client and a target (tests pass a client pointed at a local endpoint). */
export function createHandler(deps: {
    readonly ecs: Pick<ECSClient, "send">;
    readonly target: RestartTarget;
    readonly log?: (entry: Record<string, unknown>) => void;
}): (event: RotationEvent) => Promise<RestartResult> {
    const log = deps.log ?? ((entry) => console.log(JSON.stringify(entry)));
    const { target } = deps;
    return async (event) => {
        const reason = ignoreReason(event, target);
        if (reason !== undefined) {
            log({ message: "ignored", reason });
            return { restarted: false, reason };
        }
        // Errors propagate: EventBridge retries the invocation (the rule's retry policy).
        const out = await deps.ecs.send(
            new UpdateServiceCommand({ cluster: target.cluster, service: target.service, forceNewDeployment: true }),
        );
        const primary = out.service?.deployments?.find((d) => d.status === "PRIMARY");
        log({
            message: "new deployment forced",
            cluster: target.cluster,
            service: target.service,
            deploymentId: primary?.id,
        });
        return { restarted: true, service: target.service, deploymentId: primary?.id };
    };
}

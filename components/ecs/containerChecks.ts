/**
 * Checks of what goes into a container and its roles: environment and secret
 * maps (no secret as a plain variable), Secrets Manager references, the
 * container user (never root), health checks and the task role's statements
 * (least privilege).
 */
import * as pulumi from "@pulumi/pulumi";
import type { ProblemSink } from "../shared/inputChecks";
import { isKnown } from "../shared/validation";

/** One application permission granted to the task role. */
export interface TaskRoleStatement {
    /** Statement id (letters and digits). @default `App<index>` */
    readonly sid?: string;
    /** Exact IAM actions, e.g. `["s3:GetObject", "s3:PutObject"]`; `*` is refused. */
    readonly actions: string[];
    /** Exact resource ARNs (Outputs allowed); a `service:*` action on `"*"` is refused. */
    readonly resources: pulumi.Input<string>[];
}

/**
 * A Secrets Manager secret ARN as ECS `valueFrom` accepts it: the whole
 * secret, or one JSON key of it (`arn:...:secret:name-AbCdEf:password::`,
 * i.e. `:json-key:version-stage:version-id`).
 */
export const SECRET_VALUE_FROM =
    /^arn:aws[a-z-]*:secretsmanager:[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d:\d{12}:secret:[A-Za-z0-9/_+=.@!-]+(:[^:]*:[^:]*:[^:]*)?$/;

/**
 * The secret's own ARN (what IAM grants on) for a `valueFrom`: the JSON key,
 * version stage and version id suffix is dropped.
 */
export function secretResourceArn(valueFrom: string): string {
    return valueFrom.split(":").slice(0, 7).join(":");
}

export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Environment variable names that look like they carry a secret. */
export const SECRET_LIKE_NAME = /(PASSWORD|PASSWD|SECRET|TOKEN|PRIVATE_?KEY|API_?KEY|CREDENTIALS?)/i;
export const IAM_ACTION = /^[a-z0-9-]+:[A-Za-z0-9*?]+$/;
export const IAM_SID = /^[A-Za-z0-9]+$/;
export const HEALTH_PATH = /^\/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$/;

/** Default container user: the unprivileged uid/gid 1000 (the `node` user of the official Node images). */
export const DEFAULT_CONTAINER_USER = "1000:1000";
export const CONTAINER_USER = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,31})?$/;

/** True when a container `user` (`user[:group]`) runs as root (name root or uid 0). */
export function isRootUser(user: string): boolean {
    const name = user.split(":")[0];
    return name === "root" || /^0+$/.test(name);
}

/** Default container health check: Node's fetch against the health path (any Node 18+ image). */
export function defaultHealthCheckCommand(port: number, path: string): string[] {
    return [
        "CMD",
        "node",
        "-e",
        // JSON quoting: the path may hold a `'` (HEALTH_PATH allows it), never a `"` or `\`.
        `fetch(${JSON.stringify(`http://127.0.0.1:${port}${path}`)}).then((r)=>process.exit(r.ok?0:1),()=>process.exit(1))`,
    ];
}

export function environmentMap(
    p: ProblemSink,
    env: Record<string, pulumi.Input<string>>,
    secrets: Record<string, pulumi.Input<string>>,
): void {
    if (env === null || typeof env !== "object" || Array.isArray(env)) {
        p.expect(false, "environment", env, "is not a map of variable names to values");
        return;
    }
    for (const [k, v] of Object.entries(env)) {
        if (!ENV_NAME.test(k)) p.expect(false, `environment.${k}`, k, "is not a valid environment variable name");
        else if (SECRET_LIKE_NAME.test(k)) {
            p.add(
                `environment.${k}: looks like a secret: pass it in secrets (a Secrets Manager ARN), never as a plain environment variable`,
            );
        } else if (k in secrets)
            p.add(`environment.${k}: is also set in secrets: expected each variable in one map only`);
        if (isKnown(v) && typeof v !== "string") p.expect(false, `environment.${k}`, v, "is not a string");
    }
}

export function secretsMap(p: ProblemSink, secrets: Record<string, pulumi.Input<string>>): void {
    if (secrets === null || typeof secrets !== "object" || Array.isArray(secrets)) {
        p.expect(false, "secrets", secrets, "is not a map of variable names to Secrets Manager ARNs");
        return;
    }
    for (const [k, v] of Object.entries(secrets)) {
        if (!ENV_NAME.test(k)) p.expect(false, `secrets.${k}`, k, "is not a valid environment variable name");
        if (isKnown(v)) {
            p.expect(
                typeof v === "string" && SECRET_VALUE_FROM.test(v),
                `secrets.${k}`,
                v,
                "is not a Secrets Manager secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>[:<json-key>::])",
            );
        }
    }
}

export function taskRoleStatements(p: ProblemSink, statements: readonly TaskRoleStatement[]): void {
    if (!Array.isArray(statements)) {
        p.expect(false, "taskRoleStatements", statements, "is not a list of {actions, resources} statements");
        return;
    }
    statements.forEach((s, i) => {
        const key = `taskRoleStatements.${i}`;
        if (s === null || typeof s !== "object") {
            p.expect(false, key, s, "is not an {actions, resources} statement");
            return;
        }
        if (s.sid !== undefined)
            p.expect(IAM_SID.test(s.sid), `${key}.sid`, s.sid, "is not a statement id (letters and digits)");
        const actions = s.actions;
        if (!Array.isArray(actions) || actions.length === 0) {
            p.expect(
                false,
                `${key}.actions`,
                actions,
                "is empty: expected at least one IAM action such as s3:GetObject",
            );
        } else {
            actions.forEach((a, j) => {
                if (a === "*")
                    p.expect(false, `${key}.actions.${j}`, a, "is a wildcard action: expected service:Action");
                else
                    p.expect(
                        typeof a === "string" && IAM_ACTION.test(a),
                        `${key}.actions.${j}`,
                        a,
                        "is not an IAM action such as s3:GetObject",
                    );
            });
        }
        const resources = s.resources;
        if (!Array.isArray(resources) || resources.length === 0) {
            p.expect(false, `${key}.resources`, resources, "is empty: expected at least one resource ARN");
            return;
        }
        resources.forEach((r, j) => {
            if (!isKnown(r)) return;
            p.expect(
                typeof r === "string" && (r === "*" || /^arn:aws[a-z-]*:/.test(r)),
                `${key}.resources.${j}`,
                r,
                "is not an ARN",
            );
        });
        const anyResource = resources.some((r) => isKnown(r) && r === "*");
        const wideActions = Array.isArray(actions)
            ? actions.filter((a) => typeof a === "string" && a.endsWith(":*"))
            : [];
        if (anyResource && wideActions.length > 0) {
            p.add(
                `${key}: grants ${wideActions.join(", ")} on "*": expected exact actions or exact resource ARNs (least privilege)`,
            );
        }
    });
}

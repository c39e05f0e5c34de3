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
/** Environment variable names that look like they carry a secret (anywhere in the name). */
export const SECRET_LIKE_NAME =
    /(PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|CREDENTIAL|PRIVATE_?KEY|API_?KEY|ACCESS_?KEY|SIGNING_?KEY)/i;
/** Name parts (between `_`, or camelCase words) that abbreviate a secret: `DB_PASS`, `AUTH_TKN`, `dbPwd`. */
const SECRET_LIKE_PART = new Set([
    "PASS",
    "PWD",
    "PW",
    "TKN",
    "TOK",
    "CRED",
    "CREDS",
    "SECRETS",
    "APIKEY",
    "PRIVKEY",
    "PASSWD",
]);

/** True when an environment variable's name looks like it carries a secret. */
export function looksLikeSecret(name: string): boolean {
    if (SECRET_LIKE_NAME.test(name)) return true;
    const parts = name.split(/_+|(?<=[a-z0-9])(?=[A-Z])/).map((part) => part.toUpperCase());
    return parts.some((part) => SECRET_LIKE_PART.has(part));
}
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
        else if (looksLikeSecret(k)) {
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
        leastPrivilege(p, key, actions, resources);
    });
}

/**
 * Actions that lead to more privilege than granted (a role passed to a new
 * resource, a role assumed, a policy or credential created or changed): never
 * on all resources.
 */
export const PRIVILEGE_ESCALATION_ACTIONS = [
    "iam:PassRole",
    "iam:CreateRole",
    "iam:CreateUser",
    "iam:CreateAccessKey",
    "iam:CreateLoginProfile",
    "iam:CreatePolicy",
    "iam:CreatePolicyVersion",
    "iam:SetDefaultPolicyVersion",
    "iam:PutRolePolicy",
    "iam:PutUserPolicy",
    "iam:PutGroupPolicy",
    "iam:AttachRolePolicy",
    "iam:AttachUserPolicy",
    "iam:AttachGroupPolicy",
    "iam:UpdateAssumeRolePolicy",
    "iam:UpdateLoginProfile",
    "iam:AddUserToGroup",
    "iam:DeleteRolePermissionsBoundary",
    "iam:DeleteUserPermissionsBoundary",
    "sts:AssumeRole",
    "sts:AssumeRoleWithWebIdentity",
    "sts:AssumeRoleWithSAML",
] as const;

/** An IAM action pattern (`*` and `?` wildcards, case-insensitive as IAM matches) as a RegExp. */
function actionPattern(action: string): RegExp {
    const body = action
        .replace(/[.+^${}()|[\]\\]/g, "\\$&")
        .replace(/\*/g, ".*")
        .replace(/\?/g, ".");
    return new RegExp(`^${body}$`, "i");
}

/** The escalation actions an action pattern grants (`iam:Create*` grants iam:CreateRole, ...). */
export function escalationActionsOf(action: string): string[] {
    const re = actionPattern(action);
    return PRIVILEGE_ESCALATION_ACTIONS.filter((a) => re.test(a));
}

/**
 * True when a resource names every resource of its service: `*`, or an ARN
 * whose region and account are any and whose resource is only a wildcard,
 * optionally after a type (`arn:aws:s3:::*`, `arn:aws:dynamodb:*:*:table/*`,
 * `arn:aws:iam::123456789012:role/*`).
 */
export function isServiceWideResource(resource: string): boolean {
    if (resource === "*") return true;
    const parts = resource.split(":");
    if (parts.length < 6 || parts[0] !== "arn") return false;
    const rest = parts.slice(5).join(":");
    // S3 ARNs start with the bucket name (`bucket/*` is one bucket's objects), other services with a type.
    if (parts[2] === "s3") return /^\*(\/\*)?$/.test(rest);
    return /^([A-Za-z0-9-]+[/:])?\*$/.test(rest);
}

/** The service of an ARN (`arn:aws:s3:::x` -> `s3`), or undefined for `*`. */
function serviceOf(resource: string): string | undefined {
    return resource === "*" ? undefined : resource.split(":")[2];
}

/**
 * Least privilege of one statement: no service-wide action (`s3:*`, `s3:Get*`
 * is fine) on all resources of that service, and no privilege-escalation
 * action on all resources.
 */
function leastPrivilege(p: ProblemSink, key: string, actions: unknown, resources: readonly unknown[]): void {
    if (!Array.isArray(actions)) return;
    const wideResources = resources.filter(
        (r): r is string => isKnown(r as pulumi.Input<string>) && typeof r === "string" && isServiceWideResource(r),
    );
    if (wideResources.length === 0) return;
    const named = actions.filter((a): a is string => typeof a === "string" && a !== "*");
    for (const resource of wideResources) {
        const service = serviceOf(resource);
        const wide = named.filter((a) => a.endsWith(":*") && (service === undefined || a.split(":")[0] === service));
        if (wide.length > 0)
            p.add(
                `${key}: grants ${wide.join(", ")} on ${JSON.stringify(resource)} (every resource of the service): expected exact actions or exact resource ARNs (least privilege)`,
            );
        const escalating = named.filter((a) => escalationActionsOf(a).length > 0);
        if (escalating.length > 0) {
            const granted = [...new Set(escalating.flatMap(escalationActionsOf))];
            const shown = granted.length > 3 ? `${granted.slice(0, 3).join(", ")}, ...` : granted.join(", ");
            p.add(
                `${key}: grants ${escalating.join(", ")} on ${JSON.stringify(resource)}: privilege escalation (${shown}): expected exact resource ARNs`,
            );
        }
    }
}

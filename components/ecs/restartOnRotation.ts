/**
 * Opt-in restart of an ECS service when a secret it reads has rotated, for
 * images that must sign in with a password: ECS injects `secrets` only when
 * a task starts, so after a rotation running tasks keep the old value until
 * they are replaced. An EventBridge rule on Secrets Manager's
 * `RotationSucceeded` event of that one secret invokes a small function
 * (lambda/restart-service) that calls `ecs:UpdateService` with
 * `forceNewDeployment`; the deployment replaces the tasks (rolling, circuit
 * breaker on) and the new ones start with the current value.
 *
 * EventBridge has no direct "update an ECS service" target (its ECS target
 * runs new tasks), hence the function. Idle cost: nothing (the function runs a
 * few times a year; rules on AWS events are free).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ensureFunctionBundle } from "../data/functionBundle";
import { lambdaTrustPolicy, policyDocument, type PolicyDocument } from "../shared/iamDocuments";
import type { ProblemSink } from "../shared/inputChecks";
import { nameTags } from "../shared/tags";
import { isKnown } from "../shared/validation";
import { ROTATION_SUCCEEDED, RESTART_ENV } from "./restartEnv";

/** Arguments of the opt-in restart on rotation (`restartOnSecretRotation` of Ec2Service / EcsEc2Service). */
export interface RestartOnSecretRotationArgs {
    /**
     * ARN of the Secrets Manager secret whose successful rotation restarts the service, e.g. a
     * PostgresDb's `masterUserSecretArn` (the whole secret's ARN, without a `:json-key::` suffix).
     */
    readonly secretArn: pulumi.Input<string>;
}

/** A whole secret's ARN (no JSON key, version stage or version id). */
export const SECRET_ARN =
    /^arn:aws[a-z-]*:secretsmanager:[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d:\d{12}:secret:[A-Za-z0-9/_+=.@!-]+$/;

/** Validates `restartOnSecretRotation` (adds every problem to `p`). */
export function checkRestartOnSecretRotation(p: ProblemSink, value: RestartOnSecretRotationArgs | undefined): void {
    if (value === undefined) return;
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
        p.expect(false, "restartOnSecretRotation", value, "is not an object such as { secretArn }");
        return;
    }
    if (value.secretArn === undefined) {
        p.add("restartOnSecretRotation.secretArn: is required: expected the ARN of the rotated secret");
    } else if (isKnown(value.secretArn)) {
        p.expect(
            typeof value.secretArn === "string" && SECRET_ARN.test(value.secretArn),
            "restartOnSecretRotation.secretArn",
            value.secretArn,
            "is not a whole Secrets Manager secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>, no :json-key:: suffix)",
        );
    }
}

/**
 * The rule's event pattern: Secrets Manager's `RotationSucceeded` CloudTrail
 * entry of this secret. It is a service event (`AWS Service Event via
 * CloudTrail`); AWS's documented pattern for rotations lists both CloudTrail
 * detail types, and so does this one. The secret is `additionalEventData.SecretId`.
 */
export function rotationEventPattern(secretArn: string): object {
    return {
        source: ["aws.secretsmanager"],
        "detail-type": ["AWS Service Event via CloudTrail", "AWS API Call via CloudTrail"],
        detail: {
            eventSource: ["secretsmanager.amazonaws.com"],
            eventName: [ROTATION_SUCCEEDED],
            additionalEventData: { SecretId: [secretArn] },
        },
    };
}

/** The long-format ARN of an ECS service (what `ecs:UpdateService` is granted on). */
export function ecsServiceArn(c: {
    partition: string;
    region: string;
    accountId: string;
    clusterName: string;
    serviceName: string;
}): string {
    return `arn:${c.partition}:ecs:${c.region}:${c.accountId}:service/${c.clusterName}/${c.serviceName}`;
}

/**
 * The function's permissions: force a new deployment of exactly this service
 * (in exactly this cluster), and write to its own log group. Nothing else: no
 * task definition change, no other service, no `iam:PassRole`.
 */
export function restartRolePolicy(c: { serviceArn: string; clusterArn: string; logGroupArn: string }): PolicyDocument {
    return policyDocument(
        {
            Sid: "ForceNewDeploymentOfThisService",
            Effect: "Allow",
            Action: "ecs:UpdateService",
            Resource: c.serviceArn,
            Condition: { ArnEquals: { "ecs:cluster": c.clusterArn } },
        },
        {
            Sid: "WriteOwnLogs",
            Effect: "Allow",
            Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
            Resource: `${c.logGroupArn}:*`,
        },
    );
}

/** What the restart needs of its service. */
export interface RestartWiring {
    readonly name: string;
    readonly secretArn: pulumi.Input<string>;
    readonly clusterArn: pulumi.Input<string>;
    readonly clusterName: pulumi.Input<string>;
    readonly serviceName: pulumi.Output<string>;
    readonly logRetentionDays: number;
    readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/** The bundled handler's directory; throws with what to run when there is none (call before registering). */
export function restartBundleDir(): string {
    return ensureFunctionBundle("restart-service").dir;
}

/**
 * Registers the rule, the function, its role, policy, log group and the
 * permission that lets only this rule invoke it. Returns the rule's and the
 * function's names.
 */
export function restartOnSecretRotation(
    w: RestartWiring,
    bundleDir: string,
    opts: pulumi.CustomResourceOptions,
): { ruleName: pulumi.Output<string>; functionName: pulumi.Output<string> } {
    const { name } = w;
    const tags = (n: string) => nameTags(n, w.tags);
    const invoke = { parent: opts.parent };
    const partition = aws.getPartitionOutput({}, invoke).partition;
    const region = aws.getRegionOutput({}, invoke).region;
    const accountId = aws.getCallerIdentityOutput({}, invoke).accountId;

    const logGroup = new aws.cloudwatch.LogGroup(
        `${name}-restart-logs`,
        { retentionInDays: w.logRetentionDays, tags: tags(`${name}-restart-logs`) },
        opts,
    );
    const role = new aws.iam.Role(
        `${name}-restart-role`,
        {
            description: `Forces a new deployment of ${name} when its secret rotates`,
            assumeRolePolicy: accountId.apply((a) => JSON.stringify(lambdaTrustPolicy(a))),
            tags: tags(`${name}-restart-role`),
        },
        opts,
    );
    const serviceArn = pulumi
        .all([partition, region, accountId, w.clusterName, w.serviceName])
        .apply(([p, r, a, clusterName, serviceName]) =>
            ecsServiceArn({ partition: p, region: r, accountId: a, clusterName, serviceName }),
        );
    const policy = new aws.iam.RolePolicy(
        `${name}-restart-policy`,
        {
            role: role.id,
            policy: pulumi
                .all([serviceArn, w.clusterArn, logGroup.arn])
                .apply(([sa, clusterArn, logGroupArn]) =>
                    JSON.stringify(restartRolePolicy({ serviceArn: sa, clusterArn, logGroupArn })),
                ),
        },
        opts,
    );
    const fn = new aws.lambda.Function(
        `${name}-restart`,
        {
            description: `Forces a new deployment of ${name} after its secret rotated (tasks read secrets at start)`,
            role: role.arn,
            runtime: aws.lambda.Runtime.NodeJS22dX,
            handler: "index.handler",
            code: new pulumi.asset.FileArchive(bundleDir),
            architectures: ["arm64"],
            memorySize: 128,
            timeout: 30,
            environment: {
                variables: {
                    [RESTART_ENV.cluster]: w.clusterArn,
                    [RESTART_ENV.service]: w.serviceName,
                    [RESTART_ENV.secretArn]: w.secretArn,
                },
            },
            loggingConfig: { logFormat: "JSON", logGroup: logGroup.name },
            tags: tags(`${name}-restart`),
        },
        { ...opts, dependsOn: [logGroup, policy] },
    );
    const rule = new aws.cloudwatch.EventRule(
        `${name}-on-rotation`,
        {
            description: `Secret rotated: force a new deployment of ${name}`,
            eventPattern: pulumi.output(w.secretArn).apply((arn) => JSON.stringify(rotationEventPattern(arn))),
            tags: tags(`${name}-on-rotation`),
        },
        opts,
    );
    // Only this rule may invoke the function (aws:SourceArn against the confused deputy).
    const permission = new aws.lambda.Permission(
        `${name}-restart-invoke`,
        {
            action: "lambda:InvokeFunction",
            function: fn.name,
            principal: "events.amazonaws.com",
            sourceArn: rule.arn,
        },
        opts,
    );
    new aws.cloudwatch.EventTarget(
        `${name}-on-rotation-target`,
        {
            rule: rule.name,
            arn: fn.arn,
            // A failed UpdateService (throttling, a deployment in progress) is retried for an hour.
            retryPolicy: { maximumRetryAttempts: 8, maximumEventAgeInSeconds: 3600 },
        },
        { ...opts, dependsOn: [permission] },
    );
    return { ruleName: rule.name, functionName: fn.name };
}

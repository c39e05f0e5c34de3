/**
 * A small Lambda function on an EventBridge schedule, outside any VPC: its
 * log group (with retention), its execution role (Lambda may assume it for
 * this account only), the role's one inline policy, the function, the rule,
 * the permission that lets only that rule invoke it (`sourceArn`, against
 * the confused deputy) and the rule's target. The one builder of the
 * library's scheduled functions (the HTTP API VPC link keep-alive, the
 * JwksMirror); children are named `<name>-<role>[-logs|-role|-policy|
 * -schedule|-invoke|-target]`.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { lambdaTrustPolicy } from "./iamDocuments";
import { nameTags } from "./tags";

/** What one scheduled function is. */
export interface ScheduledFunctionSpec {
    /** The owning component's name. */
    readonly name: string;
    /** The function's role in it (`keepalive`): the children's name part. */
    readonly role: string;
    /** Description of the execution role. */
    readonly roleDescription: string;
    /** Description of the function. */
    readonly description: string;
    /** Description of the rule. */
    readonly ruleDescription: string;
    /** EventBridge schedule expression (`rate(1 day)`). */
    readonly schedule: string;
    /** Directory of the bundled handler (`index.handler`). */
    readonly bundleDir: string;
    /** Seconds one invocation may take. */
    readonly timeout: number;
    readonly environment: Record<string, pulumi.Input<string>>;
    /** The role's inline policy (JSON), given the log group's ARN. */
    readonly policy: (logGroupArn: pulumi.Output<string>) => pulumi.Input<string>;
    /** How EventBridge retries a failed invocation. */
    readonly retryPolicy: { readonly maximumRetryAttempts: number; readonly maximumEventAgeInSeconds: number };
    readonly logRetentionDays: number;
    readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/** The registered pieces a caller may wire further. */
export interface ScheduledFunction {
    readonly fn: aws.lambda.Function;
    readonly role: aws.iam.Role;
    readonly policy: aws.iam.RolePolicy;
    readonly logGroup: aws.cloudwatch.LogGroup;
    readonly rule: aws.cloudwatch.EventRule;
}

/** Registers the function, its role, policy, log group, schedule, invoke permission and target. */
export function scheduledFunction(s: ScheduledFunctionSpec, opts: pulumi.CustomResourceOptions): ScheduledFunction {
    const base = `${s.name}-${s.role}`;
    const tags = (n: string) => nameTags(n, s.tags);
    const accountId = aws.getCallerIdentityOutput({}, { parent: opts.parent }).accountId;
    const logGroup = new aws.cloudwatch.LogGroup(
        `${base}-logs`,
        { retentionInDays: s.logRetentionDays, tags: tags(`${base}-logs`) },
        opts,
    );
    const role = new aws.iam.Role(
        `${base}-role`,
        {
            description: s.roleDescription,
            assumeRolePolicy: accountId.apply((a) => JSON.stringify(lambdaTrustPolicy(a))),
            tags: tags(`${base}-role`),
        },
        opts,
    );
    const policy = new aws.iam.RolePolicy(`${base}-policy`, { role: role.id, policy: s.policy(logGroup.arn) }, opts);
    const fn = new aws.lambda.Function(
        base,
        {
            description: s.description,
            role: role.arn,
            runtime: aws.lambda.Runtime.NodeJS22dX,
            handler: "index.handler",
            code: new pulumi.asset.FileArchive(s.bundleDir),
            architectures: ["arm64"],
            memorySize: 128,
            timeout: s.timeout,
            environment: { variables: s.environment },
            loggingConfig: { logFormat: "JSON", logGroup: logGroup.name },
            tags: tags(base),
        },
        { ...opts, dependsOn: [logGroup, policy] },
    );
    const rule = new aws.cloudwatch.EventRule(
        `${base}-schedule`,
        { description: s.ruleDescription, scheduleExpression: s.schedule, tags: tags(`${base}-schedule`) },
        opts,
    );
    // Only this rule may invoke the function (aws:SourceArn against the confused deputy).
    const permission = new aws.lambda.Permission(
        `${base}-invoke`,
        { action: "lambda:InvokeFunction", function: fn.name, principal: "events.amazonaws.com", sourceArn: rule.arn },
        opts,
    );
    new aws.cloudwatch.EventTarget(
        `${base}-target`,
        { rule: rule.name, arn: fn.arn, retryPolicy: s.retryPolicy },
        { ...opts, dependsOn: [permission] },
    );
    return { fn, role, policy, logGroup, rule };
}

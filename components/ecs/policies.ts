/**
 * IAM documents of ECS roles, as pure functions of plain ARNs so they can be
 * asserted exactly in tests. Every statement is scoped to exact resources; the
 * one `"*"` resource is `ecr:GetAuthorizationToken`, an action that supports
 * no other resource.
 */
import {
    policyDocument as doc,
    type PolicyDocument,
    type PolicyStatement,
    sessionManagerStatements,
    trust,
} from "../shared/policyDocument";

export { trust };
import { secretResourceArn } from "./containerChecks";

/** Where a role's trust policy is evaluated. */
export interface Scope {
    readonly partition: string;
    readonly region: string;
    readonly accountId: string;
}

/**
 * Trust policy for ECS task and execution roles: only ECS tasks of this
 * account and region may assume them (confused-deputy guard).
 */
export function ecsTasksTrustPolicy(scope: Scope): PolicyDocument {
    return trust("ecs-tasks.amazonaws.com", {
        ArnLike: { "aws:SourceArn": `arn:${scope.partition}:ecs:${scope.region}:${scope.accountId}:*` },
        StringEquals: { "aws:SourceAccount": scope.accountId },
    });
}

/** Trust policy for the container instance role (EC2). */
export function ec2TrustPolicy(): PolicyDocument {
    return trust("ec2.amazonaws.com");
}

/**
 * The container instance role's own policy, instead of the AWS managed
 * AmazonEC2ContainerServiceforEC2Role (pulls from every repository, logs and
 * clusters on `*`) and AmazonSSMManagedInstanceCore (`ssm:GetParameter*` on
 * `*`): what the ECS agent needs to run this cluster's tasks, and what the
 * SSM agent needs for Session Manager. Image pulls and task logs use each
 * task's execution role (ECS_ENABLE_AWSLOGS_EXECUTIONROLE_OVERRIDE).
 */
export function instanceRolePolicy(scope: Scope & { readonly clusterName: string }): PolicyDocument {
    const { partition: p, region: r, accountId: a } = scope;
    const cluster = `arn:${p}:ecs:${r}:${a}:cluster/${scope.clusterName}`;
    return doc([
        {
            Sid: "JoinTheCluster",
            Effect: "Allow",
            Action: ["ecs:RegisterContainerInstance", "ecs:DeregisterContainerInstance"],
            Resource: cluster,
        },
        {
            Sid: "RunTheClustersTasks",
            Effect: "Allow",
            Action: ["ecs:Poll", "ecs:StartTelemetrySession", "ecs:UpdateContainerInstancesState", "ecs:Submit*"],
            Resource: `arn:${p}:ecs:${r}:${a}:container-instance/${scope.clusterName}/*`,
            Condition: { ArnEquals: { "ecs:cluster": cluster } },
        },
        {
            // Returns the agent's endpoints; IAM supports no resource for it.
            Sid: "DiscoverPollEndpoint",
            Effect: "Allow",
            Action: ["ecs:DiscoverPollEndpoint"],
            Resource: "*",
        },
        ...sessionManagerStatements(`arn:${p}:ec2:${r}:${a}:instance/*`),
    ]);
}

export interface ExecutionRoleInputs {
    /** ECR repository of the image; undefined for a public image (no ECR permission at all). */
    readonly repositoryArn: string | undefined;
    /** Log group ARN without the `:*` suffix. */
    readonly logGroupArn: string;
    /** `valueFrom` of every injected secret (a JSON-key suffix is allowed). */
    readonly secretValueFroms: readonly string[];
    /** Customer managed KMS keys encrypting those secrets (none for the AWS managed key). */
    readonly secretKmsKeyArns: readonly string[];
    readonly region: string;
}

/**
 * The task execution role's permissions, used by the ECS agent on the
 * instance to start the task: pull from the one repository, read only the
 * listed secrets, write only to the one log group.
 */
export function executionRolePolicy(i: ExecutionRoleInputs): PolicyDocument {
    const ecr: PolicyStatement[] =
        i.repositoryArn === undefined
            ? []
            : [
                  {
                      Sid: "EcrAuthorizationToken",
                      Effect: "Allow",
                      // ecr:GetAuthorizationToken supports no resource-level permission:
                      // IAM only accepts "*" for it. It returns a registry login token and
                      // grants no access to any image by itself; pulls are limited below.
                      Action: ["ecr:GetAuthorizationToken"],
                      Resource: "*",
                  },
                  {
                      Sid: "EcrPullRepository",
                      Effect: "Allow",
                      Action: ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
                      Resource: i.repositoryArn,
                  },
              ];
    const statements: PolicyStatement[] = [
        ...ecr,
        {
            Sid: "WriteLogGroup",
            Effect: "Allow",
            Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
            Resource: `${i.logGroupArn}:*`,
        },
    ];
    const secretArns = [...new Set(i.secretValueFroms.map(secretResourceArn))].sort();
    if (secretArns.length > 0) {
        statements.push({
            Sid: "ReadListedSecrets",
            Effect: "Allow",
            Action: ["secretsmanager:GetSecretValue"],
            Resource: secretArns,
        });
    }
    const keys = [...new Set(i.secretKmsKeyArns)].sort();
    if (keys.length > 0) {
        statements.push({
            Sid: "DecryptListedSecrets",
            Effect: "Allow",
            Action: ["kms:Decrypt"],
            Resource: keys,
            Condition: { StringEquals: { "kms:ViaService": `secretsmanager.${i.region}.amazonaws.com` } },
        });
    }
    return doc(statements);
}

/** One application permission, with its resources resolved. */
export interface ResolvedStatement {
    readonly sid?: string;
    readonly actions: readonly string[];
    readonly resources: readonly string[];
}

/** The task role's policy: exactly the application's statements, or undefined when there are none. */
export function taskRolePolicy(statements: readonly ResolvedStatement[]): PolicyDocument | undefined {
    if (statements.length === 0) return undefined;
    return doc(
        statements.map((s, i) => ({
            Sid: s.sid ?? `App${i}`,
            Effect: "Allow" as const,
            Action: [...s.actions],
            Resource: s.resources.length === 1 ? s.resources[0] : [...s.resources],
        })),
    );
}

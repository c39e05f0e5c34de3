/**
 * The IAM permissions of a deploy role that manages the program's own IAM
 * roles without being able to make itself (or anything it creates)
 * administrator, and the permissions boundary every role it creates must
 * carry. Pure data; tested with an IAM policy evaluator in
 * test/githubDeployRole.spec.ts against what the dev and prod stacks create.
 */

/** An IAM policy document as plain data. */
export interface PolicyDocument {
    readonly Version: "2012-10-17";
    readonly Statement: readonly Record<string, unknown>[];
}

/**
 * Services the program's roles are passed to (`iam:PassRole` is limited to
 * them by `iam:PassedToService`): EC2 (the container instances' profile),
 * ECS tasks (task and execution roles), Lambda (the resize function), RDS
 * Enhanced Monitoring and VPC Flow Logs.
 */
export const PASS_ROLE_SERVICES: readonly string[] = [
    "ec2.amazonaws.com",
    "ecs-tasks.amazonaws.com",
    "lambda.amazonaws.com",
    "monitoring.rds.amazonaws.com",
    "vpc-flow-logs.amazonaws.com",
];

/** Service-linked roles ECS, EC2 Auto Scaling, Application Auto Scaling, RDS and ELB create on first use. */
export const SERVICE_LINKED_ROLE_SERVICES: readonly string[] = [
    "ecs.amazonaws.com",
    "autoscaling.amazonaws.com",
    "ecs.application-autoscaling.amazonaws.com",
    "rds.amazonaws.com",
    "elasticloadbalancing.amazonaws.com",
];

/**
 * What a role the deploy role creates may ever do (its permissions boundary):
 * the data and runtime services the program's tasks, instances and functions
 * use. No IAM, no STS role assumption, no Organizations or Account actions,
 * whatever policies are attached to the role.
 */
export const BOUNDARY_SERVICES: readonly string[] = [
    "cloudwatch",
    "dynamodb",
    "ec2",
    "ec2messages",
    "ecr",
    "ecs",
    "elasticache",
    "events",
    "kms",
    "lambda",
    "logs",
    "rds-db",
    "s3",
    "secretsmanager",
    "sns",
    "sqs",
    "ssm",
    "ssmmessages",
    "xray",
];

/** Actions no role under the boundary gets, stated as an explicit deny. */
export const BOUNDARY_DENIED_ACTIONS: readonly string[] = [
    "iam:*",
    "sts:AssumeRole",
    "sts:AssumeRoleWithSAML",
    "sts:AssumeRoleWithWebIdentity",
    "organizations:*",
    "account:*",
];

/** The permissions boundary every role created by the deploy role carries. */
export function deployBoundaryPolicy(): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "ProgramWorkloads",
                Effect: "Allow",
                Action: BOUNDARY_SERVICES.map((s) => `${s}:*`),
                Resource: "*",
            },
            { Sid: "NoIdentityChanges", Effect: "Deny", Action: [...BOUNDARY_DENIED_ACTIONS], Resource: "*" },
        ],
    };
}

/**
 * Every IAM action that changes something, by verb (IAM's reads are `Get*`,
 * `List*`, `Generate*` reports and `Simulate*`).
 */
export const IAM_WRITE_ACTIONS: readonly string[] = [
    "Add",
    "Attach",
    "Change",
    "Create",
    "Deactivate",
    "Delete",
    "Detach",
    "Disable",
    "Enable",
    "Pass",
    "Put",
    "Remove",
    "Reset",
    "Resync",
    "Set",
    "Tag",
    "Untag",
    "Update",
    "Upload",
].map((verb) => `iam:${verb}*`);

/** Role changes IAM evaluates with `iam:PermissionsBoundary` (the role's boundary, or the one requested). */
const BOUNDED_ROLE_ACTIONS = [
    "iam:AttachRolePolicy",
    "iam:CreateRole",
    "iam:DeleteRolePolicy",
    "iam:DetachRolePolicy",
    "iam:PutRolePermissionsBoundary",
    "iam:PutRolePolicy",
];

/** What the deploy role's IAM statements are scoped to. */
export interface DeployPolicyScope {
    readonly partition: string;
    readonly accountId: string;
    /** Name prefixes of the program's roles, policies and instance profiles (each ends with `-`). */
    readonly namePrefixes: readonly string[];
    /** ARN of the deploy role itself (never changed by itself). */
    readonly selfRoleArn: string;
    /** ARN of the permissions boundary (required on every role it creates or changes). */
    readonly boundaryArn: string;
}

/**
 * The IAM permissions `PowerUserAccess` lacks and deploying the program
 * needs, with no path to administrator:
 *
 * - roles, inline policies, managed policies and instance profiles only
 *   under the program's name prefixes;
 * - every role it creates carries {@link deployBoundaryPolicy}, and it
 *   changes the policies of no role without that boundary;
 * - it never changes itself or the boundary, never removes a boundary;
 * - `iam:PassRole` only of the program's roles, only to
 *   {@link PASS_ROLE_SERVICES};
 * - explicit denies, so the guarantees hold whatever other policies are
 *   attached (`managedPolicyArns`).
 *
 * One gap IAM leaves: `iam:UpdateAssumeRolePolicy` has no boundary
 * condition key, so a role under the prefixes that was not created by this
 * deploy role (and lacks the boundary) could be made assumable. Reserve the
 * prefixes for the program in the account.
 */
export function deployIamPolicy(scope: DeployPolicyScope): PolicyDocument {
    const iam = (resource: string) => `arn:${scope.partition}:iam::${scope.accountId}:${resource}`;
    const under = (kind: string) => scope.namePrefixes.map((p) => iam(`${kind}/${p}*`));
    const roles = under("role");
    const programResources = [...roles, ...under("policy"), ...under("instance-profile")];
    const bounded = { StringEquals: { "iam:PermissionsBoundary": scope.boundaryArn } };
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "ProgramRolesWithBoundary",
                Effect: "Allow",
                Action: BOUNDED_ROLE_ACTIONS,
                Resource: roles,
                Condition: bounded,
            },
            {
                Sid: "ProgramRoles",
                Effect: "Allow",
                Action: [
                    "iam:DeleteRole",
                    "iam:GetRole",
                    "iam:GetRolePolicy",
                    "iam:ListAttachedRolePolicies",
                    "iam:ListInstanceProfilesForRole",
                    "iam:ListRolePolicies",
                    "iam:ListRoleTags",
                    "iam:TagRole",
                    "iam:UntagRole",
                    "iam:UpdateAssumeRolePolicy",
                    "iam:UpdateRole",
                    "iam:UpdateRoleDescription",
                ],
                Resource: roles,
            },
            {
                Sid: "ProgramInstanceProfiles",
                Effect: "Allow",
                Action: [
                    "iam:AddRoleToInstanceProfile",
                    "iam:CreateInstanceProfile",
                    "iam:DeleteInstanceProfile",
                    "iam:GetInstanceProfile",
                    "iam:ListInstanceProfileTags",
                    "iam:RemoveRoleFromInstanceProfile",
                    "iam:TagInstanceProfile",
                    "iam:UntagInstanceProfile",
                ],
                Resource: under("instance-profile"),
            },
            {
                Sid: "ProgramManagedPolicies",
                Effect: "Allow",
                Action: [
                    "iam:CreatePolicy",
                    "iam:CreatePolicyVersion",
                    "iam:DeletePolicy",
                    "iam:DeletePolicyVersion",
                    "iam:GetPolicy",
                    "iam:GetPolicyVersion",
                    "iam:ListPolicyTags",
                    "iam:ListPolicyVersions",
                    "iam:SetDefaultPolicyVersion",
                    "iam:TagPolicy",
                    "iam:UntagPolicy",
                ],
                Resource: under("policy"),
            },
            {
                Sid: "ReadAwsManagedPolicies",
                Effect: "Allow",
                Action: ["iam:GetPolicy", "iam:GetPolicyVersion", "iam:ListPolicyVersions"],
                Resource: `arn:${scope.partition}:iam::aws:policy/*`,
            },
            {
                Sid: "PassProgramRoles",
                Effect: "Allow",
                Action: "iam:PassRole",
                Resource: roles,
                Condition: { StringEquals: { "iam:PassedToService": [...PASS_ROLE_SERVICES] } },
            },
            {
                Sid: "CreateServiceLinkedRoles",
                Effect: "Allow",
                Action: "iam:CreateServiceLinkedRole",
                Resource: iam("role/aws-service-role/*"),
                Condition: { StringEquals: { "iam:AWSServiceName": [...SERVICE_LINKED_ROLE_SERVICES] } },
            },
            {
                Sid: "NeverItselfOrTheBoundary",
                Effect: "Deny",
                Action: "iam:*",
                Resource: [scope.selfRoleArn, scope.boundaryArn],
            },
            {
                Sid: "NoIamChangesOutsideTheProgram",
                Effect: "Deny",
                Action: [...IAM_WRITE_ACTIONS],
                // Service-linked roles: AWS defines their permissions and only their service assumes them.
                NotResource: [...programResources, iam("role/aws-service-role/*")],
            },
            {
                Sid: "NoRoleWithoutTheBoundary",
                Effect: "Deny",
                Action: BOUNDED_ROLE_ACTIONS,
                Resource: "*",
                Condition: { StringNotEquals: { "iam:PermissionsBoundary": scope.boundaryArn } },
            },
            {
                Sid: "NeverRemoveABoundary",
                Effect: "Deny",
                Action: "iam:DeleteRolePermissionsBoundary",
                Resource: "*",
            },
        ],
    };
}

import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { nameTags } from "../shared/tags";
import { deployBoundaryPolicy, deployIamPolicy } from "./deployPolicy";
import {
    DEFAULT_MANAGED_POLICY_NAMES,
    GITHUB_OIDC_AUDIENCE,
    GITHUB_OIDC_URL,
    githubTrustPolicy,
    resolveGithubDeployRoleArgs,
} from "./trustPolicy";

/**
 * Arguments of {@link GithubDeployRole}. Repository, branches, environments
 * and numbers are plain values because they are validated before anything is
 * created (a wrong trust policy is a security hole, not a typo).
 */
export interface GithubDeployRoleArgs {
    /**
     * GitHub repository whose workflows may assume the role, written
     * `owner/name`. Plain string; wildcards are refused.
     */
    readonly repository: string;
    /**
     * Branches whose workflow runs (jobs without an `environment:`) may assume
     * the role: OIDC subject `repo:<owner>/<name>:ref:refs/heads/<branch>`.
     * Exact names; wildcards are refused. Pass `[]` to trust environments only.
     * @default ["main"]
     */
    readonly branches?: string[];
    /**
     * GitHub environments whose jobs may assume the role: subject
     * `repo:<owner>/<name>:environment:<env>`. A job that names an environment
     * gets this subject instead of the branch one, so protect the environment
     * (required reviewers, deployment branches) in the repository settings.
     * @default [] (none)
     */
    readonly environments?: string[];
    /**
     * Also trust pull_request-triggered jobs (subject
     * `repo:<owner>/<name>:pull_request`). Give such a role read-only
     * permissions only: anyone who can open a pull request from a branch of
     * the repository can run a workflow with it.
     * @default false
     */
    readonly allowPullRequests?: boolean;
    /**
     * ARN of an existing IAM OIDC provider for
     * `https://token.actions.githubusercontent.com` (an account can hold only
     * one per issuer URL). When unset, the component creates it.
     * @default undefined (a provider is created)
     */
    readonly oidcProviderArn?: pulumi.Input<string>;
    /**
     * Managed policies attached to the role (at most 20).
     * @default ["arn:<partition>:iam::aws:policy/PowerUserAccess"]
     */
    readonly managedPolicyArns?: pulumi.Input<string>[];
    /**
     * Add the inline policy that lets the role manage the program's IAM roles,
     * policies and instance profiles (names under `iamNamePrefixes`, every
     * role with the permissions boundary this component creates), pass those
     * roles to EC2, ECS tasks, Lambda, RDS monitoring and VPC Flow Logs, and
     * create service-linked roles (what `PowerUserAccess` lacks), but never
     * change itself or the boundary. Set false for a read-only (preview) role.
     * @default true
     */
    readonly manageIamRoles?: boolean;
    /**
     * Name prefixes of the IAM roles, policies and instance profiles the
     * deployed program creates, each ending with `-`. The stacks name their
     * resources `<stack>-...`, so `["dev-", "prod-"]` for this repository's
     * program. Required with `manageIamRoles`; reserve them for the program in
     * the account.
     * @default [] (required when manageIamRoles is true)
     */
    readonly iamNamePrefixes?: string[];
    /**
     * Longest session a workflow can request, in seconds (3600 to 43200).
     * @default 3600
     */
    readonly maxSessionDurationSeconds?: number;
    /**
     * Tags added to the role and the OIDC provider (next to a `Name` tag).
     * @default {}
     */
    readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * An IAM role that GitHub Actions workflows of one repository assume with
 * OpenID Connect (`aws-actions/configure-aws-credentials` with
 * `role-to-assume`), so no long-lived AWS key is stored in GitHub. Creates the
 * account's IAM OIDC provider for GitHub's token issuer unless one is given;
 * the role trusts only that provider, the `sts.amazonaws.com` audience and the
 * exact branch, environment or pull-request subjects of the repository.
 */
export class GithubDeployRole extends pulumi.ComponentResource {
    /** ARN of the role (the workflows' `role-to-assume`). */
    public readonly roleArn: pulumi.Output<string>;
    /** Name of the role. */
    public readonly roleName: pulumi.Output<string>;
    /** ARN of the OIDC provider the role trusts (created or given). */
    public readonly oidcProviderArn: pulumi.Output<string>;
    /** The OIDC `sub` claims the role admits, exactly. */
    public readonly subjects: pulumi.Output<string[]>;
    /**
     * ARN of the managed policy every role the deploy role creates must carry
     * as its permissions boundary (unset without `manageIamRoles`). Give it to
     * the deployed program (`permissionsBoundaryTransform`).
     */
    public readonly permissionsBoundaryArn?: pulumi.Output<string>;

    constructor(name: string, args: GithubDeployRoleArgs, opts?: pulumi.ComponentResourceOptions) {
        // Defaults and validation run before super(): super() registers the
        // component itself, and bad input must register nothing.
        const settings = resolveGithubDeployRoleArgs(name, args ?? {});
        super("aws-webapp:index:GithubDeployRole", name, {}, opts);

        const child = { parent: this };
        const partition = aws.getPartitionOutput({}, child).partition;

        const providerArn: pulumi.Output<string> =
            args.oidcProviderArn !== undefined
                ? pulumi.output(args.oidcProviderArn)
                : new aws.iam.OpenIdConnectProvider(
                      `${name}-oidc`,
                      {
                          url: GITHUB_OIDC_URL,
                          clientIdLists: [GITHUB_OIDC_AUDIENCE],
                          // No thumbprint: IAM verifies GitHub's issuer with its own trusted CAs.
                          tags: nameTags(`${name}-oidc`, args.tags),
                      },
                      child,
                  ).arn;

        const role = new aws.iam.Role(
            `${name}-role`,
            {
                description: `Assumed by GitHub Actions of ${settings.repository} through OIDC`,
                assumeRolePolicy: providerArn.apply((arn) => JSON.stringify(githubTrustPolicy(arn, settings.subjects))),
                maxSessionDuration: settings.maxSessionDurationSeconds,
                tags: nameTags(`${name}-role`, args.tags),
            },
            child,
        );

        const managed: pulumi.Input<string>[] =
            settings.managedPolicyArns !== undefined
                ? [...settings.managedPolicyArns]
                : DEFAULT_MANAGED_POLICY_NAMES.map((p) => pulumi.interpolate`arn:${partition}:iam::aws:policy/${p}`);
        managed.forEach(
            (policyArn, i) =>
                new aws.iam.RolePolicyAttachment(`${name}-policy-${i}`, { role: role.name, policyArn }, child),
        );

        if (settings.manageIamRoles) {
            const accountId = aws.getCallerIdentityOutput({}, child).accountId;
            const boundary = new aws.iam.Policy(
                `${name}-boundary`,
                {
                    description: `Permissions boundary of the IAM roles the ${name} deploy role creates`,
                    policy: JSON.stringify(deployBoundaryPolicy()),
                    tags: nameTags(`${name}-boundary`, args.tags),
                },
                child,
            );
            new aws.iam.RolePolicy(
                `${name}-iam`,
                {
                    role: role.name,
                    policy: pulumi.all([accountId, partition, role.arn, boundary.arn]).apply(([id, part, self, b]) =>
                        JSON.stringify(
                            deployIamPolicy({
                                accountId: id,
                                partition: part,
                                namePrefixes: settings.iamNamePrefixes,
                                selfRoleArn: self,
                                boundaryArn: b,
                            }),
                        ),
                    ),
                },
                child,
            );
            this.permissionsBoundaryArn = boundary.arn;
        }

        this.roleArn = role.arn;
        this.roleName = role.name;
        this.oidcProviderArn = providerArn;
        this.subjects = pulumi.output(settings.subjects);
        this.registerOutputs({
            roleArn: this.roleArn,
            roleName: this.roleName,
            oidcProviderArn: this.oidcProviderArn,
            subjects: this.subjects,
            permissionsBoundaryArn: this.permissionsBoundaryArn,
        });
    }
}

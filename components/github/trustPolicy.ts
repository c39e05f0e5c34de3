/**
 * Pure logic of {@link GithubDeployRole}: the GitHub OIDC subjects a role
 * trusts, its trust policy, the IAM permissions deploying needs, and argument
 * validation. Unit-tested directly (test/githubDeployRole.spec.ts).
 */
import * as pulumi from "@pulumi/pulumi";
import { isKnown, Problems } from "../shared/validation";
import type { PolicyDocument } from "./deployPolicy";

/** GitHub Actions' OIDC token issuer (host part, as IAM condition keys use it). */
export const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";
/** The issuer URL of the IAM OIDC provider. */
export const GITHUB_OIDC_URL = `https://${GITHUB_OIDC_HOST}`;
/** Audience `aws-actions/configure-aws-credentials` requests (its default). */
export const GITHUB_OIDC_AUDIENCE = "sts.amazonaws.com";

/** Default branches whose workflow runs may assume the role. */
export const DEFAULT_BRANCHES: readonly string[] = ["main"];
/** Default and bounds of the role's maximum session (IAM's limits, seconds). */
export const DEFAULT_MAX_SESSION_SECONDS = 3600;
export const MIN_SESSION_SECONDS = 3600;
export const MAX_SESSION_SECONDS = 43200;
/** IAM's hard limit of managed policies attached to one role (the default quota is 10). */
export const MAX_MANAGED_POLICIES = 20;

/**
 * Default permissions of a deploy role: AWS managed `PowerUserAccess` (every
 * service except IAM, Organizations and Account management). The program also
 * creates IAM roles, policies and instance profiles, which `PowerUserAccess`
 * excludes: {@link deployIamPolicy} adds those IAM actions, limited to the
 * names under `iamNamePrefixes` and to roles carrying the boundary the
 * component creates (see `manageIamRoles`).
 */
export const DEFAULT_MANAGED_POLICY_NAMES: readonly string[] = ["PowerUserAccess"];

/**
 * A name prefix of the program's IAM roles, policies and instance profiles:
 * IAM name characters, ending with `-` so that `dev-` covers `dev-web-task-1a2b3c4`
 * but not `developer-admin`, at least 2 characters before it.
 */
const IAM_NAME_PREFIX = /^[A-Za-z0-9+=,.@_-]{2,40}-$/;

/** `owner/name` as GitHub allows them: no wildcard, no `..`, no empty part. */
const REPOSITORY = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/;
/** A branch name GitHub accepts, without wildcard characters. */
const BRANCH = /^[A-Za-z0-9._/-]{1,255}$/;
/** A GitHub environment name, without wildcard characters or `:` (the claim's separator). */
const ENVIRONMENT = /^[^*?:\s"'`][^*?:"'`]{0,254}$/;
const MANAGED_POLICY_ARN = /^arn:aws(-[a-z]+)*:iam::(aws|\d{12}):policy\/[\w+=,.@/-]{1,512}$/;
const GITHUB_PROVIDER_ARN = /^arn:aws(-[a-z]+)*:iam::\d{12}:oidc-provider\/token\.actions\.githubusercontent\.com$/;

/** True for a GitHub repository written `owner/name` (no wildcard). */
export function isGithubRepository(value: unknown): value is string {
    return typeof value === "string" && REPOSITORY.test(value) && !/\/\.{1,2}$/.test(value);
}

/** True for a branch name a trust policy may name exactly. */
export function isBranchName(value: unknown): value is string {
    return (
        typeof value === "string" &&
        BRANCH.test(value) &&
        !value.startsWith("/") &&
        !value.endsWith("/") &&
        !value.endsWith(".lock") &&
        !value.includes("..") &&
        !value.includes("//")
    );
}

/** True for a GitHub environment name a trust policy may name exactly. */
export function isEnvironmentName(value: unknown): value is string {
    return typeof value === "string" && ENVIRONMENT.test(value) && value.trim() === value;
}

/** What a trust policy admits: exact OIDC `sub` claims of one repository. */
export interface GithubSubjectsInput {
    readonly repository: string;
    readonly branches: readonly string[];
    readonly environments: readonly string[];
    readonly pullRequests: boolean;
}

/**
 * The exact `sub` claims GitHub puts in a workflow's token with its default
 * claim template: `repo:<owner>/<repo>:ref:refs/heads/<branch>` for a job
 * without an environment, `repo:<owner>/<repo>:environment:<env>` for a job
 * that references an environment, `repo:<owner>/<repo>:pull_request` for a
 * pull_request-triggered job.
 */
export function githubSubjects(input: GithubSubjectsInput): string[] {
    const repo = `repo:${input.repository}`;
    return [
        ...input.branches.map((b) => `${repo}:ref:refs/heads/${b}`),
        ...input.environments.map((e) => `${repo}:environment:${e}`),
        ...(input.pullRequests ? [`${repo}:pull_request`] : []),
    ];
}

/**
 * The role's trust policy: only GitHub's OIDC provider, only tokens issued
 * for STS, only the given subjects (exact match, StringEquals).
 */
export function githubTrustPolicy(providerArn: string, subjects: readonly string[]): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "GithubActionsOidc",
                Effect: "Allow",
                Principal: { Federated: providerArn },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: {
                    StringEquals: {
                        [`${GITHUB_OIDC_HOST}:aud`]: GITHUB_OIDC_AUDIENCE,
                        [`${GITHUB_OIDC_HOST}:sub`]: [...subjects],
                    },
                },
            },
        ],
    };
}

/** The plain (validated) part of the component's arguments. */
export interface GithubDeployRoleInput {
    readonly repository?: unknown;
    readonly branches?: readonly string[];
    readonly environments?: readonly string[];
    readonly allowPullRequests?: boolean;
    readonly oidcProviderArn?: pulumi.Input<string>;
    readonly managedPolicyArns?: readonly pulumi.Input<string>[];
    readonly manageIamRoles?: boolean;
    readonly iamNamePrefixes?: readonly string[];
    readonly maxSessionDurationSeconds?: number;
}

/** Validated arguments with defaults applied. */
export interface GithubDeployRoleSettings {
    readonly repository: string;
    readonly subjects: string[];
    /** undefined: use the AWS managed defaults ({@link DEFAULT_MANAGED_POLICY_NAMES}) in the stack's partition. */
    readonly managedPolicyArns: readonly pulumi.Input<string>[] | undefined;
    readonly manageIamRoles: boolean;
    readonly iamNamePrefixes: readonly string[];
    readonly maxSessionDurationSeconds: number;
}

/**
 * Applies defaults and checks every plain argument, throwing one
 * `ValidationError` (subject `GithubDeployRole "<name>"`) listing each bad
 * argument. Outputs (`oidcProviderArn`, entries of `managedPolicyArns`) are
 * checked only when they are plain strings.
 */
export function resolveGithubDeployRoleArgs(name: string, args: GithubDeployRoleInput): GithubDeployRoleSettings {
    const problems = new Problems(`GithubDeployRole "${name}"`);
    const repository = args.repository;
    problems.expect(
        isGithubRepository(repository),
        "repository",
        repository,
        'is not a GitHub repository written "owner/name" (no wildcard)',
    );

    const branches = args.branches ?? DEFAULT_BRANCHES;
    branches.forEach((b, i) =>
        problems.expect(isBranchName(b), `branches[${i}]`, b, "is not a branch name (no wildcard, no ..)"),
    );
    const environments = args.environments ?? [];
    environments.forEach((e, i) =>
        problems.expect(
            isEnvironmentName(e),
            `environments[${i}]`,
            e,
            "is not a GitHub environment name (no wildcard, no ':')",
        ),
    );
    const pullRequests = args.allowPullRequests ?? false;
    problems.expect(
        typeof pullRequests === "boolean",
        "allowPullRequests",
        pullRequests,
        "is not a boolean (true or false)",
    );
    if (branches.length === 0 && environments.length === 0 && pullRequests !== true) {
        problems.add("branches, environments, allowPullRequests: none given, so no workflow could assume the role");
    }
    const duplicates = (list: readonly string[]) => list.filter((v, i) => list.indexOf(v) !== i);
    for (const [key, list] of [
        ["branches", branches],
        ["environments", environments],
    ] as const) {
        const dup = duplicates(list);
        problems.expect(dup.length === 0, key, list, `lists ${dup.map((d) => JSON.stringify(d)).join(", ")} twice`);
    }

    if (args.oidcProviderArn !== undefined && isKnown(args.oidcProviderArn)) {
        problems.expect(
            typeof args.oidcProviderArn === "string" && GITHUB_PROVIDER_ARN.test(args.oidcProviderArn),
            "oidcProviderArn",
            args.oidcProviderArn,
            `is not the ARN of an IAM OIDC provider for ${GITHUB_OIDC_HOST}`,
        );
    }
    const managed = args.managedPolicyArns;
    if (managed !== undefined) {
        problems.expect(
            managed.length <= MAX_MANAGED_POLICIES,
            "managedPolicyArns",
            `${managed.length} policies`,
            `exceeds IAM's limit of ${MAX_MANAGED_POLICIES} managed policies per role`,
        );
        managed.forEach((arn, i) => {
            if (isKnown(arn)) {
                problems.expect(
                    typeof arn === "string" && MANAGED_POLICY_ARN.test(arn),
                    `managedPolicyArns[${i}]`,
                    arn,
                    "is not an IAM managed policy ARN",
                );
            }
        });
    }
    const manageIamRoles = args.manageIamRoles ?? true;
    problems.expect(typeof manageIamRoles === "boolean", "manageIamRoles", manageIamRoles, "is not a boolean");
    const prefixes = args.iamNamePrefixes ?? [];
    if (manageIamRoles === true) {
        problems.expect(
            prefixes.length > 0,
            "iamNamePrefixes",
            prefixes,
            "is empty: with manageIamRoles, name the prefixes of the program's IAM roles (the stacks' names followed by '-', such as \"dev-\")",
        );
    } else {
        problems.expect(prefixes.length === 0, "iamNamePrefixes", prefixes, "is set, but manageIamRoles is false");
    }
    prefixes.forEach((p, i) =>
        problems.expect(
            typeof p === "string" && IAM_NAME_PREFIX.test(p),
            `iamNamePrefixes[${i}]`,
            p,
            "is not an IAM name prefix ending with '-' (2 to 40 name characters before it, no wildcard)",
        ),
    );
    const dupPrefixes = prefixes.filter((v, i) => prefixes.indexOf(v) !== i);
    problems.expect(dupPrefixes.length === 0, "iamNamePrefixes", prefixes, `lists ${dupPrefixes.join(", ")} twice`);

    const maxSession = args.maxSessionDurationSeconds ?? DEFAULT_MAX_SESSION_SECONDS;
    problems.expect(
        Number.isInteger(maxSession) && maxSession >= MIN_SESSION_SECONDS && maxSession <= MAX_SESSION_SECONDS,
        "maxSessionDurationSeconds",
        maxSession,
        `is out of range: expected an integer from ${MIN_SESSION_SECONDS} to ${MAX_SESSION_SECONDS}`,
    );
    problems.throwIfAny();

    return {
        repository: repository as string,
        subjects: githubSubjects({
            repository: repository as string,
            branches,
            environments,
            pullRequests: pullRequests === true,
        }),
        managedPolicyArns: managed,
        manageIamRoles,
        iamNamePrefixes: prefixes,
        maxSessionDurationSeconds: maxSession,
    };
}

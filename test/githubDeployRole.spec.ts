import { ACCOUNT_ID, failsBeforeRegistering, mocksReady, record, valueOf } from "./harness/mocks";
import { expect } from "chai";
import * as fc from "fast-check";
import * as pulumi from "@pulumi/pulumi";
import {
    deployBoundaryPolicy,
    deployIamPolicy,
    GithubDeployRole,
    GithubDeployRoleArgs,
    PASS_ROLE_SERVICES,
    permissionsBoundaryTransform,
} from "../components/github";
import {
    githubSubjects,
    githubTrustPolicy,
    isBranchName,
    isGithubRepository,
    resolveGithubDeployRoleArgs,
} from "../components/github/trustPolicy";

const OIDC = "aws:iam/openIdConnectProvider:OpenIdConnectProvider";
const ROLE = "aws:iam/role:Role";
const ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const POLICY = "aws:iam/policy:Policy";
const PROVIDER_ARN = `arn:aws:iam::${ACCOUNT_ID}:oidc-provider/token.actions.githubusercontent.com`;

const deployArgs = (extra: Partial<GithubDeployRoleArgs> = {}): GithubDeployRoleArgs => ({
    repository: "acme/aws-webapp",
    branches: ["main"],
    environments: ["production"],
    iamNamePrefixes: ["dev-", "prod-"],
    tags: { Project: "aws-webapp" },
    ...extra,
});

describe("GithubDeployRole", () => {
    before(() => mocksReady);

    describe("githubSubjects / githubTrustPolicy", () => {
        it("renders GitHub's default sub claims for branches, environments and pull requests", () => {
            expect(
                githubSubjects({
                    repository: "acme/web",
                    branches: ["main", "release/1.x"],
                    environments: ["production"],
                    pullRequests: true,
                }),
            ).to.deep.equal([
                "repo:acme/web:ref:refs/heads/main",
                "repo:acme/web:ref:refs/heads/release/1.x",
                "repo:acme/web:environment:production",
                "repo:acme/web:pull_request",
            ]);
        });

        it("trusts only the GitHub provider, the STS audience and the exact subjects", () => {
            expect(githubTrustPolicy(PROVIDER_ARN, ["repo:acme/web:ref:refs/heads/main"])).to.deep.equal({
                Version: "2012-10-17",
                Statement: [
                    {
                        Sid: "GithubActionsOidc",
                        Effect: "Allow",
                        Principal: { Federated: PROVIDER_ARN },
                        Action: "sts:AssumeRoleWithWebIdentity",
                        Condition: {
                            StringEquals: {
                                "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
                                "token.actions.githubusercontent.com:sub": ["repo:acme/web:ref:refs/heads/main"],
                            },
                        },
                    },
                ],
            });
        });

        it("deploy IAM allows name every action and scope every resource to the account's prefixed names", () => {
            const doc = deployIamPolicy({
                accountId: ACCOUNT_ID,
                partition: "aws",
                namePrefixes: ["dev-"],
                selfRoleArn: `arn:aws:iam::${ACCOUNT_ID}:role/gh-role`,
                boundaryArn: `arn:aws:iam::${ACCOUNT_ID}:policy/gh-boundary`,
            });
            const allows = doc.Statement.filter((s) => s.Effect === "Allow");
            for (const s of allows) {
                const actions = ([] as string[]).concat(s.Action as string | string[]);
                const resources = ([] as string[]).concat(s.Resource as string | string[]);
                expect(
                    actions.every((a) => a.startsWith("iam:") && !a.includes("*")),
                    String(s.Sid),
                ).to.equal(true);
                expect(
                    resources.every(
                        (r) =>
                            /^arn:aws:iam::123456789012:(role|policy|instance-profile)\/dev-\*$/.test(r) ||
                            r === `arn:aws:iam::${ACCOUNT_ID}:role/aws-service-role/*` ||
                            r === "arn:aws:iam::aws:policy/*",
                    ),
                    String(s.Sid),
                ).to.equal(true);
            }
            const pass = doc.Statement.find((s) => s.Sid === "PassProgramRoles")!;
            expect(pass.Condition).to.deep.equal({ StringEquals: { "iam:PassedToService": [...PASS_ROLE_SERVICES] } });
            expect(PASS_ROLE_SERVICES).to.deep.equal([
                "ec2.amazonaws.com",
                "ecs-tasks.amazonaws.com",
                "lambda.amazonaws.com",
                "monitoring.rds.amazonaws.com",
                "vpc-flow-logs.amazonaws.com",
            ]);
        });

        it("permissionsBoundaryTransform gives roles the boundary, keeps a role's own and leaves other types", () => {
            const t = permissionsBoundaryTransform("arn:b");
            const args = (type: string, props: Record<string, unknown>) =>
                ({ type, name: "x", custom: true, props, opts: {} }) as Parameters<typeof t>[0];
            expect(t(args("aws:iam/role:Role", { assumeRolePolicy: "{}" }))).to.deep.equal({
                props: { assumeRolePolicy: "{}", permissionsBoundary: "arn:b" },
                opts: {},
            });
            expect(t(args("aws:iam/role:Role", { permissionsBoundary: "arn:own" }))).to.equal(undefined);
            expect(t(args("aws:s3/bucket:Bucket", {}))).to.equal(undefined);
        });

        it("accepts real repository and branch names and refuses wildcards in any position (property)", () => {
            const word = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9-]{0,10}$/);
            fc.assert(
                fc.property(word, word, (owner, repo) => {
                    expect(isGithubRepository(`${owner}/${repo}`)).to.equal(true);
                    expect(isBranchName(`${repo}/x`)).to.equal(true);
                }),
            );
            const wild = fc.tuple(word, word, fc.constantFrom("*", "?", "[*]"), fc.nat(2));
            fc.assert(
                fc.property(wild, ([owner, repo, w, at]) => {
                    const parts = [owner, repo];
                    if (at < 2) parts[at] = `${parts[at]}${w}`;
                    const candidate = at < 2 ? parts.join("/") : `${owner}/${repo}${w}`;
                    expect(isGithubRepository(candidate)).to.equal(false);
                    expect(isBranchName(`${repo}${w}`)).to.equal(false);
                }),
            );
        });
    });

    describe("resolveGithubDeployRoleArgs", () => {
        it("defaults: main branch only, PowerUserAccess, IAM management, one-hour sessions", () => {
            const s = resolveGithubDeployRoleArgs("gh", { repository: "acme/web", iamNamePrefixes: ["dev-"] });
            expect(s.subjects).to.deep.equal(["repo:acme/web:ref:refs/heads/main"]);
            expect(s.managedPolicyArns).to.equal(undefined);
            expect(s.manageIamRoles).to.equal(true);
            expect(s.maxSessionDurationSeconds).to.equal(3600);
        });

        const bad: [string, Record<string, unknown>, string][] = [
            [
                "IAM management without name prefixes",
                { repository: "acme/web" },
                "iamNamePrefixes: [] is empty: with manageIamRoles, name the prefixes",
            ],
            [
                "a wildcard or unterminated prefix",
                { repository: "acme/web", iamNamePrefixes: ["dev-*", "prod"] },
                "iamNamePrefixes[0]: \"dev-*\" is not an IAM name prefix ending with '-'",
            ],
            [
                "prefixes without IAM management",
                { repository: "acme/web", manageIamRoles: false, iamNamePrefixes: ["dev-"] },
                'iamNamePrefixes: ["dev-"] is set, but manageIamRoles is false',
            ],
            ["wildcard repository", { repository: "acme/*" }, 'repository: "acme/*" is not a GitHub repository'],
            ["wildcard owner", { repository: "*/web" }, 'repository: "*/web" is not a GitHub repository'],
            ["repository without owner", { repository: "web" }, 'repository: "web" is not a GitHub repository'],
            ["missing repository", {}, "repository: undefined is not a GitHub repository"],
            [
                "wildcard branch",
                { repository: "acme/web", branches: ["release/*"] },
                'branches[0]: "release/*" is not a branch name (no wildcard, no ..)',
            ],
            [
                "environment with the claim separator",
                { repository: "acme/web", environments: ["prod:x"] },
                "environments[0]: \"prod:x\" is not a GitHub environment name (no wildcard, no ':')",
            ],
            [
                "nobody trusted",
                { repository: "acme/web", branches: [], environments: [] },
                "branches, environments, allowPullRequests: none given, so no workflow could assume the role",
            ],
            [
                "duplicate branch",
                { repository: "acme/web", branches: ["main", "main"] },
                'branches: ["main","main"] lists "main" twice',
            ],
            [
                "not a GitHub provider",
                {
                    repository: "acme/web",
                    oidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/accounts.google.com",
                },
                'oidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/accounts.google.com" is not the ARN of an IAM OIDC provider for token.actions.githubusercontent.com',
            ],
            [
                "not a policy ARN",
                { repository: "acme/web", managedPolicyArns: ["AdministratorAccess"] },
                'managedPolicyArns[0]: "AdministratorAccess" is not an IAM managed policy ARN',
            ],
            [
                "session too long",
                { repository: "acme/web", maxSessionDurationSeconds: 86400 },
                "maxSessionDurationSeconds: 86400 is out of range: expected an integer from 3600 to 43200",
            ],
        ];
        for (const [what, args, message] of bad) {
            it(`refuses ${what}`, () => {
                expect(() => resolveGithubDeployRoleArgs("gh", args)).to.throw(message);
            });
        }

        it("lists every bad argument in one error", () => {
            expect(() =>
                resolveGithubDeployRoleArgs("gh", {
                    repository: "acme/*",
                    branches: ["a..b"],
                    iamNamePrefixes: ["dev-"],
                    maxSessionDurationSeconds: 60,
                }),
            ).to.throw(
                'GithubDeployRole "gh": invalid values:\n' +
                    '  - repository: "acme/*" is not a GitHub repository written "owner/name" (no wildcard)\n' +
                    '  - branches[0]: "a..b" is not a branch name (no wildcard, no ..)\n' +
                    "  - maxSessionDurationSeconds: 60 is out of range: expected an integer from 3600 to 43200",
            );
        });

        it("does not check Outputs, whose values are unknown until deployment", () => {
            const s = resolveGithubDeployRoleArgs("gh", {
                repository: "acme/web",
                iamNamePrefixes: ["dev-"],
                oidcProviderArn: pulumi.output("not-known-yet"),
                managedPolicyArns: [pulumi.output("later")],
            });
            expect(s.managedPolicyArns).to.have.length(1);
        });
    });

    describe("component", () => {
        it("creates the GitHub OIDC provider and a role trusting exactly main and production", async () => {
            let role!: GithubDeployRole;
            const rec = await record(() => (role = new GithubDeployRole("gh", deployArgs())));
            const oidc = rec.one(OIDC);
            expect(oidc.name).to.equal("gh-oidc");
            expect(oidc.inputs.url).to.equal("https://token.actions.githubusercontent.com");
            expect(oidc.inputs.clientIdLists).to.deep.equal(["sts.amazonaws.com"]);
            expect(oidc.inputs.thumbprintLists).to.equal(undefined);
            expect(oidc.inputs.tags).to.deep.equal({ Project: "aws-webapp", Name: "gh-oidc" });

            const r = rec.one(ROLE);
            expect(r.name).to.equal("gh-role");
            expect(r.inputs.maxSessionDuration).to.equal(3600);
            expect(r.inputs.tags).to.deep.equal({ Project: "aws-webapp", Name: "gh-role" });
            expect(JSON.parse(r.inputs.assumeRolePolicy)).to.deep.equal(
                githubTrustPolicy(PROVIDER_ARN, [
                    "repo:acme/aws-webapp:ref:refs/heads/main",
                    "repo:acme/aws-webapp:environment:production",
                ]),
            );
            expect(await valueOf(role.oidcProviderArn)).to.equal(PROVIDER_ARN);
            expect(await valueOf(role.roleArn)).to.equal(`arn:aws:iam::${ACCOUNT_ID}:role/gh-role`);
            expect(await valueOf(role.subjects)).to.deep.equal([
                "repo:acme/aws-webapp:ref:refs/heads/main",
                "repo:acme/aws-webapp:environment:production",
            ]);

            const attachments = rec.ofType(ATTACHMENT);
            expect(attachments.map((a) => a.inputs.policyArn)).to.deep.equal([
                "arn:aws:iam::aws:policy/PowerUserAccess",
            ]);
            expect(attachments[0].inputs.role).to.equal(r.state.name ?? "gh-role");
            const boundary = rec.one(POLICY);
            expect(boundary.name).to.equal("gh-boundary");
            expect(JSON.parse(boundary.inputs.policy)).to.deep.equal(deployBoundaryPolicy());
            expect(await valueOf(role.permissionsBoundaryArn!)).to.equal(
                `arn:aws:iam::${ACCOUNT_ID}:policy/gh-boundary`,
            );
            const inline = rec.one(ROLE_POLICY);
            expect(JSON.parse(inline.inputs.policy)).to.deep.equal(
                deployIamPolicy({
                    accountId: ACCOUNT_ID,
                    partition: "aws",
                    namePrefixes: ["dev-", "prod-"],
                    selfRoleArn: `arn:aws:iam::${ACCOUNT_ID}:role/gh-role`,
                    boundaryArn: `arn:aws:iam::${ACCOUNT_ID}:policy/gh-boundary`,
                }),
            );
            for (const child of [oidc, r, ...attachments, boundary, inline]) {
                expect(child.parent, child.name).to.equal(rec.one("aws-webapp:index:GithubDeployRole").urn);
            }
        });

        it("a read-only preview role: pull requests, an existing provider, ReadOnlyAccess, no IAM rights", async () => {
            const rec = await record(
                () =>
                    new GithubDeployRole("preview", {
                        repository: "acme/aws-webapp",
                        branches: [],
                        allowPullRequests: true,
                        oidcProviderArn: PROVIDER_ARN,
                        managedPolicyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
                        manageIamRoles: false,
                        maxSessionDurationSeconds: 7200,
                    }),
            );
            expect(rec.ofType(OIDC)).to.have.length(0);
            expect(rec.ofType(ROLE_POLICY)).to.have.length(0);
            expect(rec.ofType(POLICY)).to.have.length(0);
            const r = rec.one(ROLE);
            expect(r.inputs.maxSessionDuration).to.equal(7200);
            expect(JSON.parse(r.inputs.assumeRolePolicy)).to.deep.equal(
                githubTrustPolicy(PROVIDER_ARN, ["repo:acme/aws-webapp:pull_request"]),
            );
            expect(rec.ofType(ATTACHMENT).map((a) => a.inputs.policyArn)).to.deep.equal([
                "arn:aws:iam::aws:policy/ReadOnlyAccess",
            ]);
        });

        it("refuses bad arguments before registering anything, naming each", async () => {
            const message = await failsBeforeRegistering(
                () => new GithubDeployRole("gh", deployArgs({ repository: "acme/*", environments: ["*"] })),
            );
            expect(message).to.equal(
                'GithubDeployRole "gh": invalid values:\n' +
                    '  - repository: "acme/*" is not a GitHub repository written "owner/name" (no wildcard)\n' +
                    "  - environments[0]: \"*\" is not a GitHub environment name (no wildcard, no ':')",
            );
        });
    });
});

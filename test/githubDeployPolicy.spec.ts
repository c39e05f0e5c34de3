/**
 * The deploy role's IAM permissions, evaluated like IAM does
 * (test/iamEvaluator.ts): it can deploy what the dev and prod stacks create,
 * and no request it can make leads to administrator, even with
 * AdministratorAccess attached next to it.
 */
import { ACCOUNT_ID, mocksReady, record, Registration, valueOf } from "./harness/mocks";
import { evaluateStack } from "./harness/stack";
import { expect } from "chai";
import { Decision, evaluate, Policy, Request, wildcardMatch } from "./iamEvaluator";
import { deployBoundaryPolicy, deployIamPolicy, GithubDeployRole } from "../components/github";

const iam = (r: string) => `arn:aws:iam::${ACCOUNT_ID}:${r}`;
const SELF = iam("role/dev-deploy-role-1234567"); // deliberately under a prefix
const BOUNDARY = iam("policy/deploy-boundary-7654321");
const OTHER_BOUNDARY = iam("policy/wide-open");
const PREFIXES = ["dev-", "prod-"];
const deploy = deployIamPolicy({
    partition: "aws",
    accountId: ACCOUNT_ID,
    namePrefixes: PREFIXES,
    selfRoleArn: SELF,
    boundaryArn: BOUNDARY,
});
const boundary = deployBoundaryPolicy();

/** AWS managed PowerUserAccess, the deploy role's default managed policy, as AWS publishes it. */
const POWER_USER: Policy = {
    Statement: [
        { Effect: "Allow", NotAction: ["iam:*", "organizations:*", "account:*"], Resource: "*" },
        {
            Effect: "Allow",
            Action: [
                "account:GetAccountInformation",
                "account:GetPrimaryEmail",
                "account:ListRegions",
                "iam:CreateServiceLinkedRole",
                "iam:DeleteServiceLinkedRole",
                "iam:ListRoles",
                "organizations:DescribeOrganization",
            ],
            Resource: "*",
        },
    ],
};
const ADMIN: Policy = { Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] };
/** Actions of the AWS managed policies the stacks attach (from their published documents). */
const MANAGED_ACTIONS: Record<string, string[]> = {
    "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role": [
        "ec2:DescribeTags",
        "ecs:CreateCluster",
        "ecs:DeregisterContainerInstance",
        "ecs:DiscoverPollEndpoint",
        "ecs:Poll",
        "ecs:RegisterContainerInstance",
        "ecs:StartTelemetrySession",
        "ecs:UpdateContainerInstancesState",
        "ecs:Submit*",
        "ecr:GetAuthorizationToken",
        "ecr:BatchCheckLayerAvailability",
        "ecr:GetDownloadUrlForLayer",
        "ecr:BatchGetImage",
        "logs:CreateLogStream",
        "logs:PutLogEvents",
        "ecs:TagResource",
    ],
    "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore": [
        "ssm:DescribeAssociation",
        "ssm:GetDeployablePatchSnapshotForInstance",
        "ssm:GetDocument",
        "ssm:DescribeDocument",
        "ssm:GetManifest",
        "ssm:GetParameter",
        "ssm:GetParameters",
        "ssm:ListAssociations",
        "ssm:ListInstanceAssociations",
        "ssm:PutInventory",
        "ssm:PutComplianceItems",
        "ssm:PutConfigurePackageResult",
        "ssm:UpdateAssociationStatus",
        "ssm:UpdateInstanceAssociationStatus",
        "ssm:UpdateInstanceInformation",
        "ssmmessages:CreateControlChannel",
        "ssmmessages:CreateDataChannel",
        "ssmmessages:OpenControlChannel",
        "ssmmessages:OpenDataChannel",
        "ec2messages:AcknowledgeMessage",
        "ec2messages:DeleteMessage",
        "ec2messages:FailMessage",
        "ec2messages:GetEndpoint",
        "ec2messages:GetMessages",
        "ec2messages:SendReply",
    ],
    "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole": [
        "logs:CreateLogGroup",
        "logs:PutRetentionPolicy",
        "logs:CreateLogStream",
        "logs:PutLogEvents",
        "logs:DescribeLogStreams",
        "logs:GetLogEvents",
    ],
};

const withBoundary = (b = BOUNDARY) => ({ "iam:PermissionsBoundary": b });
const asDeployRole = (r: Request, extra: Policy[] = []): Decision => evaluate(r, [POWER_USER, deploy, ...extra]);
const req = (action: string, resource: string, context?: Record<string, string>): Request => ({
    action,
    resource,
    context,
});

describe("GithubDeployRole IAM permissions (evaluated)", () => {
    before(() => mocksReady);

    describe("the evaluator", () => {
        it("matches IAM wildcards, actions case-insensitively, resources exactly", () => {
            expect(wildcardMatch("iam:*Role*", "IAM:PassRole", true)).to.equal(true);
            expect(wildcardMatch("arn:aws:s3:::b/?", "arn:aws:s3:::b/x")).to.equal(true);
            expect(wildcardMatch("arn:aws:s3:::b/?", "arn:aws:s3:::b/xy")).to.equal(false);
            expect(wildcardMatch("role/dev-*", "role/Dev-x")).to.equal(false);
        });

        it("explicit deny beats allow, the boundary caps allows, negated conditions match missing keys", () => {
            const p: Policy = {
                Statement: [
                    { Effect: "Allow", Action: "s3:*", Resource: "*" },
                    {
                        Effect: "Deny",
                        Action: "s3:DeleteBucket",
                        Resource: "*",
                        Condition: { StringNotEquals: { "aws:RequestTag/Keep": "no" } },
                    },
                ],
            };
            expect(evaluate(req("s3:GetObject", "arn:aws:s3:::b/k"), [p])).to.equal("allow");
            expect(evaluate(req("s3:DeleteBucket", "arn:aws:s3:::b"), [p])).to.equal("explicit deny");
            expect(evaluate(req("s3:DeleteBucket", "arn:aws:s3:::b", { "aws:RequestTag/Keep": "no" }), [p])).to.equal(
                "allow",
            );
            const cap: Policy = { Statement: [{ Effect: "Allow", Action: "s3:Get*", Resource: "*" }] };
            expect(evaluate(req("s3:PutObject", "arn:aws:s3:::b/k"), [p], cap)).to.equal("implicit deny");
            expect(evaluate(req("ec2:RunInstances", "*"), [p])).to.equal("implicit deny");
            const notRes: Policy = { Statement: [{ Effect: "Deny", Action: "iam:*", NotResource: "role/ok*" }] };
            expect(evaluate(req("iam:PassRole", "role/ok1"), [ADMIN, notRes])).to.equal("allow");
            expect(evaluate(req("iam:PassRole", "role/no"), [ADMIN, notRes])).to.equal("explicit deny");
        });
    });

    describe("allows what deploying needs", () => {
        const role = iam("role/dev-web-task-role-abc1234");
        const allowed: [string, Request][] = [
            ["create a program role with the boundary", req("iam:CreateRole", role, withBoundary())],
            ["put its inline policy", req("iam:PutRolePolicy", role, withBoundary())],
            ["attach a managed policy to it", req("iam:AttachRolePolicy", role, withBoundary())],
            ["read it", req("iam:GetRole", role)],
            ["change its trust policy", req("iam:UpdateAssumeRolePolicy", role)],
            ["delete it", req("iam:DeleteRole", role)],
            ["pass it to ECS tasks", req("iam:PassRole", role, { "iam:PassedToService": "ecs-tasks.amazonaws.com" })],
            ["create an instance profile", req("iam:CreateInstanceProfile", iam("instance-profile/prod-web-x"))],
            ["add the role to it", req("iam:AddRoleToInstanceProfile", iam("instance-profile/prod-web-x"))],
            [
                "create the ECS service-linked role",
                req(
                    "iam:CreateServiceLinkedRole",
                    iam("role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS"),
                    {
                        "iam:AWSServiceName": "ecs.amazonaws.com",
                    },
                ),
            ],
            ["everything outside IAM (PowerUserAccess)", req("s3:PutObject", "arn:aws:s3:::media/uploads/a.jpg")],
        ];
        for (const [what, r] of allowed) {
            it(what, () => expect(asDeployRole(r)).to.equal("allow"));
        }
    });

    describe("admits no path to administrator, even next to AdministratorAccess", () => {
        const program = iam("role/dev-web-task-role-abc1234");
        const foreign = iam("role/OrganizationAccountAccessRole");
        const denied: [string, Request][] = [
            ["a program role without the boundary", req("iam:CreateRole", program)],
            ["a program role with another boundary", req("iam:CreateRole", program, withBoundary(OTHER_BOUNDARY))],
            ["a role outside the prefixes", req("iam:CreateRole", iam("role/admin"), withBoundary())],
            ["policies on a prefixed role without the boundary", req("iam:PutRolePolicy", iam("role/dev-legacy"))],
            ["attaching to such a role", req("iam:AttachRolePolicy", iam("role/dev-legacy"))],
            ["removing a boundary", req("iam:DeleteRolePermissionsBoundary", program, withBoundary())],
            ["swapping the boundary", req("iam:PutRolePermissionsBoundary", program, withBoundary(OTHER_BOUNDARY))],
            ["an inline policy on itself", req("iam:PutRolePolicy", SELF, withBoundary())],
            ["attaching a policy to itself", req("iam:AttachRolePolicy", SELF, withBoundary())],
            ["changing its own trust", req("iam:UpdateAssumeRolePolicy", SELF)],
            ["lengthening its own sessions", req("iam:UpdateRole", SELF)],
            ["passing itself", req("iam:PassRole", SELF, { "iam:PassedToService": "ec2.amazonaws.com" })],
            ["a new boundary version", req("iam:CreatePolicyVersion", BOUNDARY)],
            ["another default boundary version", req("iam:SetDefaultPolicyVersion", BOUNDARY)],
            ["deleting the boundary", req("iam:DeletePolicy", BOUNDARY)],
            ["passing a foreign role", req("iam:PassRole", foreign, { "iam:PassedToService": "ec2.amazonaws.com" })],
            ["trusting itself from a foreign role", req("iam:UpdateAssumeRolePolicy", foreign)],
            ["policies on a foreign role", req("iam:AttachRolePolicy", foreign, withBoundary())],
            ["a new version of a foreign policy", req("iam:CreatePolicyVersion", iam("policy/team-admin"))],
            ["an IAM user", req("iam:CreateUser", iam("user/backdoor"))],
            ["an access key", req("iam:CreateAccessKey", iam("user/someone"))],
            ["a policy on a user", req("iam:AttachUserPolicy", iam("user/someone"))],
            ["a group membership", req("iam:AddUserToGroup", iam("group/admins"))],
            [
                "another OIDC audience",
                req("iam:AddClientIDToOpenIDConnectProvider", iam("oidc-provider/token.actions.githubusercontent.com")),
            ],
        ];
        for (const [what, r] of denied) {
            it(`refuses ${what}`, () => {
                expect(asDeployRole(r), "with PowerUserAccess").to.not.equal("allow");
                expect(asDeployRole(r, [ADMIN]), "with AdministratorAccess too").to.equal("explicit deny");
            });
        }

        it("passes program roles only to the services that run them", () => {
            const r = (service: string) => req("iam:PassRole", iam("role/prod-x"), { "iam:PassedToService": service });
            expect(asDeployRole(r("cloudformation.amazonaws.com"))).to.equal("implicit deny");
            expect(asDeployRole(r("codebuild.amazonaws.com"))).to.equal("implicit deny");
            expect(asDeployRole(r("lambda.amazonaws.com"))).to.equal("allow");
        });

        it("a role it creates, even with AdministratorAccess attached, stays inside the boundary", () => {
            const asCreated = (action: string, resource = "*") => evaluate(req(action, resource), [ADMIN], boundary);
            for (const a of ["iam:CreateRole", "iam:AttachRolePolicy", "iam:PassRole", "sts:AssumeRole"]) {
                expect(asCreated(a), a).to.equal("explicit deny");
            }
            expect(asCreated("organizations:LeaveOrganization")).to.equal("explicit deny");
            expect(asCreated("cloudformation:CreateStack")).to.equal("implicit deny");
            expect(asCreated("s3:GetObject", "arn:aws:s3:::media/renders/x.webp")).to.equal("allow");
        });
    });

    /** The bootstrap stack's deploy role (examples/github-deploy-role): its inline policy and boundary output. */
    let deployed: { policy: Policy; boundaryArn: string };
    before(async () => {
        let role!: GithubDeployRole;
        const rec = await record(
            () =>
                (role = new GithubDeployRole("deploy", {
                    repository: "my-org/aws-webapp",
                    environments: ["production"],
                    iamNamePrefixes: PREFIXES,
                })),
        );
        deployed = {
            policy: JSON.parse(rec.one("aws:iam/rolePolicy:RolePolicy").inputs.policy),
            boundaryArn: await valueOf(role.permissionsBoundaryArn!),
        };
    });

    it("the deploy role's policy requires exactly one boundary, the one its permissionsBoundaryArn output names", () => {
        const required = new Set<string>();
        for (const s of deployed.policy.Statement as { Condition?: Record<string, Record<string, unknown>> }[]) {
            for (const keys of Object.values(s.Condition ?? {})) {
                const v = keys["iam:PermissionsBoundary"];
                if (v !== undefined) [v].flat().forEach((arn) => required.add(String(arn)));
            }
        }
        expect([...required]).to.deep.equal([deployed.boundaryArn]);
    });

    for (const stack of ["dev", "prod"]) {
        describe(`deploys the ${stack} stack's IAM resources`, () => {
            let iamResources: Registration[];
            let unbounded: Registration[];
            before(async () => {
                // The stack configured as the README says: the bootstrap stack's output as its boundary key.
                const { recording } = await evaluateStack(stack, {
                    "aws-webapp:permissionsBoundaryArn": deployed.boundaryArn,
                });
                iamResources = recording.resources.filter((r) => r.type.startsWith("aws:iam/"));
                unbounded = (await evaluateStack(stack)).recording.ofType("aws:iam/role:Role");
            });
            /** The physical name Pulumi's autonaming gives a logical name. */
            const physical = (r: Registration) => r.inputs.name ?? `${r.name}-1a2b3c4`;
            /** The request context IAM sees for a role: the boundary the program gives it, if any. */
            const boundaryOf = (r: Registration): Record<string, string> =>
                r.inputs.permissionsBoundary === undefined ? {} : withBoundary(r.inputs.permissionsBoundary);
            const asTheDeployRole = (r: Request) => evaluate(r, [POWER_USER, deployed.policy]);

            it("with aws-webapp:permissionsBoundaryArn set, every role carries exactly that boundary", () => {
                const roles = iamResources.filter((r) => r.type === "aws:iam/role:Role");
                expect(roles.map((r) => r.name).sort()).to.deep.equal(unbounded.map((r) => r.name).sort());
                for (const r of roles) expect(r.inputs.permissionsBoundary, r.name).to.equal(deployed.boundaryArn);
            });

            it("without it, the deploy role may create none of the roles (what the key is for)", () => {
                expect(unbounded).to.not.be.empty;
                for (const r of unbounded) {
                    const arn = iam(`role/${physical(r)}`);
                    expect(asTheDeployRole(req("iam:CreateRole", arn, boundaryOf(r))), r.name).to.not.equal("allow");
                }
            });

            it("every role: created with the boundary, passed to its service, its policies changed", () => {
                const roles = iamResources.filter((r) => r.type === "aws:iam/role:Role");
                expect(roles).to.not.be.empty;
                for (const r of roles) {
                    const arn = iam(`role/${physical(r)}`);
                    for (const action of ["iam:CreateRole", "iam:PutRolePolicy", "iam:AttachRolePolicy"]) {
                        expect(asTheDeployRole(req(action, arn, boundaryOf(r))), `${action} ${arn}`).to.equal("allow");
                    }
                    const trust = JSON.parse(r.inputs.assumeRolePolicy);
                    const services = trust.Statement.flatMap((s: any) => [].concat(s.Principal?.Service ?? []));
                    expect(services, r.name).to.not.be.empty;
                    for (const service of services) {
                        const pass = req("iam:PassRole", arn, { "iam:PassedToService": service });
                        expect(asTheDeployRole(pass), `pass ${r.name} to ${service}`).to.equal("allow");
                    }
                }
            });

            it("every instance profile can be created and given its role", () => {
                for (const p of iamResources.filter((r) => r.type === "aws:iam/instanceProfile:InstanceProfile")) {
                    const arn = iam(`instance-profile/${physical(p)}`);
                    for (const action of ["iam:CreateInstanceProfile", "iam:AddRoleToInstanceProfile"]) {
                        expect(asDeployRole(req(action, arn)), `${action} ${arn}`).to.equal("allow");
                    }
                }
            });

            it("the boundary admits every action of the roles' inline and managed policies", () => {
                const actions = new Set<string>();
                for (const p of iamResources.filter((r) => r.type === "aws:iam/rolePolicy:RolePolicy")) {
                    for (const s of JSON.parse(p.inputs.policy).Statement) {
                        if (s.Effect === "Allow") for (const a of [].concat(s.Action)) actions.add(a);
                    }
                }
                for (const a of iamResources.filter((r) => r.type.endsWith("RolePolicyAttachment"))) {
                    const known = MANAGED_ACTIONS[a.inputs.policyArn];
                    expect(known, `actions of ${a.inputs.policyArn} (add them to MANAGED_ACTIONS)`).to.be.an("array");
                    known.forEach((x) => actions.add(x));
                }
                expect(actions.size).to.be.greaterThan(5);
                const outside = [...actions].filter((a) => evaluate(req(a, "*"), [boundary]) !== "allow");
                expect(outside).to.deep.equal([]);
            });
        });
    }
});

/**
 * Ec2Service and ContainerImage through the public entry point: a service
 * joins a cluster and an ingress it is given (or none: a worker), and runs an
 * image a ContainerImage built, or a prebuilt one without a repository.
 */
import { failsBeforeRegistering, mocksReady, record, type Recording, valueOf } from "./harness/mocks";
import { expect } from "chai";
import * as path from "path";
import { ContainerImage, Ec2Service, type Ec2ServiceArgs } from "../components";
import { escalationActionsOf, isServiceWideResource, looksLikeSecret } from "../components/ecs";

const PRIVATE = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"];
const CLUSTER = { clusterArn: "arn:aws:ecs:us-east-1:123456789012:cluster/shared", clusterName: "shared" };
const LB = {
    listenerArn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/edge/1/2",
    securityGroupId: "sg-0aaaaaaaaaaaaaaa1",
    arnSuffix: "app/edge/1",
    url: "https://edge.example.com",
};
const API = {
    apiId: "a1b2c3",
    vpcLinkId: "vl-1",
    securityGroupId: "sg-0bbbbbbbbbbbbbbb2",
    namespaceId: "ns-1",
    url: "https://a1b2c3.execute-api.us-east-1.amazonaws.com",
};
const T = {
    service: "aws:ecs/service:Service",
    tg: "aws:lb/targetGroup:TargetGroup",
    rule: "aws:lb/listenerRule:ListenerRule",
    egress: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    route: "aws:apigatewayv2/route:Route",
};
const base = (extra: Partial<Ec2ServiceArgs> = {}): Ec2ServiceArgs => ({
    vpcId: "vpc-1",
    cidrBlock: "10.0.0.0/16",
    subnetIds: PRIVATE,
    cluster: CLUSTER,
    image: "public.ecr.aws/nginx/nginx:1.27",
    ...extra,
});

describe("Ec2Service", () => {
    before(() => mocksReady);

    describe("joined to a load balancer", () => {
        let rec: Recording;
        let svc: Ec2Service;
        before(async () => {
            rec = await record(
                () =>
                    (svc = new Ec2Service(
                        "api",
                        base({
                            capacityProviderName: "shared-cp",
                            loadBalancer: {
                                loadBalancer: LB,
                                priority: 10,
                                pathPatterns: ["/api/*"],
                                hostHeaders: ["app.example.com"],
                            },
                            requestsPerTarget: 500,
                        }),
                    )),
            );
        });

        it("adds its own target group and a rule on the given listener: priority, paths and hosts", () => {
            expect(rec.one(T.rule).inputs).to.deep.include({
                listenerArn: LB.listenerArn,
                priority: 10,
                conditions: [{ pathPattern: { values: ["/api/*"] } }, { hostHeader: { values: ["app.example.com"] } }],
                actions: [{ type: "forward", targetGroupArn: rec.one(T.tg).state.arn }],
            });
            expect(rec.one(T.service).inputs.loadBalancers).to.deep.equal([
                { targetGroupArn: rec.one(T.tg).state.arn, containerName: "app", containerPort: 3000 },
            ]);
            expect(rec.one(T.service).dependencies).to.include(rec.one(T.rule).urn);
        });

        it("runs on the given cluster and capacity provider", () => {
            const s = rec.one(T.service).inputs;
            expect(s.cluster).to.equal(CLUSTER.clusterArn);
            expect(s.capacityProviderStrategies).to.deep.equal([{ capacityProvider: "shared-cp", weight: 1, base: 0 }]);
            expect(s.healthCheckGracePeriodSeconds).to.equal(60);
        });

        it("the load balancer's group may reach the tasks on the port, and the tasks admit only it", () => {
            const sg = rec.one("aws:ec2/securityGroup:SecurityGroup").id;
            const out = rec.ofType(T.egress).filter((r) => r.inputs.securityGroupId === LB.securityGroupId);
            expect(
                out.map((r) => [r.inputs.referencedSecurityGroupId, r.inputs.fromPort, r.inputs.toPort]),
            ).to.deep.equal([[sg, 3000, 3000]]);
            const into = rec.ofType(T.ingress).filter((r) => r.inputs.securityGroupId === sg);
            expect(into.map((r) => [r.inputs.referencedSecurityGroupId, r.inputs.fromPort])).to.deep.equal([
                [LB.securityGroupId, 3000],
            ]);
        });

        it("scales on requests per target with the load balancer's and its target group's suffixes", async () => {
            const policy = rec.one("aws:appautoscaling/policy:Policy", "api-scale-requests");
            const label =
                policy.inputs.targetTrackingScalingPolicyConfiguration.predefinedMetricSpecification.resourceLabel;
            expect(label).to.equal(`${LB.arnSuffix}/${rec.one(T.tg).state.arnSuffix}`);
            expect(await valueOf(svc.targetGroupArnSuffix)).to.equal(rec.one(T.tg).state.arnSuffix);
        });

        it("a public image needs no ECR permission at all", () => {
            const policy = JSON.parse(rec.one(T.rolePolicy, "api-execution-policy").inputs.policy);
            expect(policy.Statement.map((s: any) => s.Sid)).to.deep.equal(["WriteLogGroup"]);
        });
    });

    it("joined to an HTTP API with a JWT authorizer: routes use it, public routes do not", async () => {
        const rec = await record(
            () =>
                new Ec2Service(
                    "users",
                    base({
                        httpApi: {
                            gateway: { ...API, authorizerId: "auth0r" },
                            routeKeys: ["$default"],
                            publicRouteKeys: ["GET /api/health"],
                        },
                    }),
                ),
        );
        expect(
            rec
                .ofType(T.route)
                .map((r) => [r.name, r.inputs.routeKey, r.inputs.authorizationType, r.inputs.authorizerId]),
        ).to.deep.equal([
            ["users-public-route-0", "GET /api/health", "NONE", undefined],
            ["users-route", "$default", "JWT", "auth0r"],
        ]);
        const dup = await failsBeforeRegistering(
            () =>
                new Ec2Service(
                    "users",
                    base({ httpApi: { gateway: API, routeKeys: ["GET /a"], publicRouteKeys: ["GET /a", "bad key"] } }),
                ),
        );
        expect(dup).to.include('httpApi.publicRouteKeys: "GET /a" is also in routeKeys');
        expect(dup).to.include("httpApi.publicRouteKeys");
    });

    it("joined to an HTTP API: its own Cloud Map service, integration and routes; no target group", async () => {
        const rec = await record(
            () =>
                new Ec2Service(
                    "users",
                    base({ httpApi: { gateway: API, routeKeys: ["ANY /users/{proxy+}", "GET /users"] } }),
                ),
        );
        expect(rec.ofType(T.tg)).to.deep.equal([]);
        const discovery = rec.one("aws:servicediscovery/service:Service");
        expect(discovery.inputs).to.include({ name: "users", namespaceId: API.namespaceId });
        expect(rec.one("aws:apigatewayv2/integration:Integration").inputs).to.include({
            apiId: API.apiId,
            connectionId: API.vpcLinkId,
            integrationUri: discovery.state.arn,
        });
        expect(rec.ofType(T.route).map((r) => [r.name, r.inputs.routeKey])).to.deep.equal([
            ["users-route", "ANY /users/{proxy+}"],
            ["users-route-1", "GET /users"],
        ]);
        const service = rec.one(T.service).inputs;
        expect(service.serviceRegistries).to.deep.include({ registryArn: discovery.state.arn, containerPort: 3000 });
        expect(service.healthCheckGracePeriodSeconds).to.equal(undefined);
        // Without a capacity provider: the cluster's default strategy.
        expect(service.capacityProviderStrategies).to.equal(undefined);
    });

    it("with no ingress (a worker): no inbound rule, no target group, no discovery", async () => {
        const rec = await record(() => new Ec2Service("worker", base()));
        expect(rec.ofType(T.ingress)).to.deep.equal([]);
        expect(rec.ofType(T.tg).concat(rec.ofType("aws:servicediscovery/service:Service"))).to.deep.equal([]);
        expect(rec.one(T.service).inputs.loadBalancers).to.deep.equal([]);
    });

    it("refuses two ingresses, a rule without condition, and settings that need a load balancer, in one error", async () => {
        const message = await failsBeforeRegistering(
            () =>
                new Ec2Service(
                    "api",
                    base({ loadBalancer: { loadBalancer: LB, priority: 0 }, httpApi: { gateway: API } }),
                ),
        );
        expect(message.split("\n")[0]).to.equal('Ec2Service "api": invalid values:');
        expect(message).to.contain("loadBalancer: is set together with httpApi");
        expect(message).to.contain("loadBalancer.priority: 0 is out of range");
        expect(message).to.contain("loadBalancer: has neither pathPatterns nor hostHeaders");
        const worker = await failsBeforeRegistering(
            () => new Ec2Service("w", base({ requestsPerTarget: 10, healthCheckGracePeriodSeconds: 30 })),
        );
        expect(worker).to.contain("requestsPerTarget: 10 needs loadBalancer");
        expect(worker).to.contain("healthCheckGracePeriodSeconds: is set but applies to load-balanced services only");
    });
});

describe("ContainerImage", () => {
    before(() => mocksReady);

    it("a prebuilt reference: no repository, the reference as imageRef", async () => {
        let image: ContainerImage;
        const rec = await record(
            () => (image = new ContainerImage("web", { image: "public.ecr.aws/nginx/nginx:1.27" })),
        );
        expect(rec.resources.map((r) => r.type)).to.deep.equal(["aws-webapp:index:ContainerImage"]);
        expect(await valueOf(image!.imageRef)).to.equal("public.ecr.aws/nginx/nginx:1.27");
        expect(await valueOf(image!.repositoryArn)).to.equal(undefined);
    });

    it("a build: an immutable, scanned repository with its lifecycle, the image pushed and run by digest", async () => {
        let image: ContainerImage;
        const rec = await record(
            () =>
                (image = new ContainerImage("api", {
                    buildContext: path.join(__dirname, "..", "app"),
                    architecture: "arm64",
                    keepImages: 5,
                })),
        );
        const repo = rec.one("aws:ecr/repository:Repository").inputs;
        // Every tag immutable except the program's own build tags, which a re-push of the same
        // context (other bytes: file modes, an interrupted up) must be able to move.
        expect(repo).to.include({ imageTagMutability: "IMMUTABLE_WITH_EXCLUSION", forceDelete: false });
        expect(repo.imageTagMutabilityExclusionFilters).to.deep.equal([{ filter: "build-*", filterType: "WILDCARD" }]);
        expect(rec.one("docker:index/image:Image").inputs.imageName).to.match(/:build-[0-9a-f]{20}$/);
        expect(repo.imageScanningConfiguration).to.deep.equal({ scanOnPush: true });
        const lifecycle = JSON.parse(rec.one("aws:ecr/lifecyclePolicy:LifecyclePolicy").inputs.policy);
        expect(lifecycle.rules[1].selection).to.include({ countType: "imageCountMoreThan", countNumber: 5 });
        const build = rec.one("docker:index/image:Image");
        expect(build.inputs.build.platform).to.equal("linux/arm64");
        expect(await valueOf(image!.imageRef)).to.equal(build.state.repoDigest);
    });

    it("refuses both an image and a build context, and a bad reference", async () => {
        const message = await failsBeforeRegistering(
            () => new ContainerImage("x1", { image: "Not An Image", buildContext: "app" }),
        );
        expect(message).to.contain("expected exactly one of image");
        expect(message).to.contain('image: "Not An Image" is not a container image reference');
    });
});

describe("Ec2Service least privilege and secret names", () => {
    before(() => mocksReady);
    const refused = (statements: Ec2ServiceArgs["taskRoleStatements"]) =>
        failsBeforeRegistering(() => new Ec2Service("app", base({ taskRoleStatements: statements })));

    it("refuses a service-wide action on every resource of its service, not on one resource", async () => {
        expect(await refused([{ actions: ["s3:*"], resources: ["arn:aws:s3:::*"] }])).to.contain(
            'taskRoleStatements.0: grants s3:* on "arn:aws:s3:::*" (every resource of the service)',
        );
        expect(await refused([{ actions: ["dynamodb:*"], resources: ["arn:aws:dynamodb:*:*:table/*"] }])).to.contain(
            "grants dynamodb:* on",
        );
        const ok = await record(
            () =>
                new Ec2Service(
                    "ok",
                    base({ taskRoleStatements: [{ actions: ["s3:*"], resources: ["arn:aws:s3:::my-bucket/*"] }] }),
                ),
        );
        expect(ok.ofType("aws:iam/rolePolicy:RolePolicy").map((r) => r.name)).to.include("ok-task-policy");
    });

    it("refuses privilege-escalation actions on all resources, with or without wildcards", async () => {
        for (const action of ["iam:PassRole", "sts:AssumeRole", "iam:Create*", "iam:Put*Policy", "IAM:passrole"]) {
            expect(await refused([{ actions: [action], resources: ["*"] }]), action).to.contain(
                `grants ${action} on "*": privilege escalation`,
            );
        }
        expect(
            await refused([{ actions: ["iam:PassRole"], resources: ["arn:aws:iam::123456789012:role/*"] }]),
        ).to.contain("privilege escalation (iam:PassRole)");
        // One exact role may be passed.
        await record(
            () =>
                new Ec2Service(
                    "pass",
                    base({
                        taskRoleStatements: [
                            { actions: ["iam:PassRole"], resources: ["arn:aws:iam::123456789012:role/worker"] },
                        ],
                    }),
                ),
        );
    });

    it("escalation and service-wide helpers: exact matches", () => {
        expect(escalationActionsOf("iam:Create*")).to.include.members([
            "iam:CreateRole",
            "iam:CreateUser",
            "iam:CreateAccessKey",
        ]);
        expect(escalationActionsOf("iam:Get*")).to.deep.equal([]);
        expect(escalationActionsOf("s3:GetObject")).to.deep.equal([]);
        expect(
            ["*", "arn:aws:s3:::*", "arn:aws:dynamodb:*:*:table/*", "arn:aws:iam::123456789012:role/*"].map(
                isServiceWideResource,
            ),
        ).to.deep.equal([true, true, true, true]);
        expect(
            ["arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket", "arn:aws:dynamodb:us-east-1:123456789012:table/t"].map(
                isServiceWideResource,
            ),
        ).to.deep.equal([false, false, false]);
    });

    it("the secret-name heuristic catches abbreviations, and leaves ordinary names alone", async () => {
        for (const name of [
            "DB_PASS",
            "AUTH_TKN",
            "dbPwd",
            "SMTP_PASSWORD",
            "GITHUB_TOKEN",
            "AWS_SECRET_ACCESS_KEY",
            "stripeApiKey",
            "ADMIN_CREDS",
        ]) {
            expect(looksLikeSecret(name), name).to.equal(true);
        }
        for (const name of [
            "DB_HOST",
            "DB_PORT",
            "UPLOADS_BUCKET",
            "NODE_ENV",
            "AUTH_URL",
            "BYPASS_CACHE",
            "PASSPORT_COUNTRY",
            "KEY_PREFIX",
        ]) {
            expect(looksLikeSecret(name), name).to.equal(false);
        }
        expect(
            await failsBeforeRegistering(() => new Ec2Service("app", base({ environment: { DB_PASS: "x" } }))),
        ).to.contain("environment.DB_PASS: looks like a secret");
    });
});

describe("Ec2Service egress inside the VPC", () => {
    before(() => mocksReady);

    it("opens exactly the given ports to the VPC, and none without them", async () => {
        const rec = await record(() => new Ec2Service("app", base({ vpcEgressPorts: [5432, 6379] })));
        const out = rec.ofType(T.egress).map((r) => [r.name, r.inputs.fromPort, r.inputs.toPort, r.inputs.cidrIpv4]);
        expect(out).to.deep.equal([
            ["app-service-out-https", 443, 443, "0.0.0.0/0"],
            ["app-service-out-vpc-0", 5432, 5432, "10.0.0.0/16"],
            ["app-service-out-vpc-1", 6379, 6379, "10.0.0.0/16"],
        ]);
        const none = await record(() => new Ec2Service("bare", base()));
        expect(none.ofType(T.egress).map((r) => r.name)).to.deep.equal(["bare-service-out-https"]);
        expect(await failsBeforeRegistering(() => new Ec2Service("x1", base({ vpcEgressPorts: [0] })))).to.contain(
            "vpcEgressPorts.0: 0 is out of range",
        );
    });
});

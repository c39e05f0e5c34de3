import { mocksReady } from "./harness/mocks";
import { internetIngress } from "./harness/baseline";
import { evaluateStack, StackEvaluation } from "./harness/stack";
import { A, authBaseline } from "./harness/stackAuth";
import { baseline, containerOf, T, taskRoleStatements } from "./harness/stackBaseline";
import { expect } from "chai";

describe("dev stack through index.ts", () => {
    before(() => mocksReady);

    let dev: StackEvaluation;
    before(async () => {
        dev = await evaluateStack("dev");
    });
    authBaseline(() => dev, false);
    baseline("dev", () => dev, 7);

    it("puts the pool's JWT authorizer on the API's routes, except health and the renditions read", () => {
        const rec = dev.recording;
        const authorizer = rec.one(A.authorizer);
        expect(authorizer.inputs).to.deep.include({
            authorizerType: "JWT",
            identitySources: ["$request.header.Authorization"],
        });
        const env = Object.fromEntries(
            JSON.parse(rec.one(T.task).inputs.containerDefinitions)[0].environment.map((e: any) => [e.name, e.value]),
        );
        expect(authorizer.inputs.jwtConfiguration).to.deep.equal({
            issuer: env.AUTH_ISSUER,
            audiences: [env.AUTH_CLIENT_ID],
        });
        const routes = Object.fromEntries(
            rec.ofType(A.route).map((r) => [r.inputs.routeKey, [r.inputs.authorizationType, r.inputs.authorizerId]]),
        );
        expect(routes).to.deep.equal({
            $default: ["JWT", authorizer.state.id ?? authorizer.id],
            "GET /api/health": ["NONE", undefined],
            "GET /api/health/db": ["NONE", undefined],
            "GET /api/images/{uploadId}": ["NONE", undefined],
        });
    });

    it("uses the cheap ingress: HTTP API + VPC link, no load balancer, no WAF", () => {
        const rec = dev.recording;
        expect(rec.ofType(T.lb)).to.be.empty;
        expect(rec.ofType(T.waf)).to.be.empty;
        expect(rec.ofType(T.api)).to.have.length(1);
        expect(rec.one(T.service).inputs.serviceRegistries.registryArn).to.be.a("string");
        expect(internetIngress(rec)).to.be.empty;
        // The user's one URL is the distribution's; the HTTP API is its /api/* origin.
        expect(String(dev.outputs.applicationUrl)).to.equal(`https://${rec.one(T.cdn).state.domainName}`);
    });

    it("has no NAT gateway; instances sit in public subnets with a public IP and no inbound rule", () => {
        const rec = dev.recording;
        const vpc = rec.one(T.vpc);
        expect(vpc.inputs.natGateways.strategy).to.equal("None");
        const lt = rec.one("aws:ec2/launchTemplate:LaunchTemplate");
        expect(String(lt.inputs.networkInterfaces[0].associatePublicIpAddress)).to.equal("true");
        const asg = rec.one("aws:autoscaling/group:Group");
        expect(asg.inputs.vpcZoneIdentifiers.every((id: string) => id.startsWith("subnet-public-"))).to.equal(true);
        const instanceSg = rec
            .ofType(T.sg)
            .find((sg) => lt.inputs.networkInterfaces[0].securityGroups.includes(sg.id))!;
        expect(rec.ofType(T.ingressRule).filter((r) => r.inputs.securityGroupId === instanceSg.id)).to.be.empty;
        expect(instanceSg.inputs.ingress ?? []).to.be.empty;
    });

    it("runs the small sizes of the environments table: Aurora Serverless v2 from 0 ACU, one writer", () => {
        const rec = dev.recording;
        expect(rec.ofType(T.rds)).to.be.empty;
        const cluster = rec.one(T.cluster);
        expect(cluster.inputs.engine).to.equal("aurora-postgresql");
        expect(cluster.inputs.serverlessv2ScalingConfiguration).to.deep.equal({
            minCapacity: 0,
            maxCapacity: 2,
            secondsUntilAutoPause: 300,
        });
        expect(rec.ofType(T.clusterInstance).map((i) => i.inputs.instanceClass)).to.deep.equal(["db.serverless"]);
        expect(rec.one(T.task).inputs).to.include({ cpu: "256", memory: "512" });
        expect(rec.one("aws:ec2/launchTemplate:LaunchTemplate").inputs.instanceType).to.equal("t4g.micro");
    });

    it("the app waits out a paused database's resume, and signs in as the app role to the cluster", () => {
        const rec = dev.recording;
        const container = containerOf(rec);
        const env = Object.fromEntries(container.environment.map((e: any) => [e.name, e.value]));
        expect(env).to.include({ DB_CONNECT_TIMEOUT_MS: "30000", DB_APP_AUTH: "iam", DB_APP_USER: "app" });
        const cluster = rec.one(T.cluster);
        const connect = taskRoleStatements(rec).find((st: any) => [st.Action].flat().includes("rds-db:connect"));
        expect([connect.Resource].flat()).to.deep.equal([
            `arn:aws:rds-db:us-east-1:123456789012:dbuser:${cluster.state.clusterResourceId}/app`,
        ]);
    });

    it("encrypts both SNS topics that CloudWatch publishes to with one customer managed key", () => {
        const rec = dev.recording;
        expect(rec.ofType("aws:kms/key:Key").map((k) => k.name)).to.deep.equal(["dev-billing-topic-key"]);
        const key = rec.one("aws:kms/key:Key");
        const topics = rec.ofType("aws:sns/topic:Topic").filter((t) => !t.name.includes("images"));
        expect(topics.map((t) => [t.name, t.inputs.kmsMasterKeyId])).to.deep.equal([
            ["dev-billing-topic", key.state.arn],
            ["dev-ops-alarms", key.state.arn],
        ]);
    });
});

/**
 * The point of the building blocks, checked on the examples as written
 * (examples/shared-cluster, examples/shared-http-api, examples/ecs-ec2-service)
 * as a consumer evaluates them (exampleRuns.ts): two services share one
 * cluster and one fleet, behind one load balancer or one HTTP API, each with
 * its own target group and rule, or its own routes.
 */
import { expect } from "chai";
import type { Recording } from "../../components/testing";
import type { ExampleRun } from "./exampleRuns";

const T = {
    cluster: "aws:ecs/cluster:Cluster",
    asg: "aws:autoscaling/group:Group",
    alb: "aws:lb/loadBalancer:LoadBalancer",
    listener: "aws:lb/listener:Listener",
    service: "aws:ecs/service:Service",
    tg: "aws:lb/targetGroup:TargetGroup",
    rule: "aws:lb/listenerRule:ListenerRule",
    sg: "aws:ec2/securityGroup:SecurityGroup",
    egress: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    api: "aws:apigatewayv2/api:Api",
    vpcLink: "aws:apigatewayv2/vpcLink:VpcLink",
    route: "aws:apigatewayv2/route:Route",
    integration: "aws:apigatewayv2/integration:Integration",
    namespace: "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace",
    discovery: "aws:servicediscovery/service:Service",
};

const named = (rec: Recording, type: string) =>
    rec
        .ofType(type)
        .map((r) => r.name)
        .sort();

/** The describes of the shared-blocks examples; `run(name)` is the example's evaluation. */
export function describeSharedBlocks(run: (name: string) => ExampleRun): void {
    describe("examples: services sharing blocks", () => {
        describe("shared-cluster: api on /api/*, web on /* behind one WebLoadBalancer", () => {
            let rec: Recording;
            before(() => (rec = run("shared-cluster").recording));

            it("has exactly 1 cluster, 1 fleet, 1 ALB, 2 services, 2 target groups and 2 listener rules", () => {
                expect(rec.ofType(T.cluster)).to.have.length(1);
                expect(rec.ofType(T.asg)).to.have.length(1);
                expect(rec.ofType(T.alb)).to.have.length(1);
                expect(named(rec, T.service)).to.deep.equal(["api-service", "web-service"]);
                expect(named(rec, T.tg)).to.deep.equal(["api-tg", "web-tg"]);
                expect(named(rec, T.rule)).to.deep.equal(["api-rule", "web-rule"]);
            });

            it("both services run on the one cluster and its capacity provider", () => {
                const cluster = rec.one(T.cluster);
                const provider = rec.one("aws:ecs/capacityProvider:CapacityProvider");
                for (const s of rec.ofType(T.service)) {
                    expect(s.inputs.cluster, s.name).to.equal(cluster.state.arn);
                    expect(s.inputs.capacityProviderStrategies, s.name).to.deep.equal([
                        {
                            capacityProvider: provider.state.name ?? provider.inputs.name ?? provider.name,
                            weight: 1,
                            base: 0,
                        },
                    ]);
                }
            });

            it("each rule forwards its paths to its own target group on the one listener; the listener answers 404", () => {
                const listener = rec.one(T.listener);
                expect(listener.inputs.defaultActions[0].type).to.equal("fixed-response");
                const rules = Object.fromEntries(rec.ofType(T.rule).map((r) => [r.name, r.inputs]));
                expect(rules["api-rule"]).to.deep.include({
                    listenerArn: listener.state.arn,
                    priority: 10,
                    conditions: [{ pathPattern: { values: ["/api/*"] } }],
                    actions: [{ type: "forward", targetGroupArn: rec.one(T.tg, "api-tg").state.arn }],
                });
                expect(rules["web-rule"]).to.deep.include({
                    listenerArn: listener.state.arn,
                    priority: 100,
                    conditions: [{ pathPattern: { values: ["/*"] } }],
                    actions: [{ type: "forward", targetGroupArn: rec.one(T.tg, "web-tg").state.arn }],
                });
                expect(rec.one(T.tg, "api-tg").inputs).to.include({ port: 3000 });
                expect(rec.one(T.tg, "api-tg").inputs.healthCheck.path).to.equal("/api/health");
                expect(rec.one(T.tg, "web-tg").inputs).to.include({ port: 8080 });
            });

            it("the load balancer reaches each service only on its port, and each service admits only the load balancer", () => {
                const albSg = rec.one(T.sg, "shared-alb-sg");
                const out = rec.ofType(T.egress).filter((r) => r.inputs.securityGroupId === albSg.id);
                const sgOf = (svc: string) => rec.one(T.sg, `${svc}-service-sg`).id;
                expect(
                    out.map((r) => [r.inputs.referencedSecurityGroupId, r.inputs.fromPort, r.inputs.toPort]).sort(),
                ).to.deep.equal(
                    [
                        [sgOf("api"), 3000, 3000],
                        [sgOf("web"), 8080, 8080],
                    ].sort(),
                );
                for (const [svc, port] of [
                    ["api", 3000],
                    ["web", 8080],
                ] as const) {
                    const inbound = rec.ofType(T.ingress).filter((r) => r.inputs.securityGroupId === sgOf(svc));
                    expect(inbound.map((r) => [r.inputs.referencedSecurityGroupId, r.inputs.fromPort])).to.deep.equal([
                        [albSg.id, port],
                    ]);
                }
            });
        });

        describe("shared-http-api: two services on one HttpApiGateway", () => {
            let rec: Recording;
            before(() => (rec = run("shared-http-api").recording));

            it("has 1 cluster, 1 API with 1 VPC link and 1 namespace, 2 services with their own discovery, integration and routes", () => {
                expect(rec.ofType(T.cluster)).to.have.length(1);
                expect(rec.ofType(T.api)).to.have.length(1);
                expect(rec.ofType(T.vpcLink)).to.have.length(1);
                expect(rec.ofType(T.namespace)).to.have.length(1);
                expect(rec.ofType(T.alb)).to.have.length(0);
                expect(named(rec, T.service)).to.deep.equal(["orders-service", "users-service"]);
                expect(
                    rec
                        .ofType(T.discovery)
                        .map((d) => d.inputs.name)
                        .sort(),
                ).to.deep.equal(["orders", "users"]);
                expect(named(rec, T.integration)).to.deep.equal(["orders-integration", "users-integration"]);
                expect(
                    rec
                        .ofType(T.route)
                        .map((r) => r.inputs.routeKey)
                        .sort(),
                ).to.deep.equal(["ANY /orders", "ANY /orders/{proxy+}", "ANY /users/{proxy+}"]);
            });

            it("each route targets its service's integration, which reaches its own Cloud Map service through the one link", () => {
                const api = rec.one(T.api);
                const link = rec.one(T.vpcLink);
                for (const svc of ["users", "orders"]) {
                    const integration = rec.one(T.integration, `${svc}-integration`);
                    const discovery = rec.one(T.discovery, `${svc}-discovery`);
                    expect(integration.inputs).to.include({
                        apiId: api.id,
                        connectionType: "VPC_LINK",
                        connectionId: link.id,
                        integrationUri: discovery.state.arn,
                    });
                    expect(discovery.inputs.namespaceId).to.equal(rec.one(T.namespace).id);
                    const routes = rec.ofType(T.route).filter((r) => r.name.startsWith(`${svc}-route`));
                    expect(
                        routes.every((r) => r.inputs.target === `integrations/${integration.id}`),
                        svc,
                    ).to.equal(true);
                    const service = rec.one(T.service, `${svc}-service`);
                    expect(service.inputs.serviceRegistries).to.deep.include({
                        registryArn: discovery.state.arn,
                        containerPort: 8080,
                    });
                }
            });
        });
    });

    describe("examples: ecs-ec2-service as written", () => {
        it("checks the health of what its image serves: nginx-unprivileged on 8080, as uid 101", () => {
            const rec = run("ecs-ec2-service").recording;
            const [container] = JSON.parse(
                rec.one("aws:ecs/taskDefinition:TaskDefinition").inputs.containerDefinitions,
            );
            expect(container.image).to.match(/nginx-unprivileged/);
            expect(container.user).to.equal("101:101");
            expect(container.portMappings[0].containerPort).to.equal(8080);
            expect(container.healthCheck.command.join(" ")).to.contain("http://127.0.0.1:8080/");
            expect(rec.one(T.tg).inputs).to.include({ port: 8080 });
            expect(rec.one(T.tg).inputs.healthCheck.path).to.equal("/");
        });
    });
}

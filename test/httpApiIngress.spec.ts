import { mocksReady, record } from "./harness/mocks";
import { expect } from "chai";
import { HttpApiIngress } from "../components/compute/httpApiIngress";

describe("HTTP API ingress (dev's cheap ingress)", () => {
    before(() => mocksReady);

    it("routes the HTTP API through a VPC link to Cloud Map SRV records of the tasks", async () => {
        const rec = await record(
            () =>
                new HttpApiIngress("web-http", {
                    vpcId: "vpc-1",
                    vpcCidrBlock: "10.0.0.0/16",
                    subnetIds: ["subnet-private-a", "subnet-private-b"],
                    containerPort: 3000,
                    logRetentionDays: 7,
                }),
        );
        const discovery = rec.one("aws:servicediscovery/service:Service");
        expect(discovery.inputs.dnsConfig.dnsRecords).to.deep.equal([{ type: "SRV", ttl: 10 }]);
        const link = rec.one("aws:apigatewayv2/vpcLink:VpcLink");
        expect(link.inputs.subnetIds).to.deep.equal(["subnet-private-a", "subnet-private-b"]);
        const integration = rec.one("aws:apigatewayv2/integration:Integration");
        expect(integration.inputs).to.include({
            integrationType: "HTTP_PROXY",
            connectionType: "VPC_LINK",
            connectionId: link.state.id ?? "web-http-link-id",
            integrationUri: discovery.state.arn,
        });
        const api = rec.one("aws:apigatewayv2/api:Api");
        expect(api.inputs.protocolType).to.equal("HTTP");
        const stage = rec.one("aws:apigatewayv2/stage:Stage");
        expect(stage.inputs.autoDeploy).to.equal(true);
        const logs = rec.one("aws:cloudwatch/logGroup:LogGroup");
        expect(logs.inputs.retentionInDays).to.equal(7);
        expect(stage.inputs.accessLogSettings.destinationArn).to.equal(logs.state.arn);
    });

    it("the VPC link's security group accepts nothing and sends only to the container port in the VPC", async () => {
        const rec = await record(
            () =>
                new HttpApiIngress("web-http", {
                    vpcId: "vpc-1",
                    vpcCidrBlock: "10.0.0.0/16",
                    subnetIds: ["subnet-a", "subnet-b"],
                    containerPort: 3000,
                    logRetentionDays: 7,
                }),
        );
        const sg = rec.one("aws:ec2/securityGroup:SecurityGroup");
        expect(sg.inputs.ingress ?? []).to.be.empty;
        expect(rec.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")).to.be.empty;
        const egress = rec.one("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule");
        expect(egress.inputs).to.include({ fromPort: 3000, toPort: 3000, ipProtocol: "tcp", cidrIpv4: "10.0.0.0/16" });
    });
});

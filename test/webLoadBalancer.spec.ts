/** WebLoadBalancer and HttpApiGateway through the public entry point: ingress blocks that services join. */
import { failsBeforeRegistering, mocksReady, record, type Recording, valueOf } from "./harness/mocks";
import { expect } from "chai";
import { HttpApiGateway, WebLoadBalancer } from "../components";

const PUBLIC = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"];
const CERT = "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555";
const T = {
    sg: "aws:ec2/securityGroup:SecurityGroup",
    ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    egress: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    lb: "aws:lb/loadBalancer:LoadBalancer",
    listener: "aws:lb/listener:Listener",
    bucket: "aws:s3/bucket:Bucket",
};
const NOT_FOUND = {
    type: "fixed-response",
    fixedResponse: { contentType: "text/plain", messageBody: "Not Found", statusCode: "404" },
};

describe("WebLoadBalancer", () => {
    before(() => mocksReady);

    describe("with a certificate, access logs and deletion protection", () => {
        let rec: Recording;
        let alb: WebLoadBalancer;
        before(async () => {
            rec = await record(
                () =>
                    (alb = new WebLoadBalancer("edge", {
                        vpcId: "vpc-1",
                        subnetIds: PUBLIC,
                        certificateArn: CERT,
                        domainName: "app.example.com",
                        deletionProtection: true,
                        accessLogs: true,
                    })),
            );
        });

        it("opens 80 and 443 to the internet and nothing else; no rule to any service until one attaches", () => {
            const sg = rec.one(T.sg);
            const open = rec
                .ofType(T.ingress)
                .map((r) => [r.inputs.securityGroupId, r.inputs.fromPort, r.inputs.cidrIpv4]);
            expect(open).to.deep.equal([
                [sg.id, 80, "0.0.0.0/0"],
                [sg.id, 443, "0.0.0.0/0"],
            ]);
            expect(rec.ofType(T.egress)).to.deep.equal([]);
            expect(rec.ofType("aws:lb/targetGroup:TargetGroup")).to.deep.equal([]);
        });

        it("HTTPS (TLS 1.3, HSTS) answers 404 by default; HTTP redirects to it", () => {
            const https = rec.one(T.listener, "edge-https").inputs;
            expect(https).to.include({
                port: 443,
                protocol: "HTTPS",
                certificateArn: CERT,
                sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
            });
            expect(https.defaultActions).to.deep.equal([NOT_FOUND]);
            expect(rec.one(T.listener, "edge-http").inputs.defaultActions).to.deep.equal([
                { type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } },
            ]);
        });

        it("protects the load balancer and logs to a bucket it created, waiting for the bucket policy", () => {
            const lb = rec.one(T.lb);
            expect(lb.inputs).to.include({
                enableDeletionProtection: true,
                internal: false,
                dropInvalidHeaderFields: true,
            });
            expect(lb.inputs.accessLogs).to.include({ enabled: true, prefix: "alb" });
            expect(lb.dependencies).to.include(rec.one("aws:s3/bucketPolicy:BucketPolicy").urn);
            expect(rec.one(T.bucket).name).to.equal("edge-alb-logs");
        });

        it("outputs the listener services attach to (HTTPS), its group, dimensions and the URL on the domain", async () => {
            expect(await valueOf(alb.listenerArn)).to.equal(rec.one(T.listener, "edge-https").state.arn);
            expect(await valueOf(alb.securityGroupId)).to.equal(rec.one(T.sg).id);
            expect(await valueOf(alb.url)).to.equal("https://app.example.com");
            expect(await valueOf(alb.arnSuffix)).to.be.a("string");
        });
    });

    it("without a certificate: one HTTP listener answering 404, the one services attach to", async () => {
        let alb: WebLoadBalancer;
        const rec = await record(() => (alb = new WebLoadBalancer("plain", { vpcId: "vpc-1", subnetIds: PUBLIC })));
        expect(rec.ofType(T.listener).map((l) => l.name)).to.deep.equal(["plain-http"]);
        expect(rec.one(T.listener).inputs.defaultActions).to.deep.equal([NOT_FOUND]);
        expect(rec.ofType(T.bucket)).to.deep.equal([]);
        expect(await valueOf(alb!.listenerArn)).to.equal(rec.one(T.listener).state.arn);
        expect(await valueOf(alb!.url)).to.match(/^http:\/\//);
    });

    it("refuses one subnet, a non-TLS-1.3 policy and a log bucket without access logs, in one error", async () => {
        const message = await failsBeforeRegistering(
            () =>
                new WebLoadBalancer("edge", {
                    vpcId: "vpc-1",
                    subnetIds: [PUBLIC[0]],
                    sslPolicy: "ELBSecurityPolicy-2016-08",
                    accessLogsBucket: "my-logs",
                }),
        );
        expect(message.split("\n")[0]).to.equal('WebLoadBalancer "edge": invalid values:');
        expect(message).to.contain("subnetIds: ");
        expect(message).to.contain("expected at least 2 (one per availability zone)");
        expect(message).to.contain(
            'sslPolicy: "ELBSecurityPolicy-2016-08" is not a TLS 1.3 load balancer security policy',
        );
        expect(message).to.contain("accessLogsBucket: is set but accessLogs is not true");
    });
});

describe("HttpApiGateway", () => {
    before(() => mocksReady);

    it("an HTTP API with a throttled, logged $default stage, a VPC link with its own group, and a namespace", async () => {
        let api: HttpApiGateway;
        const rec = await record(
            () =>
                (api = new HttpApiGateway("edge", {
                    vpcId: "vpc-1",
                    subnetIds: PUBLIC,
                    logRetentionDays: 7,
                    throttlingRateLimit: 50,
                })),
        );
        const stage = rec.one("aws:apigatewayv2/stage:Stage").inputs;
        expect(stage).to.include({ name: "$default", autoDeploy: true });
        expect(stage.defaultRouteSettings).to.include({ throttlingRateLimit: 50, throttlingBurstLimit: 200 });
        const logs = rec.one("aws:cloudwatch/logGroup:LogGroup");
        expect(logs.inputs).to.include({ name: "/aws/apigateway/edge", retentionInDays: 7 });
        expect(stage.accessLogSettings.destinationArn).to.equal(logs.state.arn);
        const link = rec.one("aws:apigatewayv2/vpcLink:VpcLink").inputs;
        expect(link.securityGroupIds).to.deep.equal([rec.one(T.sg).id]);
        expect(link.subnetIds).to.deep.equal(PUBLIC);
        expect(rec.ofType(T.ingress).concat(rec.ofType(T.egress))).to.deep.equal([]);
        expect(rec.one("aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace").inputs).to.include({
            name: "edge.internal",
            vpc: "vpc-1",
        });
        expect(rec.ofType("aws:apigatewayv2/route:Route")).to.deep.equal([]);
        expect(await valueOf(api!.namespaceId)).to.equal(
            rec.one("aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace").id,
        );
    });

    it("refuses a retention CloudWatch does not offer and a burst out of range", async () => {
        const message = await failsBeforeRegistering(
            () =>
                new HttpApiGateway("edge", {
                    vpcId: "vpc-1",
                    subnetIds: PUBLIC,
                    logRetentionDays: 8,
                    throttlingBurstLimit: 0,
                }),
        );
        expect(message).to.contain("logRetentionDays: 8 is not a CloudWatch Logs retention");
        expect(message).to.contain("throttlingBurstLimit: 0 is out of range");
    });
});

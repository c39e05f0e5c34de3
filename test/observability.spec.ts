import { mocksReady, record } from "./harness/mocks";
import { expect } from "chai";
import { alarmSpecs, dashboardBody, Observability, ObservabilityArgs } from "../stacks/observability";

const thresholds = {
    http5xxPer5Min: 10,
    responseTimeSeconds: 1,
    ecsCpuPercent: 85,
    ecsMemoryPercent: 85,
    dbCpuPercent: 80,
    dbFreeStorageGb: 2,
    dbConnections: 80,
};

function args(ingress: ObservabilityArgs["ingress"]): ObservabilityArgs {
    return {
        region: "us-east-1",
        alarmEmails: ["ops@example.com", "oncall@example.com"],
        ingress,
        clusterName: "web-cluster",
        serviceName: "web-service",
        appLogGroupName: "/ecs/web",
        dbInstanceIdentifier: "web-db",
        functionName: "images-resizer",
        deadLetterQueueName: "images-dlq",
        thresholds,
    };
}

const alb = { kind: "alb" as const, loadBalancerArnSuffix: "app/web/123", targetGroupArnSuffix: "targetgroup/web/456" };

describe("observability", () => {
    before(() => mocksReady);

    it("alarms on ALB 5xx, response time, unhealthy hosts, ECS, RDS, Lambda errors and DLQ depth", () => {
        const specs = alarmSpecs(args(alb));
        const byRole = Object.fromEntries(specs.map((s) => [s.role, s]));
        expect(Object.keys(byRole)).to.have.members([
            "alb-target-5xx",
            "alb-elb-5xx",
            "alb-response-time",
            "alb-unhealthy-hosts",
            "ecs-cpu",
            "ecs-memory",
            "rds-cpu",
            "rds-free-storage",
            "rds-connections",
            "lambda-errors",
            "dlq-depth",
        ]);
        expect(byRole["alb-unhealthy-hosts"].dimensions).to.deep.equal({
            LoadBalancer: "app/web/123",
            TargetGroup: "targetgroup/web/456",
        });
        expect(byRole["rds-free-storage"]).to.include({
            metricName: "FreeStorageSpace",
            threshold: 2 * 1024 ** 3,
            comparisonOperator: "LessThanThreshold",
        });
        // Any message in the dead-letter queue is an alarm.
        expect(byRole["dlq-depth"]).to.include({ threshold: 1, comparisonOperator: "GreaterThanOrEqualToThreshold" });
        expect(byRole["dlq-depth"].dimensions).to.deep.equal({ QueueName: "images-dlq" });
        expect(byRole["ecs-cpu"].dimensions).to.deep.equal({ ClusterName: "web-cluster", ServiceName: "web-service" });
    });

    it("watches the HTTP API instead of an ALB in the cheap ingress mode", () => {
        const specs = alarmSpecs(args({ kind: "httpApi", apiId: "a1b2c3" }));
        const roles = specs.map((s) => s.role);
        expect(roles).to.include.members(["api-5xx", "api-latency"]);
        expect(roles.filter((r) => r.startsWith("alb-"))).to.be.empty;
        expect(specs.find((s) => s.role === "api-latency")!.threshold).to.equal(1000);
    });

    it("lays the dashboard out as in design note 004", () => {
        const body = JSON.parse(
            dashboardBody({
                region: "us-east-1",
                ingress: { kind: "alb", loadBalancer: "app/web/123", targetGroup: "targetgroup/web/456" },
                clusterName: "web-cluster",
                serviceName: "web-service",
                dbInstanceIdentifier: "web-db",
                appLogGroupName: "/ecs/web",
            }),
        );
        const at = (x: number, y: number) => body.widgets.find((w: any) => w.x === x && w.y === y);
        expect(at(0, 0).properties.title).to.equal("ECS service metrics");
        expect(at(12, 0).properties.title).to.equal("ALB metrics");
        expect(at(0, 6).properties.title).to.equal("RDS metrics");
        expect(at(12, 6).type).to.equal("log");
        expect(at(12, 6).properties.query).to.contain("SOURCE '/ecs/web'");
        const albMetrics = at(12, 0).properties.metrics.map((m: any[]) => m[1]);
        expect(albMetrics).to.include.members([
            "RequestCount",
            "TargetResponseTime",
            "HealthyHostCount",
            "HTTPCode_Target_5XX_Count",
        ]);
    });

    it("creates the operations topic with email subscribers, every alarm wired to it, and the dashboard", async () => {
        const rec = await record(() => new Observability("web", args(alb)));
        const topic = rec.one("aws:sns/topic:Topic");
        const subs = rec.ofType("aws:sns/topicSubscription:TopicSubscription");
        expect(subs.map((s) => s.inputs.endpoint)).to.have.members(["ops@example.com", "oncall@example.com"]);
        expect(subs.every((s) => s.inputs.protocol === "email" && s.inputs.topic === topic.state.arn)).to.equal(true);
        const alarms = rec.ofType("aws:cloudwatch/metricAlarm:MetricAlarm");
        expect(alarms).to.have.length(11);
        for (const alarm of alarms) {
            expect(alarm.inputs.alarmActions, alarm.name).to.deep.equal([topic.state.arn]);
            expect(alarm.inputs.okActions, alarm.name).to.deep.equal([topic.state.arn]);
        }
        // Encrypted with a customer managed key CloudWatch may use (the AWS managed SNS key would drop alarms).
        const key = rec.one("aws:kms/key:Key");
        expect(topic.inputs.kmsMasterKeyId).to.equal(key.state.arn);
        const keyPolicy = JSON.parse(key.inputs.policy);
        const cw = keyPolicy.Statement.find((st: any) => st.Principal.Service === "cloudwatch.amazonaws.com");
        expect(cw.Action).to.deep.equal(["kms:Decrypt", "kms:GenerateDataKey*"]);
        expect(cw.Condition.StringEquals).to.deep.equal({ "aws:SourceAccount": "123456789012" });
        const topicPolicy = JSON.parse(rec.one("aws:sns/topicPolicy:TopicPolicy").inputs.policy);
        expect(topicPolicy.Statement[0]).to.deep.include({
            Effect: "Allow",
            Principal: { Service: "cloudwatch.amazonaws.com" },
            Action: "SNS:Publish",
            Resource: topic.state.arn,
        });
        expect(topicPolicy.Statement[0].Condition.ArnLike["aws:SourceArn"]).to.equal(
            "arn:aws:cloudwatch:us-east-1:123456789012:alarm:*",
        );
        const dashboard = rec.one("aws:cloudwatch/dashboard:Dashboard");
        expect(JSON.parse(dashboard.inputs.dashboardBody).widgets).to.have.length(4);
    });
});

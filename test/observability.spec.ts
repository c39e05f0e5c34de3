import { failsBeforeRegistering, mocksReady, record, valueOf } from "./harness/mocks";
import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { Observability, ObservabilityArgs } from "../components";
import { alarmSpecs, dashboardBody, OBSERVABILITY_DEFAULTS } from "../components/observability";

const thresholds = OBSERVABILITY_DEFAULTS;

const alb = { loadBalancer: { LoadBalancer: "app/web/123", TargetGroup: "targetgroup/web/456" } };
const httpApi = { httpApi: { ApiId: "a1b2c3" } };

function args(ingress: Partial<ObservabilityArgs>): ObservabilityArgs {
    return {
        region: "us-east-1",
        alarmEmails: ["ops@example.com", "oncall@example.com"],
        ...ingress,
        ecsService: { ClusterName: "web-cluster", ServiceName: "web-service" },
        appLogGroupName: "/ecs/web",
        database: { DBInstanceIdentifier: "web-db" },
        lambdaFunction: { FunctionName: "images-resizer" },
        deadLetterQueue: { QueueName: "images-dlq" },
    };
}

describe("observability", () => {
    before(() => mocksReady);

    it("alarms on ALB 5xx, response time, unhealthy hosts, ECS, RDS, Lambda errors and DLQ depth", () => {
        const specs = alarmSpecs(args(alb), thresholds);
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

    it("watches an Aurora Serverless v2 database's capacity ceiling instead of its (unpublished) free storage", () => {
        const specs = alarmSpecs({ ...args(httpApi), databaseServerless: true }, thresholds);
        const byRole = Object.fromEntries(specs.map((s) => [s.role, s]));
        expect(byRole).not.to.have.property("rds-free-storage");
        expect(byRole["rds-capacity"]).to.include({
            namespace: "AWS/RDS",
            metricName: "ACUUtilization",
            statistic: "Maximum",
            threshold: 90,
            comparisonOperator: "GreaterThanOrEqualToThreshold",
            treatMissingData: "notBreaching",
        });
        expect(byRole["rds-capacity"].dimensions).to.deep.equal({ DBInstanceIdentifier: "web-db" });
        const body = JSON.parse(
            dashboardBody({
                region: "us-east-1",
                database: { DBInstanceIdentifier: "web-db" },
                databaseServerless: true,
            }),
        );
        const rds = body.widgets.find((w: any) => w.properties.title === "RDS metrics");
        const names = rds.properties.metrics.map((m: unknown[]) => m[1]);
        expect(names).to.include.members(["ServerlessDatabaseCapacity", "ACUUtilization"]);
        expect(names).not.to.include("FreeStorageSpace");
    });

    it("watches the HTTP API instead of an ALB in the cheap ingress mode", () => {
        const specs = alarmSpecs(args(httpApi), thresholds);
        const roles = specs.map((s) => s.role);
        expect(roles).to.include.members(["api-5xx", "api-latency"]);
        expect(roles.filter((r) => r.startsWith("alb-"))).to.be.empty;
        expect(specs.find((s) => s.role === "api-latency")!.threshold).to.equal(1000);
    });

    it("lays the dashboard out as in design note 004", () => {
        const body = JSON.parse(
            dashboardBody({
                region: "us-east-1",
                ...alb,
                ecsService: { ClusterName: "web-cluster", ServiceName: "web-service" },
                database: { DBInstanceIdentifier: "web-db" },
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

    it("takes whole Outputs of dimensions, as components expose them", async () => {
        const rec = await record(
            () =>
                new Observability("outs", {
                    region: "us-east-1",
                    loadBalancer: pulumi.output({ LoadBalancer: "app/web/1", TargetGroup: "targetgroup/web/2" }),
                    database: pulumi.output({ DBInstanceIdentifier: "web-db" }),
                }),
        );
        const alarms = rec.ofType("aws:cloudwatch/metricAlarm:MetricAlarm");
        expect(alarms.map((a) => a.name).sort()).to.deep.equal(
            [
                "outs-alb-elb-5xx",
                "outs-alb-response-time",
                "outs-alb-target-5xx",
                "outs-alb-unhealthy-hosts",
                "outs-rds-connections",
                "outs-rds-cpu",
                "outs-rds-free-storage",
            ].sort(),
        );
        expect(alarms.find((a) => a.name === "outs-alb-target-5xx")!.inputs.dimensions).to.deep.equal({
            LoadBalancer: "app/web/1",
        });
        const body = JSON.parse(rec.one("aws:cloudwatch/dashboard:Dashboard").inputs.dashboardBody);
        expect(body.widgets.map((w: any) => [w.properties.title, w.x, w.y])).to.deep.equal([
            ["ALB metrics", 0, 0],
            ["RDS metrics", 12, 0],
        ]);
        expect(rec.ofType("aws:sns/topicSubscription:TopicSubscription")).to.be.empty;
        expect(await valueOf(rec.one("aws:sns/topic:Topic").inputs.name)).to.equal("outs-alarms");
    });

    it("refuses bad thresholds, emails, dimensions and names before registering anything", async () => {
        const message = await failsBeforeRegistering(
            () =>
                new Observability("bad name", {
                    ...args(alb),
                    alarmEmails: ["ops@example.com", "OPS@example.com", "nope"],
                    ecsCpuPercent: 0,
                    responseTimeSeconds: 90,
                    database: { DBInstanceIdentifier: "" },
                    tags: { "aws:team": "x" },
                }),
        );
        expect(message).to.equal(
            [
                'Observability "bad name": invalid values:',
                '  - name: "bad name" cannot name a CloudWatch dashboard: expected letters, digits, - or _ (it becomes "<name>-overview")',
                "  - responseTimeSeconds: 90 is out of range: expected seconds from 0.01 to 60",
                "  - ecsCpuPercent: 0 is out of range: expected an integer from 1 to 100",
                '  - alarmEmails[2]: "nope" is not a valid email address',
                '  - database.DBInstanceIdentifier: "" is not a dimension value: expected a non-empty string',
                '  - tags: tag "aws:team" starts with "aws:", a prefix AWS reserves for its own tags',
            ].join("\n"),
        );
        const dup = await failsBeforeRegistering(
            () => new Observability("dup", { ...args(alb), alarmEmails: ["ops@example.com", "OPS@example.com"] }),
        );
        expect(dup).to.contain(
            'alarmEmails[1]: "OPS@example.com" is listed twice (addresses compare case-insensitively)',
        );
        const nothing = await failsBeforeRegistering(() => new Observability("none", { region: "us-east-1" }));
        expect(nothing).to.contain(
            "nothing to watch: expected at least one of loadBalancer, httpApi, ecsService, database, lambdaFunction, deadLetterQueue",
        );
    });
});

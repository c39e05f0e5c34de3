import { failsBeforeRegistering, mocksReady, record } from "./harness/mocks";
import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { FUNCTION_ERROR_EVALUATION, Observability, type ObservabilityArgs } from "../components";
import { alarmSpecs, OBSERVABILITY_DEFAULTS } from "../components/observability";

const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";

const listed: ObservabilityArgs = {
    region: "us-east-1",
    lambdaFunction: { FunctionName: "images-resizer" },
    deadLetterQueue: { QueueName: "images-dlq" },
    lambdaFunctions: [
        { label: "jwks-mirror", dimensions: pulumi.output({ FunctionName: "web-jwks-fn-1a2b" }), runs: "hourly" },
        { dimensions: { FunctionName: "web-auth-trigger" } },
        { label: "keep-alive", dimensions: pulumi.output({ FunctionName: "web-keepalive-9z" }), runs: "daily" },
    ],
    deadLetterQueues: [{ label: "consumer-failures", dimensions: pulumi.output({ QueueName: "web-failures-7" }) }],
};

describe("observability: lists of functions and failure queues", () => {
    before(() => mocksReady);

    it("gives each listed function an Errors alarm evaluated by how it runs, each queue a depth alarm", () => {
        const specs = alarmSpecs(
            {
                lambdaFunctions: [
                    { dimensions: { FunctionName: "api-fn" } },
                    { label: "mirror", dimensions: { FunctionName: "mirror-fn" }, runs: "hourly" },
                ],
                deadLetterQueues: [{ dimensions: { QueueName: "failures" } }],
            },
            OBSERVABILITY_DEFAULTS,
        );
        expect(specs.map((s) => s.role)).to.deep.equal([
            "lambda-api-fn-errors",
            "lambda-mirror-errors",
            "dlq-failures-depth",
        ]);
        const [onRequest, hourly, queue] = specs;
        const errors = {
            namespace: "AWS/Lambda",
            metricName: "Errors",
            statistic: "Sum",
            threshold: 1,
            comparisonOperator: "GreaterThanOrEqualToThreshold",
            treatMissingData: "notBreaching",
        };
        // Request-driven: any error in 5 minutes.
        expect(onRequest).to.deep.include({
            ...errors,
            periodSeconds: 300,
            evaluationPeriods: 1,
            datapointsToAlarm: 1,
        });
        expect(onRequest.dimensions).to.deep.equal({ FunctionName: "api-fn" });
        // Hourly job: one failed run does not page, a second within three hours does.
        expect(hourly).to.deep.include({ ...errors, periodSeconds: 3600, evaluationPeriods: 3, datapointsToAlarm: 2 });
        expect(hourly.dimensions).to.deep.equal({ FunctionName: "mirror-fn" });
        expect(queue).to.deep.include({
            namespace: "AWS/SQS",
            metricName: "ApproximateNumberOfMessagesVisible",
            statistic: "Maximum",
            threshold: 1,
            comparisonOperator: "GreaterThanOrEqualToThreshold",
            periodSeconds: 300,
            evaluationPeriods: 1,
            treatMissingData: "notBreaching",
        });
        expect(queue.dimensions).to.deep.equal({ QueueName: "failures" });
        expect(FUNCTION_ERROR_EVALUATION.daily).to.deep.equal({
            periodSeconds: 86400,
            evaluationPeriods: 2,
            datapointsToAlarm: 2,
        });
    });

    it("evaluates within what PutMetricAlarm accepts, each preset", () => {
        for (const [runs, e] of Object.entries(FUNCTION_ERROR_EVALUATION)) {
            const limit = e.periodSeconds < 3600 ? 86400 : 7 * 86400;
            expect(e.periodSeconds * e.evaluationPeriods, runs).to.be.at.most(limit);
            expect(e.periodSeconds % 60, runs).to.equal(0);
            expect(e.datapointsToAlarm, runs).to.be.within(1, e.evaluationPeriods);
        }
    });

    it("registers one alarm per listed function and queue, beside the singular ones, all notifying the topic", async () => {
        const rec = await record(() => new Observability("web", listed));
        const topic = rec.one("aws:sns/topic:Topic");
        const alarms = Object.fromEntries(rec.ofType(ALARM).map((a) => [a.name, a]));
        expect(Object.keys(alarms).sort()).to.deep.equal(
            [
                "web-lambda-errors",
                "web-dlq-depth",
                "web-lambda-jwks-mirror-errors",
                "web-lambda-web-auth-trigger-errors",
                "web-lambda-keep-alive-errors",
                "web-dlq-consumer-failures-depth",
            ].sort(),
        );
        for (const alarm of Object.values(alarms)) {
            expect(alarm.inputs.alarmActions, alarm.name).to.deep.equal([topic.state.arn]);
            expect(alarm.inputs.okActions, alarm.name).to.deep.equal([topic.state.arn]);
            expect(alarm.inputs.treatMissingData, alarm.name).to.equal("notBreaching");
            expect(alarm.inputs.name, alarm.name).to.equal(alarm.name);
        }
        const settings = (n: string) => {
            const i = alarms[n].inputs;
            return [i.metricName, i.dimensions, i.threshold, i.period, i.evaluationPeriods, i.datapointsToAlarm];
        };
        // [metric, dimensions, threshold, period, evaluation periods, datapoints to alarm]
        expect(Object.fromEntries(Object.keys(alarms).map((n) => [n, settings(n)]))).to.deep.equal({
            "web-lambda-jwks-mirror-errors": ["Errors", { FunctionName: "web-jwks-fn-1a2b" }, 1, 3600, 3, 2],
            "web-lambda-web-auth-trigger-errors": ["Errors", { FunctionName: "web-auth-trigger" }, 1, 300, 1, 1],
            "web-lambda-keep-alive-errors": ["Errors", { FunctionName: "web-keepalive-9z" }, 1, 86400, 2, 2],
            "web-dlq-consumer-failures-depth": [
                "ApproximateNumberOfMessagesVisible",
                { QueueName: "web-failures-7" },
                1,
                300,
                1,
                1,
            ],
            // The singular alarms are as before (no datapointsToAlarm: every period counts).
            "web-lambda-errors": ["Errors", { FunctionName: "images-resizer" }, 1, 300, 1, undefined],
            "web-dlq-depth": ["ApproximateNumberOfMessagesVisible", { QueueName: "images-dlq" }, 1, 300, 1, undefined],
        });
    });

    it("watches lists alone", async () => {
        const rec = await record(
            () =>
                new Observability("only", {
                    region: "us-east-1",
                    deadLetterQueues: [{ dimensions: { QueueName: "q1" } }, { dimensions: { QueueName: "q2" } }],
                }),
        );
        expect(rec.ofType(ALARM).map((a) => a.name)).to.deep.equal(["only-dlq-q1-depth", "only-dlq-q2-depth"]);
    });

    it("refuses bad list items, by index, before registering anything", async () => {
        const message = await failsBeforeRegistering(
            () =>
                new Observability("bad", {
                    region: "us-east-1",
                    lambdaFunctions: [
                        { dimensions: { FunctionName: "fn-a" } },
                        { dimensions: pulumi.output({ FunctionName: "fn-b" }) },
                        { label: "fn-a", dimensions: { FunctionName: "other" }, runs: "weekly" as never },
                        { label: "has space", dimensions: { FunctionName: "x" } },
                        { dimensions: { FunctionName: "" } },
                        "fn" as never,
                    ],
                    deadLetterQueues: [{ label: "q" } as never, { dimensions: { QueueName: "a:b" } }],
                }),
        );
        expect(message).to.equal(
            [
                'Observability "bad": invalid values:',
                "  - lambdaFunctions[1].label: undefined is required when dimensions.FunctionName is not a plain string: expected 1 to 80 letters, digits, ., - or _ (it names the alarm)",
                '  - lambdaFunctions[2].runs: "weekly" is not one of "onRequest", "hourly", "daily"',
                '  - lambdaFunctions[2].label: "fn-a" is already the label of lambdaFunctions[0]: expected a label of its own (it names the alarm)',
                '  - lambdaFunctions[3].label: "has space" cannot name an alarm: expected 1 to 80 letters, digits, ., - or _',
                '  - lambdaFunctions[4].dimensions.FunctionName: "" is not a dimension value: expected a non-empty string',
                '  - lambdaFunctions[5]: "fn" is not a watched item: expected { dimensions: { FunctionName }, label?, runs? }',
                "  - deadLetterQueues[0].dimensions: undefined is not a map of CloudWatch dimensions: expected { QueueName }",
                '  - deadLetterQueues[1].dimensions.QueueName: "a:b" cannot name the alarm: expected 1 to 80 letters, digits, ., - or _, or a label',
            ].join("\n"),
        );
        const notAList = await failsBeforeRegistering(
            () => new Observability("nolist", { region: "us-east-1", deadLetterQueues: { QueueName: "q" } as never }),
        );
        expect(notAList).to.contain(
            'deadLetterQueues: {"QueueName":"q"} is not a list: expected a list of { dimensions: { QueueName }, label? }',
        );
        // Empty lists are nothing to watch.
        const empty = await failsBeforeRegistering(
            () => new Observability("empty", { region: "us-east-1", lambdaFunctions: [], deadLetterQueues: [] }),
        );
        expect(empty).to.contain(
            "nothing to watch: expected at least one of loadBalancer, httpApi, ecsService, database, lambdaFunction, deadLetterQueue, lambdaFunctions, deadLetterQueues",
        );
    });
});

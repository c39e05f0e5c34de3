import { mocksReady } from "./harness/mocks";
import { evaluateStack } from "./harness/stack";
import { expect } from "chai";

const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const FUNCTION = "aws:lambda/function:Function";
const QUEUE = "aws:sqs/queue:Queue";

for (const stack of ["dev", "prod"] as const) {
    describe(`${stack} stack: alarms on every function and failure queue`, function () {
        this.timeout(60000);
        before(() => mocksReady);

        it("watches the JWKS mirror (hourly), the trigger, the message consumer and its failure queue", async () => {
            const rec = (await evaluateStack(stack)).recording;
            const topic = rec.ofType("aws:sns/topic:Topic").find((t) => t.name === `${stack}-ops-alarms`)!;
            const alarm = (role: string) => {
                const found = rec.ofType(ALARM).find((a) => a.name === `${stack}-ops-${role}`);
                expect(found, `${stack}-ops-${role}`).to.not.equal(undefined);
                expect(found!.inputs.alarmActions).to.deep.equal([topic.state.arn]);
                expect(found!.inputs.treatMissingData).to.equal("notBreaching");
                const i = found!.inputs;
                return {
                    metric: i.metricName,
                    dimensions: i.dimensions,
                    every: [i.period, i.datapointsToAlarm, i.evaluationPeriods],
                };
            };
            const fnName = (name: string) => rec.ofType(FUNCTION).find((f) => f.name === name)!.state.name;
            const queueName = (name: string) => rec.ofType(QUEUE).find((q) => q.name === name)!.state.name;
            expect(alarm("lambda-jwks-mirror-errors")).to.deep.equal({
                metric: "Errors",
                dimensions: { FunctionName: fnName(`${stack}-jwks-mirror`) },
                every: [3600, 2, 3],
            });
            expect(alarm("lambda-auth-trigger-errors")).to.deep.equal({
                metric: "Errors",
                dimensions: { FunctionName: fnName(`${stack}-auth-post-confirmation`) },
                every: [300, 1, 1],
            });
            expect(alarm("lambda-message-consumer-errors")).to.deep.equal({
                metric: "Errors",
                dimensions: { FunctionName: fnName(`${stack}-messages-stream-consumer`) },
                every: [300, 1, 1],
            });
            expect(alarm("dlq-message-consumer-failures-depth")).to.deep.equal({
                metric: "ApproximateNumberOfMessagesVisible",
                dimensions: { QueueName: queueName(`${stack}-messages-stream-failures`) },
                every: [300, 1, 1],
            });
            // The image pipeline's alarms keep their names.
            expect(alarm("lambda-errors").dimensions).to.deep.equal({
                FunctionName: fnName(`${stack}-images-resizer`),
            });
            expect(alarm("dlq-depth").dimensions).to.deep.equal({ QueueName: queueName(`${stack}-images-dlq`) });
            // Every function of the environment has an error alarm.
            const watched = new Set(rec.ofType(ALARM).map((a) => a.inputs.dimensions?.FunctionName));
            const unwatched = rec.ofType(FUNCTION).filter((f) => !watched.has(f.state.name));
            expect(unwatched.map((f) => f.name)).to.deep.equal([]);
            const keepAlive = rec.ofType(FUNCTION).find((f) => f.name === `${stack}-web-keepalive`);
            if (stack === "dev") {
                expect(alarm("lambda-vpc-link-keep-alive-errors")).to.deep.equal({
                    metric: "Errors",
                    dimensions: { FunctionName: keepAlive!.state.name },
                    every: [86400, 2, 2],
                });
            } else expect(keepAlive).to.equal(undefined);
        });
    });
}

/**
 * The office-hours schedule in the stacks (stacks/officeHours.ts, issue 21
 * item 1): off in the committed dev and prod; on in dev with
 * `aws-webapp:officeHours`, it schedules every ECS service of the cluster
 * (the API and the `services` entries) on its scalable target, the
 * cluster's Auto Scaling group with its configured sizes, and the database
 * when stopping it saves anything (an RDS instance; not Aurora at 0 ACU,
 * which pauses by itself). Refused in prod.
 */
import { expect } from "chai";
import { mocksReady } from "./harness/mocks";
import { evaluateStack, type StackEvaluation } from "./harness/stack";
import { parseEnvironmentConfig } from "../stacks/config";

const ECS_ACTION = "aws:appautoscaling/scheduledAction:ScheduledAction";
const ASG_ACTION = "aws:autoscaling/schedule:Schedule";
const SCHEDULE = "aws:scheduler/schedule:Schedule";
const TARGET = "aws:appautoscaling/target:Target";
const ASG = "aws:autoscaling/group:Group";
const RDS = "aws:rds/instance:Instance";
const OFFICE_HOURS = "aws-webapp:index:OfficeHours";

const ON = {
    "aws-webapp:officeHours": "true",
    "aws-webapp:officeHoursTimeZone": "Europe/Berlin",
    "aws-webapp:officeHoursStart": "08:00",
    "aws-webapp:officeHoursStop": "19:00",
};
const WORKER = JSON.stringify([
    {
        name: "worker",
        image: "public.ecr.aws/docker/library/busybox:1",
        healthCheckCommand: ["CMD", "true"],
        minTasks: 1,
        maxTasks: 1,
    },
]);

describe("office hours in the stacks (issue 21 item 1)", () => {
    before(() => mocksReady);
    const s: Record<string, StackEvaluation> = {};
    before(async () => {
        s.dev = await evaluateStack("dev");
        s.prod = await evaluateStack("prod");
        s.serverless = await evaluateStack("dev", {
            ...ON,
            "aws-webapp:services": WORKER,
            "aws-webapp:maxInstances": "3",
        });
        s.instance = await evaluateStack("dev", { ...ON, "aws-webapp:dbMode": "instance" });
    });

    it("the committed dev and prod have no schedule (off by default)", () => {
        for (const name of ["dev", "prod"]) {
            const rec = s[name].recording;
            for (const type of [OFFICE_HOURS, ECS_ACTION, ASG_ACTION, SCHEDULE])
                expect(rec.ofType(type), `${name} ${type}`).to.have.length(0);
        }
    });

    it("dev with officeHours: every service's scalable target goes to 0..0 and back to its configured min/max", () => {
        const rec = s.serverless.recording;
        const targets = rec.ofType(TARGET);
        expect(targets).to.have.length(2);
        const actions = rec.ofType(ECS_ACTION);
        expect(actions).to.have.length(4);
        for (const target of targets) {
            const mine = actions.filter((a) => a.inputs.resourceId === target.inputs.resourceId);
            expect(mine.map((a) => a.inputs.schedule).sort()).to.deep.equal([
                "cron(0 19 ? * * *)",
                "cron(0 8 ? * MON-FRI *)",
            ]);
            for (const a of mine) {
                expect(a.inputs.timezone).to.equal("Europe/Berlin");
                // Created after the scalable target it acts on.
                expect(a.dependencies).to.include(target.urn);
            }
            const start = mine.find((a) => a.name.endsWith("-start"))!;
            expect(start.inputs.scalableTargetAction).to.deep.equal({
                minCapacity: target.inputs.minCapacity,
                maxCapacity: target.inputs.maxCapacity,
            });
            const stop = mine.find((a) => a.name.endsWith("-stop"))!;
            expect(stop.inputs.scalableTargetAction).to.deep.equal({ minCapacity: 0, maxCapacity: 0 });
        }
        // The API's configured 1..2 (Pulumi.dev.yaml) and the worker's 1..1.
        expect(targets.map((t) => [t.inputs.minCapacity, t.inputs.maxCapacity]).sort()).to.deep.equal([
            [1, 1],
            [1, 2],
        ]);
    });

    it("dev with officeHours: the cluster's Auto Scaling group goes to 0 instances and back to its configured sizes", () => {
        const rec = s.serverless.recording;
        const asg = rec.one(ASG);
        const actions = rec.ofType(ASG_ACTION);
        expect(actions).to.have.length(2);
        for (const a of actions) expect(a.inputs.autoscalingGroupName).to.equal(asg.state.name);
        const start = actions.find((a) => a.name.endsWith("-start"))!.inputs;
        const stop = actions.find((a) => a.name.endsWith("-stop"))!.inputs;
        expect(start).to.deep.include({ recurrence: "0 8 * * 1-5", timeZone: "Europe/Berlin" });
        expect([start.minSize, start.desiredCapacity, start.maxSize]).to.deep.equal([
            asg.inputs.minSize,
            asg.inputs.minSize,
            asg.inputs.maxSize,
        ]);
        expect(stop).to.deep.include({ recurrence: "0 19 * * *", minSize: 0, desiredCapacity: 0, maxSize: -1 });
    });

    it("Aurora at 0 ACU is not scheduled (it pauses by itself); an RDS instance is stopped and started", () => {
        expect(s.serverless.recording.ofType(SCHEDULE)).to.have.length(0);
        const rec = s.instance.recording;
        const db = rec.one(RDS);
        const schedules = rec.ofType(SCHEDULE);
        expect(schedules.map((x) => x.inputs.target.arn).sort()).to.deep.equal([
            "arn:aws:scheduler:::aws-sdk:rds:startDBInstance",
            "arn:aws:scheduler:::aws-sdk:rds:stopDBInstance",
        ]);
        for (const x of schedules)
            expect(JSON.parse(x.inputs.target.input)).to.deep.equal({ DbInstanceIdentifier: db.inputs.identifier });
        const policy = rec
            .ofType("aws:iam/rolePolicy:RolePolicy")
            .find((p) => p.name === "dev-hours-scheduler-policy")!;
        expect(JSON.parse(policy.inputs.policy).Statement).to.deep.equal([
            {
                Sid: "StopStartDbInstances",
                Effect: "Allow",
                Action: ["rds:StopDBInstance", "rds:StartDBInstance"],
                Resource: [db.state.arn],
            },
        ]);
    });

    it("refused in prod, and a stop before the start is refused, naming the keys", () => {
        const refused = (raw: Record<string, unknown>, environment: string) => {
            try {
                parseEnvironmentConfig({ ...raw, environment }, environment, "us-east-1");
            } catch (e) {
                return (e as Error).message;
            }
            return "accepted";
        };
        expect(refused({ officeHours: true }, "prod")).to.include(
            "aws-webapp:officeHours: true is not allowed in prod: prod serves users around the clock",
        );
        const message = refused(
            { officeHours: true, officeHoursStart: "19:00", officeHoursStop: "08:00", officeHoursTimeZone: "CEST" },
            "dev",
        );
        expect(message).to.include(
            'aws-webapp:officeHoursStop: "08:00" is not after aws-webapp:officeHoursStart ("19:00"): expected a stop later the same day',
        );
        expect(message).to.include('aws-webapp:officeHoursTimeZone: "CEST" is not an IANA time zone');
        expect(refused({ officeHours: true, officeHoursDays: "MON-FRI,SAT" }, "dev")).to.equal("accepted");
    });
});

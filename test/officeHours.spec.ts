/**
 * OfficeHours through the public entry point under the mock engine: the
 * scheduled actions' crons, time zone and restore values, the scheduler
 * role's trust conditions and scoped actions, and validation that lists every
 * problem before anything is registered. The schedule maths is unit-tested
 * directly (hours on per month, cron dialects, days).
 */
import { expect } from "chai";
import fc from "fast-check";
import { Ec2Service, OfficeHours, OFFICE_HOURS_DEFAULTS, type OfficeHoursArgs } from "../components";
import {
    awsCron,
    hoursOnPerMonth,
    isTimeZone,
    parseCron,
    parseDays,
    scheduleHoursPerMonth,
    unixCron,
    weeklyOnHoursPerMonth,
    WEEK_DAYS,
} from "../components/ops";
import { ACCOUNT_ID, failsBeforeRegistering, mocksReady, record, type Recording, valueOf } from "./harness/mocks";

const T = {
    ecsAction: "aws:appautoscaling/scheduledAction:ScheduledAction",
    asgAction: "aws:autoscaling/schedule:Schedule",
    schedule: "aws:scheduler/schedule:Schedule",
    group: "aws:scheduler/scheduleGroup:ScheduleGroup",
    role: "aws:iam/role:Role",
    policy: "aws:iam/rolePolicy:RolePolicy",
};

const ARGS: OfficeHoursArgs = {
    timeZone: "Europe/Berlin",
    days: "MON-FRI",
    start: "07:30",
    stop: "19:00",
    services: [{ resourceId: "service/dev-cluster/dev-web", minTasks: 1, maxTasks: 2 }],
    autoScalingGroups: [{ name: "dev-web-asg", minSize: 1, maxSize: 2 }],
    databases: [
        { kind: "instance", identifier: "dev-db" },
        { kind: "cluster", identifier: "dev-db-cluster" },
    ],
    tags: { Environment: "dev" },
};

describe("OfficeHours (office-hours schedule)", () => {
    before(() => mocksReady);
    let rec: Recording;
    let hours: OfficeHours;
    before(async () => {
        rec = await record(() => {
            hours = new OfficeHours("dev-hours", ARGS);
        });
    });
    const named = (type: string, suffix: string) => rec.ofType(type).find((r) => r.name.endsWith(suffix))!;

    it("scales the service's scalable target to 0..0 at the daily stop and restores its min/max at the start", () => {
        expect(rec.ofType(T.ecsAction)).to.have.length(2);
        const stop = named(T.ecsAction, "-service-0-stop").inputs;
        const start = named(T.ecsAction, "-service-0-start").inputs;
        for (const a of [stop, start])
            expect(a).to.deep.include({
                serviceNamespace: "ecs",
                scalableDimension: "ecs:service:DesiredCount",
                resourceId: "service/dev-cluster/dev-web",
                timezone: "Europe/Berlin",
            });
        expect(stop.schedule).to.equal("cron(0 19 ? * * *)");
        expect(stop.scalableTargetAction).to.deep.equal({ minCapacity: 0, maxCapacity: 0 });
        expect(start.schedule).to.equal("cron(30 7 ? * MON-FRI *)");
        expect(start.scalableTargetAction).to.deep.equal({ minCapacity: 1, maxCapacity: 2 });
    });

    it("scales the Auto Scaling group to min and desired 0 (max kept) and restores min/max in hours", () => {
        const stop = named(T.asgAction, "-capacity-0-stop").inputs;
        const start = named(T.asgAction, "-capacity-0-start").inputs;
        expect(stop).to.deep.include({
            autoscalingGroupName: "dev-web-asg",
            recurrence: "0 19 * * *",
            timeZone: "Europe/Berlin",
            minSize: 0,
            desiredCapacity: 0,
            maxSize: -1,
        });
        expect(start).to.deep.include({
            autoscalingGroupName: "dev-web-asg",
            recurrence: "30 7 * * 1-5",
            timeZone: "Europe/Berlin",
            minSize: 1,
            desiredCapacity: 1,
            maxSize: 2,
        });
        expect(stop.scheduledActionName).to.not.equal(start.scheduledActionName);
    });

    it("stops and starts each database through EventBridge Scheduler's RDS universal targets", () => {
        const schedules = rec.ofType(T.schedule);
        expect(schedules).to.have.length(4);
        const group = rec.one(T.group);
        const role = rec.one(T.role);
        const expectSchedule = (suffix: string, expression: string, action: string, input: object) => {
            const s = named(T.schedule, suffix).inputs;
            expect(s).to.deep.include({
                groupName: group.state.name,
                scheduleExpression: expression,
                scheduleExpressionTimezone: "Europe/Berlin",
                flexibleTimeWindow: { mode: "OFF" },
            });
            expect(s.target.arn).to.equal(`arn:aws:scheduler:::aws-sdk:rds:${action}`);
            expect(s.target.roleArn).to.equal(role.state.arn);
            expect(JSON.parse(s.target.input)).to.deep.equal(input);
            expect(s.target.retryPolicy).to.deep.equal({ maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 });
        };
        expectSchedule("-db-0-stop", "cron(0 19 ? * * *)", "stopDBInstance", { DbInstanceIdentifier: "dev-db" });
        expectSchedule("-db-0-start", "cron(30 7 ? * MON-FRI *)", "startDBInstance", {
            DbInstanceIdentifier: "dev-db",
        });
        expectSchedule("-db-1-stop", "cron(0 19 ? * * *)", "stopDBCluster", { DbClusterIdentifier: "dev-db-cluster" });
        expectSchedule("-db-1-start", "cron(30 7 ? * MON-FRI *)", "startDBCluster", {
            DbClusterIdentifier: "dev-db-cluster",
        });
    });

    it("the scheduler role trusts only EventBridge Scheduler, for this account's schedule group", () => {
        const group = rec.one(T.group);
        expect(group.state.arn).to.match(/^arn:aws:scheduler:us-east-1:\d{12}:schedule-group\//);
        expect(JSON.parse(rec.one(T.role).inputs.assumeRolePolicy)).to.deep.equal({
            Version: "2012-10-17",
            Statement: [
                {
                    Effect: "Allow",
                    Principal: { Service: "scheduler.amazonaws.com" },
                    Action: "sts:AssumeRole",
                    Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT_ID, "aws:SourceArn": group.state.arn } },
                },
            ],
        });
    });

    it("the scheduler role may stop and start exactly these databases, nothing else", () => {
        expect(JSON.parse(rec.one(T.policy).inputs.policy)).to.deep.equal({
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "StopStartDbInstances",
                    Effect: "Allow",
                    Action: ["rds:StopDBInstance", "rds:StartDBInstance"],
                    Resource: [`arn:aws:rds:us-east-1:${ACCOUNT_ID}:db:dev-db`],
                },
                {
                    Sid: "StopStartDbClusters",
                    Effect: "Allow",
                    Action: ["rds:StopDBCluster", "rds:StartDBCluster"],
                    Resource: [`arn:aws:rds:us-east-1:${ACCOUNT_ID}:cluster:dev-db-cluster`],
                },
            ],
        });
        for (const s of rec.ofType(T.schedule)) expect(s.dependencies).to.include(rec.one(T.policy).urn);
        expect(rec.one(T.group).inputs.tags).to.deep.equal({ Environment: "dev", Name: "dev-hours-schedules" });
    });

    it("outputs the hours on per month and the crons", () => {
        // 5 days × 11.5 h × 52.18 / 12 weeks.
        expect(hours.hoursOnPerMonth).to.equal(250.03);
        expect(hours.startSchedule).to.equal("cron(30 7 ? * MON-FRI *)");
        expect(hours.stopSchedule).to.equal("cron(0 19 ? * * *)");
    });

    it("without databases: no scheduler role, group or schedule", async () => {
        const only = await record(
            () => new OfficeHours("dev-hours", { timeZone: "UTC", autoScalingGroups: ARGS.autoScalingGroups }),
        );
        expect(only.ofType(T.role)).to.have.length(0);
        expect(only.ofType(T.schedule)).to.have.length(0);
        expect(only.ofType(T.group)).to.have.length(0);
        const start = only.ofType(T.asgAction).find((r) => r.name.endsWith("-start"))!;
        // The defaults: MON-FRI 08:00 to 19:00.
        expect(OFFICE_HOURS_DEFAULTS).to.deep.equal({ days: "MON-FRI", start: "08:00", stop: "19:00" });
        expect(start.inputs).to.deep.include({ recurrence: "0 8 * * 1-5", timeZone: "UTC" });
    });

    it("refuses bad input before registering anything, listing every problem", async () => {
        const message = await failsBeforeRegistering(
            () =>
                new OfficeHours("dev-hours", {
                    timeZone: "Mars/Olympus",
                    days: "FRI-MON",
                    start: "18:00",
                    stop: "08:00",
                    services: [{ resourceId: "dev-web", minTasks: 3, maxTasks: 2 }],
                    autoScalingGroups: [{ name: "asg", minSize: -1, maxSize: 2 }],
                    databases: [{ kind: "server" as "instance", identifier: "1db" }],
                }),
        );
        for (const line of [
            'OfficeHours "dev-hours"',
            'timeZone: "Mars/Olympus" is not an IANA time zone: expected a name such as Europe/Berlin or UTC',
            'days: "FRI-MON" is not a list of days: expected days such as "MON-FRI"',
            'stop: "08:00" is not after start ("18:00"): expected a stop later the same day',
            'services.0.resourceId: "dev-web" is not a service/<cluster>/<service> resource id',
            "services.0.minTasks: 3 is greater than services.0.maxTasks (2)",
            "autoScalingGroups.0.minSize: -1 is out of range: expected an integer from 0 to 1000",
            'databases.0.kind: "server" is not one of "instance", "cluster"',
            'databases.0.identifier: "1db" is not an RDS identifier',
        ])
            expect(message).to.include(line);
        const times = await failsBeforeRegistering(
            () => new OfficeHours("Dev_Hours", { timeZone: "UTC", start: "8:00", stop: "24:00" }),
        );
        expect(times).to.include('name: "Dev_Hours" is not a valid name');
        expect(times).to.include('start: "8:00" is not a time of day: expected HH:MM from 00:00 to 23:59');
        expect(times).to.include('stop: "24:00" is not a time of day');
        expect(times).to.include("are all empty: expected at least one resource to schedule");
    });
});

describe("Ec2Service.scalingResourceId (what OfficeHours takes)", () => {
    before(() => mocksReady);
    const args = (autoScaling: boolean) => ({
        vpcId: "vpc-1",
        cidrBlock: "10.0.0.0/16",
        subnetIds: ["subnet-0a1b2c3d4e5f60001"],
        cluster: { clusterArn: "arn:aws:ecs:us-east-1:123456789012:cluster/shared", clusterName: "shared" },
        image: "public.ecr.aws/nginx/nginx:1.27",
        autoScaling,
    });

    it("is the scalable target's resource id, and undefined without auto scaling", async () => {
        let on: Ec2Service | undefined;
        const rec = await record(() => {
            on = new Ec2Service("api", args(true));
        });
        const target = rec.one("aws:appautoscaling/target:Target");
        expect(await valueOf(on!.scalingResourceId)).to.equal(target.inputs.resourceId);
        expect(target.inputs.resourceId).to.match(/^service\/shared\/api-service/);
        let off: Ec2Service | undefined;
        await record(() => {
            off = new Ec2Service("api", args(false));
        });
        expect(await valueOf(off!.scalingResourceId)).to.equal(undefined);
    });
});

describe("office-hours schedule maths", () => {
    it("hours on per month: days × (stop − start) × 52.18 / 12", () => {
        expect(hoursOnPerMonth(5, 8 * 60, 19 * 60)).to.equal(239.16);
        expect(hoursOnPerMonth(5, 8 * 60, 20 * 60)).to.equal(260.9);
        expect(hoursOnPerMonth(7, 0, 24 * 60)).to.equal(730.52);
        expect(scheduleHoursPerMonth("MON-FRI", "08:00", "19:00")).to.equal(239.16);
        expect(scheduleHoursPerMonth("MON,WED", "09:00", "17:30")).to.equal(73.92);
        expect(scheduleHoursPerMonth("MON-FRI", "19:00", "08:00")).to.equal(undefined);
    });

    it("days: ranges and lists in week order, Sunday-first in the crons", () => {
        expect(parseDays("MON-FRI")).to.deep.equal(["MON", "TUE", "WED", "THU", "FRI"]);
        expect(parseDays("sat-sun")).to.deep.equal(["SUN", "SAT"]);
        expect(parseDays("MON,WED,FRI,WED")).to.deep.equal(["MON", "WED", "FRI"]);
        for (const bad of ["", "FRI-MON", "MON-", "MONDAY", "MON-WED-FRI", 5])
            expect(parseDays(bad)).to.equal(undefined);
        expect(unixCron(8 * 60, parseDays("SAT-SUN")!)).to.equal("0 8 * * 0,6");
        expect(awsCron(8 * 60 + 5, parseDays("SAT-SUN")!)).to.equal("cron(5 8 ? * SUN,SAT *)");
        expect(awsCron(0, parseDays("MON-SUN")!)).to.equal("cron(0 0 ? * * *)");
        expect(unixCron(23 * 60 + 59, parseDays("MON,TUE,THU")!)).to.equal("59 23 * * 1,2,4");
    });

    it("time zones: IANA names and their aliases, UTC; not offsets or made-up names", () => {
        for (const ok of ["Europe/Berlin", "America/New_York", "UTC", "Etc/UTC", "Asia/Kolkata", "Asia/Calcutta"])
            expect(isTimeZone(ok), ok).to.equal(true);
        for (const bad of ["", "Mars/Olympus", "+01:00", "CEST", 1, undefined]) expect(isTimeZone(bad)).to.equal(false);
    });

    it("a week of recorded on/off events gives the same hours as days × (stop − start) (property)", () => {
        fc.assert(
            fc.property(
                fc.subarray([...WEEK_DAYS], { minLength: 1 }),
                fc.integer({ min: 0, max: 1438 }),
                fc.integer({ min: 1, max: 1439 }),
                (days, a, span) => {
                    const start = a;
                    const stop = Math.min(1439, a + span);
                    if (stop <= start) return;
                    const fromEvents = weeklyOnHoursPerMonth([
                        parseCronEvent(awsCron(start, days), true),
                        parseCronEvent(unixCron(stop, "daily"), false),
                    ]);
                    expect(fromEvents).to.be.closeTo(hoursOnPerMonth(days.length, start, stop), 0.011);
                },
            ),
        );
    });
});

function parseCronEvent(expression: string, on: boolean) {
    const parsed = parseCron(expression)!;
    expect(parsed, expression).to.not.equal(undefined);
    return { ...parsed, on };
}

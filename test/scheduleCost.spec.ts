/**
 * Office hours in the plan's idle cost (scripts/plan/scheduleCost.ts): an
 * Auto Scaling group with scheduled actions and an RDS instance stopped and
 * started by EventBridge Scheduler are priced for their hours on (days ×
 * (stop − start) × 52.18 / 12), their storage and everything else for every
 * hour; the plan notes what always on would cost. And the same through the
 * real dev stack with the schedule on.
 */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { mocksReady } from "./harness/mocks";
import { hoursOnPerMonth } from "../components/ops";
import { priceResources } from "../scripts/plan/cost";
import { Graph } from "../scripts/plan/graph";
import { scheduleChecks } from "../scripts/plan/scheduleCost";
import type { PlanResource } from "../scripts/plan/model";
import { loadPrices } from "../scripts/plan/prices";
import { ROOT } from "../scripts/plan/cli";
import { evaluate } from "../scripts/plan/evaluate";
import { buildPlan } from "../scripts/plan/build";
import { planResource } from "./harness/planResources";

const prices = loadPrices(ROOT);

const res = (type: string, name: string, inputs: Record<string, unknown>, dependencies: PlanResource[] = []) =>
    planResource(type, name, inputs, { dependencies: dependencies.map((d) => d.urn) });

const lt = res("aws:ec2/launchTemplate:LaunchTemplate", "lt", {
    instanceType: "t4g.small",
    blockDeviceMappings: [{ ebs: { volumeSize: 30, volumeType: "gp3" } }],
    networkInterfaces: [{ associatePublicIpAddress: "true" }],
});
const asg = res("aws:autoscaling/group:Group", "asg", { desiredCapacity: 1, minSize: 1, maxSize: 2 }, [lt]);
const db = res("aws:rds/instance:Instance", "db", {
    engine: "postgres",
    instanceClass: "db.t4g.micro",
    allocatedStorage: 20,
    storageType: "gp3",
});
const asgAction = (name: string, recurrence: string, min: number, desired: number) =>
    res("aws:autoscaling/schedule:Schedule", name, { recurrence, minSize: min, desiredCapacity: desired }, [asg]);
const dbSchedule = (name: string, expression: string, action: string) =>
    res(
        "aws:scheduler/schedule:Schedule",
        name,
        { scheduleExpression: expression, target: { arn: `arn:aws:scheduler:::aws-sdk:rds:${action}` } },
        [db],
    );

describe("plan: office hours priced by hours on", () => {
    const always = priceResources([lt, asg, db], prices);
    const scheduled = priceResources(
        [
            lt,
            asg,
            db,
            asgAction("asg-stop", "0 19 * * *", 0, 0),
            asgAction("asg-start", "0 8 * * 1-5", 1, 1),
            dbSchedule("db-stop", "cron(0 19 ? * * *)", "stopDBInstance"),
            dbSchedule("db-start", "cron(0 8 ? * MON-FRI *)", "startDBInstance"),
        ],
        prices,
    );
    const line = (report: typeof always, prefix: string) => report.items.find((i) => i.key.startsWith(prefix))!;
    const hours = hoursOnPerMonth(5, 8 * 60, 19 * 60);

    it("the group's instances, root volumes and public IPv4 and the database's instance hours scale by hours on", () => {
        expect(hours).to.equal(239.16);
        const share = hours / prices.hoursPerMonth;
        for (const prefix of ["ec2:t4g.small", "ebs:gp3", "ipv4:instance", "rds:db.t4g.micro"]) {
            const before = line(always, prefix);
            const after = line(scheduled, prefix);
            expect(after.key, prefix).to.equal(`${before.key}:office-hours:239.16`);
            expect(after.label).to.contain("office hours (239.16 h a month)");
            expect(after.monthlyUsd, prefix).to.be.closeTo(before.monthlyUsd * share, 0.011);
        }
        // Storage is billed while stopped.
        expect(line(scheduled, "rds-storage:gp3").monthlyUsd).to.equal(line(always, "rds-storage:gp3").monthlyUsd);
        expect(line(scheduled, "rds-storage:gp3").key).to.not.contain("office-hours");
    });

    it("the total drops by what the schedule saves, and the notes say the always-on total", () => {
        expect(scheduled.totalUsd).to.be.lessThan(always.totalUsd);
        const note = scheduled.notes.find((n) => n.startsWith("Office hours save"))!;
        const [, saved, total] = /save \$(\d+\.\d\d) a month: always on, the total would be \$(\d+\.\d\d)/.exec(note)!;
        expect(Number(total)).to.be.closeTo(always.totalUsd, 0.011);
        expect(Number(saved)).to.be.closeTo(always.totalUsd - scheduled.totalUsd, 0.011);
        expect(scheduled.notes).to.include(
            "asg: on a schedule, 239.16 h of 730 a month (its recorded stops and starts): its instances, their root volumes and public IPv4 addresses priced for those hours.",
        );
        expect(always.notes.some((n) => n.includes("office hours") || n.startsWith("Office hours"))).to.equal(false);
    });

    it("the plan's checks list each scheduled resource with its hours, crons and time zone", () => {
        const resources = [
            lt,
            asg,
            asgAction("asg-stop", "0 19 * * *", 0, 0),
            asgAction("asg-start", "0 8 * * 1-5", 1, 1),
        ];
        expect(scheduleChecks(new Graph(resources))).to.deep.equal([
            {
                topic: "office hours",
                resource: "asg",
                shows: "on 239.16 h a month: starts 0 8 * * 1-5, stops 0 19 * * * (UTC)",
            },
        ]);
    });

    it("schedules without a recognisable target or cron change nothing", () => {
        const odd = priceResources(
            [lt, asg, res("aws:scheduler/schedule:Schedule", "other", { scheduleExpression: "rate(1 day)" }, [asg])],
            prices,
        );
        expect(odd.totalUsd).to.equal(priceResources([lt, asg], prices).totalUsd);
    });
});

describe("plan: dev on office hours (the real stack)", function () {
    this.timeout(60000);
    before(() => mocksReady);

    it("prices dev's capacity for MON-FRI 08:00-19:00 and notes the always-on total", async () => {
        const on = {
            "aws-webapp:officeHours": "true",
            "aws-webapp:officeHoursTimeZone": "Europe/Berlin",
        };
        const input = async (overrides: Record<string, string>) => ({
            stack: "dev",
            source: "mocks" as const,
            ...(await evaluate("dev", ROOT, overrides)),
        });
        const plan = buildPlan(await input(on), prices);
        const always = buildPlan(await input({}), prices);
        expect(
            plan.cost.items.filter((i) => i.key.includes("office-hours")).map((i) => i.key.split(":")[0]),
        ).to.deep.equal(["ec2", "ebs", "ipv4"]);
        // The README reports the same figure next to dev always on.
        const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
        expect(readme).to.include(`| dev | ${always.cost.totalUsd.toFixed(2)} USD |`);
        expect(readme).to.include(`| dev on office hours (opt-in) | ${plan.cost.totalUsd.toFixed(2)} USD |`);
        expect(plan.cost.notes).to.include(
            `Office hours save $${(Math.round((always.cost.totalUsd - plan.cost.totalUsd) * 100) / 100).toFixed(2)} a month: always on, the total would be $${always.cost.totalUsd.toFixed(2)}.`,
        );
    });
});

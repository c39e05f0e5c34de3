/**
 * The office-hours schedule of an environment (`aws-webapp:officeHours`,
 * stacks/officeHoursConfig.ts) as a step (see ./steps.ts): an OfficeHours
 * over every ECS service of the cluster (the API and the `services`
 * entries: a task left running would keep an instance), the cluster's Auto
 * Scaling group, and the database when stopping it saves anything: an RDS
 * instance, or an Aurora cluster whose minimum is above 0 ACU (at 0 ACU it
 * pauses by itself when nothing is connected, and then costs storage only).
 */
import * as pulumi from "@pulumi/pulumi";
import { type Ec2Service, OfficeHours, type OfficeHoursArgs, type OfficeHoursDatabase } from "../components";
import { resolveOfficeHoursArgs } from "../components/ops/officeHoursArgs";
import type { EnvironmentConfig } from "./config";
import { environmentTags } from "./environmentSteps";
import { step, type Refs, unknownOutput } from "./steps";

declare module "./steps" {
    interface Refs {
        officeHours?: OfficeHours;
    }
}

/** An Output a wired component always sets (its mode is guaranteed by the configuration). */
function present(value: pulumi.Output<string | undefined>, what: string): pulumi.Output<string> {
    return value.apply((v) => {
        if (v === undefined) throw new Error(`office hours: ${what} is unset`);
        return v;
    });
}

/** The database the schedule stops and starts, if stopping it saves anything. */
export function scheduledDatabase(c: EnvironmentConfig, db: Refs["db"]): OfficeHoursDatabase | undefined {
    if (c.dbMode === "instance") return { kind: "instance", identifier: db.instanceIdentifier };
    if (c.dbMinCapacityAcu === 0) return undefined;
    // The cluster identifier: the last part of its ARN (`arn:aws:rds:<region>:<account>:cluster:<id>`).
    return { kind: "cluster", identifier: db.arn.apply((arn) => arn.split(":").pop()!) };
}

/** The further services as built (an array once the site step ran; a stand-in during validation). */
function furtherServices(refs: Refs): readonly (Ec2Service | undefined)[] {
    const built = (refs.site as { services?: unknown } | undefined)?.services;
    return Array.isArray(built) ? (built as Ec2Service[]) : [];
}

/** The OfficeHours arguments of an environment. */
export function officeHoursArgs(c: EnvironmentConfig, refs: Refs): OfficeHoursArgs {
    const further = furtherServices(refs);
    const database = scheduledDatabase(c, refs.db);
    return {
        timeZone: c.officeHoursTimeZone,
        days: c.officeHoursDays,
        start: c.officeHoursStart,
        stop: c.officeHoursStop,
        services: [
            {
                resourceId: present(refs.service.scalingResourceId, "the API's scalable target"),
                minTasks: c.minTasks,
                maxTasks: c.maxTasks,
            },
            ...c.services.map((e, i) => ({
                resourceId: further[i]
                    ? present(further[i]!.scalingResourceId, `services.${i}'s scalable target`)
                    : unknownOutput<string>(),
                minTasks: e.minTasks,
                maxTasks: e.maxTasks,
            })),
        ],
        autoScalingGroups: [
            {
                name: present(refs.service.autoScalingGroupName, "the cluster's Auto Scaling group"),
                minSize: c.minInstances,
                maxSize: c.maxInstances,
            },
        ],
        databases: database ? [database] : [],
        tags: environmentTags(c),
    };
}

export const officeHoursStep = step({
    ref: "officeHours",
    component: "OfficeHours",
    name: (c) => `${c.stack}-hours`,
    enabled: (c) => c.officeHours,
    args: (c, refs) => officeHoursArgs(c, refs),
    validate: (name, args) => resolveOfficeHoursArgs(name, args),
    create: (name, args) => new OfficeHours(name, args),
    keys: {
        name: "officeHours",
        timeZone: "officeHoursTimeZone",
        days: "officeHoursDays",
        start: "officeHoursStart",
        stop: "officeHoursStop",
        services: "",
        autoScalingGroups: "",
        databases: "",
    },
});

/**
 * Arguments of {@link OfficeHours}, their defaults (one constant) and their
 * pure validation, run before anything is registered: one error lists every
 * problem. Also the scheduler role's trust and permission documents.
 */
import type * as pulumi from "@pulumi/pulumi";
import { policyDocument, type PolicyDocument } from "../shared/iamDocuments";
import { int, oneOf, ordered, requiredInput, resolveOn, type ProblemSink } from "../shared/inputChecks";
import { tagProblems } from "../shared/tags";
import { show } from "../shared/validation";
import { clockTime, minuteOfDay, parseDays, timeZone, weekDays, type WeekDay } from "../shared/schedules";

/** Defaults of {@link OfficeHoursArgs}, named by each argument's `@default`. */
export const OFFICE_HOURS_DEFAULTS = {
    days: "MON-FRI",
    start: "08:00",
    stop: "19:00",
} as const;

/** An ECS service scaled to zero tasks out of hours (its scalable target must exist). */
export interface OfficeHoursService {
    /**
     * Application Auto Scaling resource id of the service, `service/<cluster>/<service>`: an `Ec2Service`'s or
     * `EcsEc2Service`'s `scalingResourceId` (that output depends on the scalable target, so the scheduled actions
     * are created after it).
     */
    readonly resourceId: pulumi.Input<string>;
    /** Minimum task count restored in hours (the service's configured `minTasks`). */
    readonly minTasks: number;
    /** Maximum task count restored in hours (the service's configured `maxTasks`). */
    readonly maxTasks: number;
}

/** An Auto Scaling group (EC2 capacity of the cluster) scaled to zero instances out of hours. */
export interface OfficeHoursAutoScalingGroup {
    /** Name of the group (`Ec2Capacity.autoScalingGroupName`). */
    readonly name: pulumi.Input<string>;
    /** Minimum size restored in hours (the group's configured minimum); also its desired capacity at the start. */
    readonly minSize: number;
    /** Maximum size restored in hours (the group's configured maximum). */
    readonly maxSize: number;
}

/** What a scheduled database is: the RDS API pair its schedules call. */
export const OfficeHoursDatabaseKind = {
    /** An RDS DB instance: stopDBInstance / startDBInstance. */
    Instance: "instance",
    /** An Aurora DB cluster: stopDBCluster / startDBCluster. */
    Cluster: "cluster",
} as const;
export type OfficeHoursDatabaseKind = (typeof OfficeHoursDatabaseKind)[keyof typeof OfficeHoursDatabaseKind];

/** An RDS instance or Aurora cluster stopped out of hours and started in hours (EventBridge Scheduler). */
export interface OfficeHoursDatabase {
    /** `instance` (RDS DB instance: stopDBInstance / startDBInstance) or `cluster` (Aurora: stopDBCluster / startDBCluster). */
    readonly kind: OfficeHoursDatabaseKind;
    /** DB instance or cluster identifier. */
    readonly identifier: pulumi.Input<string>;
}

/** Arguments of {@link OfficeHours}. */
export interface OfficeHoursArgs {
    /** IANA time zone of `start` and `stop` (e.g. `Europe/Berlin`; daylight saving time followed). */
    readonly timeZone: string;
    /**
     * Days the resources start, e.g. `MON-FRI` or `MON,WED,FRI` (MON to SUN). They stop at `stop` every day, so
     * anything started by hand (or restarted by RDS after 7 days stopped) is stopped again the same evening.
     * @default OFFICE_HOURS_DEFAULTS.days
     */
    readonly days?: string;
    /** Time the resources start, `HH:MM` in `timeZone`. @default OFFICE_HOURS_DEFAULTS.start */
    readonly start?: string;
    /** Time the resources stop, `HH:MM` in `timeZone`, after `start` on the same day. @default OFFICE_HOURS_DEFAULTS.stop */
    readonly stop?: string;
    /** ECS services scaled to 0 tasks out of hours (min and max 0 on their scalable target). @default [] */
    readonly services?: OfficeHoursService[];
    /** Auto Scaling groups scaled to 0 instances out of hours (min and desired 0). @default [] */
    readonly autoScalingGroups?: OfficeHoursAutoScalingGroup[];
    /** Databases stopped out of hours and started in hours. @default [] */
    readonly databases?: OfficeHoursDatabase[];
    /** Tags merged into every taggable child (the schedule group and the scheduler role). @default {} */
    readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

const NAME = /^[a-z][a-z0-9-]{0,39}$/;
const SERVICE_RESOURCE_ID = /^service\/[A-Za-z0-9_-]{1,255}\/[A-Za-z0-9_-]{1,255}$/;
const DB_IDENTIFIER = /^[a-zA-Z][a-zA-Z0-9]*(-[a-zA-Z0-9]+)*$/;

function list<T>(p: ProblemSink, key: string, value: readonly T[] | undefined): readonly T[] {
    if (value === undefined) return [];
    if (!Array.isArray(value)) {
        p.expect(false, key, value, "is not a list");
        return [];
    }
    return value;
}

function services(p: ProblemSink, value: readonly OfficeHoursService[] | undefined) {
    return list(p, "services", value).map((s, i) => {
        const key = `services.${i}`;
        requiredInput(
            p,
            `${key}.resourceId`,
            s?.resourceId,
            SERVICE_RESOURCE_ID,
            "is not a service/<cluster>/<service> resource id",
        );
        const minTasks = int(p, `${key}.minTasks`, s?.minTasks, 0, 1000);
        const maxTasks = int(p, `${key}.maxTasks`, s?.maxTasks, 1, 1000);
        ordered(p, `${key}.minTasks`, minTasks, `${key}.maxTasks`, maxTasks);
        return { resourceId: s?.resourceId, minTasks, maxTasks };
    });
}

function groups(p: ProblemSink, value: readonly OfficeHoursAutoScalingGroup[] | undefined) {
    return list(p, "autoScalingGroups", value).map((g, i) => {
        const key = `autoScalingGroups.${i}`;
        requiredInput(p, `${key}.name`, g?.name, /^\S{1,255}$/, "is not an Auto Scaling group name");
        const minSize = int(p, `${key}.minSize`, g?.minSize, 0, 1000);
        const maxSize = int(p, `${key}.maxSize`, g?.maxSize, 1, 1000);
        ordered(p, `${key}.minSize`, minSize, `${key}.maxSize`, maxSize);
        return { name: g?.name, minSize, maxSize };
    });
}

function databases(p: ProblemSink, value: readonly OfficeHoursDatabase[] | undefined) {
    return list(p, "databases", value).map((d, i) => {
        const key = `databases.${i}`;
        const kind = oneOf(p, `${key}.kind`, d?.kind, Object.values(OfficeHoursDatabaseKind));
        requiredInput(
            p,
            `${key}.identifier`,
            d?.identifier,
            DB_IDENTIFIER,
            "is not an RDS identifier (a letter, then letters, digits and single hyphens)",
        );
        return { kind, identifier: d?.identifier };
    });
}

/** Defaults and validation of {@link OfficeHoursArgs}; throws one error naming every bad argument. */
export function resolveOfficeHoursArgs(name: string, args: OfficeHoursArgs) {
    return resolveOn(`OfficeHours "${name}"`, undefined, (p) => {
        const a = (args ?? {}) as Partial<OfficeHoursArgs>;
        const d = OFFICE_HOURS_DEFAULTS;
        p.expect(
            NAME.test(name),
            "name",
            name,
            "is not a valid name: expected 1 to 40 lower-case letters, digits and hyphens, starting with a letter (its schedules' names add up to 24 characters within EventBridge Scheduler's 64)",
        );
        const zone = timeZone(a.timeZone);
        if (zone !== undefined) p.expect(false, "timeZone", a.timeZone, zone);
        const daysText = a.days ?? d.days;
        const daysProblem = weekDays(daysText);
        if (daysProblem !== undefined) p.expect(false, "days", daysText, daysProblem);
        const start = a.start ?? d.start;
        const stop = a.stop ?? d.stop;
        for (const [key, value] of [
            ["start", start],
            ["stop", stop],
        ] as const) {
            const problem = clockTime(value);
            if (problem !== undefined) p.expect(false, key, value, problem);
        }
        const startMinute = minuteOfDay(start);
        const stopMinute = minuteOfDay(stop);
        if (startMinute !== undefined && stopMinute !== undefined && stopMinute <= startMinute)
            p.expect(false, "stop", stop, `is not after start (${show(start)}): expected a stop later the same day`);
        const resolved = {
            timeZone: a.timeZone as string,
            days: (parseDays(daysText) ?? []) as readonly WeekDay[],
            startMinute: startMinute ?? 0,
            stopMinute: stopMinute ?? 0,
            services: services(p, a.services),
            autoScalingGroups: groups(p, a.autoScalingGroups),
            databases: databases(p, a.databases),
        };
        if (resolved.services.length + resolved.autoScalingGroups.length + resolved.databases.length === 0)
            p.add("services, autoScalingGroups, databases: are all empty: expected at least one resource to schedule");
        for (const line of tagProblems(a.tags)) p.add(`tags: ${line}`);
        return resolved;
    });
}

/** Resolved {@link OfficeHoursArgs}. */
export type OfficeHoursSettings = ReturnType<typeof resolveOfficeHoursArgs>;

/**
 * Trust policy of the scheduler role: only EventBridge Scheduler, only for
 * schedules of this account's schedule group (confused deputy: another
 * account's or group's schedule cannot use the role).
 */
export function schedulerTrustPolicy(accountId: string, scheduleGroupArn: string): PolicyDocument {
    return policyDocument({
        Effect: "Allow",
        Principal: { Service: "scheduler.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "aws:SourceAccount": accountId, "aws:SourceArn": scheduleGroupArn } },
    });
}

/** ARN of an RDS DB instance (`db:`) or Aurora cluster (`cluster:`). */
export function databaseArn(
    kind: "instance" | "cluster",
    at: { partition: string; region: string; accountId: string },
    identifier: string,
): string {
    return `arn:${at.partition}:rds:${at.region}:${at.accountId}:${kind === "instance" ? "db" : "cluster"}:${identifier}`;
}

/** The RDS actions a schedule calls for a database kind: [stop, start]. */
export function databaseActions(kind: "instance" | "cluster"): readonly [string, string] {
    return kind === "instance" ? ["StopDBInstance", "StartDBInstance"] : ["StopDBCluster", "StartDBCluster"];
}

/** Permissions of the scheduler role: stop and start exactly these databases, nothing else. */
export function schedulerRolePolicy(dbs: readonly { kind: "instance" | "cluster"; arn: string }[]): PolicyDocument {
    return policyDocument(
        ...Object.values(OfficeHoursDatabaseKind)
            .map((kind) => ({ kind, arns: dbs.filter((d) => d.kind === kind).map((d) => d.arn) }))
            .filter((g) => g.arns.length > 0)
            .map((g) => ({
                Sid: g.kind === "instance" ? "StopStartDbInstances" : "StopStartDbClusters",
                Effect: "Allow" as const,
                Action: databaseActions(g.kind).map((a) => `rds:${a}`),
                Resource: g.arns,
            })),
    );
}

/**
 * Office hours in the idle cost: resources that recurring schedules stop and
 * start (an `OfficeHours`, or any scheduled actions of the same shape) are
 * priced for the hours they are on, read back from the recorded schedules.
 *
 * - An Auto Scaling group with scheduled actions (`aws:autoscaling/schedule`):
 *   on while the last action that ran set a min or desired size above 0. All
 *   of its charges scale: its instances, their root volumes (deleted with
 *   them) and their public IPv4 addresses exist only while it runs.
 * - An RDS instance or Aurora cluster stopped and started by EventBridge
 *   Scheduler's `aws-sdk:rds:stopDB…` / `startDB…` targets: its instance hours
 *   (an RDS instance's class, an Aurora cluster's instances) scale; storage
 *   is billed while stopped and stays at every hour.
 *
 * Everything else (NAT, endpoints, load balancers, storage, alarms, Cloud Map
 * instances) stays at every hour of the month: conservative.
 */
import { parseCron, weeklyOnHoursPerMonth, type WeekDay } from "../../components/ops/officeHoursSchedule";
import type { Charge, CostContext } from "./cost";
import type { Graph } from "./graph";
import type { PlanResource } from "./model";
import { at, num, str } from "./values";

/** One recorded stop or start: its days and minute, and the schedule as written (for the plan's checks). */
type ScheduleEvent = { days: WeekDay[]; minute: number; on: boolean; expression: string; timeZone?: string };

/** One scheduled resource: which of its charges scale, and its on/off events. */
interface Scheduled {
    readonly resource: PlanResource;
    /** Charges of this resource that are billed only while it runs. */
    readonly scales: (c: Charge) => boolean;
    /** What is priced for the hours on (for the note). */
    readonly what: string;
    readonly events: ScheduleEvent[];
}

const ASG = "aws:autoscaling/group:Group";
const ASG_ACTION = "aws:autoscaling/schedule:Schedule";
const SCHEDULE = "aws:scheduler/schedule:Schedule";
const RDS = "aws:rds/instance:Instance";
const CLUSTER = "aws:rds/cluster:Cluster";
const CLUSTER_INSTANCE = "aws:rds/clusterInstance:ClusterInstance";
const GROUP: [Scheduled["scales"], string] = [
    () => true,
    "its instances, their root volumes and public IPv4 addresses priced for those hours",
];
const DB_INSTANCE: [Scheduled["scales"], string] = [
    (c) => c.key.startsWith("rds:"),
    "its instance hours priced for those hours, its storage for every hour",
];
const AURORA_INSTANCE: [Scheduled["scales"], string] = [
    (c) => c.key.startsWith("aurora:"),
    "its capacity priced for those hours (the cluster's storage for every hour)",
];
const RDS_TARGET = /:aws-sdk:rds:(stop|start)DB(Instance|Cluster)$/;

function add(
    map: Map<string, Scheduled>,
    resource: PlanResource,
    [scales, what]: [Scheduled["scales"], string],
    event: ScheduleEvent,
) {
    const entry = map.get(resource.urn) ?? { resource, scales, what, events: [] };
    entry.events.push(event);
    map.set(resource.urn, entry);
}

/** The resources the recorded schedules stop and start, with their events. */
export function scheduledResources(graph: Graph): Scheduled[] {
    const found = new Map<string, Scheduled>();
    for (const a of graph.ofType(ASG_ACTION)) {
        const expression = str(a.inputs.recurrence) ?? "";
        const cron = parseCron(expression);
        const group = graph.dependenciesOf(a, ASG)[0];
        if (!cron || !group) continue;
        const on = (num(a.inputs.minSize) ?? 0) > 0 || (num(a.inputs.desiredCapacity) ?? 0) > 0;
        add(found, group, GROUP, { ...cron, on, expression, timeZone: str(a.inputs.timeZone) });
    }
    for (const s of graph.ofType(SCHEDULE)) {
        const m = RDS_TARGET.exec(str(at(s.inputs, "target.arn")) ?? "");
        const expression = str(s.inputs.scheduleExpression) ?? "";
        const cron = parseCron(expression);
        if (!m || !cron) continue;
        const event = { ...cron, on: m[1] === "start", expression, timeZone: str(s.inputs.scheduleExpressionTimezone) };
        if (m[2] === "Instance") {
            const db = graph.dependenciesOf(s, RDS)[0];
            if (db) add(found, db, DB_INSTANCE, event);
            continue;
        }
        const cluster = graph.dependenciesOf(s, CLUSTER)[0];
        if (!cluster) continue;
        for (const instance of graph.ofType(CLUSTER_INSTANCE))
            if (instance.dependencies.includes(cluster.urn)) add(found, instance, AURORA_INSTANCE, event);
    }
    return [...found.values()];
}

/**
 * Re-prices the charges of scheduled resources for their hours on (each on a
 * line of its own, `…:office-hours:<hours>`) and notes it; true when any was.
 */
export function applySchedules(ctx: CostContext): boolean {
    const hoursPerMonth = ctx.prices.hoursPerMonth;
    let applied = false;
    for (const s of scheduledResources(ctx.graph)) {
        const hours = weeklyOnHoursPerMonth(s.events);
        if (hours === undefined || hours >= hoursPerMonth) continue;
        const share = hours / hoursPerMonth;
        ctx.charges.forEach((c, i) => {
            if (c.resource !== s.resource.name || !s.scales(c)) return;
            applied = true;
            ctx.charges[i] = {
                ...c,
                key: `${c.key}:office-hours:${hours}`,
                label: `${c.label}, office hours (${hours} h a month)`,
                rate: `${c.rate} × ${hours}/${hoursPerMonth} h`,
                unitMonthly: c.unitMonthly * share,
            };
        });
        ctx.notes.add(
            `${s.resource.name}: on a schedule, ${hours} h of ${hoursPerMonth} a month (its recorded stops and starts): ${s.what}.`,
        );
    }
    return applied;
}

/** The plan's "office hours" lines: each scheduled resource, its hours on, its starts and stops as written. */
export function scheduleChecks(graph: Graph): { topic: string; resource: string; shows: string }[] {
    return scheduledResources(graph).map((s) => {
        const when = (on: boolean) => [...new Set(s.events.filter((e) => e.on === on).map((e) => e.expression))];
        const zone = s.events.find((e) => e.timeZone !== undefined)?.timeZone ?? "UTC";
        const hours = weeklyOnHoursPerMonth(s.events);
        return {
            topic: "office hours",
            resource: s.resource.name,
            shows: `on ${hours} h a month: starts ${when(true).join(", ") || "never"}, stops ${when(false).join(", ") || "never"} (${zone})`,
        };
    });
}

/**
 * OfficeHours: an office-hours schedule for a non-production environment.
 * Out of hours it scales ECS services to zero tasks (Application Auto Scaling
 * scheduled actions: min and max 0 on the service's scalable target, so the
 * target-tracking policy cannot bring tasks back), the cluster's Auto Scaling
 * groups to zero instances (scheduled actions: min and desired 0) and stops
 * the databases (EventBridge Scheduler calling RDS's StopDBInstance or
 * StopDBCluster); in hours it restores the configured sizes and starts the
 * databases. See docs/components/OfficeHours.md.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { nameTags } from "../shared/tags";
import {
    databaseActions,
    databaseArn,
    resolveOfficeHoursArgs,
    schedulerRolePolicy,
    schedulerTrustPolicy,
    type OfficeHoursArgs,
    type OfficeHoursSettings,
} from "./officeHoursArgs";
import { awsCron, hoursOnPerMonth, unixCron } from "./officeHoursSchedule";

/** How long EventBridge Scheduler keeps retrying a failed stop or start (a transient RDS error). */
export const SCHEDULER_RETRY = { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 } as const;

/** Office-hours schedule of services, EC2 capacity and databases. See docs/components/OfficeHours.md. */
export class OfficeHours extends pulumi.ComponentResource {
    /** Pulumi type token. */
    static readonly TYPE = "aws-webapp:index:OfficeHours";

    /** Hours a month the scheduled resources are on (days × (stop − start) × 52.18 / 12). */
    public readonly hoursOnPerMonth: number;
    /** Cron of the start (Application Auto Scaling and EventBridge Scheduler dialect), e.g. `cron(0 8 ? * MON-FRI *)`. */
    public readonly startSchedule: string;
    /** Cron of the daily stop, e.g. `cron(0 19 ? * * *)`. */
    public readonly stopSchedule: string;
    /** EventBridge Scheduler schedule group of the database schedules; undefined without `databases`. */
    public readonly scheduleGroupName: pulumi.Output<string | undefined>;
    /** Role EventBridge Scheduler assumes to stop and start the databases; undefined without `databases`. */
    public readonly schedulerRoleArn: pulumi.Output<string | undefined>;

    constructor(name: string, args: OfficeHoursArgs, opts?: pulumi.ComponentResourceOptions) {
        const s = resolveOfficeHoursArgs(name, args);
        super(OfficeHours.TYPE, name, {}, opts);
        const child: pulumi.CustomResourceOptions = { parent: this };
        this.hoursOnPerMonth = hoursOnPerMonth(s.days.length, s.startMinute, s.stopMinute);
        this.startSchedule = awsCron(s.startMinute, s.days);
        this.stopSchedule = awsCron(s.stopMinute, "daily");

        s.services.forEach((svc, i) => {
            const action = (role: "stop" | "start", schedule: string, min: number, max: number) =>
                new aws.appautoscaling.ScheduledAction(
                    `${name}-service-${i}-${role}`,
                    {
                        serviceNamespace: "ecs",
                        scalableDimension: "ecs:service:DesiredCount",
                        resourceId: svc.resourceId!,
                        schedule,
                        timezone: s.timeZone,
                        scalableTargetAction: { minCapacity: min, maxCapacity: max },
                    },
                    child,
                );
            action("stop", this.stopSchedule, 0, 0);
            action("start", this.startSchedule, svc.minTasks, svc.maxTasks);
        });

        s.autoScalingGroups.forEach((g, i) => {
            // Out of hours: min and desired 0, max kept (-1: unchanged). With ECS managed termination
            // protection an instance that still runs tasks is protected from scale-in: the group
            // waits until ECS has drained it (the services stop at the same minute) and lifts the
            // protection, then terminates it. In hours: the configured sizes, desired = min.
            const action = (role: "stop" | "start", recurrence: string, min: number, desired: number, max: number) =>
                new aws.autoscaling.Schedule(
                    `${name}-capacity-${i}-${role}`,
                    {
                        autoscalingGroupName: g.name!,
                        scheduledActionName: `${name}-${role}`,
                        recurrence,
                        timeZone: s.timeZone,
                        minSize: min,
                        desiredCapacity: desired,
                        maxSize: max,
                    },
                    child,
                );
            action("stop", unixCron(s.stopMinute, "daily"), 0, 0, -1);
            action("start", unixCron(s.startMinute, s.days), g.minSize, g.minSize, g.maxSize);
        });

        const scheduler = s.databases.length > 0 ? this.databaseSchedules(name, s, args, child) : undefined;
        this.scheduleGroupName = scheduler ? scheduler.groupName : pulumi.output(undefined);
        this.schedulerRoleArn = scheduler ? scheduler.roleArn : pulumi.output(undefined);
        this.registerOutputs({
            hoursOnPerMonth: this.hoursOnPerMonth,
            startSchedule: this.startSchedule,
            stopSchedule: this.stopSchedule,
            scheduleGroupName: this.scheduleGroupName,
            schedulerRoleArn: this.schedulerRoleArn,
        });
    }

    /** The schedule group, the scheduler role and a stop and a start schedule per database. */
    private databaseSchedules(
        name: string,
        s: OfficeHoursSettings,
        args: OfficeHoursArgs,
        child: pulumi.CustomResourceOptions,
    ) {
        const partition = aws.getPartitionOutput({}, { parent: this }).partition;
        const region = aws.getRegionOutput({}, { parent: this }).region;
        const accountId = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
        const group = new aws.scheduler.ScheduleGroup(
            `${name}-schedules`,
            { tags: nameTags(`${name}-schedules`, args.tags) },
            child,
        );
        const role = new aws.iam.Role(
            `${name}-scheduler-role`,
            {
                description: `EventBridge Scheduler: stops and starts the databases of ${name}`,
                assumeRolePolicy: pulumi
                    .all([accountId, group.arn])
                    .apply(([a, groupArn]) => JSON.stringify(schedulerTrustPolicy(a, groupArn))),
                tags: nameTags(`${name}-scheduler-role`, args.tags),
            },
            child,
        );
        const policy = new aws.iam.RolePolicy(
            `${name}-scheduler-policy`,
            {
                role: role.name,
                policy: pulumi
                    .all([
                        partition,
                        region,
                        accountId,
                        pulumi.all(s.databases.map((d) => pulumi.output(d.identifier!))),
                    ])
                    .apply(([p, r, a, ids]) =>
                        JSON.stringify(
                            schedulerRolePolicy(
                                s.databases.map((d, i) => ({
                                    kind: d.kind,
                                    arn: databaseArn(d.kind, { partition: p, region: r, accountId: a }, ids[i]),
                                })),
                            ),
                        ),
                    ),
            },
            child,
        );
        s.databases.forEach((db, i) => {
            const [stopAction, startAction] = databaseActions(db.kind);
            const idKey = db.kind === "instance" ? "DbInstanceIdentifier" : "DbClusterIdentifier";
            const schedule = (which: "stop" | "start", action: string, expression: string) =>
                new aws.scheduler.Schedule(
                    `${name}-db-${i}-${which}`,
                    {
                        groupName: group.name,
                        description: `${which === "stop" ? "Stops" : "Starts"} ${db.kind === "instance" ? "DB instance" : "Aurora cluster"} of ${name} (office hours)`,
                        scheduleExpression: expression,
                        scheduleExpressionTimezone: s.timeZone,
                        flexibleTimeWindow: { mode: "OFF" },
                        target: {
                            arn: pulumi.interpolate`arn:${partition}:scheduler:::aws-sdk:rds:${action[0].toLowerCase()}${action.slice(1)}`,
                            roleArn: role.arn,
                            input: pulumi.output(db.identifier!).apply((id) => JSON.stringify({ [idKey]: id })),
                            retryPolicy: { ...SCHEDULER_RETRY },
                        },
                    },
                    { ...child, dependsOn: [policy] },
                );
            schedule("stop", stopAction, this.stopSchedule);
            schedule("start", startAction, this.startSchedule);
        });
        return {
            groupName: group.name as pulumi.Output<string | undefined>,
            roleArn: role.arn as pulumi.Output<string | undefined>,
        };
    }
}

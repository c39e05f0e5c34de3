import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { boolean as booleanCheck, email, integer, kmsKeyArn, number } from "../shared/checks";
import { checkTags, nameTags } from "../shared/tags";
import { cloudWatchAlarmsPublisher, topicAccessPolicy, topicKeyPolicy } from "../shared/topicPolicies";
import { isKnown, Problems } from "../shared/validation";
import { alarmSpecs, type AlarmThresholds } from "./alarms";
import { dashboardBody, type DashboardIds } from "./dashboard";
import { checkWatchedLists, type WatchedLambdaFunction, type WatchedQueue } from "./watchedLists";
import type {
    DbInstanceMetricDimensions,
    EcsServiceMetricDimensions,
    HttpApiMetricDimensions,
    LambdaFunctionMetricDimensions,
    LoadBalancerMetricDimensions,
    QueueMetricDimensions,
} from "./dimensions";

/** Defaults of {@link ObservabilityArgs}: the one place they are written (the stack's config defaults read them too). */
export const OBSERVABILITY_DEFAULTS = {
    http5xxPer5Min: 10,
    responseTimeSeconds: 1,
    ecsCpuPercent: 85,
    ecsMemoryPercent: 85,
    dbCpuPercent: 80,
    dbFreeStorageGb: 2,
    dbConnections: 80,
} as const satisfies AlarmThresholds;

/** Arguments of {@link Observability}: the dimensions other components expose, and thresholds. */
export interface ObservabilityArgs {
    /** Region of the watched resources (dashboard widgets and console link). */
    readonly region: pulumi.Input<string>;
    /** Email addresses subscribed to the operations topic (each must confirm); at most 20. @default [] */
    readonly alarmEmails?: pulumi.Input<string>[];
    /** An Application Load Balancer and target group to watch: 5xx, response time, unhealthy hosts. */
    readonly loadBalancer?: pulumi.Input<LoadBalancerMetricDimensions>;
    /** An HTTP API to watch: 5xx and latency. */
    readonly httpApi?: pulumi.Input<HttpApiMetricDimensions>;
    /** An ECS service to watch: CPU and memory. */
    readonly ecsService?: pulumi.Input<EcsServiceMetricDimensions>;
    /** An RDS DB instance to watch (PostgresDb.metricDimensions): CPU, free storage, connections. */
    readonly database?: pulumi.Input<DbInstanceMetricDimensions>;
    /**
     * The database is Aurora Serverless v2 (`PostgresDb.mode === "serverless"`): Aurora publishes no
     * `FreeStorageSpace` (its storage grows by itself), so the free-storage alarm gives way to one on
     * `ACUUtilization` (the cluster at 90 % or more of its maximum capacity), and the dashboard shows the
     * capacity.
     * @default false
     */
    readonly databaseServerless?: boolean;
    /** A Lambda function to watch: any error. */
    readonly lambdaFunction?: pulumi.Input<LambdaFunctionMetricDimensions>;
    /** A dead-letter queue to watch: any message waiting. */
    readonly deadLetterQueue?: pulumi.Input<QueueMetricDimensions>;
    /**
     * More Lambda functions to watch, one alarm each (`<name>-lambda-<label>-errors`, `Errors` Sum >= 1):
     * a request- or event-driven function (`runs: "onRequest"`) on any error in 5 minutes, an hourly job
     * (`"hourly"`) on errors in 2 of the last 3 hours, a daily job (`"daily"`) on errors 2 days in a row
     * (FUNCTION_ERROR_EVALUATION). Labels are unique; missing data is not breaching.
     * @default []
     */
    readonly lambdaFunctions?: WatchedLambdaFunction[];
    /**
     * More failure queues to watch (dead-letter queues, failure destinations), one alarm each
     * (`<name>-dlq-<label>-depth`): any message waiting in 5 minutes. Labels are unique.
     * @default []
     */
    readonly deadLetterQueues?: WatchedQueue[];
    /** Application log group shown on the dashboard (recent errors). */
    readonly appLogGroupName?: pulumi.Input<string>;
    /**
     * ARN of an existing customer managed KMS key, in the topic's region, to encrypt the operations
     * topic with (e.g. `BillingAlarm.topicKeyArn` when the stack is in us-east-1): its policy must let
     * this account's CloudWatch alarms generate data keys and decrypt. Unset creates a key of its own
     * (1 USD a month).
     * @default undefined (a key of its own)
     */
    readonly topicKmsKeyArn?: pulumi.Input<string>;
    /** Alarm when 5xx responses in 5 minutes reach this count (1 to 100000). @default OBSERVABILITY_DEFAULTS.http5xxPer5Min */
    readonly http5xxPer5Min?: number;
    /** Alarm when the average response time stays above this many seconds (0.01 to 60). @default OBSERVABILITY_DEFAULTS.responseTimeSeconds */
    readonly responseTimeSeconds?: number;
    /** Alarm when the service's average CPU stays above this % (1 to 100). @default OBSERVABILITY_DEFAULTS.ecsCpuPercent */
    readonly ecsCpuPercent?: number;
    /** Alarm when the service's average memory stays above this % (1 to 100). @default OBSERVABILITY_DEFAULTS.ecsMemoryPercent */
    readonly ecsMemoryPercent?: number;
    /** Alarm when the database CPU stays above this % (1 to 100). @default OBSERVABILITY_DEFAULTS.dbCpuPercent */
    readonly dbCpuPercent?: number;
    /** Alarm when the database's free storage falls below this many GiB (1 to 65536). @default OBSERVABILITY_DEFAULTS.dbFreeStorageGb */
    readonly dbFreeStorageGb?: number;
    /** Alarm when database connections exceed this count (1 to 100000). @default OBSERVABILITY_DEFAULTS.dbConnections */
    readonly dbConnections?: number;
    /** Tags added to the key, the topic and every alarm (with a `Name` tag). */
    readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

const THRESHOLD_CHECKS = {
    http5xxPer5Min: integer(1, 100000),
    responseTimeSeconds: number(0.01, 60, "seconds from 0.01 to 60"),
    ecsCpuPercent: integer(1, 100),
    ecsMemoryPercent: integer(1, 100),
    dbCpuPercent: integer(1, 100),
    dbFreeStorageGb: integer(1, 65536),
    dbConnections: integer(1, 100000),
} as const;

/** Keys each watched struct must carry. */
const DIMENSION_KEYS = {
    loadBalancer: ["LoadBalancer", "TargetGroup"],
    httpApi: ["ApiId"],
    ecsService: ["ClusterName", "ServiceName"],
    database: ["DBInstanceIdentifier"],
    lambdaFunction: ["FunctionName"],
    deadLetterQueue: ["QueueName"],
} as const;

/** Names CloudWatch accepts for the dashboard `<name>-overview` (letters, digits, `-`, `_`). */
const DASHBOARD_NAME = /^[A-Za-z0-9_-]{1,200}$/;

/**
 * Applies the defaults and checks every argument of an Observability: the
 * thresholds, the emails (no duplicates), the dimension structs that are
 * plain values (every key a non-empty string), at least one thing to watch,
 * and a name CloudWatch accepts. One ValidationError lists every problem.
 */
export function resolveObservabilityArgs(name: string, args: ObservabilityArgs) {
    const problems = new Problems(`Observability "${name}"`);
    const a = (args ?? {}) as Partial<ObservabilityArgs>;
    if (!DASHBOARD_NAME.test(name)) {
        problems.add(
            `name: ${JSON.stringify(name)} cannot name a CloudWatch dashboard: expected letters, digits, - or _ (it becomes "<name>-overview")`,
        );
    }
    if (a.region === undefined)
        problems.add("region: undefined is required: expected the AWS region of the watched resources");
    if (a.topicKmsKeyArn !== undefined && isKnown(a.topicKmsKeyArn))
        problems.check("topicKmsKeyArn", a.topicKmsKeyArn, kmsKeyArn());
    const thresholds = Object.fromEntries(
        (Object.keys(THRESHOLD_CHECKS) as (keyof AlarmThresholds)[]).map((k) => {
            const value = a[k] ?? OBSERVABILITY_DEFAULTS[k];
            problems.check(k, value, THRESHOLD_CHECKS[k]);
            return [k, value];
        }),
    ) as unknown as AlarmThresholds;
    const alarmEmails = a.alarmEmails ?? [];
    if (
        problems.checkEach(
            "alarmEmails",
            alarmEmails,
            (v) => (isKnown(v) ? email(v) : undefined),
            "email addresses",
            20,
        )
    ) {
        alarmEmails.forEach((e, i) => {
            if (
                isKnown(e) &&
                alarmEmails.findIndex((o) => isKnown(o) && String(o).toLowerCase() === String(e).toLowerCase()) < i
            )
                problems.add(
                    `alarmEmails[${i}]: ${JSON.stringify(e)} is listed twice (addresses compare case-insensitively)`,
                );
        });
    }
    const watched = (Object.keys(DIMENSION_KEYS) as (keyof typeof DIMENSION_KEYS)[]).filter((k) => a[k] !== undefined);
    for (const key of watched) {
        const dims = a[key];
        if (!isKnown(dims)) continue;
        if (typeof dims !== "object" || dims === null) {
            problems.add(
                `${key}: ${JSON.stringify(dims)} is not a map of CloudWatch dimensions: expected ${DIMENSION_KEYS[key].join(", ")}`,
            );
            continue;
        }
        for (const dim of DIMENSION_KEYS[key]) {
            const value = (dims as Record<string, unknown>)[dim];
            if (isKnown(value) && (typeof value !== "string" || value.length === 0))
                problems.add(
                    `${key}.${dim}: ${JSON.stringify(value) ?? "undefined"} is not a dimension value: expected a non-empty string`,
                );
        }
    }
    checkWatchedLists(problems, a);
    const listed = [a.lambdaFunctions, a.deadLetterQueues].some((l) => Array.isArray(l) && l.length > 0);
    if (watched.length === 0 && !listed) {
        problems.add(
            `nothing to watch: expected at least one of ${[...Object.keys(DIMENSION_KEYS), "lambdaFunctions", "deadLetterQueues"].join(", ")}`,
        );
    }
    if (a.databaseServerless !== undefined) problems.check("databaseServerless", a.databaseServerless, booleanCheck);
    checkTags(problems, "tags", a.tags);
    problems.throwIfAny();
    return { thresholds, alarmEmails: [...alarmEmails] };
}

/** An Observability's arguments with defaults applied and every check passed. */
export type ObservabilitySettings = ReturnType<typeof resolveObservabilityArgs>;

/**
 * Operations topic (KMS-encrypted, email subscribers), the alarm set and the
 * dashboard for the metric dimensions it is given. Each component exposes
 * its own dimensions (PostgresDb.metricDimensions, ...); whatever is not
 * given is not watched.
 */
export class Observability extends pulumi.ComponentResource {
    /** ARN of the operations topic every alarm notifies. */
    public readonly topicArn: pulumi.Output<string>;
    /** Name of the dashboard (`<name>-overview`). */
    public readonly dashboardName: pulumi.Output<string>;
    /** Console link to the dashboard. */
    public readonly dashboardUrl: pulumi.Output<string>;
    /** Names of the alarms. */
    public readonly alarmNames: pulumi.Output<string>[];

    constructor(name: string, args: ObservabilityArgs, opts?: pulumi.ComponentResourceOptions) {
        const s = resolveObservabilityArgs(name, args);
        super("aws-webapp:index:Observability", name, {}, opts);
        const identity = aws.getCallerIdentityOutput({}, { parent: this });
        const partition = aws.getPartitionOutput({}, { parent: this }).partition;
        const scope = pulumi
            .all([identity.accountId, partition, args.region])
            .apply(([accountId, partition, region]) => ({ accountId, partition, region }));
        // CloudWatch can only publish to an encrypted topic through a customer
        // managed key whose policy lets it (about 1 USD a month): a given one, or its own.
        const keyArn =
            args.topicKmsKeyArn ??
            new aws.kms.Key(
                `${name}-alarms-key`,
                {
                    description: `Encrypts the ${name} operations alarm topic`,
                    enableKeyRotation: true,
                    deletionWindowInDays: 7,
                    policy: scope.apply((sc) => JSON.stringify(topicKeyPolicy(sc, [cloudWatchAlarmsPublisher(sc)]))),
                    tags: nameTags(`${name}-alarms-key`, args.tags),
                },
                { parent: this },
            ).arn;
        const topic = new aws.sns.Topic(
            `${name}-alarms`,
            { name: `${name}-alarms`, kmsMasterKeyId: keyArn, tags: nameTags(`${name}-alarms`, args.tags) },
            { parent: this },
        );
        new aws.sns.TopicPolicy(
            `${name}-alarms-policy`,
            {
                arn: topic.arn,
                policy: pulumi
                    .all([topic.arn, scope])
                    .apply(([arn, sc]) =>
                        JSON.stringify(topicAccessPolicy(arn, sc.accountId, [cloudWatchAlarmsPublisher(sc)])),
                    ),
            },
            { parent: this },
        );
        s.alarmEmails.forEach(
            (address, i) =>
                new aws.sns.TopicSubscription(
                    `${name}-alarms-email-${i}`,
                    { topic: topic.arn, protocol: "email", endpoint: address },
                    { parent: this },
                ),
        );
        this.alarmNames = alarmSpecs(args, s.thresholds).map((spec) => {
            const alarm = new aws.cloudwatch.MetricAlarm(
                `${name}-${spec.role}`,
                {
                    name: `${name}-${spec.role}`,
                    alarmDescription: spec.description,
                    namespace: spec.namespace,
                    metricName: spec.metricName,
                    dimensions: spec.dimensions,
                    statistic: spec.statistic,
                    threshold: spec.threshold,
                    comparisonOperator: spec.comparisonOperator,
                    period: spec.periodSeconds,
                    evaluationPeriods: spec.evaluationPeriods,
                    ...(spec.datapointsToAlarm !== undefined ? { datapointsToAlarm: spec.datapointsToAlarm } : {}),
                    treatMissingData: spec.treatMissingData,
                    alarmActions: [topic.arn],
                    okActions: [topic.arn],
                    tags: nameTags(`${name}-${spec.role}`, args.tags),
                },
                { parent: this },
            );
            return alarm.name;
        });
        const dashboard = new aws.cloudwatch.Dashboard(
            `${name}-dashboard`,
            {
                dashboardName: `${name}-overview`,
                dashboardBody: pulumi
                    .all({
                        region: args.region,
                        ecsService: args.ecsService,
                        loadBalancer: args.loadBalancer,
                        httpApi: args.httpApi,
                        database: args.database,
                        databaseServerless: args.databaseServerless === true,
                        appLogGroupName: args.appLogGroupName,
                    })
                    .apply((ids) => dashboardBody(ids as unknown as DashboardIds)),
            },
            { parent: this },
        );
        this.topicArn = topic.arn;
        this.dashboardName = dashboard.dashboardName;
        this.dashboardUrl = pulumi.interpolate`https://${args.region}.console.aws.amazon.com/cloudwatch/home?region=${args.region}#dashboards:name=${dashboard.dashboardName}`;
        this.registerOutputs({
            topicArn: this.topicArn,
            dashboardName: this.dashboardName,
            dashboardUrl: this.dashboardUrl,
        });
    }
}

import * as pulumi from "@pulumi/pulumi";
import { isKnown } from "../shared/validation";
import type {
    DbInstanceMetricDimensions,
    EcsServiceMetricDimensions,
    HttpApiMetricDimensions,
    LambdaFunctionMetricDimensions,
    LoadBalancerMetricDimensions,
    QueueMetricDimensions,
} from "./dimensions";
import { watchedListAlarms, type WatchedLambdaFunction, type WatchedQueue } from "./watchedLists";

/** What Observability watches: each present struct adds its alarms and its dashboard widget. */
export interface WatchedMetrics {
    readonly loadBalancer?: pulumi.Input<LoadBalancerMetricDimensions>;
    readonly httpApi?: pulumi.Input<HttpApiMetricDimensions>;
    readonly ecsService?: pulumi.Input<EcsServiceMetricDimensions>;
    readonly database?: pulumi.Input<DbInstanceMetricDimensions>;
    /** The database is an Aurora Serverless v2 instance (no FreeStorageSpace metric; capacity instead). */
    readonly databaseServerless?: boolean;
    readonly lambdaFunction?: pulumi.Input<LambdaFunctionMetricDimensions>;
    readonly deadLetterQueue?: pulumi.Input<QueueMetricDimensions>;
    /** More functions, one error alarm each (`lambda-<label>-errors`). */
    readonly lambdaFunctions?: WatchedLambdaFunction[];
    /** More failure queues, one depth alarm each (`dlq-<label>-depth`). */
    readonly deadLetterQueues?: WatchedQueue[];
}

/** Alarm thresholds, every one resolved. */
export interface AlarmThresholds {
    /** 5xx responses (target and load balancer, or API) per 5 minutes. */
    readonly http5xxPer5Min: number;
    /** Average target response time / API latency in seconds. */
    readonly responseTimeSeconds: number;
    readonly ecsCpuPercent: number;
    readonly ecsMemoryPercent: number;
    readonly dbCpuPercent: number;
    /** Free storage floor in GiB. */
    readonly dbFreeStorageGb: number;
    readonly dbConnections: number;
}

/** One CloudWatch alarm, as plain data (unit-tested without Pulumi). */
export interface AlarmSpec {
    readonly role: string;
    readonly description: string;
    readonly namespace: string;
    readonly metricName: string;
    readonly dimensions: pulumi.Input<Record<string, pulumi.Input<string>>>;
    readonly statistic: "Average" | "Sum" | "Maximum" | "Minimum";
    readonly threshold: number;
    readonly comparisonOperator: "GreaterThanOrEqualToThreshold" | "GreaterThanThreshold" | "LessThanThreshold";
    readonly periodSeconds: number;
    readonly evaluationPeriods: number;
    /** Breaching periods (of the last `evaluationPeriods`) that raise the alarm. @default evaluationPeriods */
    readonly datapointsToAlarm?: number;
    readonly treatMissingData: "notBreaching" | "breaching" | "missing";
}

const GiB = 1024 ** 3;

/** Some of a dimension struct's keys: picked now when it is plain, else once known. */
function pick<T extends Record<string, string>>(
    dims: pulumi.Input<T>,
    keys: readonly (keyof T & string)[],
): pulumi.Input<Record<string, pulumi.Input<string>>> {
    const subset = (d: T) => Object.fromEntries(keys.map((k) => [k, d[k]]));
    return isKnown(dims) ? subset(dims as T) : pulumi.output(dims).apply((d) => subset(d as T));
}

type Base = Pick<AlarmSpec, "periodSeconds" | "evaluationPeriods" | "treatMissingData">;

function loadBalancerAlarms(lb: pulumi.Input<LoadBalancerMetricDimensions>, t: AlarmThresholds, base: Base) {
    const dims = pick(lb, ["LoadBalancer"]);
    const ns = "AWS/ApplicationELB";
    return [
        {
            ...base,
            role: "alb-target-5xx",
            description: `Targets answered ${t.http5xxPer5Min}+ 5xx responses in 5 minutes`,
            namespace: ns,
            metricName: "HTTPCode_Target_5XX_Count",
            dimensions: dims,
            statistic: "Sum",
            threshold: t.http5xxPer5Min,
            comparisonOperator: "GreaterThanOrEqualToThreshold",
            evaluationPeriods: 1,
        },
        {
            ...base,
            role: "alb-elb-5xx",
            description: `The load balancer itself answered ${t.http5xxPer5Min}+ 5xx responses in 5 minutes`,
            namespace: ns,
            metricName: "HTTPCode_ELB_5XX_Count",
            dimensions: dims,
            statistic: "Sum",
            threshold: t.http5xxPer5Min,
            comparisonOperator: "GreaterThanOrEqualToThreshold",
            evaluationPeriods: 1,
        },
        {
            ...base,
            role: "alb-response-time",
            description: `Average target response time above ${t.responseTimeSeconds}s`,
            namespace: ns,
            metricName: "TargetResponseTime",
            dimensions: dims,
            statistic: "Average",
            threshold: t.responseTimeSeconds,
            comparisonOperator: "GreaterThanThreshold",
        },
        {
            ...base,
            role: "alb-unhealthy-hosts",
            description: "At least one target is unhealthy",
            namespace: ns,
            metricName: "UnHealthyHostCount",
            dimensions: pick(lb, ["LoadBalancer", "TargetGroup"]),
            statistic: "Maximum",
            threshold: 1,
            comparisonOperator: "GreaterThanOrEqualToThreshold",
        },
    ] satisfies AlarmSpec[];
}

function httpApiAlarms(api: pulumi.Input<HttpApiMetricDimensions>, t: AlarmThresholds, base: Base) {
    const dims = pick(api, ["ApiId"]);
    return [
        {
            ...base,
            role: "api-5xx",
            description: `The HTTP API answered ${t.http5xxPer5Min}+ 5xx responses in 5 minutes`,
            namespace: "AWS/ApiGateway",
            metricName: "5xx",
            dimensions: dims,
            statistic: "Sum",
            threshold: t.http5xxPer5Min,
            comparisonOperator: "GreaterThanOrEqualToThreshold",
            evaluationPeriods: 1,
        },
        {
            ...base,
            role: "api-latency",
            description: `Average HTTP API latency above ${t.responseTimeSeconds}s`,
            namespace: "AWS/ApiGateway",
            metricName: "Latency",
            dimensions: dims,
            statistic: "Average",
            threshold: t.responseTimeSeconds * 1000,
            comparisonOperator: "GreaterThanThreshold",
        },
    ] satisfies AlarmSpec[];
}

function serviceAlarms(ecs: pulumi.Input<EcsServiceMetricDimensions>, t: AlarmThresholds, base: Base) {
    const dims = pick(ecs, ["ClusterName", "ServiceName"]);
    return [
        {
            ...base,
            role: "ecs-cpu",
            description: `Service CPU above ${t.ecsCpuPercent}%`,
            namespace: "AWS/ECS",
            metricName: "CPUUtilization",
            dimensions: dims,
            statistic: "Average",
            threshold: t.ecsCpuPercent,
            comparisonOperator: "GreaterThanThreshold",
        },
        {
            ...base,
            role: "ecs-memory",
            description: `Service memory above ${t.ecsMemoryPercent}%`,
            namespace: "AWS/ECS",
            metricName: "MemoryUtilization",
            dimensions: dims,
            statistic: "Average",
            threshold: t.ecsMemoryPercent,
            comparisonOperator: "GreaterThanThreshold",
        },
    ] satisfies AlarmSpec[];
}

/** Alarm when an Aurora Serverless v2 instance runs at this share of its maximum capacity (ACUUtilization). */
export const SERVERLESS_CAPACITY_ALARM_PERCENT = 90;

function databaseAlarms(
    db: pulumi.Input<DbInstanceMetricDimensions>,
    t: AlarmThresholds,
    base: Base,
    serverless: boolean,
) {
    const dims = pick(db, ["DBInstanceIdentifier"]);
    // Aurora storage grows by itself and publishes no FreeStorageSpace: watch the capacity ceiling instead.
    const storageOrCapacity: AlarmSpec = serverless
        ? {
              ...base,
              role: "rds-capacity",
              description: `Database at ${SERVERLESS_CAPACITY_ALARM_PERCENT}% or more of its maximum capacity (raise maxCapacityAcu)`,
              namespace: "AWS/RDS",
              metricName: "ACUUtilization",
              dimensions: dims,
              statistic: "Maximum",
              threshold: SERVERLESS_CAPACITY_ALARM_PERCENT,
              comparisonOperator: "GreaterThanOrEqualToThreshold",
          }
        : {
              ...base,
              role: "rds-free-storage",
              description: `Database free storage below ${t.dbFreeStorageGb} GiB`,
              namespace: "AWS/RDS",
              metricName: "FreeStorageSpace",
              dimensions: dims,
              statistic: "Minimum",
              threshold: t.dbFreeStorageGb * GiB,
              comparisonOperator: "LessThanThreshold",
              evaluationPeriods: 1,
          };
    return [
        {
            ...base,
            role: "rds-cpu",
            description: `Database CPU above ${t.dbCpuPercent}%`,
            namespace: "AWS/RDS",
            metricName: "CPUUtilization",
            dimensions: dims,
            statistic: "Average",
            threshold: t.dbCpuPercent,
            comparisonOperator: "GreaterThanThreshold",
        },
        storageOrCapacity,
        {
            ...base,
            role: "rds-connections",
            description: `Database connections above ${t.dbConnections}`,
            namespace: "AWS/RDS",
            metricName: "DatabaseConnections",
            dimensions: dims,
            statistic: "Maximum",
            threshold: t.dbConnections,
            comparisonOperator: "GreaterThanThreshold",
        },
    ] satisfies AlarmSpec[];
}

/**
 * The alarm set of design notes 002/004 for what is watched: ingress 5xx and
 * latency (load balancer and/or HTTP API), ECS CPU and memory, RDS CPU, free
 * storage and connections, Lambda errors and dead-letter queue depth (the
 * singular function and queue, then each of the lists).
 */
export function alarmSpecs(watched: WatchedMetrics, t: AlarmThresholds): AlarmSpec[] {
    const base: Base = { periodSeconds: 300, evaluationPeriods: 2, treatMissingData: "notBreaching" };
    const specs: AlarmSpec[] = [];
    if (watched.loadBalancer) specs.push(...loadBalancerAlarms(watched.loadBalancer, t, base));
    if (watched.httpApi) specs.push(...httpApiAlarms(watched.httpApi, t, base));
    if (watched.ecsService) specs.push(...serviceAlarms(watched.ecsService, t, base));
    if (watched.database) specs.push(...databaseAlarms(watched.database, t, base, watched.databaseServerless === true));
    if (watched.lambdaFunction) {
        specs.push({
            ...base,
            role: "lambda-errors",
            description: "The function failed at least once",
            namespace: "AWS/Lambda",
            metricName: "Errors",
            dimensions: pick(watched.lambdaFunction, ["FunctionName"]),
            statistic: "Sum",
            threshold: 1,
            comparisonOperator: "GreaterThanOrEqualToThreshold",
            evaluationPeriods: 1,
        });
    }
    if (watched.deadLetterQueue) {
        specs.push({
            ...base,
            role: "dlq-depth",
            description: "Messages that failed every retry are waiting in the dead-letter queue",
            namespace: "AWS/SQS",
            metricName: "ApproximateNumberOfMessagesVisible",
            dimensions: pick(watched.deadLetterQueue, ["QueueName"]),
            statistic: "Maximum",
            threshold: 1,
            comparisonOperator: "GreaterThanOrEqualToThreshold",
            evaluationPeriods: 1,
        });
    }
    specs.push(...watchedListAlarms(watched.lambdaFunctions, watched.deadLetterQueues));
    return specs;
}

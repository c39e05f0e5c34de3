import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { cloudWatchAlarmsPublisher, topicAccessPolicy, topicKeyPolicy } from "../components/shared/topicPolicies";

/** Identifiers of the ingress, by mode: an ALB (prod) or an HTTP API (dev). */
export type IngressMetrics =
    | {
          readonly kind: "alb";
          readonly loadBalancerArnSuffix: pulumi.Input<string>;
          readonly targetGroupArnSuffix: pulumi.Input<string>;
      }
    | { readonly kind: "httpApi"; readonly apiId: pulumi.Input<string> };

/** Alarm thresholds (defaults in stacks/config.ts). */
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

/** Everything the alarms and the dashboard watch. */
export interface ObservabilityArgs {
    readonly region: pulumi.Input<string>;
    readonly alarmEmails: readonly string[];
    readonly ingress: IngressMetrics;
    readonly clusterName: pulumi.Input<string>;
    readonly serviceName: pulumi.Input<string>;
    readonly appLogGroupName: pulumi.Input<string>;
    readonly dbInstanceIdentifier: pulumi.Input<string>;
    readonly functionName: pulumi.Input<string>;
    readonly deadLetterQueueName: pulumi.Input<string>;
    readonly thresholds: AlarmThresholds;
    readonly tags?: Record<string, string>;
}

/** One CloudWatch alarm, as plain data (unit-tested without Pulumi). */
export interface AlarmSpec {
    readonly role: string;
    readonly description: string;
    readonly namespace: string;
    readonly metricName: string;
    readonly dimensions: Record<string, pulumi.Input<string>>;
    readonly statistic: "Average" | "Sum" | "Maximum" | "Minimum";
    readonly threshold: number;
    readonly comparisonOperator: "GreaterThanOrEqualToThreshold" | "GreaterThanThreshold" | "LessThanThreshold";
    readonly periodSeconds: number;
    readonly evaluationPeriods: number;
    readonly treatMissingData: "notBreaching" | "breaching" | "missing";
}

const GiB = 1024 ** 3;

/** The alarm set of design notes 002/004, thresholds from config. */
export function alarmSpecs(a: ObservabilityArgs): AlarmSpec[] {
    const t = a.thresholds;
    const base = { periodSeconds: 300, evaluationPeriods: 2, treatMissingData: "notBreaching" as const };
    const ingress: AlarmSpec[] =
        a.ingress.kind === "alb"
            ? [
                  {
                      ...base,
                      role: "alb-target-5xx",
                      description: `Targets answered ${t.http5xxPer5Min}+ 5xx responses in 5 minutes`,
                      namespace: "AWS/ApplicationELB",
                      metricName: "HTTPCode_Target_5XX_Count",
                      dimensions: { LoadBalancer: a.ingress.loadBalancerArnSuffix },
                      statistic: "Sum",
                      threshold: t.http5xxPer5Min,
                      comparisonOperator: "GreaterThanOrEqualToThreshold",
                      evaluationPeriods: 1,
                  },
                  {
                      ...base,
                      role: "alb-elb-5xx",
                      description: `The load balancer itself answered ${t.http5xxPer5Min}+ 5xx responses in 5 minutes`,
                      namespace: "AWS/ApplicationELB",
                      metricName: "HTTPCode_ELB_5XX_Count",
                      dimensions: { LoadBalancer: a.ingress.loadBalancerArnSuffix },
                      statistic: "Sum",
                      threshold: t.http5xxPer5Min,
                      comparisonOperator: "GreaterThanOrEqualToThreshold",
                      evaluationPeriods: 1,
                  },
                  {
                      ...base,
                      role: "alb-response-time",
                      description: `Average target response time above ${t.responseTimeSeconds}s`,
                      namespace: "AWS/ApplicationELB",
                      metricName: "TargetResponseTime",
                      dimensions: { LoadBalancer: a.ingress.loadBalancerArnSuffix },
                      statistic: "Average",
                      threshold: t.responseTimeSeconds,
                      comparisonOperator: "GreaterThanThreshold",
                  },
                  {
                      ...base,
                      role: "alb-unhealthy-hosts",
                      description: "At least one target is unhealthy",
                      namespace: "AWS/ApplicationELB",
                      metricName: "UnHealthyHostCount",
                      dimensions: {
                          LoadBalancer: a.ingress.loadBalancerArnSuffix,
                          TargetGroup: a.ingress.targetGroupArnSuffix,
                      },
                      statistic: "Maximum",
                      threshold: 1,
                      comparisonOperator: "GreaterThanOrEqualToThreshold",
                  },
              ]
            : [
                  {
                      ...base,
                      role: "api-5xx",
                      description: `The HTTP API answered ${t.http5xxPer5Min}+ 5xx responses in 5 minutes`,
                      namespace: "AWS/ApiGateway",
                      metricName: "5xx",
                      dimensions: { ApiId: a.ingress.apiId },
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
                      dimensions: { ApiId: a.ingress.apiId },
                      statistic: "Average",
                      threshold: t.responseTimeSeconds * 1000,
                      comparisonOperator: "GreaterThanThreshold",
                  },
              ];
    const ecs = { ClusterName: a.clusterName, ServiceName: a.serviceName };
    const db = { DBInstanceIdentifier: a.dbInstanceIdentifier };
    return [
        ...ingress,
        {
            ...base,
            role: "ecs-cpu",
            description: `Service CPU above ${t.ecsCpuPercent}%`,
            namespace: "AWS/ECS",
            metricName: "CPUUtilization",
            dimensions: ecs,
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
            dimensions: ecs,
            statistic: "Average",
            threshold: t.ecsMemoryPercent,
            comparisonOperator: "GreaterThanThreshold",
        },
        {
            ...base,
            role: "rds-cpu",
            description: `Database CPU above ${t.dbCpuPercent}%`,
            namespace: "AWS/RDS",
            metricName: "CPUUtilization",
            dimensions: db,
            statistic: "Average",
            threshold: t.dbCpuPercent,
            comparisonOperator: "GreaterThanThreshold",
        },
        {
            ...base,
            role: "rds-free-storage",
            description: `Database free storage below ${t.dbFreeStorageGb} GiB`,
            namespace: "AWS/RDS",
            metricName: "FreeStorageSpace",
            dimensions: db,
            statistic: "Minimum",
            threshold: t.dbFreeStorageGb * GiB,
            comparisonOperator: "LessThanThreshold",
            evaluationPeriods: 1,
        },
        {
            ...base,
            role: "rds-connections",
            description: `Database connections above ${t.dbConnections}`,
            namespace: "AWS/RDS",
            metricName: "DatabaseConnections",
            dimensions: db,
            statistic: "Maximum",
            threshold: t.dbConnections,
            comparisonOperator: "GreaterThanThreshold",
        },
        {
            ...base,
            role: "lambda-errors",
            description: "The image resizer failed at least once",
            namespace: "AWS/Lambda",
            metricName: "Errors",
            dimensions: { FunctionName: a.functionName },
            statistic: "Sum",
            threshold: 1,
            comparisonOperator: "GreaterThanOrEqualToThreshold",
            evaluationPeriods: 1,
        },
        {
            ...base,
            role: "dlq-depth",
            description: "Images that failed every retry are waiting in the dead-letter queue",
            namespace: "AWS/SQS",
            metricName: "ApproximateNumberOfMessagesVisible",
            dimensions: { QueueName: a.deadLetterQueueName },
            statistic: "Maximum",
            threshold: 1,
            comparisonOperator: "GreaterThanOrEqualToThreshold",
            evaluationPeriods: 1,
        },
    ];
}

type Metric = (string | Record<string, string>)[];

/**
 * The dashboard of design note 004: ECS and ALB (or HTTP API) on the first
 * row, RDS and application logs on the second. Plain data: resolved
 * identifiers in, dashboard JSON out.
 */
export function dashboardBody(ids: {
    region: string;
    ingress: { kind: "alb"; loadBalancer: string; targetGroup: string } | { kind: "httpApi"; apiId: string };
    clusterName: string;
    serviceName: string;
    dbInstanceIdentifier: string;
    appLogGroupName: string;
}): string {
    const widget = (x: number, y: number, title: string, metrics: Metric[], stat = "Average") => ({
        type: "metric",
        x,
        y,
        width: 12,
        height: 6,
        properties: { title, region: ids.region, view: "timeSeries", stacked: false, period: 300, stat, metrics },
    });
    const ecs = ["ClusterName", ids.clusterName, "ServiceName", ids.serviceName];
    const db = ["DBInstanceIdentifier", ids.dbInstanceIdentifier];
    const ingressWidget =
        ids.ingress.kind === "alb"
            ? widget(12, 0, "ALB metrics", [
                  ["AWS/ApplicationELB", "RequestCount", "LoadBalancer", ids.ingress.loadBalancer, { stat: "Sum" }],
                  ["AWS/ApplicationELB", "TargetResponseTime", "LoadBalancer", ids.ingress.loadBalancer],
                  [
                      "AWS/ApplicationELB",
                      "HealthyHostCount",
                      "LoadBalancer",
                      ids.ingress.loadBalancer,
                      "TargetGroup",
                      ids.ingress.targetGroup,
                  ],
                  [
                      "AWS/ApplicationELB",
                      "HTTPCode_Target_2XX_Count",
                      "LoadBalancer",
                      ids.ingress.loadBalancer,
                      { stat: "Sum" },
                  ],
                  [
                      "AWS/ApplicationELB",
                      "HTTPCode_Target_4XX_Count",
                      "LoadBalancer",
                      ids.ingress.loadBalancer,
                      { stat: "Sum" },
                  ],
                  [
                      "AWS/ApplicationELB",
                      "HTTPCode_Target_5XX_Count",
                      "LoadBalancer",
                      ids.ingress.loadBalancer,
                      { stat: "Sum" },
                  ],
              ])
            : widget(12, 0, "HTTP API metrics", [
                  ["AWS/ApiGateway", "Count", "ApiId", ids.ingress.apiId, { stat: "Sum" }],
                  ["AWS/ApiGateway", "Latency", "ApiId", ids.ingress.apiId],
                  ["AWS/ApiGateway", "4xx", "ApiId", ids.ingress.apiId, { stat: "Sum" }],
                  ["AWS/ApiGateway", "5xx", "ApiId", ids.ingress.apiId, { stat: "Sum" }],
              ]);
    const widgets = [
        widget(0, 0, "ECS service metrics", [
            ["AWS/ECS", "CPUUtilization", ...ecs],
            ["AWS/ECS", "MemoryUtilization", ...ecs],
            ["ECS/ContainerInsights", "RunningTaskCount", ...ecs],
            ["ECS/ContainerInsights", "NetworkRxBytes", ...ecs],
            ["ECS/ContainerInsights", "NetworkTxBytes", ...ecs],
        ]),
        ingressWidget,
        widget(0, 6, "RDS metrics", [
            ["AWS/RDS", "DatabaseConnections", ...db],
            ["AWS/RDS", "ReadIOPS", ...db],
            ["AWS/RDS", "WriteIOPS", ...db],
            ["AWS/RDS", "CPUUtilization", ...db],
            ["AWS/RDS", "FreeStorageSpace", ...db],
        ]),
        {
            type: "log",
            x: 12,
            y: 6,
            width: 12,
            height: 6,
            properties: {
                title: "Application logs: recent errors",
                region: ids.region,
                view: "table",
                query: `SOURCE '${ids.appLogGroupName}' | fields @timestamp, @message | filter @message like /(?i)(error|exception)/ | sort @timestamp desc | limit 50`,
            },
        },
    ];
    return JSON.stringify({ widgets });
}

/**
 * Operations topic (email subscribers), the alarm set and the dashboard of
 * one environment.
 */
export class Observability extends pulumi.ComponentResource {
    public readonly topicArn: pulumi.Output<string>;
    public readonly dashboardName: pulumi.Output<string>;
    public readonly dashboardUrl: pulumi.Output<string>;
    public readonly alarmNames: pulumi.Output<string>[];

    constructor(name: string, args: ObservabilityArgs, opts?: pulumi.ComponentResourceOptions) {
        super("aws-webapp:index:Observability", name, {}, opts);
        const tags = { ...args.tags };
        const identity = aws.getCallerIdentityOutput({}, { parent: this });
        const partition = aws.getPartitionOutput({}, { parent: this }).partition;
        const scope = pulumi
            .all([identity.accountId, partition, args.region])
            .apply(([accountId, partition, region]) => ({ accountId, partition, region }));
        // CloudWatch can only publish to an encrypted topic through a customer
        // managed key whose policy lets it (about 1 USD a month).
        const key = new aws.kms.Key(
            `${name}-alarms-key`,
            {
                description: `Encrypts the ${name} operations alarm topic`,
                enableKeyRotation: true,
                deletionWindowInDays: 7,
                policy: scope.apply((s) => JSON.stringify(topicKeyPolicy(s, [cloudWatchAlarmsPublisher(s)]))),
                tags: { ...tags, Name: `${name}-alarms-key` },
            },
            { parent: this },
        );
        const topic = new aws.sns.Topic(
            `${name}-alarms`,
            { name: `${name}-alarms`, kmsMasterKeyId: key.arn, tags: { ...tags, Name: `${name}-alarms` } },
            { parent: this },
        );
        new aws.sns.TopicPolicy(
            `${name}-alarms-policy`,
            {
                arn: topic.arn,
                policy: pulumi
                    .all([topic.arn, scope])
                    .apply(([arn, s]) =>
                        JSON.stringify(topicAccessPolicy(arn, s.accountId, [cloudWatchAlarmsPublisher(s)])),
                    ),
            },
            { parent: this },
        );
        args.alarmEmails.forEach(
            (email, i) =>
                new aws.sns.TopicSubscription(
                    `${name}-alarms-email-${i}`,
                    { topic: topic.arn, protocol: "email", endpoint: email },
                    { parent: this },
                ),
        );
        this.alarmNames = alarmSpecs(args).map((spec) => {
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
                    treatMissingData: spec.treatMissingData,
                    alarmActions: [topic.arn],
                    okActions: [topic.arn],
                    tags: { ...tags, Name: `${name}-${spec.role}` },
                },
                { parent: this },
            );
            return alarm.name;
        });
        const ingressIds = (() => {
            const ingress = args.ingress;
            return ingress.kind === "alb"
                ? pulumi
                      .all([ingress.loadBalancerArnSuffix, ingress.targetGroupArnSuffix])
                      .apply(([loadBalancer, targetGroup]) => ({ kind: "alb" as const, loadBalancer, targetGroup }))
                : pulumi.output(ingress.apiId).apply((apiId) => ({ kind: "httpApi" as const, apiId }));
        })();
        const dashboard = new aws.cloudwatch.Dashboard(
            `${name}-dashboard`,
            {
                dashboardName: `${name}-overview`,
                dashboardBody: pulumi
                    .all({
                        region: args.region,
                        ingress: ingressIds,
                        clusterName: args.clusterName,
                        serviceName: args.serviceName,
                        dbInstanceIdentifier: args.dbInstanceIdentifier,
                        appLogGroupName: args.appLogGroupName,
                    })
                    .apply((ids) => dashboardBody(ids as Parameters<typeof dashboardBody>[0])),
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

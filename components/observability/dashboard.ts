import type {
    DbInstanceMetricDimensions,
    EcsServiceMetricDimensions,
    HttpApiMetricDimensions,
    LoadBalancerMetricDimensions,
} from "./dimensions";

/** What the dashboard shows, every identifier resolved. */
export interface DashboardIds {
    readonly region: string;
    readonly ecsService?: EcsServiceMetricDimensions;
    readonly loadBalancer?: LoadBalancerMetricDimensions;
    readonly httpApi?: HttpApiMetricDimensions;
    readonly database?: DbInstanceMetricDimensions;
    /** An Aurora Serverless v2 database: capacity in place of free storage. */
    readonly databaseServerless?: boolean;
    readonly appLogGroupName?: string;
}

type Metric = (string | Record<string, string>)[];

/**
 * The dashboard of design note 004: ECS service and ingress (ALB or HTTP
 * API) on the first row, RDS and application logs on the second; widgets of
 * what is not watched are left out and the rest flow two per row. Plain
 * data: resolved identifiers in, dashboard JSON out.
 */
export function dashboardBody(ids: DashboardIds): string {
    const metrics = (title: string, list: Metric[]) => ({
        type: "metric",
        properties: {
            title,
            region: ids.region,
            view: "timeSeries",
            stacked: false,
            period: 300,
            stat: "Average",
            metrics: list,
        },
    });
    const widgets: { type: string; properties: object }[] = [];
    if (ids.ecsService) {
        const ecs = ["ClusterName", ids.ecsService.ClusterName, "ServiceName", ids.ecsService.ServiceName];
        widgets.push(
            metrics("ECS service metrics", [
                ["AWS/ECS", "CPUUtilization", ...ecs],
                ["AWS/ECS", "MemoryUtilization", ...ecs],
                ["ECS/ContainerInsights", "RunningTaskCount", ...ecs],
                ["ECS/ContainerInsights", "NetworkRxBytes", ...ecs],
                ["ECS/ContainerInsights", "NetworkTxBytes", ...ecs],
            ]),
        );
    }
    if (ids.loadBalancer) {
        const lb = ["LoadBalancer", ids.loadBalancer.LoadBalancer];
        const sum = { stat: "Sum" };
        widgets.push(
            metrics("ALB metrics", [
                ["AWS/ApplicationELB", "RequestCount", ...lb, sum],
                ["AWS/ApplicationELB", "TargetResponseTime", ...lb],
                ["AWS/ApplicationELB", "HealthyHostCount", ...lb, "TargetGroup", ids.loadBalancer.TargetGroup],
                ["AWS/ApplicationELB", "HTTPCode_Target_2XX_Count", ...lb, sum],
                ["AWS/ApplicationELB", "HTTPCode_Target_4XX_Count", ...lb, sum],
                ["AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", ...lb, sum],
            ]),
        );
    }
    if (ids.httpApi) {
        const api = ["ApiId", ids.httpApi.ApiId];
        widgets.push(
            metrics("HTTP API metrics", [
                ["AWS/ApiGateway", "Count", ...api, { stat: "Sum" }],
                ["AWS/ApiGateway", "Latency", ...api],
                ["AWS/ApiGateway", "4xx", ...api, { stat: "Sum" }],
                ["AWS/ApiGateway", "5xx", ...api, { stat: "Sum" }],
            ]),
        );
    }
    if (ids.database) {
        const db = ["DBInstanceIdentifier", ids.database.DBInstanceIdentifier];
        widgets.push(
            metrics("RDS metrics", [
                ["AWS/RDS", "DatabaseConnections", ...db],
                ["AWS/RDS", "ReadIOPS", ...db],
                ["AWS/RDS", "WriteIOPS", ...db],
                ["AWS/RDS", "CPUUtilization", ...db],
                ...(ids.databaseServerless
                    ? [
                          ["AWS/RDS", "ServerlessDatabaseCapacity", ...db],
                          ["AWS/RDS", "ACUUtilization", ...db],
                      ]
                    : [["AWS/RDS", "FreeStorageSpace", ...db]]),
            ]),
        );
    }
    if (ids.appLogGroupName) {
        widgets.push({
            type: "log",
            properties: {
                title: "Application logs: recent errors",
                region: ids.region,
                view: "table",
                query: `SOURCE '${ids.appLogGroupName}' | fields @timestamp, @message | filter @message like /(?i)(error|exception)/ | sort @timestamp desc | limit 50`,
            },
        });
    }
    const placed = widgets.map((w, i) => ({
        type: w.type,
        x: (i % 2) * 12,
        y: Math.floor(i / 2) * 6,
        width: 12,
        height: 6,
        properties: w.properties,
    }));
    return JSON.stringify({ widgets: placed });
}

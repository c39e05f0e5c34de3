// The CloudWatch dimensions Observability watches, one named struct per AWS
// namespace. Each component exposes its own (PostgresDb.metricDimensions),
// so a stack hands them over without glue. Named interfaces with an index
// signature: Pulumi's component provider can describe them, and they stay
// assignable to a metric alarm's `dimensions`.

/** Dimensions of an Application Load Balancer and its target group (`AWS/ApplicationELB`). */
export interface LoadBalancerMetricDimensions {
    readonly [dimension: string]: string;
    /** The load balancer's ARN suffix, `app/<name>/<id>`. */
    readonly LoadBalancer: string;
    /** The target group's ARN suffix, `targetgroup/<name>/<id>`. */
    readonly TargetGroup: string;
}

/** Dimensions of an HTTP API (`AWS/ApiGateway`). */
export interface HttpApiMetricDimensions {
    readonly [dimension: string]: string;
    /** The API id. */
    readonly ApiId: string;
}

/** Dimensions of an ECS service (`AWS/ECS`, `ECS/ContainerInsights`). */
export interface EcsServiceMetricDimensions {
    readonly [dimension: string]: string;
    /** The cluster name. */
    readonly ClusterName: string;
    /** The service name. */
    readonly ServiceName: string;
}

/** Dimensions of an RDS DB instance (`AWS/RDS`); PostgresDb.metricDimensions has this shape. */
export interface DbInstanceMetricDimensions {
    readonly [dimension: string]: string;
    /** The RDS instance identifier. */
    readonly DBInstanceIdentifier: string;
}

/** Dimensions of a Lambda function (`AWS/Lambda`). */
export interface LambdaFunctionMetricDimensions {
    readonly [dimension: string]: string;
    /** The function name. */
    readonly FunctionName: string;
}

/** Dimensions of an SQS queue (`AWS/SQS`). */
export interface QueueMetricDimensions {
    readonly [dimension: string]: string;
    /** The queue name. */
    readonly QueueName: string;
}

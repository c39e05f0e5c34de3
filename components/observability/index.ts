// Operations: the alarm topic, alarms and dashboard over the metric dimensions components expose.
export { Observability, OBSERVABILITY_DEFAULTS, resolveObservabilityArgs } from "./observability";
export type { ObservabilityArgs, ObservabilitySettings } from "./observability";
export { alarmSpecs } from "./alarms";
export type { AlarmSpec, AlarmThresholds, WatchedMetrics } from "./alarms";
export { dashboardBody } from "./dashboard";
export { FUNCTION_ERROR_EVALUATION, FunctionRuns } from "./watchedLists";
export type { WatchedLambdaFunction, WatchedQueue } from "./watchedLists";
export type { DashboardIds } from "./dashboard";
export type {
    DbInstanceMetricDimensions,
    EcsServiceMetricDimensions,
    HttpApiMetricDimensions,
    LambdaFunctionMetricDimensions,
    LoadBalancerMetricDimensions,
    QueueMetricDimensions,
} from "./dimensions";

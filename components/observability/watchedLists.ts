// The lists of functions and failure queues an Observability watches (one
// alarm per item): their types, evaluation presets, checks and alarm specs.
import * as pulumi from "@pulumi/pulumi";
import { oneOf } from "../shared/checks";
import { isKnown, type Problems, show } from "../shared/validation";
import type { AlarmSpec } from "./alarms";
import type { LambdaFunctionMetricDimensions, QueueMetricDimensions } from "./dimensions";

/**
 * When a watched function's errors page, by how it is invoked:
 * - `onRequest`: any error in 5 minutes (request- or event-driven: a trigger, a stream consumer);
 * - `hourly`: errors in 2 of the last 3 one-hour periods (an hourly job: one failed run does not page,
 *   a second within three hours does);
 * - `daily`: errors on 2 days in a row (a daily job).
 *
 * PutMetricAlarm's limit holds for each: period × evaluation periods at most one day for periods under
 * an hour, at most 7 days otherwise.
 */
export const FUNCTION_ERROR_EVALUATION: Readonly<
    Record<
        FunctionRuns,
        { readonly periodSeconds: number; readonly evaluationPeriods: number; readonly datapointsToAlarm: number }
    >
> = {
    onRequest: { periodSeconds: 300, evaluationPeriods: 1, datapointsToAlarm: 1 },
    hourly: { periodSeconds: 3600, evaluationPeriods: 3, datapointsToAlarm: 2 },
    daily: { periodSeconds: 86400, evaluationPeriods: 2, datapointsToAlarm: 2 },
};

/** How a watched function is invoked: when its errors page (see {@link FUNCTION_ERROR_EVALUATION}). */
export const FunctionRuns = {
    /** Request- or event-driven (a trigger, a stream consumer): any error in 5 minutes. */
    OnRequest: "onRequest",
    /** An hourly job: errors in 2 of the last 3 one-hour periods. */
    Hourly: "hourly",
    /** A daily job: errors on 2 days in a row. */
    Daily: "daily",
} as const;
export type FunctionRuns = (typeof FunctionRuns)[keyof typeof FunctionRuns];

/** A Lambda function of {@link ObservabilityArgs.lambdaFunctions}: one error alarm. */
export interface WatchedLambdaFunction {
    /** The function's dimensions (`{ FunctionName }`). */
    readonly dimensions: pulumi.Input<LambdaFunctionMetricDimensions>;
    /**
     * Names the alarm `<name>-lambda-<label>-errors` (1 to 80 letters, digits, `.`, `-` or `_`); required when
     * `FunctionName` is an Output (a resource name must be known before the deployment).
     * @default dimensions.FunctionName, when it is a plain string
     */
    readonly label?: string;
    /** How the function is invoked: when its errors page (FUNCTION_ERROR_EVALUATION). @default "onRequest" */
    readonly runs?: FunctionRuns;
}

/** A failure queue of {@link ObservabilityArgs.deadLetterQueues}: one alarm on any message waiting. */
export interface WatchedQueue {
    /** The queue's dimensions (`{ QueueName }`). */
    readonly dimensions: pulumi.Input<QueueMetricDimensions>;
    /**
     * Names the alarm `<name>-dlq-<label>-depth` (1 to 80 letters, digits, `.`, `-` or `_`); required when
     * `QueueName` is an Output.
     * @default dimensions.QueueName, when it is a plain string
     */
    readonly label?: string;
}

const LABEL = /^[A-Za-z0-9._-]{1,80}$/;
const LABEL_RULE = "1 to 80 letters, digits, ., - or _";

interface ListKind {
    readonly key: "lambdaFunctions" | "deadLetterQueues";
    readonly dimension: "FunctionName" | "QueueName";
    readonly what: string;
}

const FUNCTIONS: ListKind = {
    key: "lambdaFunctions",
    dimension: "FunctionName",
    what: "{ dimensions: { FunctionName }, label?, runs? }",
};
const QUEUES: ListKind = {
    key: "deadLetterQueues",
    dimension: "QueueName",
    what: "{ dimensions: { QueueName }, label? }",
};

/** An item's label: the explicit one, else its plain dimension value; undefined when neither is known. */
function labelOf(item: WatchedLambdaFunction | WatchedQueue, dimension: ListKind["dimension"]): string | undefined {
    if (item.label !== undefined) return item.label;
    const dims = item.dimensions;
    if (!isKnown(dims) || typeof dims !== "object" || dims === null) return undefined;
    const value = (dims as Record<string, unknown>)[dimension];
    return isKnown(value) && typeof value === "string" ? value : undefined;
}

/** Checks one item; returns its label when it can name an alarm. */
function checkItem(problems: Problems, kind: ListKind, item: unknown, i: number): string | undefined {
    const at = `${kind.key}[${i}]`;
    if (typeof item !== "object" || item === null || Array.isArray(item)) {
        problems.add(`${at}: ${show(item)} is not a watched item: expected ${kind.what}`);
        return undefined;
    }
    const it = item as WatchedLambdaFunction & WatchedQueue;
    const dims = it.dimensions;
    let dimsOk = true;
    if (dims === undefined || (isKnown(dims) && (typeof dims !== "object" || dims === null))) {
        problems.add(
            `${at}.dimensions: ${show(dims)} is not a map of CloudWatch dimensions: expected { ${kind.dimension} }`,
        );
        dimsOk = false;
    } else if (isKnown(dims)) {
        const value = (dims as Record<string, unknown>)[kind.dimension];
        if (isKnown(value) && (typeof value !== "string" || value.length === 0)) {
            problems.add(
                `${at}.dimensions.${kind.dimension}: ${show(value)} is not a dimension value: expected a non-empty string`,
            );
            dimsOk = false;
        }
    }
    if (kind === FUNCTIONS && it.runs !== undefined)
        problems.check(`${at}.runs`, it.runs, oneOf(Object.values(FunctionRuns)));
    const label = labelOf(it, kind.dimension);
    if (it.label !== undefined && (typeof it.label !== "string" || !LABEL.test(it.label))) {
        problems.add(`${at}.label: ${show(it.label)} cannot name an alarm: expected ${LABEL_RULE}`);
        return undefined;
    }
    if (!dimsOk) return it.label;
    if (label === undefined) {
        problems.add(
            `${at}.label: undefined is required when dimensions.${kind.dimension} is not a plain string: expected ${LABEL_RULE} (it names the alarm)`,
        );
        return undefined;
    }
    if (!LABEL.test(label)) {
        problems.add(
            `${at}.dimensions.${kind.dimension}: ${show(label)} cannot name the alarm: expected ${LABEL_RULE}, or a label`,
        );
        return undefined;
    }
    return label;
}

/** Checks one list: a list, every item, every label unique. */
function checkList(problems: Problems, kind: ListKind, list: unknown): void {
    if (list === undefined) return;
    if (!Array.isArray(list)) {
        problems.add(`${kind.key}: ${show(list)} is not a list: expected a list of ${kind.what}`);
        return;
    }
    const seen = new Map<string, number>();
    list.forEach((item, i) => {
        const label = checkItem(problems, kind, item, i);
        if (label === undefined) return;
        const first = seen.get(label);
        if (first !== undefined)
            problems.add(
                `${kind.key}[${i}].label: ${show(label)} is already the label of ${kind.key}[${first}]: expected a label of its own (it names the alarm)`,
            );
        else seen.set(label, i);
    });
}

/** Checks `lambdaFunctions` and `deadLetterQueues` of an Observability's arguments (nothing registered). */
export function checkWatchedLists(
    problems: Problems,
    a: { readonly lambdaFunctions?: unknown; readonly deadLetterQueues?: unknown },
): void {
    checkList(problems, FUNCTIONS, a.lambdaFunctions);
    checkList(problems, QUEUES, a.deadLetterQueues);
}

/** The alarm of each watched function (errors) and failure queue (messages waiting); checked before. */
export function watchedListAlarms(
    functions: readonly WatchedLambdaFunction[] = [],
    queues: readonly WatchedQueue[] = [],
): AlarmSpec[] {
    const fnAlarms = functions.map((f): AlarmSpec => {
        const runs = f.runs ?? "onRequest";
        const evaluation = FUNCTION_ERROR_EVALUATION[runs];
        const label = labelOf(f, "FunctionName")!;
        const when =
            runs === "onRequest"
                ? "at least once in 5 minutes"
                : runs === "hourly"
                  ? "in 2 of the last 3 hours"
                  : "on 2 days in a row";
        return {
            ...evaluation,
            role: `lambda-${label}-errors`,
            description: `The function ${label} failed ${when}`,
            namespace: "AWS/Lambda",
            metricName: "Errors",
            dimensions: pickOne(f.dimensions, "FunctionName"),
            statistic: "Sum",
            threshold: 1,
            comparisonOperator: "GreaterThanOrEqualToThreshold",
            treatMissingData: "notBreaching",
        };
    });
    const queueAlarms = queues.map((q): AlarmSpec => {
        const label = labelOf(q, "QueueName")!;
        return {
            role: `dlq-${label}-depth`,
            description: `Messages that could not be processed are waiting in the queue ${label}`,
            namespace: "AWS/SQS",
            metricName: "ApproximateNumberOfMessagesVisible",
            dimensions: pickOne(q.dimensions, "QueueName"),
            statistic: "Maximum",
            threshold: 1,
            comparisonOperator: "GreaterThanOrEqualToThreshold",
            periodSeconds: 300,
            evaluationPeriods: 1,
            datapointsToAlarm: 1,
            treatMissingData: "notBreaching",
        };
    });
    return [...fnAlarms, ...queueAlarms];
}

/** The one dimension an alarm filters on: picked now when the struct is plain, else once known. */
function pickOne(
    dims: pulumi.Input<Record<string, string>>,
    key: string,
): pulumi.Input<Record<string, pulumi.Input<string>>> {
    return isKnown(dims) ? { [key]: dims[key] } : pulumi.output(dims).apply((d) => ({ [key]: d[key] }));
}

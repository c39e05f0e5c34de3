/**
 * JSON-line logging. Every line is one JSON object with time, level and msg;
 * lines about a request carry its `requestId`. Nothing here ever logs a
 * credential: callers pass classified reasons, never raw errors.
 */

/** Writes one log line (stdout in production, an array in tests). */
export type LogSink = (line: string) => void;

export type LogLevel = "info" | "warn" | "error";

/** Structured logger. */
export type Log = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => void;

/** Default sink: stdout, which the awslogs driver ships to CloudWatch Logs. */
export const stdoutSink: LogSink = (line) => {
    process.stdout.write(`${line}\n`);
};

/** A logger writing JSON lines to `sink`. */
export function jsonLog(sink: LogSink = stdoutSink): Log {
    return (level, msg, fields = {}) => sink(JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields }));
}

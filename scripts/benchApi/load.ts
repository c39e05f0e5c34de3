/**
 * The load generator of `npm run bench:api` (its own process, pinned to its
 * own core): `connections` keep-alive HTTP/1.1 connections on raw sockets,
 * each sending its next request once the previous answer is complete
 * (closed loop, no pipelining), with every request's bytes built before the
 * run. Node's http client costs more CPU per request than the API's server
 * side does, so with it the generator, not the API, was what the figures
 * measured. Bounded in time and count; every answer is parsed (status line,
 * content-length) and any status but the expected one counts as an error.
 */
import * as net from "net";

export interface LoadSpec {
    readonly port: number;
    readonly method: "GET" | "POST";
    /** Paths to cycle through (GET), or one path (POST). */
    readonly paths: readonly string[];
    /** Bearer access token of each path (same index; the API checks every request's token). */
    readonly tokens: readonly string[];
    readonly body?: string;
    readonly expect: number;
    readonly connections: number;
    readonly warmupMs: number;
    readonly durationMs: number;
}

export interface LoadResult {
    /** Answers measured (after the warm-up, within the duration). */
    readonly requests: number;
    /** Every answer, warm-up included. */
    readonly total: number;
    readonly errors: number;
    readonly rps: number;
    readonly p50: number;
    readonly p90: number;
    readonly p99: number;
    readonly max: number;
}

export const MAX_REQUESTS = 500_000;

const percentile = (sorted: Float64Array, p: number) =>
    sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/** The bytes of each request (one per path/token pair). */
export function requestBytes(spec: LoadSpec): Buffer[] {
    return spec.paths.map((p, i) => {
        const head = [
            `${spec.method} ${p} HTTP/1.1`,
            `host: 127.0.0.1:${spec.port}`,
            `authorization: Bearer ${spec.tokens[i % spec.tokens.length]}`,
            ...(spec.body ? ["content-type: application/json", `content-length: ${Buffer.byteLength(spec.body)}`] : []),
        ];
        return Buffer.from(`${head.join("\r\n")}\r\n\r\n${spec.body ?? ""}`);
    });
}

const HEADER_END = Buffer.from("\r\n\r\n");

/**
 * The first complete answer in `buf`: its status and length in bytes, or
 * undefined while incomplete. Throws on an answer without content-length.
 */
export function parseAnswer(buf: Buffer): { status: number; length: number; close: boolean } | undefined {
    const end = buf.indexOf(HEADER_END);
    if (end < 0) return undefined;
    const head = buf.toString("latin1", 0, end);
    const status = Number(head.slice(9, 12));
    const length = /\r\ncontent-length: *(\d+)/i.exec(head);
    if (!length) throw new Error(`an answer without content-length: ${head.split("\r\n")[0]}`);
    const total = end + HEADER_END.length + Number(length[1]);
    if (buf.length < total) return undefined;
    return { status, length: total, close: /\r\nconnection: *close/i.test(head) };
}

export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
    const requests = requestBytes(spec);
    const latencies = new Float64Array(MAX_REQUESTS);
    let measured = 0;
    let total = 0;
    let sent = 0;
    let errors = 0;
    const started = performance.now();
    const measureFrom = started + spec.warmupMs;
    const end = measureFrom + spec.durationMs;

    const connection = () =>
        new Promise<void>((done) => {
            let socket: net.Socket;
            let pending: Buffer = Buffer.alloc(0);
            let t0 = 0;
            let inFlight = false;
            const next = () => {
                if (performance.now() >= end || sent >= MAX_REQUESTS) {
                    socket.end();
                    return done();
                }
                inFlight = true;
                t0 = performance.now();
                socket.write(requests[sent++ % requests.length]);
            };
            const open = () => {
                pending = Buffer.alloc(0);
                socket = net.connect({ host: "127.0.0.1", port: spec.port, noDelay: true }, next);
                socket.on("data", (chunk: Buffer) => {
                    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
                    let answer: ReturnType<typeof parseAnswer>;
                    try {
                        answer = parseAnswer(pending);
                    } catch {
                        errors += 1;
                        inFlight = false;
                        socket.destroy();
                        return;
                    }
                    if (!answer) return;
                    const t1 = performance.now();
                    inFlight = false;
                    total += 1;
                    pending = pending.subarray(answer.length);
                    if (answer.status !== spec.expect) errors += 1;
                    if (t0 >= measureFrom && t1 <= end && measured < MAX_REQUESTS) latencies[measured++] = t1 - t0;
                    if (answer.close) socket.destroy();
                    else next();
                });
                socket.on("error", () => undefined);
                socket.on("close", () => {
                    if (inFlight) errors += 1;
                    inFlight = false;
                    if (performance.now() < end && sent < MAX_REQUESTS) open();
                    else done();
                });
            };
            open();
        });

    await Promise.all(Array.from({ length: spec.connections }, connection));
    const sorted = latencies.subarray(0, measured).sort();
    const round = (n: number) => Math.round(n * 100) / 100;
    return {
        requests: measured,
        total,
        errors,
        rps: Math.round(measured / (spec.durationMs / 1000)),
        p50: round(percentile(sorted, 50)),
        p90: round(percentile(sorted, 90)),
        p99: round(percentile(sorted, 99)),
        max: round(sorted[sorted.length - 1] ?? NaN),
    };
}

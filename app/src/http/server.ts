/**
 * The HTTP server shell around the router: request ids, a request target that
 * is parsed without throwing, JSON errors for everything (including what the
 * HTTP parser refuses), timeouts, and graceful shutdown.
 */
import * as crypto from "crypto";
import * as http from "http";
import type * as net from "net";
import type { Log } from "../log";
import { badRequest, HttpError, sendError } from "./respond";
import { parseTarget, type Target } from "./target";

/** What a route handler gets for one request. */
export interface RequestContext {
    readonly req: http.IncomingMessage;
    readonly res: http.ServerResponse;
    readonly target: Target;
    readonly requestId: string;
    readonly log: Log;
}

export type Handler = (ctx: RequestContext) => Promise<void> | void;

/**
 * Connection timeouts. The keep-alive timeout is longer than the load
 * balancer's idle timeout (60 s) so the ALB closes idle connections first and
 * never reuses one Node has just closed (502s); request headers must arrive
 * within 10 s of the request's first byte (slow-header clients), a whole
 * request within 30 s.
 */
export const TIMEOUTS = {
    keepAliveMs: 65_000,
    headersMs: 10_000,
    requestMs: 30_000,
    /** How often Node checks connections against the header and request timeouts. */
    checkIntervalMs: 1_000,
} as const;

export type Timeouts = { readonly [K in keyof typeof TIMEOUTS]: number };

export interface HttpService {
    readonly server: http.Server;
    /** True once shutdown() was called. */
    readonly closing: boolean;
    /**
     * Stops accepting connections, closes idle keep-alive connections, answers
     * requests in flight (and any that still arrive on open connections) with
     * `Connection: close`, and resolves once every connection is gone.
     */
    shutdown(): Promise<void>;
}

const REQUEST_ID = /^[A-Za-z0-9._:=/+-]{1,128}$/;

/** The caller's `x-request-id` when it is a sane token, else a new UUID. */
export function requestIdOf(header: string | string[] | undefined): string {
    return typeof header === "string" && REQUEST_ID.test(header) ? header : crypto.randomUUID();
}

/** Safe summary of an unexpected error for the log: no stack, bounded message. */
function errorFields(err: unknown): Record<string, unknown> {
    const e = (err ?? {}) as { name?: unknown; code?: unknown; message?: unknown };
    return {
        error: typeof e.name === "string" ? e.name : typeof err,
        ...(typeof e.code === "string" ? { code: e.code } : {}),
        ...(typeof e.message === "string" ? { detail: e.message.slice(0, 200) } : {}),
    };
}

const CLIENT_ERROR_STATUS: Record<string, [number, string]> = {
    HPE_HEADER_OVERFLOW: [431, "Request Header Fields Too Large"],
    ERR_HTTP_REQUEST_TIMEOUT: [408, "Request Timeout"],
    ERR_HTTP_HEADERS_TIMEOUT: [408, "Request Timeout"],
};

/** Answers what the HTTP parser refused (bad request line, oversized headers, timeouts) with JSON, then closes. */
function onClientError(err: Error & { code?: string }, socket: net.Socket): void {
    if (err.code === "ECONNRESET" || !socket.writable) {
        socket.destroy();
        return;
    }
    const [status, text] = CLIENT_ERROR_STATUS[err.code ?? ""] ?? [400, "Bad Request"];
    const body = JSON.stringify({ error: status === 400 ? "invalid_request" : "request_refused", message: text });
    socket.end(
        `HTTP/1.1 ${status} ${text}\r\ncontent-type: application/json; charset=utf-8\r\n` +
            `content-length: ${Buffer.byteLength(body)}\r\ncache-control: no-store\r\nconnection: close\r\n\r\n${body}`,
    );
}

/** Builds the server (not listening yet). */
export function createHttpService(handler: Handler, log: Log, timeouts: Timeouts = TIMEOUTS): HttpService {
    const active = new Set<http.ServerResponse>();
    let closing = false;
    let closed: Promise<void> | undefined;

    const server = http.createServer(
        {
            keepAliveTimeout: timeouts.keepAliveMs,
            headersTimeout: timeouts.headersMs,
            requestTimeout: timeouts.requestMs,
            connectionsCheckingInterval: timeouts.checkIntervalMs,
        },
        (req, res) => {
            const requestId = requestIdOf(req.headers["x-request-id"]);
            res.setHeader("x-request-id", requestId);
            if (closing) res.setHeader("connection", "close");
            active.add(res);
            res.once("close", () => active.delete(res));
            const fail = (err: unknown) => {
                if (!(err instanceof HttpError) || err.status >= 500) {
                    log("error", "request failed", {
                        requestId,
                        method: req.method,
                        path: target?.path,
                        ...errorFields(err),
                    });
                }
                if (!res.headersSent) req.resume();
                sendError(res, err, requestId);
            };
            const target = parseTarget(req.url);
            if (!target) return fail(badRequest("malformed request target"));
            try {
                Promise.resolve(handler({ req, res, target, requestId, log })).catch(fail);
            } catch (err) {
                fail(err);
            }
        },
    );
    server.on("clientError", onClientError);
    return {
        server,
        get closing() {
            return closing;
        },
        shutdown() {
            if (!closed) {
                closing = true;
                for (const res of active) if (!res.headersSent) res.setHeader("connection", "close");
                closed = new Promise<void>((resolve) => server.close(() => resolve()));
                server.closeIdleConnections();
            }
            return closed;
        },
    };
}

/**
 * JSON responses and errors. Every answer, success or failure, is JSON with
 * `cache-control: no-store`; errors are `{error, message, requestId}` (plus
 * `details: [{field, message}]` for validation) and never carry a stack trace or server text.
 */
import type * as http from "http";

/** One problem with a request field. */
export interface Issue {
    readonly field: string;
    readonly message: string;
}

/** A failure with a status, a stable machine code and a safe message. */
export class HttpError extends Error {
    constructor(
        readonly status: number,
        readonly code: string,
        message: string,
        readonly issues?: readonly Issue[],
        readonly headers: Readonly<Record<string, string>> = {},
    ) {
        super(message);
        this.name = "HttpError";
    }
}

export const badRequest = (message: string, issues?: readonly Issue[]) =>
    new HttpError(400, "invalid_request", message, issues);
export const notFound = (message = "not found") => new HttpError(404, "not_found", message);
export const methodNotAllowed = (allow: readonly string[]) =>
    new HttpError(405, "method_not_allowed", "method not allowed", undefined, { allow: allow.join(", ") });

/** Writes a JSON body (omitted for HEAD). */
export function sendJson(
    res: http.ServerResponse,
    status: number,
    body: unknown,
    headers: Readonly<Record<string, string>> = {},
): void {
    if (res.headersSent) {
        res.end();
        return;
    }
    const text = body === undefined ? "" : JSON.stringify(body);
    res.writeHead(status, {
        ...headers,
        ...(text ? { "content-type": "application/json; charset=utf-8" } : {}),
        "content-length": String(Buffer.byteLength(text)),
        "cache-control": "no-store",
        "x-content-type-options": "nosniff",
    });
    res.end(res.req?.method === "HEAD" ? undefined : text);
}

/** Writes an HttpError (or a generic 500 for anything else) as JSON. */
export function sendError(res: http.ServerResponse, err: unknown, requestId: string): void {
    const e = err instanceof HttpError ? err : new HttpError(500, "internal_error", "internal error");
    sendJson(
        res,
        e.status,
        { error: e.code, message: e.message, ...(e.issues ? { details: e.issues } : {}), requestId },
        e.headers,
    );
}

/** Largest JSON body accepted (bytes). */
export const MAX_JSON_BYTES = 16 * 1024;

/**
 * Reads and parses a JSON request body: 415 unless the content type is JSON,
 * 413 above `limit` bytes, 400 for invalid JSON.
 */
export async function readJson(req: http.IncomingMessage, limit = MAX_JSON_BYTES): Promise<unknown> {
    const type = (req.headers["content-type"] ?? "").split(";")[0].trim().toLowerCase();
    if (type !== "application/json") {
        req.resume();
        throw new HttpError(415, "unsupported_media_type", "expected content-type application/json");
    }
    const declared = Number(req.headers["content-length"] ?? "0");
    if (declared > limit) {
        req.resume();
        throw new HttpError(413, "payload_too_large", `request body is larger than ${limit} bytes`);
    }
    const body = await new Promise<Buffer>((resolve, reject) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const onData = (chunk: Buffer) => {
            size += chunk.length;
            if (size > limit) {
                // Keep draining (not destroying) so the 413 can still be written.
                req.off("data", onData);
                req.resume();
                reject(new HttpError(413, "payload_too_large", `request body is larger than ${limit} bytes`));
            } else chunks.push(chunk);
        };
        req.on("data", onData);
        req.once("end", () => resolve(Buffer.concat(chunks)));
        req.once("error", () => reject(badRequest("request body could not be read")));
    });
    try {
        return JSON.parse(body.toString("utf8"));
    } catch {
        throw badRequest("request body is not valid JSON");
    }
}

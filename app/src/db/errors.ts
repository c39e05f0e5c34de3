/** Maps database errors to short, safe reasons (no server text, no stack, no credential). */

const TLS_CODES = new Set([
    "SELF_SIGNED_CERT_IN_CHAIN",
    "DEPTH_ZERO_SELF_SIGNED_CERT",
    "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
    "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
    "CERT_HAS_EXPIRED",
    "ERR_TLS_CERT_ALTNAME_INVALID",
]);

/** Classifies a connection or query error. */
export function classifyDbError(err: unknown): { reason: string; code?: string } {
    const e = (err ?? {}) as { code?: unknown; message?: unknown };
    const code = typeof e.code === "string" && /^[A-Z0-9_]{2,40}$/.test(e.code) ? e.code : undefined;
    const message = typeof e.message === "string" ? e.message : "";
    if (code === "28P01" || (code === "28000" && /password|authentication/i.test(message))) {
        return { reason: "authentication failed", code };
    }
    if (code === "28000") return { reason: "connection rejected by the server (pg_hba: TLS required?)", code };
    if (code === "3D000") return { reason: "database does not exist", code };
    if (code === "ECONNREFUSED") return { reason: "database unreachable: connection refused", code };
    if (code === "ENOTFOUND" || code === "EAI_AGAIN") return { reason: "database host not found", code };
    if (code === "ETIMEDOUT" || /timeout/i.test(message)) return { reason: "database unreachable: timed out", code };
    if (code === "ECONNRESET") return { reason: "database connection reset", code };
    if ((code && TLS_CODES.has(code)) || /certificate/i.test(message)) {
        return { reason: "TLS verification of the database server failed", code };
    }
    if (/does not support SSL/i.test(message)) return { reason: "database server does not support TLS" };
    if (/Connection terminated|connection is closed|Client has encountered a connection error/i.test(message)) {
        return { reason: "database connection lost", code };
    }
    if (code === "57P01" || code === "57P02" || code === "57P03") return { reason: "database shutting down", code };
    if (code === "53300") return { reason: "too many database connections", code };
    if (code && /^[0-9A-Z]{5}$/.test(code)) return { reason: "database error", code };
    return { reason: "database check failed", code };
}

/**
 * True when the error means the database cannot be used at all right now
 * (unreachable, authentication, TLS, shutting down), as opposed to an error
 * of one statement (constraint, syntax) that the caller handles.
 */
export function isAvailabilityError(err: unknown): boolean {
    const code = (err as { code?: unknown } | null)?.code;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) {
        return /^(08|28|53|57P|3D)/.test(code);
    }
    return true;
}

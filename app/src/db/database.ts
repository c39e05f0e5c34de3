/**
 * What routes use to query: the traffic pool behind a readiness gate (the
 * start-up migration must have run) that turns "database unusable" errors
 * into a 503 and a state change, logged once, instead of a line per request.
 */
import type { Pool, QueryConfig, QueryResult, QueryResultRow } from "pg";
import { HttpError } from "../http/respond";
import { classifyDbError, isAvailabilityError } from "./errors";
import type { DbStatus } from "./status";

export class Database {
    /** False until the start-up migration has succeeded (or was not needed). */
    ready = false;

    constructor(
        readonly pool: Pool,
        readonly status: DbStatus,
    ) {}

    /** Runs one statement; 503 when the database is not ready or not usable. */
    async query<R extends QueryResultRow = QueryResultRow>(
        query: string | QueryConfig,
        values?: unknown[],
    ): Promise<QueryResult<R>> {
        if (!this.ready) throw new HttpError(503, "unavailable", "database not ready");
        try {
            const result = await this.pool.query<R>(query as QueryConfig, values);
            this.status.observe({ ok: true, latencyMs: 0 });
            return result;
        } catch (err) {
            if (!isAvailabilityError(err)) throw err;
            this.status.observe({ ok: false, ...classifyDbError(err) });
            throw new HttpError(503, "unavailable", "database unavailable");
        }
    }
}

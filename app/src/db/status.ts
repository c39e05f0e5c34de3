/**
 * What the process knows about its database: one shared, briefly cached
 * health check and a state that is logged when it changes, never per request.
 * `/api/health/db` is public: a burst of requests (or an attacker) costs one
 * `SELECT 1` per cache period, and a database outage writes one log line.
 */
import type { Log } from "../log";

/** Result of one database check. */
export type DbCheck = { ok: true; latencyMs: number } | { ok: false; reason: string; code?: string };

export interface DbStatusOptions {
    /** Runs one check (a `SELECT 1` through the pool). */
    readonly check: () => Promise<DbCheck>;
    readonly log: Log;
    /** How long one check result is reused (ms). @default 1000 */
    readonly cacheMs?: number;
    readonly now?: () => number;
}

export interface DbStatus {
    /** The current check result: the cached one, the one in flight, or a new check. */
    current(): Promise<DbCheck>;
    /** Records what a request just saw (logged only when the state changes). */
    observe(result: DbCheck): void;
    /** Number of checks run (for tests and metrics). */
    readonly checks: number;
}

/** The state that is logged: up or down (the reason is logged with the change, not as a change of its own). */
const stateOf = (r: DbCheck) => (r.ok ? "up" : "down");

/** Builds the shared status of one database. */
export function createDbStatus(options: DbStatusOptions): DbStatus {
    const cacheMs = options.cacheMs ?? 1000;
    const now = options.now ?? Date.now;
    let state: string | undefined;
    let cached: { result: DbCheck; at: number } | undefined;
    let inFlight: Promise<DbCheck> | undefined;
    let checks = 0;

    const observe = (result: DbCheck) => {
        const next = stateOf(result);
        if (next === state) return;
        const first = state === undefined;
        state = next;
        if (result.ok) options.log("info", first ? "database available" : "database available again");
        else options.log("warn", "database unavailable", { reason: result.reason, code: result.code });
    };

    return {
        get checks() {
            return checks;
        },
        observe,
        current() {
            if (cached && now() - cached.at < cacheMs) return Promise.resolve(cached.result);
            inFlight ??= (async () => {
                checks += 1;
                let result: DbCheck;
                try {
                    result = await options.check();
                } catch {
                    result = { ok: false, reason: "database check failed" };
                }
                cached = { result, at: now() };
                inFlight = undefined;
                observe(result);
                return result;
            })();
            return inFlight;
        },
    };
}

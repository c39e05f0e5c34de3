// Polls the image status until the renditions are ready or failed, backing off gently.
import type { ImageState } from "./api";

export interface PollOptions {
    /** First wait between two requests. @default 500 */
    readonly initialDelayMs?: number;
    /** Longest wait between two requests. @default 3000 */
    readonly maxDelayMs?: number;
    /** Give up after this long. @default 120000 */
    readonly timeoutMs?: number;
    readonly sleep?: (ms: number) => Promise<void>;
    readonly now?: () => number;
    /** Called with each answer (to show progress). */
    readonly onState?: (state: ImageState) => void;
}

/** Wait before attempt `n` (0-based): 1.5× growth from the initial delay, capped. */
export function delayFor(attempt: number, initialDelayMs: number, maxDelayMs: number): number {
    return Math.min(maxDelayMs, Math.round(initialDelayMs * 1.5 ** attempt));
}

export class PollTimeout extends Error {
    constructor(readonly last: ImageState | undefined) {
        super("The renditions did not appear in time.");
        this.name = "PollTimeout";
    }
}

/** Calls `get` until it answers ready or failed; throws PollTimeout after timeoutMs. */
export async function pollImage(get: () => Promise<ImageState>, options: PollOptions = {}): Promise<ImageState> {
    const initial = options.initialDelayMs ?? 500;
    const max = options.maxDelayMs ?? 3000;
    const timeout = options.timeoutMs ?? 120_000;
    const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    const now = options.now ?? (() => Date.now());
    const started = now();
    let last: ImageState | undefined;
    for (let attempt = 0; ; attempt++) {
        last = await get();
        options.onState?.(last);
        if (last.status !== "pending") return last;
        if (now() - started >= timeout) throw new PollTimeout(last);
        await sleep(delayFor(attempt, initial, max));
    }
}

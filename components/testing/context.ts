/**
 * What the mocks' answers depend on: the account and region they report and
 * a registration counter that keeps made-up ids distinct. A mock engine is
 * one such context; nothing here is module state.
 */

/** The account id the mocks report unless told otherwise. */
export const ACCOUNT_ID = "123456789012";
/** The region the mocks report unless the program's `aws:region` or the engine says otherwise. */
export const DEFAULT_REGION = "us-east-1";

export interface MockContext {
    readonly accountId: string;
    readonly region: string;
    /** Registrations answered so far (ids are made from it). */
    readonly serial: number;
}

/**
 * Deterministic hex digits for ids, distinct per `n`. 32-bit integer maths
 * (Math.imul): plain multiplication loses the low bits beyond 2^53, which
 * made most ids all zeros and so equal across resources.
 */
export function hex(n: number, len: number): string {
    let h = "";
    let x = (Math.imul(n, 2654435761) + len) >>> 0;
    while (h.length < len) {
        x = (Math.imul(x, 1103515245) + 12345) >>> 0;
        h += (x >>> 28).toString(16);
    }
    return h;
}

/** An ARN in the context's partition, account and (unless `global`) region. */
export function arn(c: MockContext, svc: string, resource: string, global = false): string {
    return `arn:aws:${svc}:${global ? "" : c.region}:${c.accountId}:${resource}`;
}

/** The first `count` zone names of the context's region (`us-east-1a`, ...). */
export function zoneNames(c: MockContext, count: number): string[] {
    return Array.from({ length: count }, (_, i) => `${c.region}${"abcdef"[i]}`);
}

/**
 * Helpers over resource inputs: turning what the engine hands over into plain
 * JSON, and reading typed values out of it without trusting its shape.
 */

/** The value Pulumi uses for "known only after the deployment" (preview). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
/** Signature key of serialized secrets, assets and archives. */
const SIG = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const ASSET_SIG = "c44067f5952c0a294b673a41bacd8c17";
const ARCHIVE_SIG = "0def7320c3a5731c473e5ecbe6d01bc7";

/** Rendering of a value known only after the deployment. */
export const COMPUTED = "<computed>";
export const SECRET = "<secret>";

/**
 * Plain JSON of an input value: unknowns become `<computed>`, secrets
 * `<secret>`, assets and archives `<archive path>`; keys starting with `__`
 * (provider bookkeeping such as `__defaults`) are dropped.
 */
export function normalize(value: unknown): unknown {
    if (value === UNKNOWN) return COMPUTED;
    if (value === null || value === undefined) return value ?? null;
    if (typeof value !== "object") return typeof value === "function" ? undefined : value;
    if (Array.isArray(value)) return value.map(normalize);
    const o = value as Record<string, unknown>;
    const sig = o[SIG];
    if (sig === SECRET_SIG) return SECRET;
    if (sig === ASSET_SIG || sig === ARCHIVE_SIG || o.__pulumiAsset || o.__pulumiArchive) {
        const where = typeof o.path === "string" ? o.path : typeof o.uri === "string" ? o.uri : "inline";
        return `<${sig === ASSET_SIG || o.__pulumiAsset ? "asset" : "archive"} ${where}>`;
    }
    const proto = Object.getPrototypeOf(o);
    if (proto !== Object.prototype && proto !== null) {
        const name = (proto.constructor?.name as string | undefined) ?? "object";
        if (/Asset|Archive/.test(name)) return `<${name}>`;
    }
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(o).sort()) {
        if (key.startsWith("__")) continue;
        const v = normalize(o[key]);
        if (v !== undefined) out[key] = v;
    }
    return out;
}

/** Value at a dotted path (`a.b.0.c`), or undefined. */
export function at(value: unknown, path: string): unknown {
    let cur: unknown = value;
    for (const part of path.split(".")) {
        if (cur === null || typeof cur !== "object") return undefined;
        cur = (cur as Record<string, unknown>)[part];
    }
    return cur;
}

/** True when a value is a placeholder for something known only after deployment. */
export function isComputed(value: unknown): boolean {
    return value === COMPUTED || value === UNKNOWN;
}

/** A number, also from a numeric string ("30"); undefined otherwise. */
export function num(value: unknown): number | undefined {
    if (typeof value === "number" && Number.isFinite(value)) return value;
    if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value))) return Number(value);
    return undefined;
}

/** A boolean, also from "true"/"false" (launch templates use strings). */
export function bool(value: unknown): boolean | undefined {
    if (typeof value === "boolean") return value;
    if (value === "true") return true;
    if (value === "false") return false;
    return undefined;
}

/** A string that is known (not a computed placeholder). */
export function str(value: unknown): string | undefined {
    return typeof value === "string" && !isComputed(value) ? value : undefined;
}

/** An array, or undefined (also when the whole list is computed). */
export function list(value: unknown): unknown[] | undefined {
    return Array.isArray(value) ? value : undefined;
}

/** Short display of a value for reports: strings quoted, long values cut. */
export function display(value: unknown, max = 60): string {
    const s =
        value === undefined ? "undefined" : typeof value === "string" ? JSON.stringify(value) : JSON.stringify(value);
    return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/**
 * Request-target parsing that never throws. `new URL(req.url, base)` throws
 * on targets such as `//x:99999/api/health` (read as an authority with an
 * invalid port), `http://[::1/` or `http://x:65536/`; an uncaught throw in the
 * request handler used to crash the process and drop every connection.
 */

/** The parts of a request target the router uses. */
export interface Target {
    /** Path exactly as sent (not percent-decoded), always starting with one "/". */
    readonly path: string;
    readonly query: URLSearchParams;
}

/** Visible ASCII only: the HTTP parser already refuses spaces and controls, this also refuses what slips past. */
const VISIBLE_ASCII = /^[\x21-\x7e]*$/;

/**
 * Parses an origin-form (`/path?query`) or absolute-form (`http://host/path`)
 * target. Undefined for anything else (asterisk-form, authority-form, a path
 * starting with `//`, bad URLs): the caller answers 400.
 */
export function parseTarget(raw: string | undefined): Target | undefined {
    if (raw === undefined || raw.length === 0 || raw.length > 8192 || !VISIBLE_ASCII.test(raw)) return undefined;
    let path: string;
    let search: string;
    if (raw.startsWith("/")) {
        const q = raw.indexOf("?");
        path = q === -1 ? raw : raw.slice(0, q);
        search = q === -1 ? "" : raw.slice(q + 1);
    } else if (/^https?:\/\//i.test(raw)) {
        let url: URL;
        try {
            url = new URL(raw);
        } catch {
            return undefined;
        }
        path = url.pathname;
        search = url.search.slice(1);
    } else {
        return undefined;
    }
    // `//host/...` is ambiguous (a scheme-relative URL to some proxies): refuse it.
    if (path.startsWith("//")) return undefined;
    const hash = path.indexOf("#");
    if (hash !== -1) path = path.slice(0, hash);
    return { path, query: new URLSearchParams(search) };
}

/**
 * Reading the resize handler's rendition manifest (`renders/<source>/manifest.json`,
 * written last, after every rendition): version 1, `status` "ready" with
 * `renditions[{name, format, key, contentType, width, height, bytes}]`, or
 * "failed" with a `reason`. Anything else is treated as not there yet.
 */

/** One rendition as the API returns it. */
export interface Rendition {
    readonly name: string;
    readonly width: number;
    readonly height: number;
    readonly url: string;
    readonly contentType: string;
}

export type ImageState =
    | { readonly status: "ready"; readonly renditions: readonly Rendition[] }
    | { readonly status: "failed"; readonly renditions: readonly []; readonly reason: string }
    | { readonly status: "pending"; readonly renditions: readonly [] };

const KEY = /^[^\u0000-\u001f\u007f]{1,1024}$/;

/** `https://site/media` + `renders/a b.jpg/x.webp` -> `https://site/media/renders/a%20b.jpg/x.webp`. */
export function mediaUrl(baseUrl: string, key: string): string {
    return `${baseUrl}/${key.split("/").map(encodeURIComponent).join("/")}`;
}

/**
 * The image state a manifest describes; undefined when the text is not a
 * manifest (or lists renditions outside `rendersPrefix`, which the CDN would
 * not serve).
 */
export function parseManifest(text: string, rendersPrefix: string, mediaBaseUrl: string): ImageState | undefined {
    let m: unknown;
    try {
        m = JSON.parse(text);
    } catch {
        return undefined;
    }
    const o = (m ?? {}) as { version?: unknown; status?: unknown; renditions?: unknown; reason?: unknown };
    if (o.version !== 1) return undefined;
    if (o.status === "failed") {
        const reason = typeof o.reason === "string" && /^[a-z0-9-]{1,40}$/.test(o.reason) ? o.reason : "failed";
        return { status: "failed", renditions: [], reason };
    }
    if (o.status !== "ready" || !Array.isArray(o.renditions)) return undefined;
    const renditions: Rendition[] = [];
    for (const r of o.renditions as Record<string, unknown>[]) {
        const { name, key, width, height, contentType } = r ?? {};
        if (
            typeof name !== "string" ||
            typeof key !== "string" ||
            !KEY.test(key) ||
            !key.startsWith(rendersPrefix) ||
            !Number.isInteger(width) ||
            !Number.isInteger(height) ||
            typeof contentType !== "string"
        ) {
            return undefined;
        }
        renditions.push({
            name,
            width: width as number,
            height: height as number,
            url: mediaUrl(mediaBaseUrl, key),
            contentType,
        });
    }
    return { status: "ready", renditions };
}

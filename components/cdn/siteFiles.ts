// The built site's files as S3 objects: keys, content types and cache headers.
import * as fs from "fs";
import * as path from "path";

const CONTENT_TYPES: Readonly<Record<string, string>> = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".map": "application/json",
    ".webmanifest": "application/manifest+json",
    ".txt": "text/plain; charset=utf-8",
    ".xml": "application/xml",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".ico": "image/x-icon",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".wasm": "application/wasm",
    ".pdf": "application/pdf",
};

/** Content-Type of a file by its extension (case-insensitive); `application/octet-stream` when unknown. */
export function contentTypeOf(file: string): string {
    return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? "application/octet-stream";
}

/** Cache-Control of content-hashed files: a year, never revalidated. */
export const IMMUTABLE_CACHE_CONTROL = "public, max-age=31536000, immutable";

/** Cache-Control of every other file (index.html first): cached `seconds`, then revalidated. */
export function shortCacheControl(seconds: number): string {
    return `public, max-age=${seconds}, must-revalidate`;
}

/**
 * True for a file the bundler named by its content (`assets/index-B3xk9_aQ.js`):
 * under the assets directory, with a hash of 8+ characters before the extension.
 */
export function isHashedAsset(key: string, assetsDir: string): boolean {
    return key.startsWith(`${assetsDir}/`) && /[.-][A-Za-z0-9_-]{8,}\.[A-Za-z0-9]+$/.test(path.posix.basename(key));
}

/** One file of the site and how it is stored. */
export interface SiteFile {
    /** Absolute path on disk. */
    readonly path: string;
    /** Object key (POSIX relative path). */
    readonly key: string;
    readonly contentType: string;
    readonly cacheControl: string;
}

/** Relative POSIX paths of every regular file under `dir`, sorted (dot-files included; symlinks refused). */
export function listFiles(dir: string): string[] {
    const out: string[] = [];
    const walk = (rel: string) => {
        for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
            const child = rel === "" ? entry.name : `${rel}/${entry.name}`;
            if (entry.isDirectory()) walk(child);
            else if (entry.isFile()) out.push(child);
            else throw new Error(`${path.join(dir, child)} is not a regular file or directory`);
        }
    };
    walk("");
    return out.sort();
}

/** The site's files with their keys, content types and cache-control headers. */
export function siteFiles(dir: string, assetsDir: string, htmlCacheSeconds: number): SiteFile[] {
    return listFiles(dir).map((key) => ({
        path: path.join(dir, ...key.split("/")),
        key,
        contentType: contentTypeOf(key),
        cacheControl: isHashedAsset(key, assetsDir) ? IMMUTABLE_CACHE_CONTROL : shortCacheControl(htmlCacheSeconds),
    }));
}

/**
 * Object-key handling. S3 event notifications carry keys URL-encoded the way
 * HTML forms are (`+` for a space, `%XX` for UTF-8 bytes), so a key must be
 * decoded before it is used in an API call.
 *
 * Rendition layout (the contract with readers such as the API): the
 * renditions of `uploads/<path>` live under `renders/<path>/`, the source's
 * full name (extension included) kept, so `dup.jpg`, `dup.png` and `dup.JPG`
 * never share a folder:
 *
 *     uploads/albums/cat.JPG -> renders/albums/cat.JPG/{thumbnail,medium,large}.webp
 *                               renders/albums/cat.JPG/manifest.json
 *
 * When a key of that folder would exceed S3's 1024-byte key limit (or the path
 * starts with the reserved segment `.hashed`), the folder is
 * `renders/.hashed/<sha256 of <path>, hex>/` instead: deterministic, and no
 * upload can produce it by its own name.
 */
import { createHash } from "crypto";
import { PermanentError } from "./errors";

/** S3's limit on the UTF-8 length of an object key. */
export const MAX_KEY_BYTES = 1024;
/** The file holding the rendition manifest, inside a source's rendition folder. */
export const MANIFEST_FILE = "manifest.json";
/** First segment of the folders of hashed (shortened) rendition paths. */
export const HASHED_SEGMENT = ".hashed";

/** `uploads/my+photo%C3%A9.jpg` -> `uploads/my photoé.jpg`. */
export function decodeS3Key(encoded: string): string {
    return decodeURIComponent(encoded.replace(/\+/g, " "));
}

/**
 * The key relative to the uploads prefix (`uploads/albums/cat.jpg` ->
 * `albums/cat.jpg`), or undefined when the key is not a file under the
 * prefix (a "folder" key ending in `/`, or another prefix).
 */
export function relativeUploadPath(key: string, uploadsPrefix: string): string | undefined {
    if (!key.startsWith(uploadsPrefix) || key.endsWith("/")) return undefined;
    const relative = key.slice(uploadsPrefix.length);
    return relative === "" ? undefined : relative;
}

/**
 * Refuses keys with `.` or `..` segments: URL resolution (browsers, the CDN)
 * removes them, so `uploads/../uploads/x.jpg` would write renditions where
 * another path points, and the rendition folder must name exactly one upload.
 */
export function checkKeySegments(key: string): void {
    const bad = key.split("/").find((segment) => segment === "." || segment === "..");
    if (bad !== undefined) {
        throw new PermanentError("bad-key", `key has a ${JSON.stringify(bad)} segment, which URLs resolve away`);
    }
}

/** The UTF-8 byte length of a string. */
export function keyBytes(key: string): number {
    return Buffer.byteLength(key, "utf8");
}

/**
 * The folder (ending in `/`) holding every rendition and the manifest of the
 * upload at `relative` (its path under the uploads prefix). `longestFile` is
 * the longest file name written there (e.g. `thumbnail.webp`): when
 * `<rendersPrefix><relative>/<longestFile>` would exceed S3's key limit, the
 * folder is `<rendersPrefix>.hashed/<sha256(relative)>/`.
 */
export function renditionFolder(rendersPrefix: string, relative: string, longestFile: string): string {
    const plain = `${rendersPrefix}${relative}/`;
    const reserved = relative === HASHED_SEGMENT || relative.startsWith(`${HASHED_SEGMENT}/`);
    if (!reserved && keyBytes(plain) + keyBytes(longestFile) <= MAX_KEY_BYTES) return plain;
    return `${rendersPrefix}${HASHED_SEGMENT}/${createHash("sha256").update(relative, "utf8").digest("hex")}/`;
}

/** `<folder><rendition>.<extension>`. */
export function renditionKey(folder: string, rendition: string, extension: string): string {
    return `${folder}${rendition}.${extension}`;
}

/** `<folder>manifest.json`. */
export function manifestKey(folder: string): string {
    return `${folder}${MANIFEST_FILE}`;
}

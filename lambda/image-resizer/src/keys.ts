/**
 * Object-key handling. S3 event notifications carry keys URL-encoded the way
 * HTML forms are (`+` for a space, `%XX` for UTF-8 bytes), so a key must be
 * decoded before it is used in an API call.
 */

/** `uploads/my+photo%C3%A9.jpg` -> `uploads/my photoé.jpg`. */
export function decodeS3Key(encoded: string): string {
    return decodeURIComponent(encoded.replace(/\+/g, " "));
}

/**
 * The key relative to the uploads prefix, without its extension:
 * `uploads/albums/cat.final.jpg` -> `albums/cat.final`. Undefined when the
 * key is not a file under the prefix.
 */
export function stemOf(key: string, uploadsPrefix: string): string | undefined {
    if (!key.startsWith(uploadsPrefix) || key.endsWith("/")) return undefined;
    const relative = key.slice(uploadsPrefix.length);
    const slash = relative.lastIndexOf("/");
    const dot = relative.lastIndexOf(".");
    const stem = dot > slash + 1 ? relative.slice(0, dot) : relative;
    return stem === "" ? undefined : stem;
}

/** `renders/<stem>/<rendition>.<extension>`. */
export function renditionKey(rendersPrefix: string, stem: string, rendition: string, extension: string): string {
    return `${rendersPrefix}${stem}/${rendition}.${extension}`;
}

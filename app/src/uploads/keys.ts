/**
 * Upload ids and object keys, without a table. An upload id is a UUIDv7
 * (RFC 9562): unique, it carries its creation time (so "still pending" and
 * "never rendered" can be told apart), and its last hex digit, one of the
 * random bits, names the image type (index in IMAGE_TYPES), so the id alone
 * gives the object key. No user input ever reaches a key: no `..`, no
 * length surprises.
 *
 *   upload id    0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a50
 *   upload key   uploads/0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a50.jpg
 *   manifest     renders/0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a50.jpg/manifest.json
 *
 * The manifest path is the resize handler's: `<renders prefix><path under
 * the uploads prefix>/manifest.json`, the source's full name kept
 * (lambda/image-resizer/src/keys.ts).
 */
import * as crypto from "crypto";
import { IMAGE_TYPES, type ImageType } from "./types";

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** A new upload id for an image of `type`, created at `now` (Unix ms). */
export function newUploadId(type: ImageType, now = Date.now()): string {
    const index = IMAGE_TYPES.indexOf(type);
    if (index < 0) throw new Error(`not an image type: ${type.contentType}`);
    const b = crypto.randomBytes(16);
    b.writeUIntBE(now, 0, 6);
    b[6] = (b[6] & 0x0f) | 0x70; // version 7
    b[8] = (b[8] & 0x3f) | 0x80; // variant 10
    b[15] = (b[15] & 0xf0) | index;
    const h = b.toString("hex");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** What an upload id says: its creation time and image type; undefined when it is not one of ours. */
export function parseUploadId(id: string): { createdAt: number; type: ImageType } | undefined {
    if (!UUID_V7.test(id)) return undefined;
    const type = IMAGE_TYPES[parseInt(id[id.length - 1], 16)];
    if (!type) return undefined;
    return { createdAt: parseInt(id.slice(0, 8) + id.slice(9, 13), 16), type };
}

/** `uploads/<uploadId>.<extension>`. */
export const uploadKeyFor = (uploadsPrefix: string, uploadId: string, type: ImageType): string =>
    `${uploadsPrefix}${uploadId}.${type.extension}`;

/**
 * Where the resize handler writes the manifest of an upload:
 * `uploads/a/b.jpg` -> `renders/a/b.jpg/manifest.json`. Undefined for keys
 * outside the uploads prefix.
 */
export function manifestKeyFor(uploadKey: string, uploadsPrefix: string, rendersPrefix: string): string | undefined {
    if (!uploadKey.startsWith(uploadsPrefix) || uploadKey.length === uploadsPrefix.length) return undefined;
    if (uploadKey.endsWith("/")) return undefined;
    return `${rendersPrefix}${uploadKey.slice(uploadsPrefix.length)}/manifest.json`;
}

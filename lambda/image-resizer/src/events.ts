/**
 * Reading S3 event notifications defensively: the function is invoked
 * asynchronously, and anything (a test event from the console, a replay
 * tool, a misconfigured trigger) may arrive. Every shape problem becomes a
 * {@link PermanentError} with a message naming what is missing, never a
 * TypeError.
 */
import { PermanentError } from "./errors";
import { checkKeySegments, decodeS3Key } from "./keys";

/** The fields of one record the handler uses, keys decoded. */
export interface UploadRecord {
    readonly bucket: string;
    /** Decoded key (`uploads/my photoé.jpg`). */
    readonly key: string;
    /** Size in bytes as the event states it (undefined when absent). */
    readonly size?: number;
    /** ETag as the event states it (unquoted). */
    readonly eTag?: string;
    readonly sequencer?: string;
}

/** A record that could be read, or why not (with whatever was readable, for the logs). */
export type ParsedRecord =
    | { readonly ok: true; readonly upload: UploadRecord; readonly raw: unknown }
    | {
          readonly ok: false;
          readonly error: PermanentError;
          readonly bucket?: string;
          readonly key?: string;
          readonly raw: unknown;
      };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;

/** The event's records, or a PermanentError when the event is not an S3 event at all. */
export function eventRecords(event: unknown): unknown[] {
    if (!isObject(event)) {
        throw new PermanentError("bad-event", `event is ${event === null ? "null" : typeof event}, not an S3 event`);
    }
    if (!Array.isArray(event.Records)) {
        throw new PermanentError("bad-event", "event has no Records list: not an S3 event");
    }
    return event.Records;
}

/** Unquoted ETag (`"abc"` -> `abc`); S3 quotes it in responses, not in events. */
export function unquoteETag(eTag: string | undefined): string | undefined {
    return eTag === undefined ? undefined : eTag.replace(/^"(.*)"$/, "$1");
}

/** One record's bucket, decoded key, size and ETag; refuses missing fields and `.`/`..` segments. */
export function parseRecord(raw: unknown, index: number): ParsedRecord {
    const fail = (error: PermanentError, bucket?: string, key?: string): ParsedRecord => ({
        ok: false,
        error,
        bucket,
        key,
        raw,
    });
    const where = `record ${index}`;
    if (!isObject(raw)) return fail(new PermanentError("bad-record", `${where} is not an object`));
    const s3 = raw.s3;
    if (!isObject(s3)) return fail(new PermanentError("bad-record", `${where} has no s3 entity: not an S3 record`));
    const bucket = isObject(s3.bucket) && typeof s3.bucket.name === "string" ? s3.bucket.name : undefined;
    const object = isObject(s3.object) ? s3.object : undefined;
    const encodedKey = typeof object?.key === "string" ? object.key : undefined;
    if (bucket === undefined || bucket === "") {
        return fail(new PermanentError("bad-record", `${where} has no bucket name`), undefined, encodedKey);
    }
    if (encodedKey === undefined || encodedKey === "") {
        return fail(new PermanentError("bad-record", `${where} has no object key`), bucket);
    }
    let key: string;
    try {
        key = decodeS3Key(encodedKey);
    } catch {
        return fail(new PermanentError("bad-key", "key is not valid URL encoding"), bucket, encodedKey);
    }
    try {
        checkKeySegments(key);
    } catch (e) {
        return fail(e as PermanentError, bucket, key);
    }
    const size = typeof object?.size === "number" && Number.isFinite(object.size) ? object.size : undefined;
    const eTag = typeof object?.eTag === "string" && object.eTag !== "" ? unquoteETag(object.eTag) : undefined;
    const sequencer = typeof object?.sequencer === "string" ? object.sequencer : undefined;
    return { ok: true, upload: { bucket, key, size, eTag, sequencer }, raw };
}

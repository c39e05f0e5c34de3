/**
 * Failure classes. A permanent failure (the upload or the event itself is
 * wrong) would fail the same way on every retry: the handler sends it
 * straight to the dead-letter queue with its reason. Anything else (S3, SNS
 * or SQS errors, throttling, timeouts) is transient and retried by Lambda.
 */

/** Why a record can never succeed; the `reason` field of a dead-letter message. */
export type PermanentReason =
    | "bad-event" // not an S3 event (null, no Records list)
    | "bad-record" // a record without s3, bucket or key
    | "bad-key" // a key that is not URL encoding, or has . or .. segments
    | "too-large" // above maxUploadBytes
    | "not-an-image" // empty, corrupt, truncated or not an image
    | "too-many-pixels" // above maxInputPixels
    | "gone"; // deleted before it could be read

export class PermanentError extends Error {
    constructor(
        readonly reason: PermanentReason,
        message: string,
    ) {
        super(message);
        this.name = "PermanentError";
    }
}

/** Raised for input that is not a decodable image (empty, corrupt, truncated, not an image, too many pixels). */
export class InvalidImageError extends PermanentError {
    constructor(message: string, reason: "not-an-image" | "too-many-pixels" = "not-an-image") {
        super(reason, message);
        this.name = "InvalidImageError";
    }
}

/** `Name: message` of any thrown value. */
export function describeError(e: unknown): string {
    return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

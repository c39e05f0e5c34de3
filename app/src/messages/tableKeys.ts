/**
 * The message table's key design and the consumer's environment: the
 * contract between the MessageTable component, the stream consumer in
 * lambda/message-stream (which esbuild bundles together with this file, so
 * it must import nothing) and the API that reads and writes messages.
 *
 * | item                     | pk                 | sk                 | byUser index (gsi1pk / gsi1sk)   |
 * | ------------------------ | ------------------ | ------------------ | -------------------------------- |
 * | conversation (members)   | `CONV#<conversation>` | `META`          | -                                |
 * | message                  | `CONV#<conversation>` | `MSG#<message id>` | -                                |
 * | a participant's summary  | `CONV#<conversation>` | `MEMBER#<user>`    | `USER#<user>` / `<last message id>` |
 *
 * Message ids are ULIDs (time first, Crockford base32), so `sk` sorts a
 * conversation's messages by time and `gsi1sk` a user's conversations by
 * their latest message. All items of a conversation share one partition
 * key, so its stream records arrive in order.
 *
 * The API keeps a copy of this file (app/src/messages/tableKeys.ts, the app
 * is a package of its own); a spec keeps the two identical.
 */

/** Attribute names of the keys. */
export const MESSAGE_KEYS = { pk: "pk", sk: "sk", gsi1pk: "gsi1pk", gsi1sk: "gsi1sk" } as const;

/** The index listing a user's conversations, latest first (query gsi1pk = `USER#<id>`, ScanIndexForward false). */
export const BY_USER_INDEX = "byUser";

export const CONVERSATION_PREFIX = "CONV#";
export const MESSAGE_PREFIX = "MSG#";
export const MEMBER_PREFIX = "MEMBER#";
export const USER_PREFIX = "USER#";
/** Sort key of a conversation's own item (its participants), written once when it is created. */
export const CONVERSATION_META = "META";

export const conversationKey = (conversationId: string) => `${CONVERSATION_PREFIX}${conversationId}`;
export const messageKey = (messageId: string) => `${MESSAGE_PREFIX}${messageId}`;
export const memberKey = (userId: string) => `${MEMBER_PREFIX}${userId}`;
export const userKey = (userId: string) => `${USER_PREFIX}${userId}`;

/** Environment variable names of the stream consumer. */
export const STREAM_ENV = { tableName: "TABLE_NAME" } as const;

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/** A ULID: 26 Crockford base32 characters, the first 10 the time in ms. */
export const MESSAGE_ID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/**
 * A new message id for a message sent at `timeMs`: 48 bits of time then 80
 * random bits (`random` returns 10 random bytes), so ids sort by time.
 */
export function newMessageId(timeMs: number, random: () => Uint8Array): string {
    if (!Number.isInteger(timeMs) || timeMs < 0 || timeMs >= 2 ** 48) throw new Error("newMessageId: bad time");
    let time = "";
    let t = timeMs;
    for (let i = 0; i < 10; i++) {
        time = CROCKFORD[t % 32] + time;
        t = Math.floor(t / 32);
    }
    const bytes = random();
    let bits = 0;
    let value = 0;
    let rest = "";
    for (const byte of bytes.subarray(0, 10)) {
        value = (value << 8) | byte;
        bits += 8;
        while (bits >= 5) {
            rest += CROCKFORD[(value >>> (bits - 5)) & 31];
            bits -= 5;
        }
        value &= (1 << bits) - 1;
    }
    return time + rest.padEnd(16, "0").slice(0, 16);
}

/** The time (ms) a message id was made at. */
export function messageIdTime(id: string): number {
    let t = 0;
    for (const c of id.slice(0, 10)) t = t * 32 + CROCKFORD.indexOf(c);
    return t;
}

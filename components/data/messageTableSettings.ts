/**
 * Defaults and validation of MessageTable's arguments (pure). Every problem
 * is collected and thrown as one ValidationError before anything is registered.
 */
import { isKnown, Problems } from "../shared/validation";
import { checkBoolean, checkInt, checkLogRetention, isInt, isKmsKeyArn } from "./inputChecks";
import type { MessageTableArgs } from "./messageTable";

/** Default values of the arguments, named by their `@default` tags. */
export const MESSAGE_TABLE_DEFAULTS = {
    batchSize: 100,
    batchingWindowSeconds: 0,
    maximumRetryAttempts: 3,
    maximumRecordAgeSeconds: 86400,
    bisectBatchOnError: true,
    consumerMemorySize: 256,
    consumerTimeoutSeconds: 30,
    /** Days of logs kept: 30 in production, else 7. */
    logRetentionDays: (production: boolean) => (production ? 30 : 7),
} as const;

/** DynamoDB attribute names: 1 to 255 characters; ours are plain identifiers. */
const ATTRIBUTE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,254}$/;
const RESERVED_ATTRIBUTES = ["pk", "sk", "gsi1pk", "gsi1sk"];

/** Resolves and validates the arguments of a MessageTable named `name`. */
export function resolveMessageTableSettings(name: string, args: MessageTableArgs) {
    const problems = new Problems(`MessageTable "${name}"`);
    const a = (args ?? {}) as MessageTableArgs;
    const d = MESSAGE_TABLE_DEFAULTS;

    const production = a.production ?? false;
    checkBoolean(problems, "production", production);
    const isProd = production === true;
    const deletionProtection = a.deletionProtection ?? isProd;
    checkBoolean(problems, "deletionProtection", deletionProtection);
    if (isProd && deletionProtection === false) {
        problems.expect(false, "deletionProtection", false, "cannot be turned off for a production table");
    }
    if (a.kmsKeyArn !== undefined && isKnown(a.kmsKeyArn)) {
        problems.expect(
            isKmsKeyArn(a.kmsKeyArn),
            "kmsKeyArn",
            a.kmsKeyArn,
            "is not a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>; an alias cannot be granted in IAM)",
        );
    }
    if (a.ttlAttribute !== undefined) {
        if (typeof a.ttlAttribute !== "string" || !ATTRIBUTE_NAME.test(a.ttlAttribute)) {
            problems.expect(false, "ttlAttribute", a.ttlAttribute, "is not an attribute name (letters, digits, _)");
        } else if (RESERVED_ATTRIBUTES.includes(a.ttlAttribute)) {
            problems.expect(false, "ttlAttribute", a.ttlAttribute, "is a key attribute of the table");
        }
    }

    const batchSize = a.batchSize ?? d.batchSize;
    checkInt(problems, "batchSize", batchSize, 1, 10000, "records");
    const batchingWindowSeconds = a.batchingWindowSeconds ?? d.batchingWindowSeconds;
    checkInt(problems, "batchingWindowSeconds", batchingWindowSeconds, 0, 300, "seconds");
    const maximumRetryAttempts = a.maximumRetryAttempts ?? d.maximumRetryAttempts;
    checkInt(problems, "maximumRetryAttempts", maximumRetryAttempts, 0, 10000, "retries");
    const maximumRecordAgeSeconds = a.maximumRecordAgeSeconds ?? d.maximumRecordAgeSeconds;
    problems.expect(
        maximumRecordAgeSeconds === -1 ||
            (isInt(maximumRecordAgeSeconds) && maximumRecordAgeSeconds >= 60 && maximumRecordAgeSeconds <= 604800),
        "maximumRecordAgeSeconds",
        maximumRecordAgeSeconds,
        "is out of range: expected -1 (no limit) or a whole number of seconds from 60 to 604800",
    );
    const bisectBatchOnError = a.bisectBatchOnError ?? d.bisectBatchOnError;
    checkBoolean(problems, "bisectBatchOnError", bisectBatchOnError);
    const logRetentionDays = a.logRetentionDays ?? d.logRetentionDays(isProd);
    checkLogRetention(problems, "logRetentionDays", logRetentionDays, isProd ? 30 : undefined);

    problems.throwIfAny();
    return {
        production: isProd,
        deletionProtection: deletionProtection as boolean,
        ttlAttribute: a.ttlAttribute,
        batchSize: batchSize as number,
        batchingWindowSeconds: batchingWindowSeconds as number,
        maximumRetryAttempts: maximumRetryAttempts as number,
        maximumRecordAgeSeconds: maximumRecordAgeSeconds as number,
        bisectBatchOnError: bisectBatchOnError as boolean,
        logRetentionDays: logRetentionDays as number,
    };
}

export type MessageTableSettings = ReturnType<typeof resolveMessageTableSettings>;

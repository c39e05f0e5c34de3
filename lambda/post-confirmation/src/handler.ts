/**
 * Cognito post-confirmation trigger: inserts the user who just confirmed
 * their sign-up into PostgreSQL. Idempotent: the row is keyed by the Cognito
 * `sub` and a second delivery of the same confirmation inserts nothing.
 * Cognito waits for the answer (5 s at most) and shows an error to the user
 * when the function fails, so a database failure is thrown, not swallowed.
 */
import type { PostConfirmationTriggerEvent } from "aws-lambda";

/** The row the function writes. */
export interface UserRecord {
    readonly cognitoSub: string;
    readonly email: string;
    /** The `name` attribute, else the email's local part (the users table requires 1 to 100 characters). */
    readonly name: string;
}

/** Longest name the application's users table accepts. */
export const MAX_NAME_LENGTH = 100;

/** Where users are written (PostgreSQL in the function, see db.ts). */
export interface UserStore {
    /** Inserts the user unless one with the same `cognitoSub` exists; true when a row was inserted. */
    insertUser(user: UserRecord): Promise<boolean>;
}

/** Structured log line (JSON in CloudWatch). Never given the email: logs hold the sub only. */
export type Logger = (entry: Record<string, unknown>) => void;

/** The trigger source of a confirmed sign-up (the other one, ConfirmForgotPassword, writes nothing). */
export const CONFIRM_SIGN_UP = "PostConfirmation_ConfirmSignUp";

/** The user an event confirms; throws when the event lacks the sub or the email. */
export function userFromEvent(event: PostConfirmationTriggerEvent): UserRecord {
    const attributes = event.request?.userAttributes ?? {};
    const sub = attributes.sub;
    const email = attributes.email;
    if (typeof sub !== "string" || sub === "") throw new Error("post-confirmation: the event has no sub attribute");
    if (typeof email !== "string" || email === "") {
        throw new Error(`post-confirmation: user ${sub} has no email attribute`);
    }
    const given =
        typeof attributes.name === "string" ? attributes.name.replace(/[\u0000-\u001f\u007f-\u009f]/g, "").trim() : "";
    const name = (given || email.split("@")[0] || "user").slice(0, MAX_NAME_LENGTH);
    return { cognitoSub: sub, email: email.toLowerCase(), name };
}

/** A unique violation on anything but the sub (the conflict target): the email. */
function isEmailTaken(err: unknown): boolean {
    const e = err as { code?: string; constraint?: string };
    return e?.code === "23505" && !/cognito_sub/.test(e.constraint ?? "");
}

export interface HandlerDeps {
    readonly store: UserStore;
    readonly log?: Logger;
}

export function createHandler(deps: HandlerDeps) {
    const log = deps.log ?? ((entry) => console.log(JSON.stringify(entry)));
    return async function handler(event: PostConfirmationTriggerEvent): Promise<PostConfirmationTriggerEvent> {
        if (event.triggerSource !== CONFIRM_SIGN_UP) {
            log({ message: "not a sign-up confirmation: nothing to write", triggerSource: event.triggerSource });
            return event;
        }
        const user = userFromEvent(event);
        let inserted: boolean;
        try {
            inserted = await deps.store.insertUser(user);
        } catch (err) {
            // Another record holds the email (e.g. a user deleted from the pool who signed up again):
            // the sign-up still succeeds; the user creates or claims a record through the API.
            if (!isEmailTaken(err)) throw err;
            log({ message: "email already used by another user record: not inserted", sub: user.cognitoSub });
            return event;
        }
        log({
            message: inserted ? "user inserted" : "user already present",
            sub: user.cognitoSub,
            userPoolId: event.userPoolId,
        });
        // Cognito expects the event back.
        return event;
    };
}

// Checks of the user form before it is sent (the API validates again; this gives instant feedback).
import type { UserInput } from "./api";

export const MAX_NAME = 200;
export const MAX_EMAIL = 320;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export type UserFormErrors = Partial<Record<keyof UserInput, string>>;

export type UserFormResult =
    { readonly ok: true; readonly value: UserInput } | { readonly ok: false; readonly errors: UserFormErrors };

export function validateUser(raw: { name: string; email: string }): UserFormResult {
    const name = raw.name.trim();
    const email = raw.email.trim();
    const errors: UserFormErrors = {};
    if (name === "") errors.name = "Enter a name.";
    else if (name.length > MAX_NAME) errors.name = `Use at most ${MAX_NAME} characters.`;
    if (email === "") errors.email = "Enter an email address.";
    else if (email.length > MAX_EMAIL || !EMAIL.test(email))
        errors.email = "Enter an email address like name@example.com.";
    return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, value: { name, email } };
}

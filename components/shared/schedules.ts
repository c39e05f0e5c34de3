/**
 * Checks of schedule inputs, in the one vocabulary of ./checks: IANA time
 * zones, `HH:MM` clock times and days of the week (`MON-FRI`). Used by the
 * OfficeHours component's resolver and by the stack schema.
 */
import type { Check } from "./checks";

/** Days of the week in the crons' order (Sunday first: 0 in Unix cron, SUN in EventBridge's). */
export const WEEK_DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"] as const;
export type WeekDay = (typeof WEEK_DAYS)[number];

const UTC_NAMES = new Set(["UTC", "Etc/UTC"]);
let zones: Set<string> | undefined;

/**
 * True for an IANA time zone name: one of `Intl.supportedValuesOf("timeZone")`
 * (or an alias the runtime canonicalises to one, such as `Asia/Kolkata`), or UTC.
 */
export function isTimeZone(value: unknown): value is string {
    if (typeof value !== "string" || value.length === 0) return false;
    if (UTC_NAMES.has(value)) return true;
    zones ??= new Set(Intl.supportedValuesOf("timeZone"));
    if (zones.has(value)) return true;
    try {
        const resolved = new Intl.DateTimeFormat("en-US", { timeZone: value }).resolvedOptions().timeZone;
        return zones.has(resolved) || UTC_NAMES.has(resolved);
    } catch {
        return false;
    }
}

/** An IANA time zone. Message: `is not an IANA time zone: expected a name such as Europe/Berlin or UTC`. */
export const timeZone: Check = (value) =>
    isTimeZone(value) ? undefined : "is not an IANA time zone: expected a name such as Europe/Berlin or UTC";

/** Minutes after midnight of `HH:MM` (00:00 to 23:59), or undefined. */
export function minuteOfDay(value: unknown): number | undefined {
    if (typeof value !== "string") return undefined;
    const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(value);
    return m ? Number(m[1]) * 60 + Number(m[2]) : undefined;
}

/** A clock time. Message: `is not a time of day: expected HH:MM from 00:00 to 23:59`. */
export const clockTime: Check = (value) =>
    minuteOfDay(value) === undefined ? "is not a time of day: expected HH:MM from 00:00 to 23:59" : undefined;

const DAYS_WHAT = 'expected days such as "MON-FRI" or "MON,WED,FRI" (MON to SUN, ranges forward within one week)';
/** Week order of a range (`MON-FRI`): Monday first, so `SAT-SUN` is a weekend. */
const RANGE_ORDER: readonly WeekDay[] = ["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"];

/** The days of `MON-FRI`, `MON,WED,FRI`, `SAT-SUN` (Sunday-first order, each once), or undefined. */
export function parseDays(value: unknown): WeekDay[] | undefined {
    if (typeof value !== "string" || value.trim() === "") return undefined;
    const found = new Set<WeekDay>();
    for (const part of value.toUpperCase().split(",")) {
        const [from, to, extra] = part.trim().split("-");
        const a = RANGE_ORDER.indexOf(from as WeekDay);
        const b = to === undefined ? a : RANGE_ORDER.indexOf(to as WeekDay);
        if (extra !== undefined || a < 0 || b < 0 || b < a) return undefined;
        for (let i = a; i <= b; i++) found.add(RANGE_ORDER[i]);
    }
    return WEEK_DAYS.filter((d) => found.has(d));
}

/** Days of the week. Message: `is not a list of days: expected days such as "MON-FRI" ...`. */
export const weekDays: Check = (value) => (parseDays(value) ? undefined : `is not a list of days: ${DAYS_WHAT}`);

/**
 * The pure side of {@link OfficeHours}: the cron expressions the three AWS
 * schedulers take and the hours a schedule keeps its resources on per month
 * (what the plan prices them for). The checks of its time zone, days and
 * clock times are the shared vocabulary's (../shared/schedules.ts).
 *
 * Three cron dialects, one set of times:
 * - Auto Scaling group scheduled actions: Unix cron, 5 fields, days 0-6 (0 = Sunday): `0 8 * * 1-5`;
 * - Application Auto Scaling scheduled actions and EventBridge Scheduler:
 *   `cron(minutes hours day-of-month month day-of-week year)`, days SUN-SAT: `cron(0 8 ? * MON-FRI *)`.
 */
import { minuteOfDay, parseDays, WEEK_DAYS, type WeekDay } from "../shared/schedules";

export {
    clockTime,
    isTimeZone,
    minuteOfDay,
    parseDays,
    timeZone,
    weekDays,
    WEEK_DAYS,
    type WeekDay,
} from "../shared/schedules";

/** Weeks in a month on average (52.18 weeks a year / 12). */
export const WEEKS_PER_MONTH = 52.18 / 12;

/** Consecutive runs of day indexes (0-6) as `a-b` / `a` parts. */
function runs(indexes: readonly number[], label: (i: number) => string): string {
    const parts: string[] = [];
    for (let i = 0; i < indexes.length;) {
        let j = i;
        while (j + 1 < indexes.length && indexes[j + 1] === indexes[j] + 1) j++;
        parts.push(
            j - i >= 2
                ? `${label(indexes[i])}-${label(indexes[j])}`
                : indexes
                      .slice(i, j + 1)
                      .map(label)
                      .join(","),
        );
        i = j + 1;
    }
    return parts.join(",");
}

/** A day-of-week field: `*` for every day, else the days as ranges (`MON-FRI`, or `1-5` numbered). */
function dayField(days: readonly WeekDay[] | "daily", numbered: boolean): string {
    if (days === "daily" || days.length === 7) return "*";
    const idx = days.map((d) => WEEK_DAYS.indexOf(d));
    return runs(idx, (i) => (numbered ? String(i) : WEEK_DAYS[i]));
}

/** Unix cron of an Auto Scaling group scheduled action (`0 8 * * 1-5`). */
export function unixCron(minute: number, days: readonly WeekDay[] | "daily"): string {
    return `${minute % 60} ${Math.floor(minute / 60)} * * ${dayField(days, true)}`;
}

/** `cron(...)` of Application Auto Scaling and EventBridge Scheduler (`cron(0 8 ? * MON-FRI *)`). */
export function awsCron(minute: number, days: readonly WeekDay[] | "daily"): string {
    return `cron(${minute % 60} ${Math.floor(minute / 60)} ? * ${dayField(days, false)} *)`;
}

/** Hours a week the resources are on: `days × (stop − start)`. */
export function hoursOnPerWeek(days: number, startMinute: number, stopMinute: number): number {
    return (days * Math.max(0, stopMinute - startMinute)) / 60;
}

/** Hours a month the resources are on (a week's hours × 52.18 / 12), rounded to 0.01 h. */
export function hoursOnPerMonth(days: number, startMinute: number, stopMinute: number): number {
    return Math.round(hoursOnPerWeek(days, startMinute, stopMinute) * WEEKS_PER_MONTH * 100) / 100;
}

/** The on-hours of a schedule given as days and clock times (`"MON-FRI"`, `"08:00"`, `"19:00"`); undefined if invalid. */
export function scheduleHoursPerMonth(days: string, start: string, stop: string): number | undefined {
    const d = parseDays(days);
    const a = minuteOfDay(start);
    const b = minuteOfDay(stop);
    if (d === undefined || a === undefined || b === undefined || b <= a) return undefined;
    return hoursOnPerMonth(d.length, a, b);
}

/**
 * Days and the start minute of a cron this module writes (either dialect),
 * for a reader of recorded schedules (the plan); undefined for any other cron.
 */
export function parseCron(expression: string): { minute: number; days: WeekDay[] } | undefined {
    const inner = /^cron\((.*)\)$/.exec(expression)?.[1];
    const fields = (inner ?? expression).trim().split(/\s+/);
    const [mi, h, , , dow] = fields;
    if (fields.length !== (inner === undefined ? 5 : 6) || !/^\d+$/.test(mi) || !/^\d+$/.test(h)) return undefined;
    let days: WeekDay[] | undefined;
    if (dow === "*") days = [...WEEK_DAYS];
    else {
        const named = dow.replace(/\d/g, (n) => WEEK_DAYS[Number(n)] ?? "?");
        const set = new Set<WeekDay>();
        for (const part of named.split(",")) {
            const [from, to] = part.split("-");
            const a = WEEK_DAYS.indexOf(from as WeekDay);
            const b = to === undefined ? a : WEEK_DAYS.indexOf(to as WeekDay);
            if (a < 0 || b < a) return undefined;
            for (let i = a; i <= b; i++) set.add(WEEK_DAYS[i]);
        }
        days = WEEK_DAYS.filter((d) => set.has(d));
    }
    return { minute: Number(h) * 60 + Number(mi), days };
}

/**
 * Hours a month between "on" and "off" events recurring weekly (each: the
 * days it fires and its minute), simulated over one week from the state the
 * week ends in; what the plan reads back from scheduled actions.
 */
export function weeklyOnHoursPerMonth(events: readonly { days: readonly WeekDay[]; minute: number; on: boolean }[]) {
    const points = events
        .flatMap((e) => e.days.map((d) => ({ at: WEEK_DAYS.indexOf(d) * 1440 + e.minute, on: e.on })))
        .sort((a, b) => a.at - b.at || Number(a.on) - Number(b.on));
    if (points.length === 0) return undefined;
    let state = points[points.length - 1].on;
    let last = 0;
    let onMinutes = 0;
    for (const p of points) {
        if (state) onMinutes += p.at - last;
        state = p.on;
        last = p.at;
    }
    if (state) onMinutes += 7 * 1440 - last;
    return Math.round((onMinutes / 60) * WEEKS_PER_MONTH * 100) / 100;
}

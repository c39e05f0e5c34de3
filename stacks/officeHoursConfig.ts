/**
 * The office-hours block of the stack configuration (issue 21 item 1): its
 * keys, merged into the environment schema by stacks/config.ts, and its
 * cross-key rules. Off by default, also in dev: a dev stack that goes down at
 * night surprises whoever works late, in another time zone, or runs a job
 * then; a team turns it on in its own `Pulumi.dev.yaml` (README, "Office
 * hours"). Refused in prod: prod serves users around the clock.
 */
import { z } from "zod";
import { boolean as booleanCheck, type Check } from "../components/shared/checks";
import { OFFICE_HOURS_DEFAULTS } from "../components/ops/officeHoursArgs";
import { clockTime, minuteOfDay, timeZone, weekDays } from "../components/shared/schedules";
import { show } from "../components/shared/validation";
import { baseError, withCheck } from "../components/shared/zodCheck";

const str = (check: Check) => withCheck(z.string({ error: baseError(check) }), check);

export const officeHoursKeys = {
    officeHours: z
        .boolean({ error: baseError(booleanCheck) })
        .default(false)
        .describe(
            "Office hours: scale the services and EC2 capacity to zero and stop an RDS database (or an Aurora cluster above 0 ACU) outside officeHoursDays officeHoursStart to officeHoursStop; not in prod.",
        ),
    officeHoursTimeZone: str(timeZone)
        .default("UTC")
        .describe("Office hours: IANA time zone of the start and stop times (e.g. Europe/Berlin)."),
    officeHoursDays: str(weekDays)
        .default(OFFICE_HOURS_DEFAULTS.days)
        .describe("Office hours: days the environment starts (e.g. MON-FRI or MON,WED,FRI); it stops every evening."),
    officeHoursStart: str(clockTime)
        .default(OFFICE_HOURS_DEFAULTS.start)
        .describe("Office hours: start time (HH:MM in officeHoursTimeZone)."),
    officeHoursStop: str(clockTime)
        .default(OFFICE_HOURS_DEFAULTS.stop)
        .describe("Office hours: stop time (HH:MM in officeHoursTimeZone), after the start the same day."),
};

/** What the cross-key rules read. */
export interface OfficeHoursConfigInput {
    readonly environment: string;
    readonly officeHours: boolean;
    readonly officeHoursStart: string;
    readonly officeHoursStop: string;
}

/** Cross-key rules: the stop after the start, and no schedule in prod. */
export function officeHoursProblems(c: OfficeHoursConfigInput, key: (k: string) => string): string[] {
    const out: string[] = [];
    const start = minuteOfDay(c.officeHoursStart);
    const stop = minuteOfDay(c.officeHoursStop);
    if (start !== undefined && stop !== undefined && stop <= start)
        out.push(
            `${key("officeHoursStop")}: ${show(c.officeHoursStop)} is not after ${key("officeHoursStart")} (${show(c.officeHoursStart)}): expected a stop later the same day`,
        );
    if (c.environment === "prod" && c.officeHours)
        out.push(
            `${key("officeHours")}: true is not allowed in prod: prod serves users around the clock (use environment dev for a stack that may sleep)`,
        );
    return out;
}

// Operations schedules: the office-hours schedule of a non-production environment.
export { OfficeHours, SCHEDULER_RETRY } from "./officeHours";
export {
    OFFICE_HOURS_DEFAULTS,
    resolveOfficeHoursArgs,
    schedulerRolePolicy,
    schedulerTrustPolicy,
    type OfficeHoursArgs,
    type OfficeHoursAutoScalingGroup,
    type OfficeHoursDatabase,
    OfficeHoursDatabaseKind,
    type OfficeHoursService,
    type OfficeHoursSettings,
} from "./officeHoursArgs";
export {
    awsCron,
    clockTime,
    hoursOnPerMonth,
    hoursOnPerWeek,
    isTimeZone,
    parseCron,
    parseDays,
    scheduleHoursPerMonth,
    timeZone,
    unixCron,
    weekDays,
    weeklyOnHoursPerMonth,
    WEEK_DAYS,
    WEEKS_PER_MONTH,
    type WeekDay,
} from "./officeHoursSchedule";

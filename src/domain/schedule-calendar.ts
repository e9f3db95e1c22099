import { DateTime } from 'luxon';
import type { DaySource, OpeningSchedule, TimeRange } from './schedule.ts';
import { dayPlan, secondsOfDay, weekdayNameIt } from './schedule.ts';

/** One day of the calendar as callers will meet it, with the reason a screen shows next to the hours. */
export type CalendarDay = Readonly<{
  date: string;
  weekday: number;
  weekdayName: string;
  ranges: readonly TimeRange[];
  source: DaySource;
}>;

/** `days` consecutive local dates from `fromIsoDate`, each with the hours in force and why. */
export function calendarDays(schedule: OpeningSchedule, fromIsoDate: string, days: number): readonly CalendarDay[] {
  const first = DateTime.fromISO(fromIsoDate, { zone: schedule.timezone }).startOf('day');
  if (!first.isValid) throw new Error(`Invalid date: ${fromIsoDate}`);
  return Array.from({ length: days }, (_, offset) => {
    const day = first.plus({ days: offset });
    const plan = dayPlan(schedule, day);
    return {
      date: day.toISODate() ?? fromIsoDate,
      weekday: day.weekday,
      weekdayName: weekdayNameIt(day.weekday),
      ranges: [...plan.ranges].sort((a, b) => secondsOfDay(a.opens) - secondsOfDay(b.opens)),
      source: plan.source,
    };
  });
}

/** Today on the agency's wall clock, YYYY-MM-DD. */
export function localDateOf(instant: Date, timezone: string): string {
  return DateTime.fromJSDate(instant, { zone: timezone }).toISODate() ?? '';
}

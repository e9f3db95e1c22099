import type { DefaultHolidayMode, HolidayChoice, HolidayMode } from './holiday-policy.ts';
import type { OpeningSchedule, ScheduleException, TimeRange, Weekday } from './schedule.ts';

/** The stored shape of a schedule, one row per range, as both the directory and the admin screens read it. */
export type ScheduleRows = Readonly<{
  timezone: string;
  hours: readonly Readonly<{ weekday: number; opens: string; closes: string }>[];
  /** A row without hours closes the date; rows with hours are its ranges. */
  exceptions: readonly Readonly<{ date: string; opens: string | null; closes: string | null; note: string | null }>[];
  comuni: readonly string[];
  holidayMode: DefaultHolidayMode;
  choices: readonly Readonly<{ holidayKey: string; mode: HolidayMode; ranges: readonly TimeRange[] }>[];
}>;

/** Exception rows grouped by date: one entry per date with all its ranges. */
export function groupExceptions(rows: ScheduleRows['exceptions']): ScheduleException[] {
  const byDate = new Map<string, { date: string; ranges: TimeRange[]; note: string | null }>();
  for (const row of rows) {
    const entry = byDate.get(row.date) ?? { date: row.date, ranges: [], note: null };
    if (row.opens && row.closes) entry.ranges.push({ opens: row.opens, closes: row.closes });
    entry.note = entry.note ?? row.note;
    byDate.set(row.date, entry);
  }
  return [...byDate.values()];
}

export function scheduleFromRows(rows: ScheduleRows): OpeningSchedule {
  const choices: Record<string, HolidayChoice> = {};
  for (const choice of rows.choices) choices[choice.holidayKey] = { mode: choice.mode, ranges: choice.mode === 'special' ? choice.ranges : [] };
  return {
    timezone: rows.timezone,
    weekly: rows.hours.map((hours) => ({ weekday: hours.weekday as Weekday, opens: hours.opens, closes: hours.closes })),
    exceptions: groupExceptions(rows.exceptions),
    holidays: { comuni: rows.comuni, defaultMode: rows.holidayMode, choices },
  };
}

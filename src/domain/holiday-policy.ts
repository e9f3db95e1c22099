import type { Holiday } from './italian-holidays.ts';
import { holidaysOf } from './italian-holidays.ts';
import type { TimeRange } from './schedule.ts';

/**
 * What an agency does on holidays: per holiday key, open as usual, closed, or special hours; holidays
 * without a choice of their own follow the agency's default (open or closed).
 */
export const HOLIDAY_MODES = ['open', 'closed', 'special'] as const;
export type HolidayMode = (typeof HOLIDAY_MODES)[number];

export const DEFAULT_HOLIDAY_MODES = ['open', 'closed'] as const;
export type DefaultHolidayMode = (typeof DEFAULT_HOLIDAY_MODES)[number];

/** `special` carries the day's ranges; `open` and `closed` carry none. */
export type HolidayChoice = Readonly<{ mode: HolidayMode; ranges: readonly TimeRange[] }>;

export type HolidayPolicy = Readonly<{
  /** Keys of the comuni served (src/domain/patron-saints.ts): their patron saints' days are holidays. */
  comuni: readonly string[];
  defaultMode: DefaultHolidayMode;
  /** Choices by holiday key (`national:natale`, `patron:pavia`), the same every year. */
  choices: Readonly<Record<string, HolidayChoice>>;
}>;

export type ChosenHoliday = Readonly<{ holiday: Holiday; choice: HolidayChoice; explicit: boolean }>;

export function choiceFor(policy: HolidayPolicy, holiday: Holiday): ChosenHoliday {
  const explicit = policy.choices[holiday.key];
  return explicit ? { holiday, choice: explicit, explicit: true } : { holiday, choice: { mode: policy.defaultMode, ranges: [] }, explicit: false };
}

/** Every holiday of a year with the agency's choice for it, by date. */
export function holidayChoicesOf(policy: HolidayPolicy, year: number): readonly ChosenHoliday[] {
  return holidaysOf(year, policy.comuni).map((holiday) => choiceFor(policy, holiday));
}

// isOpen runs on every call: a year's holidays are resolved once per (policy, year) and looked up by
// date afterwards. A policy object lives as long as the directory snapshot that holds it.
const byPolicyYear = new WeakMap<HolidayPolicy, Map<number, ReadonlyMap<string, ChosenHoliday>>>();

/**
 * The holiday a local date falls on, with the choice that governs it. When two fall on one day
 * (Venezia's San Marco on Liberation Day), the first with a choice of its own wins, national first.
 */
export function holidayOn(policy: HolidayPolicy, isoDate: string): ChosenHoliday | undefined {
  const year = Number(isoDate.slice(0, 4));
  let years = byPolicyYear.get(policy);
  if (!years) {
    years = new Map();
    byPolicyYear.set(policy, years);
  }
  let byDate = years.get(year);
  if (!byDate) {
    const resolved = new Map<string, ChosenHoliday>();
    for (const chosen of holidayChoicesOf(policy, year)) {
      const earlier = resolved.get(chosen.holiday.date);
      if (!earlier || (!earlier.explicit && chosen.explicit)) resolved.set(chosen.holiday.date, chosen);
    }
    byDate = resolved;
    years.set(year, byDate);
  }
  return byDate.get(isoDate);
}

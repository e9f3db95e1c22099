import { DateTime } from 'luxon';

export type RetentionSettings = Readonly<{ personalDataMonths: number; accessLogMonths: number }>;

/**
 * Defaults when an agency's agreement says nothing else: contact records keep their personal
 * data for 24 months (two heating seasons, long enough for disputes about a repair), the
 * processor's access log is kept 36 months. The Garante's rule for administrators' access logs
 * asks for at least 6 months, hence the lower bound.
 */
export const DEFAULT_RETENTION: RetentionSettings = Object.freeze({ personalDataMonths: 24, accessLogMonths: 36 });

export const RETENTION_BOUNDS = Object.freeze({
  personalDataMonths: Object.freeze({ min: 1, max: 120 }),
  accessLogMonths: Object.freeze({ min: 6, max: 120 }),
});

/**
 * The instant before which records lose their personal data: midnight, on the agency's wall
 * clock, `months` calendar months before `now`'s local day. Whole local days, so that a pass at
 * 02:00 and one at 23:00 of the same day anonymise the same calls, and a day is never split.
 * Month arithmetic clamps at month ends (31 March − 1 month = 28/29 February).
 */
export function retentionCutoff(now: Date, months: number, timezone: string): Date {
  const local = DateTime.fromJSDate(now, { zone: timezone });
  if (!local.isValid) throw new Error(`Unknown time zone ${timezone}`);
  return local.startOf('day').minus({ months }).toJSDate();
}

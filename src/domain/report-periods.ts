import { DateTime } from 'luxon';

/** A finished calendar month or quarter of an agency's own days, inclusive bounds. */
export type ReportPeriod = Readonly<{ period: string; from: string; to: string }>;

/**
 * The last month that has ended, in the agency's time zone: on 1 December at 00:05 in Rome, November.
 * A pass on any later day of December still finds November, so a node that was down on the 1st sends
 * it late rather than never; earlier months are never sent again (nothing is backfilled).
 */
export function lastFinishedMonth(now: Date, timezone: string): ReportPeriod {
  const month = DateTime.fromJSDate(now, { zone: timezone }).startOf('month').minus({ months: 1 });
  return { period: month.toFormat('yyyy-MM'), from: month.toISODate()!, to: month.endOf('month').toISODate()! };
}

/** The last quarter that has ended, in the agency's time zone, as statements name it (`2026-Q3`). */
export function lastFinishedQuarter(now: Date, timezone: string): ReportPeriod {
  const quarter = DateTime.fromJSDate(now, { zone: timezone }).startOf('quarter').minus({ quarters: 1 });
  return { period: `${quarter.year}-Q${quarter.quarter}`, from: quarter.toISODate()!, to: quarter.endOf('quarter').toISODate()! };
}

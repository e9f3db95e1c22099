import { sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { rowsOf } from '../../db/raw-sql.ts';
import { callRatings, calls } from '../../db/schema/index.ts';
import type { DayRange } from './reports-repo.ts';
import { portfolioOf } from './reports-repo.ts';

export type RatingCount = Readonly<{ category: string | null; month: string; rating: number; n: number }>;

/**
 * Ratings of the calls that came in during the range (a rating belongs to its call's local day,
 * like every other figure of the call), by queue and local month. A rating is never given before
 * its call came in, which bounds the index from below; however late one is recorded, it counts.
 */
export async function ratingCounts(db: Executor, range: DayRange): Promise<RatingCount[]> {
  const rows = await rowsOf<{ category: string | null; month: string; rating: number; n: number }>(
    db,
    sql`select ${calls.category} as category, to_char(${calls.startedAt} at time zone ${range.timezone}, 'YYYY-MM') as month,
        ${callRatings.rating}::int as rating, count(*)::int as n
      from ${callRatings} join ${calls} on ${calls.callSid} = ${callRatings.callSid}
      where ${callRatings.agencyCode} = ${range.agency}
        and ${callRatings.ratedAt} >= ${range.start.toISOString()}::timestamptz
        and ${calls.agencyCode} = ${range.agency}
        and ${calls.startedAt} >= ${range.start.toISOString()}::timestamptz and ${calls.startedAt} < ${range.end.toISOString()}::timestamptz
        ${portfolioOf(calls.portfolioId, range)}
      group by 1, 2, 3`,
  );
  return rows.map((row) => ({ category: row.category, month: row.month, rating: Number(row.rating), n: Number(row.n) }));
}

export type CallerCallRow = Readonly<{ from: string | null; startedAt: Date; counted: boolean; frozen: boolean | null }>;

/**
 * The agency's calls of the range and of the `lookBackDays` before it, with their caller's number:
 * the earlier ones only tell whether a call of the range repeats one. `counted`: the call is in the
 * range and in the report's part of the agency (the earlier call may have been to any of its numbers).
 * `frozen`: the verdict stored before the number was erased (privacy), which wins over the numbers.
 * In time order, CallSid breaking ties, so calls at the same instant are judged the same way each time.
 */
export async function callerCalls(db: Executor, range: DayRange, lookBackDays: number): Promise<CallerCallRow[]> {
  const rows = await rowsOf<{ from_number: string | null; started_at: string | Date; counted: boolean | string; repeat_call: boolean | string | null }>(
    db,
    sql`select ${calls.fromNumber} as from_number, ${calls.startedAt} as started_at, ${calls.repeatCall} as repeat_call,
        (${calls.startedAt} >= ${range.start.toISOString()}::timestamptz ${portfolioOf(calls.portfolioId, range)}) as counted
      from ${calls}
      where ${calls.agencyCode} = ${range.agency}
        and ${calls.startedAt} >= ${range.start.toISOString()}::timestamptz - make_interval(days => ${lookBackDays})
        and ${calls.startedAt} < ${range.end.toISOString()}::timestamptz
        and (${calls.fromNumber} is not null or ${calls.repeatCall} is not null)
      order by ${calls.startedAt}, ${calls.callSid}`,
  );
  return rows.map((row) => ({
    from: row.from_number,
    startedAt: new Date(row.started_at),
    counted: truthy(row.counted),
    frozen: row.repeat_call === null ? null : truthy(row.repeat_call),
  }));
}

const truthy = (value: boolean | string) => value === true || value === 't' || value === 'true';

export type SavingCountsRow = Readonly<{
  month: string;
  incidentReports: number;
  statusHeard: number;
  statusOnly: number;
  queuedCallbacksBooked: number;
  queuedCallbacksReached: number;
  queuedCallbacksGaveUp: number;
}>;

/**
 * Per local month of the range: calls that added a report to an incident, heard their request's
 * state (and hung up in the menu after it), and queued call-backs booked, reached or given up.
 */
export async function savingCounts(db: Executor, range: DayRange): Promise<SavingCountsRow[]> {
  const rows = await rowsOf<Record<keyof SavingCountsRow, string | number>>(
    db,
    sql`select to_char(${calls.startedAt} at time zone ${range.timezone}, 'YYYY-MM') as "month",
        count(*) filter (where ${calls.outcome} = 'incident_report') as "incidentReports",
        count(*) filter (where ${calls.preMenu} like '%status%') as "statusHeard",
        count(*) filter (where ${calls.preMenu} like '%status%' and ${calls.outcome} = 'left_menu') as "statusOnly",
        count(*) filter (where ${calls.outcome} in ('callback_waiting', 'queued_callback')) as "queuedCallbacksBooked",
        count(*) filter (where ${calls.callbackResult} = 'reached') as "queuedCallbacksReached",
        count(*) filter (where ${calls.callbackResult} = 'gave_up') as "queuedCallbacksGaveUp"
      from ${calls}
      where ${calls.agencyCode} = ${range.agency}
        and ${calls.startedAt} >= ${range.start.toISOString()}::timestamptz and ${calls.startedAt} < ${range.end.toISOString()}::timestamptz
        ${portfolioOf(calls.portfolioId, range)}
      group by 1`,
  );
  return rows.map((row) => ({
    month: String(row.month),
    incidentReports: Number(row.incidentReports),
    statusHeard: Number(row.statusHeard),
    statusOnly: Number(row.statusOnly),
    queuedCallbacksBooked: Number(row.queuedCallbacksBooked),
    queuedCallbacksReached: Number(row.queuedCallbacksReached),
    queuedCallbacksGaveUp: Number(row.queuedCallbacksGaveUp),
  }));
}

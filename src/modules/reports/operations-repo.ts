import { sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { rowsOf } from '../../db/raw-sql.ts';
import type { CallbackSums, OperatorSums, SiteSums } from '../../domain/operations-figures.ts';

/** One agency's piece of a period, as instants: [from, to). */
export type InstantRange = Readonly<{ agency: string; from: Date; to: Date }>;

const int = (value: number | string | null) => Number(value ?? 0);

type HandlingRow = { answered: number | string; talk: number | string | null; talked: number | string; wrap: number | string | null; wrapped: number | string };

/** Answered calls, talk and wrap-up (capped at the limit) of the rows grouped: the sums both breakdowns read. */
const handlingColumns = (wrapUpLimitSeconds: number) => sql`
             count(*) as answered,
             sum(c.talk_seconds) as talk,
             count(c.talk_seconds) as talked,
             sum(least(extract(epoch from (c.wrap_up_at - c.ended_at)), ${wrapUpLimitSeconds})) filter (where c.wrap_up_at >= c.ended_at) as wrap,
             count(*) filter (where c.wrap_up_at >= c.ended_at) as wrapped`;

const handlingOf = (row: HandlingRow) => ({
  answered: int(row.answered),
  talkSeconds: int(row.talk),
  talked: int(row.talked),
  wrapUpSeconds: Math.round(int(row.wrap)),
  wrappedUp: int(row.wrapped),
});
/** An instant as a raw-SQL parameter: postgres.js binds text, not a Date, outside drizzle's typed columns. */
const iso = (instant: Date) => sql`${instant.toISOString()}::timestamptz`;

/**
 * Answered calls per site of the operator who answered them: where that operator's presence said
 * they were (on site or remote) when the call was bridged, from the presence events as they were
 * then. Talk time from Twilio's duration; wrap-up from the end of the call to the outcome code,
 * capped at `wrapUpLimitSeconds` (an operator who went home without coding it is not a 9-hour wrap-up).
 */
export async function siteSums(db: Executor, range: InstantRange, wrapUpLimitSeconds: number): Promise<SiteSums[]> {
  const rows = await rowsOf<HandlingRow & { site: string }>(
    db,
    sql`
      select coalesce(at_answer.location, 'unknown') as site, ${handlingColumns(wrapUpLimitSeconds)}
      from calls c
      left join users u on u.username = c.answered_by
      left join lateral (
        select e.location from operator_presence_events e
        where e.user_id = u.id and e.occurred_at <= coalesce(c.bridged_at, c.started_at)
        order by e.occurred_at desc limit 1
      ) at_answer on true
      where c.agency_code = ${range.agency} and c.outcome = 'answered'
        and c.started_at >= ${iso(range.from)} and c.started_at < ${iso(range.to)}
      group by 1`,
  );
  return rows.map((row) => ({ site: row.site, ...handlingOf(row) }));
}

/** Call-backs created in the range: made, made by their deadline, still open past it at `now`, failed. */
export async function callbackSums(db: Executor, range: InstantRange, now: Date): Promise<CallbackSums> {
  const [row] = await rowsOf<Record<keyof CallbackSums, number | string>>(
    db,
    sql`
      select count(*) as "created",
             count(*) filter (where status = 'done') as "done",
             count(*) filter (where status = 'done' and closed_at <= due_at) as "doneInTime",
             count(*) filter (where status = 'open' and due_at < ${iso(now)}) as "openOverdue",
             count(*) filter (where status = 'failed') as "failed"
      from callbacks
      where agency_code = ${range.agency} and created_at >= ${iso(range.from)} and created_at < ${iso(range.to)}`,
  );
  return { created: int(row.created), done: int(row.done), doneInTime: int(row.doneInTime), openOverdue: int(row.openOverdue), failed: int(row.failed) };
}

/**
 * Tickets opened by an e-mail in the range, and for each one a person has acted on (routed,
 * replied, noted, changed), the minutes from its opening to that first act.
 */
export async function emailFirstResponses(db: Executor, range: InstantRange): Promise<{ received: number; minutes: number[] }> {
  const rows = await rowsOf<{ minutes: number | string | null }>(
    db,
    sql`
      select extract(epoch from (
               (select min(e.occurred_at) from ticket_events e where e.ticket_id = t.id and e.actor_kind = 'user')
               - t.created_at)) / 60 as minutes
      from tickets t
      where t.agency_code = ${range.agency} and t.channel = 'email'
        and t.created_at >= ${iso(range.from)} and t.created_at < ${iso(range.to)}`,
  );
  return {
    received: rows.length,
    minutes: rows.filter((row) => row.minutes !== null).map((row) => Math.max(0, Math.round(Number(row.minutes)))),
  };
}

/** The same sums per operator who answered (by their display name): only where an agreement allows it (see operations.ts). */
export async function operatorSums(db: Executor, range: InstantRange, wrapUpLimitSeconds: number): Promise<OperatorSums[]> {
  const rows = await rowsOf<HandlingRow & { operator: string }>(
    db,
    sql`
      select coalesce(u.display_name, c.answered_by) as operator, ${handlingColumns(wrapUpLimitSeconds)}
      from calls c
      left join users u on u.username = c.answered_by
      where c.agency_code = ${range.agency} and c.outcome = 'answered' and c.answered_by is not null
        and c.started_at >= ${iso(range.from)} and c.started_at < ${iso(range.to)}
      group by 1`,
  );
  return rows.map((row) => ({ operator: row.operator, ...handlingOf(row) }));
}

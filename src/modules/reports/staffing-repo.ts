import { sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { array, rowsOf, texts } from '../../db/raw-sql.ts';
import { HANGUP_OUTCOMES, QUEUED_OUTCOMES } from '../../domain/kpi-definitions.ts';

/** One half-hour of the week (ISO weekday 1–7, slot 0–47 from midnight) over the days asked. */
export type SlotFacts = Readonly<{ weekday: number; slot: number; offered: number; answered: number; talkSeconds: number }>;

/** Calls offered to a queue and answered, with their talk time, per half-hour of the week on `days` (local dates in `timezone`). */
export async function slotFacts(db: Executor, query: { agencies: readonly string[]; days: readonly string[]; timezone: string }): Promise<SlotFacts[]> {
  const queued = sql.raw(QUEUED_OUTCOMES.map((outcome) => `'${outcome}'`).join(', '));
  const local = sql`(started_at at time zone ${query.timezone})`;
  const rows = await rowsOf<{ weekday: number; slot: number; offered: number; answered: number; talk: number | string | null }>(
    db,
    sql`
      select extract(isodow from ${local})::int as weekday,
             (extract(hour from ${local}) * 2 + floor(extract(minute from ${local}) / 30))::int as slot,
             count(*) filter (where outcome in (${queued}))::int as offered,
             count(*) filter (where outcome = 'answered')::int as answered,
             coalesce(sum(talk_seconds) filter (where outcome = 'answered'), 0) as talk
      from calls
      where agency_code = any(${texts(query.agencies)})
        and ${local}::date = any(${array(query.days, 'date')})
      group by 1, 2`,
  );
  return rows.map((row) => ({ weekday: row.weekday, slot: row.slot, offered: row.offered, answered: row.answered, talkSeconds: Number(row.talk ?? 0) }));
}

/** Callers who hung up while queued on `days`, and the seconds every queued caller waited: the patience estimate's data. */
export async function patienceFacts(
  db: Executor,
  query: { agencies: readonly string[]; days: readonly string[]; timezone: string },
): Promise<{ abandoned: number; waitedSeconds: number }> {
  const queued = sql.raw(QUEUED_OUTCOMES.map((outcome) => `'${outcome}'`).join(', '));
  const hungUp = sql.raw(HANGUP_OUTCOMES.map((outcome) => `'${outcome}'`).join(', '));
  const [row] = await rowsOf<{ abandoned: number | string; waited: number | string | null }>(
    db,
    sql`
      select count(*) filter (where outcome in (${hungUp})) as abandoned,
             sum(queue_time_seconds) filter (where outcome in (${queued})) as waited
      from calls
      where agency_code = any(${texts(query.agencies)})
        and (started_at at time zone ${query.timezone})::date = any(${array(query.days, 'date')})`,
  );
  return { abandoned: Number(row?.abandoned ?? 0), waitedSeconds: Number(row?.waited ?? 0) };
}

/**
 * The wrap-up after answered calls on `days`: measured where the operator gave an outcome, the
 * whole limit where the wrap-up ran out (nobody closed it), never more than the limit.
 */
export async function averageWrapUpSeconds(
  db: Executor,
  query: { agencies: readonly string[]; days: readonly string[]; timezone: string; limitSeconds: number },
): Promise<number | null> {
  const [row] = await rowsOf<{ average: number | string | null }>(
    db,
    sql`
      select avg(least(coalesce(extract(epoch from (wrap_up_at - ended_at)), ${query.limitSeconds}), ${query.limitSeconds})) as average
      from calls
      where outcome = 'answered' and ended_at is not null
        and agency_code = any(${texts(query.agencies)})
        and (started_at at time zone ${query.timezone})::date = any(${array(query.days, 'date')})`,
  );
  return row?.average === null || row?.average === undefined ? null : Math.max(0, Number(row.average));
}

/**
 * Operators logged in (any presence but off duty) at the middle of each half-hour of `days`,
 * among the staff serving `agencies`, averaged per half-hour of the week: from the presence
 * events, as they were at that instant.
 */
export async function loggedInPerSlot(
  db: Executor,
  query: { agencies: readonly string[]; days: readonly string[]; timezone: string },
): Promise<Readonly<{ weekday: number; slot: number; operators: number }>[]> {
  const rows = await rowsOf<{ weekday: number; slot: number; operators: number | string }>(
    db,
    sql`
      with points as (
        select d as day, s as slot, ((d + make_interval(mins => s * 30 + 15)) at time zone ${query.timezone}) as at
        from unnest(${array(query.days, 'date')}) d cross join generate_series(0, 47) s
      ), staff as (
        select distinct user_id from user_agencies where agency_code = any(${texts(query.agencies)})
      )
      select extract(isodow from p.day)::int as weekday, p.slot::int as slot, avg((
        select count(*) from (
          select distinct on (e.user_id) e.presence
          from operator_presence_events e
          where e.occurred_at <= p.at and e.user_id in (select user_id from staff)
          order by e.user_id, e.occurred_at desc
        ) latest where latest.presence <> 'offline'
      ))::float as operators
      from points p
      group by 1, 2`,
  );
  return rows.map((row) => ({ weekday: row.weekday, slot: row.slot, operators: Number(row.operators) }));
}

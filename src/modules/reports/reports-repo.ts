import { and, asc, desc, eq, gte, inArray, lte, sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { Executor } from '../../db/client.ts';
import { rowsOf } from '../../db/raw-sql.ts';
import {
  agencyContracts,
  callOutcomeCodes,
  callRollupHourly,
  callRollupWatermarks,
  calls,
  inboundEmails,
  statements,
  tickets,
  users,
} from '../../db/schema/index.ts';
import type { FactGroup, RollupCell } from '../../domain/kpi-cells.ts';
import type { PortfolioFilter } from '../../domain/portfolio-scope.ts';
import type { KpiParameters, ReportDimensions } from '../../domain/kpi.ts';
import { emptyDimensions, tallyReader } from '../../domain/kpi.ts';
import type { CallTally, TallyName } from '../../domain/kpi-definitions.ts';
import { TALLY_NAMES } from '../../domain/kpi-definitions.ts';
import { CALL_WAIT, inList, RAW_CALL_COLUMNS, rawTallyColumns, rollupRowColumns, rollupTallyColumns } from './kpi-sql.ts';

/**
 * Report queries. The tallies' SQL is generated from their declarations (kpi-sql.ts), so that
 * Postgres does the counting; tests/integration/reports-*.test.ts hold it to the pure readings.
 */

export type StatementRow = typeof statements.$inferSelect;
export type ContractRow = typeof agencyContracts.$inferSelect;

type DimensionRow = Record<string, unknown> & {
  g: number;
  d: string | null;
  h: number | null;
  q: string | null;
  k: string | null;
};

// grouping(d, h, q, k): a bit is set for every column the row is NOT grouped by.
const GROUPED_BY_NOTHING = 15;
const GROUPED_BY_DAY = 7;
const GROUPED_BY_HOUR = 11;
const GROUPED_BY_QUEUE = 13;
const GROUPED_BY_CHANNEL = 14;

const readTallies = tallyReader(TALLY_NAMES);

function dimensionsOf(rows: readonly DimensionRow[]): ReportDimensions {
  const dims = emptyDimensions();
  for (const row of rows) {
    const tally: CallTally = readTallies(row);
    const g = Number(row.g);
    if (g === GROUPED_BY_NOTHING) dims.total = tally;
    else if (g === GROUPED_BY_DAY && row.d !== null) dims.byDay.set(row.d, tally);
    else if (g === GROUPED_BY_HOUR && row.h !== null) dims.byHour.set(Number(row.h), tally);
    else if (g === GROUPED_BY_QUEUE && row.q !== null) dims.byQueue.set(row.q, tally);
    else if (g === GROUPED_BY_CHANNEL && row.k !== null) dims.byChannel.set(row.k, tally);
  }
  return dims;
}

export type DayRange = Readonly<{
  agency: string;
  timezone: string;
  from: string;
  to: string;
  start: Date;
  end: Date;
  /** Which of the agency's contacts (src/domain/portfolio-scope.ts): all (absent), own stock (null), one portfolio, all but some. */
  portfolio?: PortfolioFilter;
}>;

/** The range's portfolio as a condition on a nullable `portfolio_id` column (raw calls, e-mails, tickets). */
export function portfolioOf(column: AnyPgColumn, range: DayRange): SQL {
  const filter = range.portfolio;
  if (filter === undefined) return sql``;
  if (filter === null) return sql`and ${column} is null`;
  if (typeof filter === 'string') return sql`and ${column} = ${filter}`;
  if (filter.except.length === 0) return sql``;
  return sql`and (${column} is null or ${column} not in (${inList(filter.except)}))`;
}

/** The same on the rollup, where the own stock is ''. */
function rollupPortfolioOf(range: DayRange): SQL {
  const filter = range.portfolio;
  const column = callRollupHourly.portfolioId;
  if (filter === undefined) return sql``;
  if (filter === null || typeof filter === 'string') return sql`and ${column} = ${filter ?? ''}`;
  return filter.except.length === 0 ? sql`` : sql`and ${column} not in (${inList(filter.except)})`;
}

/** The reference path: every call of the range, counted by Postgres. */
export async function rawDimensions(db: Executor, range: DayRange, params: KpiParameters): Promise<ReportDimensions> {
  const rows = await rowsOf<DimensionRow>(
    db,
    sql`with f as (
      select to_char(${calls.startedAt} at time zone ${range.timezone}, 'YYYY-MM-DD') as d,
             extract(hour from ${calls.startedAt} at time zone ${range.timezone})::int as h,
             ${calls.category} as q, ${calls.numberKind} as k, ${RAW_CALL_COLUMNS}
      from ${calls}
      where ${calls.agencyCode} = ${range.agency}
        and ${calls.startedAt} >= ${range.start.toISOString()}::timestamptz and ${calls.startedAt} < ${range.end.toISOString()}::timestamptz
        ${portfolioOf(calls.portfolioId, range)}
    )
    select grouping(d, h, q, k) as g, d, h, q, k, ${rawTallyColumns(params, TALLY_NAMES)}
    from f
    group by grouping sets ((), (d), (h), (q), (k))`,
  );
  return dimensionsOf(rows);
}

/** The fast path: the same figures from the hourly rollup (thresholds within the rollup caps). */
export async function rollupDimensions(db: Executor, range: DayRange, params: KpiParameters): Promise<ReportDimensions> {
  const r = callRollupHourly;
  const rows = await rowsOf<DimensionRow>(
    db,
    sql`with f as (
      select to_char(${r.localDate}, 'YYYY-MM-DD') as d, ${r.localHour}::int as h,
             nullif(${r.category}, '') as q, nullif(${r.numberKind}, '') as k,
             ${rollupRowColumns(params, TALLY_NAMES)}
      from ${r}
      where ${r.agencyCode} = ${range.agency} and ${r.localDate} >= ${range.from}::date and ${r.localDate} <= ${range.to}::date
        ${rollupPortfolioOf(range)}
    )
    select grouping(d, h, q, k) as g, d, h, q, k, ${rollupTallyColumns(TALLY_NAMES)}
    from f
    group by grouping sets ((), (d), (h), (q), (k))`,
  );
  return dimensionsOf(rows);
}

/** The tallies the monthly trend shows. */
const MONTH_TALLIES = ['calls', 'outOfHours', 'answered', 'abandoned', 'shortAbandoned'] as const satisfies readonly TallyName[];

export type MonthRow = { month: string } & Pick<CallTally, (typeof MONTH_TALLIES)[number]>;

const readMonthTallies = tallyReader(MONTH_TALLIES);

const toMonthRows = (rows: Record<string, unknown>[]): MonthRow[] => rows.map((row) => ({ month: String(row.m), ...readMonthTallies(row) }));

/** Monthly volumes from the rollup: the 36-month trend reads some 10^5 rows instead of millions of calls. */
export async function rollupMonths(db: Executor, range: DayRange, params: KpiParameters): Promise<MonthRow[]> {
  const r = callRollupHourly;
  const rows = await rowsOf<Record<string, unknown>>(
    db,
    sql`with f as (
      select to_char(${r.localDate}, 'YYYY-MM') as m, ${rollupRowColumns(params, MONTH_TALLIES)}
      from ${r}
      where ${r.agencyCode} = ${range.agency} and ${r.localDate} >= ${range.from}::date and ${r.localDate} <= ${range.to}::date
        ${rollupPortfolioOf(range)}
    )
    select m, ${rollupTallyColumns(MONTH_TALLIES)}
    from f group by m order by m`,
  );
  return toMonthRows(rows);
}

export async function rawMonths(db: Executor, range: DayRange, params: KpiParameters): Promise<MonthRow[]> {
  const rows = await rowsOf<Record<string, unknown>>(
    db,
    sql`with f as (
      select to_char(${calls.startedAt} at time zone ${range.timezone}, 'YYYY-MM') as m, ${RAW_CALL_COLUMNS}
      from ${calls}
      where ${calls.agencyCode} = ${range.agency}
        and ${calls.startedAt} >= ${range.start.toISOString()}::timestamptz and ${calls.startedAt} < ${range.end.toISOString()}::timestamptz
        ${portfolioOf(calls.portfolioId, range)}
    )
    select m, ${rawTallyColumns(params, MONTH_TALLIES)}
    from f group by m order by m`,
  );
  return toMonthRows(rows);
}

/**
 * E-mails counted as contacts: distinct inbound messages of the agency that opened or joined a
 * ticket. Duplicates, automatic replies, bounces, PEC receipts and quarantined mail are not
 * contacts from a person (yet), so they are left out.
 */
const COUNTED_EMAIL_STATUSES = ['ticket', 'appended'] as const;

export type CountByKey = { key: string; channel?: string; n: number };

export async function emailCounts(db: Executor, range: DayRange, bucket: 'day' | 'month'): Promise<CountByKey[]> {
  const format = bucket === 'day' ? 'YYYY-MM-DD' : 'YYYY-MM';
  const rows = await rowsOf<{ key: string; n: number }>(
    db,
    sql`select to_char(${inboundEmails.receivedAt} at time zone ${range.timezone}, ${format}) as key, count(*)::int as n
      from ${inboundEmails}
      where ${inboundEmails.agencyCode} = ${range.agency}
        and ${inboundEmails.receivedAt} >= ${range.start.toISOString()}::timestamptz and ${inboundEmails.receivedAt} < ${range.end.toISOString()}::timestamptz
        and ${inboundEmails.status} in (${inList(COUNTED_EMAIL_STATUSES)})
        ${portfolioOf(inboundEmails.portfolioId, range)}
      group by 1`,
  );
  return rows.map((row) => ({ key: row.key, n: Number(row.n) }));
}

/** Calls of the range by their wrap-up outcome code (only calls that got one; a partial index serves it). */
export async function wrapUpCounts(db: Executor, range: DayRange): Promise<CountByKey[]> {
  const rows = await rowsOf<{ key: string; n: number }>(
    db,
    sql`select ${calls.wrapUpCode} as key, count(*)::int as n
      from ${calls}
      where ${calls.agencyCode} = ${range.agency}
        and ${calls.startedAt} >= ${range.start.toISOString()}::timestamptz and ${calls.startedAt} < ${range.end.toISOString()}::timestamptz
        and ${calls.wrapUpCode} is not null
        ${portfolioOf(calls.portfolioId, range)}
      group by 1`,
  );
  return rows.map((row) => ({ key: row.key, n: Number(row.n) }));
}

/** The agency's own outcome codes and labels, in order (none: the defaults apply). */
export async function outcomeCodeLabels(db: Executor, agency: string): Promise<{ code: string; label: string }[]> {
  return db
    .select({ code: callOutcomeCodes.code, label: callOutcomeCodes.label })
    .from(callOutcomeCodes)
    .where(eq(callOutcomeCodes.agencyCode, agency))
    .orderBy(asc(callOutcomeCodes.position));
}

/** Tickets opened in the range, whatever their channel (voice tickets are typed in by operators). */
export async function ticketCounts(db: Executor, range: DayRange, bucket: 'day' | 'month'): Promise<CountByKey[]> {
  const format = bucket === 'day' ? 'YYYY-MM-DD' : 'YYYY-MM';
  const rows = await rowsOf<{ key: string; channel: string; n: number }>(
    db,
    sql`select to_char(${tickets.createdAt} at time zone ${range.timezone}, ${format}) as key, ${tickets.channel} as channel, count(*)::int as n
      from ${tickets}
      where ${tickets.agencyCode} = ${range.agency}
        and ${tickets.createdAt} >= ${range.start.toISOString()}::timestamptz and ${tickets.createdAt} < ${range.end.toISOString()}::timestamptz
        ${portfolioOf(tickets.portfolioId, range)}
      group by 1, 2`,
  );
  return rows.map((row) => ({ key: row.key, channel: row.channel, n: Number(row.n) }));
}

/* ---------- rollup maintenance ---------- */

type FactGroupRow = {
  local_date: string;
  local_hour: number;
  category: string | null;
  number_kind: string | null;
  portfolio_id: string | null;
  outcome: string;
  wait: number;
  n: number;
  talk_sum: number;
  talk_count: number;
};

/** Calls of [start, end) grouped by cell, outcome and wait; optionally only one local hour. */
export async function factGroups(
  db: Executor,
  filter: { agency: string; timezone: string; start: Date; end: Date; slot?: { date: string; hour: number } },
): Promise<FactGroup[]> {
  const local = sql`(${calls.startedAt} at time zone ${filter.timezone})`;
  const slot = filter.slot
    ? sql`and to_char(${local}, 'YYYY-MM-DD') = ${filter.slot.date} and extract(hour from ${local})::int = ${filter.slot.hour}::int`
    : sql``;
  const rows = await rowsOf<FactGroupRow>(
    db,
    sql`select to_char(${local}, 'YYYY-MM-DD') as local_date, extract(hour from ${local})::int as local_hour,
        ${calls.category} as category, ${calls.numberKind} as number_kind, ${calls.portfolioId} as portfolio_id, ${calls.outcome} as outcome,
        ${CALL_WAIT}::int as wait,
        count(*)::int as n, coalesce(sum(${calls.talkSeconds}), 0)::float8 as talk_sum, count(${calls.talkSeconds})::int as talk_count
      from ${calls}
      where ${calls.agencyCode} = ${filter.agency}
        and ${calls.startedAt} >= ${filter.start.toISOString()}::timestamptz and ${calls.startedAt} < ${filter.end.toISOString()}::timestamptz
        ${slot}
      group by 1, 2, 3, 4, 5, 6, 7`,
  );
  return rows.map((row) => ({
    localDate: row.local_date,
    localHour: Number(row.local_hour),
    category: row.category,
    numberKind: row.number_kind,
    portfolioId: row.portfolio_id,
    outcome: row.outcome,
    waitSeconds: Number(row.wait),
    count: Number(row.n),
    talkSum: Number(row.talk_sum),
    talkCount: Number(row.talk_count),
  }));
}

// Two-key advisory locks live apart from the one-key lock the migrator takes. A live refresh holds
// the agency's lock shared and its hour's lock exclusively; a bulk rebuild holds the agency's lock
// exclusively, so neither overwrites what the other just computed.
const AGENCY_LOCK_CLASS = 70_071;
const SLOT_LOCK_CLASS = 70_072;

/** Serialises recomputations of one agency's local hour until the transaction ends. */
export async function lockRollupSlot(tx: Executor, agency: string, slot: { date: string; hour: number }): Promise<void> {
  await tx.execute(
    sql`select pg_advisory_xact_lock_shared(${AGENCY_LOCK_CLASS}::int, hashtext(${agency})),
               pg_advisory_xact_lock(${SLOT_LOCK_CLASS}::int, hashtext(${`${agency}|${slot.date}|${slot.hour}`}))`,
  );
}

/** Keeps live refreshes of the agency out until the transaction ends. */
export async function lockRollupAgency(tx: Executor, agency: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${AGENCY_LOCK_CLASS}::int, hashtext(${agency}))`);
}

export async function deleteRollupSlot(tx: Executor, agency: string, slot: { date: string; hour: number }): Promise<void> {
  await tx
    .delete(callRollupHourly)
    .where(and(eq(callRollupHourly.agencyCode, agency), eq(callRollupHourly.localDate, slot.date), eq(callRollupHourly.localHour, slot.hour)));
}

export async function deleteRollupOf(tx: Executor, agency: string): Promise<void> {
  await tx.delete(callRollupHourly).where(eq(callRollupHourly.agencyCode, agency));
}

export async function deleteRollupDays(tx: Executor, agency: string, from: string, to: string): Promise<number> {
  const deleted = await tx
    .delete(callRollupHourly)
    .where(and(eq(callRollupHourly.agencyCode, agency), gte(callRollupHourly.localDate, from), lte(callRollupHourly.localDate, to)))
    .returning({ hour: callRollupHourly.localHour });
  return deleted.length;
}

export async function rollupWatermark(db: Executor, agency: string): Promise<{ sealedThrough: string; timezone: string | null } | null> {
  const [row] = await db
    .select({ sealedThrough: callRollupWatermarks.sealedThrough, timezone: callRollupWatermarks.timezone })
    .from(callRollupWatermarks)
    .where(eq(callRollupWatermarks.agencyCode, agency));
  return row ?? null;
}

export async function setRollupWatermark(tx: Executor, agency: string, watermark: { sealedThrough: string; timezone: string }, at: Date): Promise<void> {
  await tx
    .insert(callRollupWatermarks)
    .values({ agencyCode: agency, ...watermark, sealedAt: at })
    .onConflictDoUpdate({ target: callRollupWatermarks.agencyCode, set: { ...watermark, sealedAt: at } });
}

export async function earliestCallAt(db: Executor, agency: string): Promise<Date | null> {
  const [row] = await db.select({ startedAt: calls.startedAt }).from(calls).where(eq(calls.agencyCode, agency)).orderBy(asc(calls.startedAt)).limit(1);
  return row?.startedAt ?? null;
}

const INSERT_CHUNK = 1000;

export async function insertRollupCells(tx: Executor, agency: string, cells: readonly RollupCell[]): Promise<void> {
  for (let index = 0; index < cells.length; index += INSERT_CHUNK) {
    await tx.insert(callRollupHourly).values(cells.slice(index, index + INSERT_CHUNK).map((cell) => ({ ...cell, agencyCode: agency })));
  }
}

export async function readRollupCells(db: Executor, agency: string): Promise<(typeof callRollupHourly.$inferSelect)[]> {
  return db
    .select()
    .from(callRollupHourly)
    .where(eq(callRollupHourly.agencyCode, agency))
    .orderBy(
      asc(callRollupHourly.localDate),
      asc(callRollupHourly.localHour),
      asc(callRollupHourly.category),
      asc(callRollupHourly.numberKind),
      asc(callRollupHourly.portfolioId),
    );
}

/* ---------- contracts and statements ---------- */

/** Every version of the agency's contract, in the order recorded (rows are never changed or deleted). */
export async function contractsOf(db: Executor, agency: string): Promise<ContractRow[]> {
  return db.select().from(agencyContracts).where(eq(agencyContracts.agencyCode, agency)).orderBy(asc(agencyContracts.version));
}

/** The display name of a user, for what a statement prints; undefined for an id that is not a user's. */
export async function displayNameOf(db: Executor, userId: string): Promise<string | undefined> {
  const [row] = await db.select({ displayName: users.displayName }).from(users).where(sql`${users.id}::text = ${userId}`);
  return row?.displayName;
}

/** Inserts the next version of the agency's statement for the period; undefined when another issuer won the race. */
export async function insertStatementVersion(
  tx: Executor,
  row: Omit<typeof statements.$inferInsert, 'version' | 'id' | 'number'>,
  numberOf: (version: number) => string,
): Promise<StatementRow | undefined> {
  const [latest] = await tx
    .select({ version: statements.version })
    .from(statements)
    .where(and(eq(statements.agencyCode, row.agencyCode), eq(statements.period, row.period)))
    .orderBy(desc(statements.version))
    .limit(1);
  const [inserted] = await tx
    .insert(statements)
    .values({ ...row, version: (latest?.version ?? 0) + 1, number: numberOf((latest?.version ?? 0) + 1) })
    .onConflictDoNothing()
    .returning();
  return inserted;
}

export async function findStatement(db: Executor, id: string): Promise<StatementRow | undefined> {
  const [row] = await db.select().from(statements).where(eq(statements.id, id));
  return row;
}

export async function listStatements(db: Executor, agencies: readonly string[]): Promise<Omit<StatementRow, 'body' | 'parameters'>[]> {
  if (agencies.length === 0) return [];
  return db
    .select({
      id: statements.id,
      agencyCode: statements.agencyCode,
      period: statements.period,
      periodFrom: statements.periodFrom,
      periodTo: statements.periodTo,
      version: statements.version,
      number: statements.number,
      issuedAt: statements.issuedAt,
      issuedById: statements.issuedById,
      issuedByName: statements.issuedByName,
    })
    .from(statements)
    .where(inArray(statements.agencyCode, [...agencies]))
    .orderBy(asc(statements.agencyCode), desc(statements.period), desc(statements.version));
}

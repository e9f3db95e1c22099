import { bigint, date, index, integer, jsonb, pgTable, primaryKey, smallint, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { agencies } from './agencies.ts';

/**
 * Call facts summed per agency x local day x local hour x queue category x number kind x portfolio: what the
 * reports read instead of millions of `calls` rows, for the days up to the agency's watermark
 * (`call_rollup_watermarks`); later days are read from `calls`. A change to a call of a sealed
 * day recomputes its local hour in the same transaction; rows imported around the call service
 * need a rebuild.
 *
 * Nothing here depends on an agency's parameters: the two cumulative arrays let a report apply any
 * service-level or short-abandon threshold exactly, so a statement issued with last year's
 * thresholds reproduces from the same rows.
 */
export const callRollupHourly = pgTable(
  'call_rollup_hourly',
  {
    agencyCode: text('agency_code')
      .notNull()
      .references(() => agencies.code, { onDelete: 'cascade' }),
    localDate: date('local_date', { mode: 'string' }).notNull(),
    localHour: smallint('local_hour').notNull(),
    /** '' for calls that never reached a queue (out of hours, still or left in the menu). */
    category: text('category').notNull(),
    /** numero_verde | landline; '' when unknown. */
    numberKind: text('number_kind').notNull(),
    /**
     * The portfolio (housing stock managed for others) of the dialled number; '' for the agency's own
     * stock. A dimension of the reports: one portfolio's report reads only its rows.
     */
    portfolioId: text('portfolio_id').notNull().default(''),
    calls: integer('calls').notNull(),
    outOfHours: integer('out_of_hours').notNull(),
    queued: integer('queued').notNull(),
    answered: integer('answered').notNull(),
    /** Hung up in queue, short or not: the threshold splits them at report time. */
    hangups: integer('hangups').notNull(),
    /** Fell silent in queue without a result (outcome `lost`, set by the silence reconciler). */
    lost: integer('lost').notNull().default(0),
    /** Queued call-backs: left the queue keeping their place (outcomes `callback_waiting`, `queued_callback`). */
    queuedCallbacks: integer('queued_callbacks').notNull().default(0),
    answeredWaitSum: bigint('answered_wait_sum', { mode: 'number' }).notNull(),
    answeredWaitMax: integer('answered_wait_max'),
    hangupWaitMax: integer('hangup_wait_max'),
    talkSum: bigint('talk_sum', { mode: 'number' }).notNull(),
    talkCount: integer('talk_count').notNull(),
    /** [s] (0-based) = answered calls that waited at most s seconds; ends at the cell's longest wait (cap 120). */
    answeredWaitLe: integer('answered_wait_le').array().notNull(),
    /** [s] (0-based) = hang-ups in queue after at most s seconds; ends at the cell's longest such wait (cap 59). */
    hangupWaitLe: integer('hangup_wait_le').array().notNull(),
  },
  (table) => [primaryKey({ columns: [table.agencyCode, table.localDate, table.localHour, table.category, table.numberKind, table.portfolioId] })],
);

/**
 * An issued quarterly statement, frozen: `body` is exactly what was issued, `parameters` what it
 * was computed with. A re-issue is a new version; nothing here is ever updated or deleted.
 */
export const statements = pgTable(
  'statements',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    agencyCode: text('agency_code')
      .notNull()
      .references(() => agencies.code),
    /** `2026-Q1` */
    period: text('period').notNull(),
    /** The days billed: the quarter's days inside the contract, inclusive, agency's zone. */
    periodFrom: date('period_from', { mode: 'string' }).notNull(),
    periodTo: date('period_to', { mode: 'string' }).notNull(),
    version: integer('version').notNull(),
    /** Readable number printed on the statement, e.g. `PV-2026-T1-v2` (prefix, year, quarter, version). */
    number: text('number').notNull(),
    issuedAt: timestamp('issued_at', { withTimezone: true, mode: 'date' }).notNull(),
    issuedById: text('issued_by_id').notNull(),
    /** The issuer's display name at the time of issue (what the printed statement names). */
    issuedByName: text('issued_by_name').notNull(),
    parameters: jsonb('parameters').notNull().$type<Record<string, unknown>>(),
    body: jsonb('body').notNull().$type<Record<string, unknown>>(),
  },
  (table) => [
    uniqueIndex('statements_agency_period_version_idx').on(table.agencyCode, table.period, table.version),
    index('statements_agency_issued_idx').on(table.agencyCode, table.issuedAt),
  ],
);

/** Per agency: the rollup is complete for every local day up to `sealed_through`, inclusive. */
export const callRollupWatermarks = pgTable('call_rollup_watermarks', {
  agencyCode: text('agency_code')
    .primaryKey()
    .references(() => agencies.code, { onDelete: 'cascade' }),
  sealedThrough: date('sealed_through', { mode: 'string' }).notNull(),
  sealedAt: timestamp('sealed_at', { withTimezone: true, mode: 'date' }).notNull(),
  /** The zone the local days were cut in; when the agency's zone changes, everything is sealed again. */
  timezone: text('timezone'),
});

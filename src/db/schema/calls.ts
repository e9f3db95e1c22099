import { sql } from 'drizzle-orm';
import { bigserial, boolean, check, index, integer, jsonb, pgTable, primaryKey, smallint, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { agencies } from './agencies.ts';

/**
 * One row per inbound call, kept current from its events. The events table below is the
 * record of what happened; this row is what screens and reports read.
 */
export const calls = pgTable(
  'calls',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    callSid: text('call_sid').notNull(),
    agencyCode: text('agency_code').references(() => agencies.code, { onDelete: 'cascade' }),
    portfolioId: text('portfolio_id'),
    toNumber: text('to_number').notNull(),
    fromNumber: text('from_number'),
    /** numero_verde | landline, copied from the dialled number so reports survive renumbering. */
    numberKind: text('number_kind'),
    startedAt: timestamp('started_at', { withTimezone: true, mode: 'date' }).notNull(),
    status: text('status').notNull(),
    statusSequence: integer('status_sequence'),
    outcome: text('outcome').notNull(),
    category: text('category'),
    queueName: text('queue_name'),
    enqueuedAt: timestamp('enqueued_at', { withTimezone: true, mode: 'date' }),
    queueTimeSeconds: integer('queue_time_seconds'),
    bridgedAt: timestamp('bridged_at', { withTimezone: true, mode: 'date' }),
    answeredBy: text('answered_by'),
    operatorCallSid: text('operator_call_sid'),
    endedAt: timestamp('ended_at', { withTimezone: true, mode: 'date' }),
    durationSeconds: integer('duration_seconds'),
    talkSeconds: integer('talk_seconds'),
    /**
     * The last sign of life of a caller waiting in queue: the enqueue, then every request of the
     * wait URL (Twilio's heartbeat while the caller holds). The silence reconciler reads it.
     */
    lastHeardAt: timestamp('last_heard_at', { withTimezone: true, mode: 'date' }),
    /** The operator's outcome code (esito) at wrap-up, one of the agency's `call_outcome_codes`. */
    wrapUpCode: text('wrap_up_code'),
    wrapUpBy: text('wrap_up_by'),
    wrapUpAt: timestamp('wrap_up_at', { withTimezone: true, mode: 'date' }),
    /**
     * Queued call-back ("keep my place, call me back"): the number the caller chose to be called
     * back on; the call keeps its place in the queue order (`enqueued_at`) while `callback_waiting`.
     */
    callbackPhone: text('callback_phone'),
    /** Dials of the placeholder so far (each picked by an operator's "next"). */
    callbackAttempts: integer('callback_attempts'),
    /** The placeholder may not be picked before this (a retry after an unanswered dial, or a dial in progress). */
    callbackNotBefore: timestamp('callback_not_before', { withTimezone: true, mode: 'date' }),
    /** How the queued call-back ended: `reached`, or `gave_up` (then it is an ordinary call-back task). */
    callbackResult: text('callback_result', { enum: ['reached', 'gave_up'] }),
    /** What the caller heard before the menu: `incident`, `status` (their tickets' state), `incident+status`, or null. */
    preMenu: text('pre_menu'),
    /** The incident the caller heard about (and, with outcome `incident_report`, added their report to). */
    incidentId: uuid('incident_id'),
    /**
     * Whether the call repeats one of the same number to the same agency within 7 days (issue 17
     * §5), frozen before the caller's number is erased (erasure, retention), so the reports read
     * the same afterwards; null: not frozen, the reports decide it from the numbers.
     */
    repeatCall: boolean('repeat_call'),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (table) => [
    uniqueIndex('calls_call_sid_idx').on(table.callSid),
    index('calls_agency_started_idx').on(table.agencyCode, table.startedAt),
    index('calls_queue_outcome_idx').on(table.queueName, table.outcome, table.enqueuedAt),
    // Small: only callers waiting now. The silence reconciler finds those not heard from for a while.
    index('calls_queued_heard_idx').on(table.lastHeardAt).where(sql`${table.outcome} = 'queued'`),
    // The report's outcome counts read only calls that have a code.
    // A caller's calls to an agency: freezing repeat-call verdicts before a number is erased.
    index('calls_agency_from_idx').on(table.agencyCode, table.fromNumber).where(sql`${table.fromNumber} is not null`),
    index('calls_agency_wrap_up_idx').on(table.agencyCode, table.startedAt, table.wrapUpCode).where(sql`${table.wrapUpCode} is not null`),
  ],
);

/**
 * The caller's answer to the one question after an answered call (issue 17 §4): a rating 1–5,
 * kept once per call. The first digit recorded stays: the primary key refuses a second one, so a
 * repeated or late webhook never changes it. The call's queue and day are read from `calls`.
 */
export const callRatings = pgTable(
  'call_ratings',
  {
    callSid: text('call_sid').primaryKey(),
    agencyCode: text('agency_code')
      .notNull()
      .references(() => agencies.code, { onDelete: 'cascade' }),
    rating: smallint('rating').notNull(),
    ratedAt: timestamp('rated_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (table) => [index('call_ratings_agency_idx').on(table.agencyCode, table.ratedAt), check('call_ratings_rating_check', sql`${table.rating} between 1 and 5`)],
);

/**
 * Append-only: one row per webhook step. The unique (call_sid, step) key makes a retried
 * webhook find its row and answer with the same stored TwiML instead of recording twice.
 */
export const callEvents = pgTable(
  'call_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    callSid: text('call_sid').notNull(),
    step: text('step').notNull(),
    type: text('type').notNull(),
    payload: jsonb('payload').notNull().$type<Record<string, unknown>>(),
    response: text('response'),
    occurredAt: timestamp('occurred_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  // No index on occurred_at: nothing reads events by time (retention goes through `calls`), and
  // every incoming call paid for keeping one.
  (table) => [uniqueIndex('call_events_sid_step_idx').on(table.callSid, table.step)],
);

/** An operator's softphone leg: lets `/bridged` tell which operator dequeued a caller. */
export const operatorLegs = pgTable('operator_legs', {
  callSid: text('call_sid').primaryKey(),
  identity: text('identity').notNull(),
  queueName: text('queue_name'),
  startedAt: timestamp('started_at', { withTimezone: true, mode: 'date' }).notNull(),
  /** When Twilio reported the leg over (its status callback): the operator is released. */
  endedAt: timestamp('ended_at', { withTimezone: true, mode: 'date' }),
});

/**
 * An agency's outcome codes (esiti) for the wrap-up, in display order. An agency without rows uses
 * the defaults of src/domain/call-outcome-codes.ts; replacing the list writes the agency's own.
 */
export const callOutcomeCodes = pgTable(
  'call_outcome_codes',
  {
    agencyCode: text('agency_code')
      .notNull()
      .references(() => agencies.code, { onDelete: 'cascade' }),
    code: text('code').notNull(),
    label: text('label').notNull(),
    position: smallint('position').notNull(),
  },
  (table) => [primaryKey({ columns: [table.agencyCode, table.code] })],
);

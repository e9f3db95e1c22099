import { sql } from 'drizzle-orm';
import { bigserial, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { agencies } from './agencies.ts';

/**
 * A caller who gave up in the queue and is owed a call back: at most one OPEN task per caller
 * (normalised number) and agency. Each abandoned call of that caller is a row of `callback_calls`;
 * `call_sid` is the first of them.
 */
export const callbacks = pgTable(
  'callbacks',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    agencyCode: text('agency_code')
      .notNull()
      .references(() => agencies.code, { onDelete: 'cascade' }),
    callSid: text('call_sid').notNull(),
    queueName: text('queue_name'),
    category: text('category'),
    callerPhone: text('caller_phone').notNull(),
    abandonedAt: timestamp('abandoned_at', { withTimezone: true, mode: 'date' }).notNull(),
    waitedSeconds: integer('waited_seconds'),
    dueAt: timestamp('due_at', { withTimezone: true, mode: 'date' }).notNull(),
    /** open → done | failed | cancelled; attempts that did not reach the caller keep it open. */
    status: text('status', { enum: ['open', 'done', 'failed', 'cancelled'] }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    lastOutcome: text('last_outcome'),
    assignedTo: text('assigned_to'),
    ticketRef: text('ticket_ref'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull(),
    closedAt: timestamp('closed_at', { withTimezone: true, mode: 'date' }),
    /** How many abandoned calls of this caller the task stands for, and when the latest gave up. */
    abandonedCalls: integer('abandoned_calls').notNull().default(1),
    lastAbandonedAt: timestamp('last_abandoned_at', { withTimezone: true, mode: 'date' }).notNull(),
    /** Why it closed: see CALLBACK_CLOSE_REASONS in src/domain/callback-rules.ts. */
    closedReason: text('closed_reason'),
    /** The caller's later call that an operator answered, when that is what closed the task. */
    closedByCallSid: text('closed_by_call_sid'),
    /** A duplicate open task folded into another by migration 0015. */
    mergedInto: uuid('merged_into'),
  },
  (table) => [
    uniqueIndex('callbacks_call_sid_idx').on(table.callSid),
    index('callbacks_agency_status_due_idx').on(table.agencyCode, table.status, table.dueAt),
    // Two nodes recording abandoned calls of the same caller at once: one inserts, the other appends.
    uniqueIndex('callbacks_open_caller_idx').on(table.agencyCode, table.callerPhone).where(sql`${table.status} = 'open'`),
  ],
);

/** Append-only: every call-back attempt and its outcome, with who made it. */
export const callbackAttempts = pgTable(
  'callback_attempts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    callbackId: uuid('callback_id')
      .notNull()
      .references(() => callbacks.id, { onDelete: 'cascade' }),
    outcome: text('outcome').notNull(),
    note: text('note'),
    actorId: text('actor_id').notNull(),
    actorName: text('actor_name').notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true, mode: 'date' }).notNull(),
    /** The operator's softphone leg, when the attempt was dialled from the screen. */
    callSid: text('call_sid'),
  },
  (table) => [index('callback_attempts_callback_idx').on(table.callbackId, table.id)],
);

/** Every abandoned call a task stands for: a caller who gave up three times is one task with three calls. */
export const callbackCalls = pgTable(
  'callback_calls',
  {
    callSid: text('call_sid').primaryKey(),
    callbackId: uuid('callback_id')
      .notNull()
      .references(() => callbacks.id, { onDelete: 'cascade' }),
    abandonedAt: timestamp('abandoned_at', { withTimezone: true, mode: 'date' }).notNull(),
    waitedSeconds: integer('waited_seconds'),
  },
  (table) => [index('callback_calls_callback_idx').on(table.callbackId, table.abandonedAt)],
);

import { bigserial, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { agencies } from './agencies.ts';

/** A caller who gave up in the queue and is owed a call back; one per abandoned call. */
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
  },
  (table) => [
    uniqueIndex('callbacks_call_sid_idx').on(table.callSid),
    index('callbacks_agency_status_due_idx').on(table.agencyCode, table.status, table.dueAt),
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
  },
  (table) => [index('callback_attempts_callback_idx').on(table.callbackId, table.id)],
);

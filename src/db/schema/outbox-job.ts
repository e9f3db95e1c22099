import { integer, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/**
 * pending → delivering (claimed, under a lease) → delivered | dead; back to pending after a failed
 * attempt that the retry policy allows again. `held` is kept and never claimed: an e-mail to an
 * agency written while no SMTP server was configured, sent only when a supervisor asks.
 */
export const OUTBOX_JOB_STATUSES = ['pending', 'delivering', 'delivered', 'dead', 'held'] as const;
export type OutboxJobStatus = (typeof OUTBOX_JOB_STATUSES)[number];

/**
 * The columns every outbox table carries, so that one runner (src/modules/outbox) claims, leases,
 * retries and finishes the rows of any of them. Each table adds what its kind of message is (an
 * acknowledgement to a tenant, a delivery to an agency's office) and its own `kind` and `give_up_at`.
 */
export function outboxJobColumns() {
  return {
    status: text('status', { enum: OUTBOX_JOB_STATUSES }).notNull(),
    /** Attempts begun: counted when a worker claims the row. */
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true, mode: 'date' }).notNull(),
    /** A claimed row whose lease has run out (its node died mid-attempt) is claimed again. */
    leaseUntil: timestamp('lease_until', { withTimezone: true, mode: 'date' }),
    leaseToken: uuid('lease_token'),
    lastError: text('last_error'),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull(),
    deliveredAt: timestamp('delivered_at', { withTimezone: true, mode: 'date' }),
  };
}

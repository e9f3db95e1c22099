import { bigserial, boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { agencies } from './agencies.ts';
import { outboxJobColumns } from './outbox-job.ts';

/**
 * Where an agency wants its tickets: per portfolio (null: any of the agency's tickets) and per
 * queue (category; null: any category). A ticket goes to the most specific level that has active
 * targets (src/domain/delivery-targets.ts). A signed JSON webhook, an e-mail address, or both.
 * `portfolio_id` has no foreign key, like the tickets' own: removing a portfolio must neither
 * delete its office's target nor widen it to the whole agency.
 */
export const deliveryTargets = pgTable(
  'delivery_targets',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    agencyCode: text('agency_code')
      .notNull()
      .references(() => agencies.code, { onDelete: 'cascade' }),
    portfolioId: text('portfolio_id'),
    category: text('category'),
    kind: text('kind', { enum: ['webhook', 'email'] }).notNull(),
    label: text('label').notNull(),
    url: text('url'),
    /** HMAC-SHA256 key shared with the receiving system. */
    secret: text('secret'),
    emailTo: text('email_to'),
    active: boolean('active').notNull().default(true),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (table) => [index('delivery_targets_agency_idx').on(table.agencyCode, table.category)],
);

/**
 * Transactional outbox: a row is written in the same transaction as the ticket change it
 * announces, then delivered at least once by the outbox runner. The id is the idempotency key the
 * receiver sees on every attempt.
 */
export const deliveries = pgTable(
  'deliveries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    agencyCode: text('agency_code').notNull(),
    ticketId: uuid('ticket_id'),
    ticketRef: text('ticket_ref'),
    targetId: uuid('target_id').notNull(),
    kind: text('kind', { enum: ['webhook', 'email'] }).notNull(),
    /** What the delivery announces, e.g. `ticket.routed`. */
    eventType: text('event_type').notNull(),
    /** Unique per (ticket event, target): writing the same announcement twice lands once. */
    dedupeKey: text('dedupe_key').notNull(),
    payload: jsonb('payload').notNull().$type<Record<string, unknown>>(),
    /** status, attempts, next attempt, lease, last error: what the outbox runner reads and writes. */
    ...outboxJobColumns(),
    /** Retries stop here and the delivery becomes a dead letter (a redelivery sets a fresh one). */
    giveUpAt: timestamp('give_up_at', { withTimezone: true, mode: 'date' }).notNull(),
    lastStatusCode: integer('last_status_code'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (table) => [
    uniqueIndex('deliveries_dedupe_idx').on(table.dedupeKey),
    index('deliveries_due_idx').on(table.status, table.nextAttemptAt),
    index('deliveries_agency_status_idx').on(table.agencyCode, table.status, table.createdAt),
    index('deliveries_ticket_idx').on(table.ticketId),
  ],
);

/** Append-only log of every attempt, for supervisors looking at a dead letter. */
export const deliveryAttempts = pgTable(
  'delivery_attempts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    deliveryId: uuid('delivery_id')
      .notNull()
      .references(() => deliveries.id, { onDelete: 'cascade' }),
    attempt: integer('attempt').notNull(),
    ok: boolean('ok').notNull(),
    statusCode: integer('status_code'),
    error: text('error'),
    durationMs: integer('duration_ms'),
    occurredAt: timestamp('occurred_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (table) => [index('delivery_attempts_delivery_idx').on(table.deliveryId, table.id)],
);

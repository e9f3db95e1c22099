import { bigserial, index, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { queues } from './agencies.ts';
import { users } from './users.ts';

/** An operator's current presence; one row per staff member who has ever set it. */
export const operatorPresence = pgTable('operator_presence', {
  userId: uuid('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  presence: text('presence', { enum: ['available', 'on_call', 'wrap_up', 'break', 'offline'] }).notNull(),
  location: text('location', { enum: ['on_site', 'remote'] }).notNull(),
  callSid: text('call_sid'),
  since: timestamp('since', { withTimezone: true, mode: 'date' }).notNull(),
});

/** Append-only: every presence change, for occupancy reports. */
export const operatorPresenceEvents = pgTable(
  'operator_presence_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    presence: text('presence').notNull(),
    location: text('location').notNull(),
    callSid: text('call_sid'),
    occurredAt: timestamp('occurred_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (table) => [index('operator_presence_events_user_idx').on(table.userId, table.occurredAt)],
);

/**
 * The queues an operator answers, within the agencies they serve (user_agencies). An operator
 * without rows here answers every queue of their agencies.
 */
export const operatorQueues = pgTable(
  'operator_queues',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    queueName: text('queue_name')
      .notNull()
      .references(() => queues.name, { onDelete: 'cascade' }),
  },
  (table) => [primaryKey({ columns: [table.userId, table.queueName] })],
);

import { bigserial, index, jsonb, pgTable, timestamp } from 'drizzle-orm/pg-core';

/** Domain events too large for a NOTIFY payload (8000 bytes), relayed between nodes by id. */
export const clusterEventOverflow = pgTable(
  'cluster_event_overflow',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    body: jsonb('body').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (table) => [index('cluster_event_overflow_created_idx').on(table.createdAt)],
);

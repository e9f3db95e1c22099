import { bigserial, index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Every configuration change an administrator makes (agencies and their parts, users, tokens):
 * who, when, what it was before and what it became. Written in the change's own transaction, so
 * a change without its entry cannot commit. Without a foreign key: the trail outlives what it names.
 * It holds configuration only, never a secret (password hashes and token secrets are left out).
 */
export const auditTrail = pgTable(
  'audit_trail',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull(),
    actorKind: text('actor_kind', { enum: ['user', 'token', 'system'] }).notNull(),
    actorId: text('actor_id').notNull(),
    /** The actor's name when they acted: a later rename does not rewrite history. */
    actorName: text('actor_name').notNull(),
    /** e.g. `agency.numbers`, `user.create`, `token.revoke`. */
    action: text('action').notNull(),
    targetKind: text('target_kind', { enum: ['agency', 'user', 'token', 'delivery_target', 'incident'] }).notNull(),
    targetId: text('target_id').notNull(),
    /** The agency the change concerns, when there is one. */
    agencyCode: text('agency_code'),
    before: jsonb('before'),
    after: jsonb('after'),
  },
  (table) => [index('audit_trail_agency_idx').on(table.agencyCode, table.id)],
);

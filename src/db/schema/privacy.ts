import { bigint, index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { agencies } from './agencies.ts';

/**
 * How long an agency (the controller) wants its tenants' personal data kept, as agreed in its
 * data-processing agreement. Agencies without a row get the defaults of `privacy-retention.ts`.
 */
export const privacySettings = pgTable('privacy_settings', {
  agencyCode: text('agency_code')
    .primaryKey()
    .references(() => agencies.code, { onDelete: 'cascade' }),
  /** Calls, tickets, e-mails, call-backs and deliveries older than this lose their personal data. */
  personalDataMonths: integer('personal_data_months').notNull(),
  /** The processor's access log of this agency is pruned after this many months. */
  accessLogMonths: integer('access_log_months').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull(),
  updatedBy: text('updated_by').notNull(),
  /** The last retention pass over this agency and the cut-off it applied. */
  lastRetentionAt: timestamp('last_retention_at', { withTimezone: true, mode: 'date' }),
  lastRetentionCutoff: timestamp('last_retention_cutoff', { withTimezone: true, mode: 'date' }),
  /** A pass under way holds the agency until then: a second node skips it, a dead pass's claim lapses. */
  retentionClaimedUntil: timestamp('retention_claimed_until', { withTimezone: true, mode: 'date' }),
});

/**
 * The register of privacy operations: data-subject exports and erasures, full agency exports,
 * end-of-contract deletions, retention passes and settings changes. Deliberately without a
 * foreign key: a deletion receipt outlives the agency's data. It never holds a data subject's
 * identifier in clear, only a masked form (`+39 347 ••• ••67`).
 */
export const privacyReceipts = pgTable(
  'privacy_receipts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kind: text('kind', { enum: ['subject_export', 'subject_erasure', 'agency_export', 'agency_deletion', 'retention', 'settings'] }).notNull(),
    agencyCode: text('agency_code').notNull(),
    /** started → completed | failed (a streamed export whose reader went away stays `started`). */
    status: text('status', { enum: ['started', 'completed', 'failed'] }).notNull(),
    requestedAt: timestamp('requested_at', { withTimezone: true, mode: 'date' }).notNull(),
    completedAt: timestamp('completed_at', { withTimezone: true, mode: 'date' }),
    actorKind: text('actor_kind').notNull(),
    actorId: text('actor_id').notNull(),
    actorName: text('actor_name').notNull(),
    actorRole: text('actor_role').notNull(),
    /** Masked identifiers of the data subject, e.g. `{ "phone": "+39 347 ••• ••67" }`. */
    subject: jsonb('subject').$type<Record<string, string[]>>(),
    /** Rows per table exported, anonymised or deleted. */
    counts: jsonb('counts').$type<Record<string, number>>(),
    /** SHA-256 (hex) of the exact bytes of an export; on a deletion, of the export handed back. */
    sha256: text('sha256'),
    byteSize: bigint('byte_size', { mode: 'number' }),
    /** Kind-specific facts: retention cut-off, the export a deletion relied on, what was kept and why. */
    details: jsonb('details').$type<Record<string, unknown>>(),
    requestId: text('request_id'),
  },
  (table) => [index('privacy_receipts_agency_requested_idx').on(table.agencyCode, table.requestedAt), index('privacy_receipts_sha256_idx').on(table.sha256)],
);

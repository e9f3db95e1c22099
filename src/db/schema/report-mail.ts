import { index, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { agencies } from './agencies.ts';
import { outboxJobColumns } from './outbox-job.ts';

/** What arrives by itself: the monthly call-volume report, or the draft of the quarterly statement. */
export const REPORT_MAIL_KINDS = ['monthly_report', 'statement_draft'] as const;
export type ReportMailKind = (typeof REPORT_MAIL_KINDS)[number];

/**
 * Who receives an agency's reports by e-mail: the agency's liaison (monthly report), the supervisors
 * who issue its statements (quarterly draft). No address, no mail.
 */
export const reportMailRecipients = pgTable(
  'report_mail_recipients',
  {
    agencyCode: text('agency_code')
      .notNull()
      .references(() => agencies.code, { onDelete: 'cascade' }),
    kind: text('kind', { enum: REPORT_MAIL_KINDS }).notNull(),
    address: text('address').notNull(),
  },
  (table) => [primaryKey({ columns: [table.agencyCode, table.kind, table.address] })],
);

/**
 * One report e-mail to one recipient, rendered in full when it was due (what was sent is what is
 * kept), then sent by the one outbox runner and retried like a delivery. The dedupe key (kind,
 * agency, period, address) makes the monthly pass idempotent across passes and nodes.
 */
export const reportMailings = pgTable(
  'report_mailings',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kind: text('kind', { enum: REPORT_MAIL_KINDS }).notNull(),
    agencyCode: text('agency_code')
      .notNull()
      .references(() => agencies.code, { onDelete: 'cascade' }),
    /** `2026-11` for a month, `2026-Q4` for a quarter. */
    period: text('period').notNull(),
    toAddress: text('to_address').notNull(),
    subject: text('subject').notNull(),
    textBody: text('text_body').notNull(),
    htmlBody: text('html_body').notNull(),
    attachmentName: text('attachment_name'),
    attachmentCsv: text('attachment_csv'),
    dedupeKey: text('dedupe_key').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
    /** status, attempts, next attempt, lease, last error: what the outbox runner reads and writes. */
    ...outboxJobColumns(),
    giveUpAt: timestamp('give_up_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (table) => [
    uniqueIndex('report_mailings_dedupe_idx').on(table.dedupeKey),
    index('report_mailings_due_idx').on(table.status, table.nextAttemptAt),
    index('report_mailings_agency_idx').on(table.agencyCode, table.kind, table.period),
  ],
);

import { sql } from 'drizzle-orm';
import { boolean, customType, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { agencies } from './agencies.ts';
import { outboxJobColumns } from './outbox-job.ts';

/** bytea as a Buffer on both drivers (PGlite hands back a Uint8Array, postgres.js a Buffer). */
export const bytea = customType<{ data: Buffer; driverData: Uint8Array }>({
  dataType: () => 'bytea',
  toDriver: (value) => value,
  fromDriver: (value) => (Buffer.isBuffer(value) ? value : Buffer.from(value)),
});

export const EMAIL_STATUSES = ['pending', 'ticket', 'appended', 'duplicate', 'quarantined', 'discarded'] as const;
export type EmailStatus = (typeof EMAIL_STATUSES)[number];

/**
 * One row per distinct inbound message as delivered by a provider. The row and its raw bytes
 * (`inbound_email_raw`) are committed before any parsing: `pending` rows are what a crash left
 * unprocessed, and start-up processes them again.
 */
export const inboundEmails = pgTable(
  'inbound_emails',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    receivedAt: timestamp('received_at', { withTimezone: true, mode: 'date' }).notNull(),
    provider: text('provider', { enum: ['raw', 'sendgrid', 'mailgun', 'postmark'] }).notNull(),
    /** Envelope recipients the provider told us (X-Envelope-To, SendGrid envelope, Mailgun recipient, …). */
    envelopeTo: jsonb('envelope_to').notNull().$type<string[]>(),
    rawSha256: text('raw_sha256').notNull(),
    rawSize: integer('raw_size').notNull(),
    status: text('status', { enum: EMAIL_STATUSES }).notNull(),
    /** While set in the future, one worker owns the processing of a pending row. */
    leaseUntil: timestamp('lease_until', { withTimezone: true, mode: 'date' }),
    attempts: integer('attempts').notNull().default(0),
    processedAt: timestamp('processed_at', { withTimezone: true, mode: 'date' }),
    /** message | pec | pec_receipt | auto_reply | bounce | unparseable */
    kind: text('kind'),
    agencyCode: text('agency_code').references(() => agencies.code, { onDelete: 'cascade' }),
    portfolioId: text('portfolio_id'),
    /** The address that routed the message to its agency. */
    recipient: text('recipient'),
    messageId: text('message_id'),
    inReplyTo: text('in_reply_to'),
    references: jsonb('references').$type<string[]>(),
    fromAddress: text('from_address'),
    fromName: text('from_name'),
    subject: text('subject'),
    sentAt: timestamp('sent_at', { withTimezone: true, mode: 'date' }),
    /** Plain text only: HTML-only mail is converted, HTML itself is never kept for display. */
    textBody: text('text_body'),
    flags: jsonb('flags').$type<Record<string, unknown>>(),
    /** PEC envelope data (daticert.xml) or receipt type. */
    pec: jsonb('pec').$type<Record<string, unknown>>(),
    category: text('category'),
    ticketRef: text('ticket_ref'),
    duplicateOf: uuid('duplicate_of'),
    quarantineReason: text('quarantine_reason'),
    quarantinedAt: timestamp('quarantined_at', { withTimezone: true, mode: 'date' }),
    resolvedAt: timestamp('resolved_at', { withTimezone: true, mode: 'date' }),
    resolvedBy: text('resolved_by'),
    lastError: text('last_error'),
  },
  (table) => [
    uniqueIndex('inbound_emails_raw_sha256_idx').on(table.rawSha256),
    index('inbound_emails_status_received_idx').on(table.status, table.receivedAt),
    index('inbound_emails_agency_received_idx').on(table.agencyCode, table.receivedAt),
    index('inbound_emails_ticket_idx').on(table.ticketRef),
  ],
);

/**
 * The message exactly as received, by reference: its bytes are the chunks of `blob_id`
 * (`email_blob_chunks`), so that lists never drag megabytes along and no statement carries a
 * whole message.
 */
export const inboundEmailRaw = pgTable(
  'inbound_email_raw',
  {
    emailId: uuid('email_id')
      .primaryKey()
      .references(() => inboundEmails.id, { onDelete: 'cascade' }),
    blobId: uuid('blob_id').notNull(),
  },
  (table) => [uniqueIndex('inbound_email_raw_blob_idx').on(table.blobId)],
);

/**
 * Message-IDs known per agency, inbound and our own auto-acks: the first claim of an inbound
 * Message-ID wins, later ones are duplicates; replies are threaded by looking them up here.
 */
export const emailMessageIds = pgTable(
  'email_message_ids',
  {
    agencyCode: text('agency_code')
      .notNull()
      .references(() => agencies.code, { onDelete: 'cascade' }),
    messageId: text('message_id').notNull(),
    emailId: uuid('email_id').references(() => inboundEmails.id, { onDelete: 'cascade' }),
    outboxId: uuid('outbox_id'),
  },
  (table) => [primaryKey({ columns: [table.agencyCode, table.messageId] })],
);

export const emailAttachments = pgTable(
  'email_attachments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    emailId: uuid('email_id')
      .notNull()
      .references(() => inboundEmails.id, { onDelete: 'cascade' }),
    /** 1-based position in the message, the `:n` of the download URL. */
    position: integer('position').notNull(),
    filename: text('filename').notNull(),
    contentType: text('content_type').notNull(),
    size: integer('size').notNull(),
    sha256: text('sha256').notNull(),
    contentId: text('content_id'),
    inline: boolean('inline').notNull().default(false),
    /** The decoded content: the chunks of this blob. */
    blobId: uuid('blob_id').notNull(),
  },
  (table) => [
    uniqueIndex('email_attachments_email_position_idx').on(table.emailId, table.position),
    uniqueIndex('email_attachments_blob_idx').on(table.blobId),
  ],
);

/**
 * The bytes of raw messages and attachments, in chunks of at most 64 KiB (older rows: 256 KiB): one chunk is one short
 * statement (PGlite runs on the event loop, and a transaction there holds its only connection).
 * Chunks are written before the row that names their blob commits, so there is no foreign key;
 * `email_id` says whose data they are (the agency's, through the e-mail).
 */
export const emailBlobChunks = pgTable(
  'email_blob_chunks',
  {
    blobId: uuid('blob_id').notNull(),
    seq: integer('seq').notNull(),
    emailId: uuid('email_id').notNull(),
    bytes: bytea('bytes').notNull(),
  },
  (table) => [primaryKey({ columns: [table.blobId, table.seq] }), index('email_blob_chunks_email_idx').on(table.emailId)],
);

export const LOOSE_BLOB_STATES = ['writing', 'dropped'] as const;

/**
 * Blobs no committed row names: `writing` while a request writes its chunks (the row that names
 * the blob removes this entry in its own transaction), `dropped` once the row that named it is
 * deleted (a trigger adds the entry, whatever deleted the row). The sweep deletes the chunks of
 * dropped blobs, and of writing ones a crash left behind.
 */
export const emailLooseBlobs = pgTable(
  'email_loose_blobs',
  {
    blobId: uuid('blob_id').primaryKey(),
    state: text('state', { enum: LOOSE_BLOB_STATES }).notNull(),
    since: timestamp('since', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (table) => [index('email_loose_blobs_state_since_idx').on(table.state, table.since)],
);

/** Auto-acknowledgements waiting for (or past) delivery. One per inbound message at most. */
export const emailOutbox = pgTable(
  'email_outbox',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    kind: text('kind').notNull(),
    agencyCode: text('agency_code')
      .notNull()
      .references(() => agencies.code, { onDelete: 'cascade' }),
    ticketRef: text('ticket_ref'),
    inboundEmailId: uuid('inbound_email_id').references(() => inboundEmails.id, { onDelete: 'set null' }),
    fromAddress: text('from_address').notNull(),
    toAddress: text('to_address').notNull(),
    subject: text('subject').notNull(),
    textBody: text('text_body').notNull(),
    messageId: text('message_id').notNull(),
    inReplyTo: text('in_reply_to'),
    references: jsonb('references').$type<string[]>(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
    /** status, attempts, next attempt, lease, last error: what the outbox runner reads and writes. */
    ...outboxJobColumns(),
    /** Acknowledgements have no deadline, only a number of attempts (ACK_RETRY): always null. */
    giveUpAt: timestamp('give_up_at', { withTimezone: true, mode: 'date' }),
  },
  (table) => [
    uniqueIndex('email_outbox_message_id_idx').on(table.messageId),
    uniqueIndex('email_outbox_inbound_kind_idx').on(table.inboundEmailId, table.kind).where(sql`${table.inboundEmailId} is not null`),
    index('email_outbox_due_idx').on(table.status, table.nextAttemptAt),
    // Acknowledgements per recipient in the last hour (the rate limit) and per ticket (its correspondents).
    index('email_outbox_recipient_created_idx').on(table.agencyCode, sql`lower(${table.toAddress})`, table.createdAt),
    index('email_outbox_ticket_idx').on(table.ticketRef),
  ],
);

/** Provider nonces (Mailgun tokens) seen: a replayed request is refused. */
export const emailWebhookNonces = pgTable(
  'email_webhook_nonces',
  {
    provider: text('provider').notNull(),
    token: text('token').notNull(),
    seenAt: timestamp('seen_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.provider, table.token] }), index('email_webhook_nonces_seen_idx').on(table.seenAt)],
);

/**
 * Canned answers an agency's supervisors keep for replying to tenants by e-mail, in Italian: a title
 * to pick it by and the text an operator starts from. Ordered by `position`; replaced as a list.
 */
export const cannedAnswers = pgTable(
  'canned_answers',
  {
    agencyCode: text('agency_code')
      .notNull()
      .references(() => agencies.code, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    updatedBy: text('updated_by').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.agencyCode, table.position] })],
);

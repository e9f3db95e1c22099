import { z } from 'zod';
import { Instant, itemsOf, pageOf } from './common.ts';

/** A stored inbound message, without its text (e-mail module `publicEmail`). */
export const EmailSummary = z.strictObject({
  id: z.string(),
  receivedAt: Instant,
  /** raw, mailgun, sendgrid, postmark */
  provider: z.string(),
  /** pending, ticket, appended, duplicate, quarantined, discarded */
  status: z.string(),
  /** message, auto_reply, bounce, pec_receipt, … (null before parsing) */
  kind: z.string().nullable(),
  agency: z.string().nullable(),
  from: z.strictObject({ address: z.string(), name: z.string().nullable() }).nullable(),
  subject: z.string().nullable(),
  messageId: z.string().nullable(),
  envelopeTo: z.array(z.string()),
  size: z.number(),
  ticket: z.string().nullable(),
  /** Why it waits for a supervisor (unroutable, too_complex, …): set while quarantined or after a discard. */
  quarantine: z.strictObject({ reason: z.string().nullable(), at: Instant.nullable() }).nullable(),
  resolvedAt: Instant.nullable(),
  resolvedBy: z.string().nullable(),
});
export type EmailSummary = z.infer<typeof EmailSummary>;

/** A quarantined message in the supervisors' list, with the last processing error if any. */
export const QuarantinedEmail = z.strictObject({ ...EmailSummary.shape, lastError: z.string().nullable() });
export type QuarantinedEmail = z.infer<typeof QuarantinedEmail>;

/** A page of quarantined mail, with the total of every page (the screen's counter). */
export const QuarantinePage = z.strictObject({ ...pageOf(QuarantinedEmail).shape, total: z.number() });
export type QuarantinePage = z.infer<typeof QuarantinePage>;

/** A supervisor assigned a quarantined message: it became (or joined) a ticket. */
export const QuarantineAssigned = z.strictObject({ id: z.string(), status: z.string(), ticket: z.string().nullable() });
export type QuarantineAssigned = z.infer<typeof QuarantineAssigned>;

export const EmailAttachment = z.strictObject({
  n: z.number(),
  filename: z.string().nullable(),
  contentType: z.string(),
  size: z.number(),
  sha256: z.string(),
  inline: z.boolean(),
  /** Download path (same agency scope as the message). */
  url: z.string(),
});

/**
 * What became of an operator's reply to the tenant, by the Message-ID the timeline's reply names
 * (`data.messageId`): status pending/delivering (being sent, retried), delivered, dead (given up), held.
 */
export const ReplyDelivery = z.strictObject({ messageId: z.string(), status: z.string(), attempts: z.number(), deliveredAt: Instant.nullable() });
export type ReplyDelivery = z.infer<typeof ReplyDelivery>;

/** A ticket's messages, each with its attachments, and the delivery of the replies sent to the tenant. */
export const TicketEmails = z.strictObject({
  items: z.array(z.strictObject({ ...EmailSummary.shape, attachments: z.array(EmailAttachment) })),
  replies: z.array(ReplyDelivery),
});
export type TicketEmails = z.infer<typeof TicketEmails>;

/** One message as text, with what the pipeline found (loop flags, PEC envelope) and its attachments. */
export const EmailDetail = z.strictObject({
  ...EmailSummary.shape,
  text: z.string().nullable(),
  sentAt: Instant.nullable(),
  pec: z.record(z.string(), z.unknown()).nullable(),
  flags: z.record(z.string(), z.unknown()).nullable(),
  attachments: z.array(EmailAttachment),
});
export type EmailDetail = z.infer<typeof EmailDetail>;

/** An operator's reply to the tenant, queued in the outbox (email module `ticket-replies.ts`). */
export const QueuedReply = z.strictObject({
  ref: z.string(),
  to: z.string(),
  from: z.string(),
  subject: z.string(),
  messageId: z.string(),
  status: z.literal('queued'),
});
export type QueuedReply = z.infer<typeof QueuedReply>;

/** An agency's canned answers for replies: its own, or the Italian defaults while `isDefault`. */
export const CannedAnswers = z.strictObject({
  agency: z.string(),
  answers: z.array(z.strictObject({ title: z.string(), body: z.string() })),
  isDefault: z.boolean(),
});
export type CannedAnswers = z.infer<typeof CannedAnswers>;

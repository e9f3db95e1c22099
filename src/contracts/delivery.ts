import { z } from 'zod';
import { CategoryCode, Instant, itemsOf, pageOf } from './common.ts';

/** A ticket announced to an agency's office by webhook or e-mail: one row of the outbox. */
export const Delivery = z.strictObject({
  id: z.string(),
  agency: z.string(),
  /** null once the ticket is gone (erased, end of contract). */
  ticket: z.string().nullable(),
  targetId: z.string(),
  kind: z.enum(['webhook', 'email']),
  /** ticket.created, ticket.changed, … */
  eventType: z.string(),
  status: z.enum(['pending', 'delivering', 'delivered', 'dead', 'held']),
  attempts: z.number(),
  nextAttemptAt: Instant.nullable(),
  giveUpAt: Instant,
  lastError: z.string().nullable(),
  lastStatusCode: z.number().nullable(),
  createdAt: Instant,
  deliveredAt: Instant.nullable(),
});
export type Delivery = z.infer<typeof Delivery>;

export const DeliveryPage = pageOf(Delivery);

export const DeliveryAttempt = z.strictObject({
  attempt: z.number(),
  at: Instant,
  ok: z.boolean(),
  statusCode: z.number().nullable(),
  error: z.string().nullable(),
  durationMs: z.number().nullable(),
});

/** One delivery with what was (or will be) sent and every attempt. */
export const DeliveryDetail = z.strictObject({
  ...Delivery.shape,
  payload: z.record(z.string(), z.unknown()),
  attemptLog: z.array(DeliveryAttempt),
});
export type DeliveryDetail = z.infer<typeof DeliveryDetail>;

/** Where an agency's tickets are delivered: by portfolio (null: any) and category (null: any). */
export const DeliveryTarget = z.strictObject({
  id: z.string(),
  agency: z.string(),
  /** A portfolio of the agency; null: every ticket of the agency, its own stock included. */
  portfolio: z.string().nullable(),
  category: CategoryCode.nullable(),
  kind: z.enum(['webhook', 'email']),
  label: z.string(),
  url: z.string().nullable(),
  emailTo: z.string().nullable(),
  active: z.boolean(),
  hasSecret: z.boolean(),
  createdAt: Instant,
});
export type DeliveryTarget = z.infer<typeof DeliveryTarget>;

export const DeliveryTargetList = itemsOf(DeliveryTarget);

/** A new webhook target without a secret of its own gets a generated one, shown this once. */
export const CreatedDeliveryTarget = z.strictObject({ ...DeliveryTarget.shape, secret: z.string().optional() });

/**
 * What a target's endpoint answered to a test delivery sent right now (no ticket, no retry): the
 * remote's failure is an answer too, never an error of ours.
 */
export const DeliveryTestResult = z.strictObject({
  targetId: z.string(),
  kind: z.enum(['webhook', 'email']),
  /** The URL or the address the test went to. */
  destination: z.string(),
  /** A 2xx from the webhook, or the SMTP server accepted the message. */
  ok: z.boolean(),
  /** Webhook: the HTTP status; null without an answer. */
  statusCode: z.number().nullable(),
  /** Webhook: the beginning of the answer's body (at most 500 characters); null without one. */
  excerpt: z.string().nullable(),
  /** E-mail: the SMTP server's reply line (e.g. `250 OK: queued as …`, `550 5.1.1 …`); null without one. */
  smtpResponse: z.string().nullable(),
  /** In Italian, one sentence: what happened, for the screen. */
  summary: z.string(),
  durationMs: z.number(),
  at: Instant,
});
export type DeliveryTestResult = z.infer<typeof DeliveryTestResult>;

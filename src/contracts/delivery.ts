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

/** Where an agency's queue is delivered. */
export const DeliveryTarget = z.strictObject({
  id: z.string(),
  agency: z.string(),
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

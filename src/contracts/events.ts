/**
 * What each domain event carries, by type. The union itself is `DomainEvent` in src/domain/events.ts;
 * this file holds the payload shapes that are not an API entity of their own (e-mail notices,
 * statements), so the socket contract and the dashboard read them from the contract folder.
 */
import { z } from 'zod';
import { Instant } from './common.ts';

/** A message filed (as a ticket, appended to one, or recognised as a duplicate): the operators' e-mail work. */
export const ReceivedEmailNotice = z.strictObject({
  id: z.string(),
  status: z.string(),
  ticket: z.string().nullable(),
  kind: z.string().nullable(),
  subject: z.string().nullable(),
  receivedAt: Instant,
});
export type ReceivedEmailNotice = z.infer<typeof ReceivedEmailNotice>;

/** A message waiting in quarantine for a supervisor, with the reason. */
export const QuarantinedEmailNotice = z.strictObject({ id: z.string(), reason: z.string().nullable(), receivedAt: Instant });
export type QuarantinedEmailNotice = z.infer<typeof QuarantinedEmailNotice>;

/** A quarterly statement issued (a new version when re-issued). */
export const IssuedStatementNotice = z.strictObject({ id: z.string(), period: z.string(), version: z.number() });
export type IssuedStatementNotice = z.infer<typeof IssuedStatementNotice>;

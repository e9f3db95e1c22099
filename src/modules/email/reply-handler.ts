import { DELIVERY_RETRY } from '../../domain/retry-policy.ts';
import type { emailOutbox } from '../../db/schema/index.ts';
import type { MailSender } from '../outbox/mail-sender.ts';
import type { OutboxHandler } from '../outbox/outbox-runner.ts';
import { createThreadedMailHandler } from './threaded-mail-handler.ts';

/** The outbox kind of an operator's e-mail answer to a tenant (rows of `email_outbox`). */
export const REPLY_KIND = 'ticket_reply';

/**
 * Sends one operator's reply, threaded to the tenant's message. Unlike an acknowledgement it is a
 * person writing: no `Auto-Submitted`, so the tenant's mail program lets them answer it. Retried
 * like a delivery to an agency, for up to a day.
 */
export function createReplyHandler(send: MailSender): OutboxHandler<typeof emailOutbox> {
  return createThreadedMailHandler(send, { kind: REPLY_KIND, policy: DELIVERY_RETRY, headers: {} });
}

import { ACK_RETRY } from '../../domain/retry-policy.ts';
import type { emailOutbox } from '../../db/schema/index.ts';
import type { MailSender } from '../outbox/mail-sender.ts';
import type { OutboxHandler } from '../outbox/outbox-runner.ts';
import { createThreadedMailHandler } from './threaded-mail-handler.ts';

/** The outbox kind of an automatic acknowledgement to a tenant (rows of `email_outbox`). */
export const ACK_KIND = 'auto_ack';

/**
 * Sends one queued acknowledgement. Each carries `Auto-Submitted: auto-replied` so that
 * well-behaved autoresponders do not answer it, and is threaded to the tenant's message.
 */
export function createAckHandler(send: MailSender): OutboxHandler<typeof emailOutbox> {
  return createThreadedMailHandler(send, {
    kind: ACK_KIND,
    policy: ACK_RETRY,
    headers: { 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All', Precedence: 'auto_reply' },
  });
}

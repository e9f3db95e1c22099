import type { RetryPolicy } from '../../domain/retry-policy.ts';
import { emailOutbox } from '../../db/schema/index.ts';
import type { MailSender } from '../outbox/mail-sender.ts';
import type { OutboxHandler } from '../outbox/outbox-runner.ts';

/**
 * Sends one row of `email_outbox` to a tenant, threaded to the tenant's message (`In-Reply-To`,
 * `References`). Acknowledgements and operators' replies differ only in their kind, their retry
 * policy and their extra headers.
 */
export function createThreadedMailHandler(
  send: MailSender,
  options: { kind: string; policy: RetryPolicy; headers: Record<string, string> },
): OutboxHandler<typeof emailOutbox> {
  return {
    kind: options.kind,
    table: emailOutbox,
    policy: options.policy,
    async attempt(row) {
      await send({
        from: row.fromAddress,
        to: row.toAddress,
        subject: row.subject,
        text: row.textBody,
        messageId: `<${row.messageId}>`,
        ...(row.inReplyTo ? { inReplyTo: `<${row.inReplyTo}>` } : {}),
        ...(row.references?.length ? { references: row.references.map((id) => `<${id}>`) } : {}),
        headers: options.headers,
      });
      return { ok: true };
    },
  };
}

import nodemailer from 'nodemailer';
import type { Clock } from '../../domain/clock.ts';
import type { Database } from '../../db/client.ts';
import * as repo from './email-repo.ts';
import type { OutboxRow } from './email-repo.ts';

/** Hands one message to a mail server; throws when it is refused. */
export type MailSender = (message: {
  from: string;
  to: string;
  subject: string;
  text: string;
  messageId: string;
  inReplyTo?: string;
  references?: string[];
  headers: Record<string, string>;
}) => Promise<void>;

/** nodemailer over SMTP_URL. Without it acknowledgements stay queued in `email_outbox`, visible and sendable later. */
export function smtpSender(smtpUrl: string): MailSender {
  const transport = nodemailer.createTransport(smtpUrl);
  return async (message) => {
    await transport.sendMail(message);
  };
}

const MAX_ATTEMPTS = 5;

/**
 * Delivers queued acknowledgements one at a time, in the background. Each carries
 * `Auto-Submitted: auto-replied` so that well-behaved autoresponders do not answer it.
 */
export function createOutboxDelivery(deps: { db: Database; clock: Clock; send: MailSender | null; onError: (error: unknown) => void }) {
  const { db, clock, send } = deps;
  let running: Promise<void> | null = null;
  let again = false;

  async function deliver(row: OutboxRow): Promise<void> {
    if (!send) return;
    try {
      await send({
        from: row.fromAddress,
        to: row.toAddress,
        subject: row.subject,
        text: row.textBody,
        messageId: `<${row.messageId}>`,
        ...(row.inReplyTo ? { inReplyTo: `<${row.inReplyTo}>` } : {}),
        ...(row.references?.length ? { references: row.references.map((id) => `<${id}>`) } : {}),
        headers: { 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All', Precedence: 'auto_reply' },
      });
      await repo.markOutbox(db, row.id, { status: 'sent', sentAt: clock.now(), lastError: null });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await repo.markOutbox(db, row.id, { status: row.attempts + 1 >= MAX_ATTEMPTS ? 'failed' : 'queued', lastError: message.slice(0, 500) });
    }
  }

  async function drain(): Promise<void> {
    do {
      again = false;
      for (const row of await repo.queuedOutbox(db, 50)) await deliver(row);
    } while (again);
  }

  return {
    enabled: send !== null,
    /** Starts a delivery round unless one is running (which then runs once more). */
    kick(): void {
      if (!send) return;
      if (running) {
        again = true;
        return;
      }
      running = drain()
        .catch(deps.onError)
        .finally(() => {
          running = null;
        });
    },
    async idle(): Promise<void> {
      while (running) await running;
    },
  };
}

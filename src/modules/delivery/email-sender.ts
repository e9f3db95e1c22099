import nodemailer from 'nodemailer';
import type { SendResult } from './webhook-sender.ts';

export type OutgoingEmail = Readonly<{ to: string; subject: string; text: string; idempotencyKey: string }>;
export type Mailer = Readonly<{ send(message: OutgoingEmail): Promise<SendResult> }>;

/** SMTP through nodemailer (the de-facto Node mailer: pooling, TLS, auth from one URL). */
export function createSmtpMailer(url: string, from: string): Mailer {
  const transport = nodemailer.createTransport(url);
  return {
    async send(message) {
      try {
        const info = await transport.sendMail({
          from,
          to: message.to,
          subject: message.subject,
          text: message.text,
          // The receiving office's mail client can spot a redelivered message by its id.
          messageId: `<${message.idempotencyKey}@centralino>`,
          headers: { 'X-Centralino-Delivery': message.idempotencyKey },
        });
        return info.rejected.length > 0 ? { ok: false, statusCode: null, error: `rejected: ${info.rejected.join(', ')}` } : { ok: true, statusCode: null };
      } catch (error) {
        return { ok: false, statusCode: null, error: error instanceof Error ? error.message : String(error) };
      }
    },
  };
}

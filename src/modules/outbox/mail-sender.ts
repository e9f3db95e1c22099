import nodemailer from 'nodemailer';

export type OutgoingMail = Readonly<{
  /** Defaults to SMTP_FROM; an acknowledgement comes from the agency's own address. */
  from?: string;
  to: string;
  subject: string;
  text: string;
  /** With its angle brackets: `<id@domain>`. */
  messageId: string;
  inReplyTo?: string;
  references?: string[];
  headers: Record<string, string>;
}>;

/** Hands one message to the mail server; throws when it is refused, for any recipient. */
export type MailSender = (message: OutgoingMail) => Promise<void>;

/**
 * The one SMTP transport, configured once from SMTP_URL and SMTP_FROM: nodemailer (the de-facto
 * Node mailer: pooling, TLS, auth from one URL). Every kind of outgoing mail (acknowledgements to
 * tenants, tickets to the agencies' offices) goes through it. Without SMTP_URL there is none, and
 * mail waits in the outbox, readable.
 */
export function createSmtpSender(url: string, defaultFrom: string): MailSender {
  const transport = nodemailer.createTransport(url);
  return async (message) => {
    const info = await transport.sendMail({ ...message, from: message.from ?? defaultFrom });
    if (info.rejected.length > 0) throw new Error(`rejected: ${info.rejected.map(String).join(', ')}`);
  };
}

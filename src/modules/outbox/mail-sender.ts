import nodemailer from 'nodemailer';

export type OutgoingMail = Readonly<{
  /** Defaults to SMTP_FROM; an acknowledgement comes from the agency's own address. */
  from?: string;
  to: string;
  subject: string;
  text: string;
  /** The same message as HTML, for the reports that arrive by e-mail; clients without HTML show `text`. */
  html?: string;
  attachments?: readonly { filename: string; content: string; contentType: string }[];
  /** With its angle brackets: `<id@domain>`. */
  messageId: string;
  inReplyTo?: string;
  references?: string[];
  headers: Record<string, string>;
}>;

/** Hands one message to the mail server; throws when it is refused, for any recipient. */
export type MailSender = (message: OutgoingMail) => Promise<void>;

/** What the mail server answered when it took a message: its reply line to the message (`250 …`). */
export type MailReceipt = Readonly<{ response: string }>;

/**
 * The same hand-over, answering the server's reply line: what a test delivery shows an
 * administrator. Throws like MailSender; nodemailer's error carries the server's `response` line.
 */
export type MailSenderWithReceipt = (message: OutgoingMail) => Promise<MailReceipt>;

/**
 * The one SMTP transport, configured once from SMTP_URL and SMTP_FROM: nodemailer (the de-facto
 * Node mailer: pooling, TLS, auth from one URL). Every kind of outgoing mail (acknowledgements to
 * tenants, tickets to the agencies' offices, test deliveries) goes through it. Without SMTP_URL there
 * is none, and mail waits in the outbox, readable.
 */
export function createSmtpTransport(url: string, defaultFrom: string): { send: MailSender; sendWithReceipt: MailSenderWithReceipt } {
  const transport = nodemailer.createTransport(url);
  const sendWithReceipt: MailSenderWithReceipt = async (message) => {
    const info = await transport.sendMail({
      ...message,
      attachments: message.attachments ? [...message.attachments] : undefined,
      from: message.from ?? defaultFrom,
    });
    if (info.rejected.length > 0) throw Object.assign(new Error(`rejected: ${info.rejected.map(String).join(', ')}`), { response: info.response });
    return { response: info.response };
  };
  return {
    sendWithReceipt,
    send: async (message) => {
      await sendWithReceipt(message);
    },
  };
}

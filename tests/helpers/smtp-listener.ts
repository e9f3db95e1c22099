import type { AddressInfo } from 'node:net';
import type { ParsedMail } from 'mailparser';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export type SmtpListener = Readonly<{
  /** `smtp://127.0.0.1:<port>`: what SMTP_URL is set to. */
  url: string;
  /** Messages as the listener received them, parsed, with the envelope's recipients. */
  received: readonly (ParsedMail & { envelopeTo: string[] })[];
  close(): Promise<void>;
}>;

/**
 * A real SMTP server in the test's process (smtp-server, the receiving half of nodemailer's
 * project): the app's one transport speaks SMTP to it exactly as it would to the agency's relay.
 * Plain SMTP on loopback, any credentials accepted. Recipients `refuse` names are refused at RCPT
 * with `550 5.1.1 Mailbox unavailable`, as a relay refuses an unknown mailbox.
 */
export async function startSmtpListener(options: { refuse?: (address: string) => boolean } = {}): Promise<SmtpListener> {
  const received: (ParsedMail & { envelopeTo: string[] })[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (options.refuse?.(address.address)) return callback(Object.assign(new Error('5.1.1 Mailbox unavailable'), { responseCode: 550 }));
      callback();
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((mail) => {
          received.push(Object.assign(mail, { envelopeTo: session.envelope.rcptTo.map((rcpt) => rcpt.address) }));
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

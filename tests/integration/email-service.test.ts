import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { emailOutbox, inboundEmails } from '../../src/db/schema/index.ts';
import type { MailSender } from '../../src/modules/outbox/mail-sender.ts';
import { createEmailService } from '../../src/modules/email/email-service.ts';
import { messageBytesOf } from '../../src/modules/email/message-bytes.ts';
import { actorOf } from '../helpers/actors.ts';
import { emailFixture } from '../helpers/email-requests.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { createTestApp } from '../helpers/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ now: '2026-11-23T10:00:00+01:00' });
});
afterAll(async () => {
  await t.close();
});

/** The e-mail service as app.ts wires it when SMTP_URL is set, with a mail server we can watch. */
function serviceSendingTo(send: MailSender) {
  const { bus, directory, tickets, emailParser } = t.app.services;
  return createEmailService({ db: t.database.db, clock: t.clock, bus, directory, tickets, parse: emailParser.parse, send });
}

it('sends the acknowledgement as an auto-reply threaded to the tenant’s message', async () => {
  const sent: Parameters<MailSender>[0][] = [];
  const email = serviceSendingTo(async (message) => {
    sent.push(message);
  });
  const result = await email.receive({ provider: 'raw', raw: messageBytesOf(emailFixture('gmail-perdita-utf8.eml')), envelopeTo: [] });
  await email.idle();
  expect(result).toMatchObject({ kind: 'accepted', status: 'ticket' });
  expect(sent).toHaveLength(1);
  expect(sent[0]).toMatchObject({
    from: 'segnalazioni@aler-milano.example',
    to: 'mario.rossi.1961@gmail.com',
    inReplyTo: '<CAF8x2aZ1=h9Jqv7s0Yt4m2Yq+QmNn3v6cU8u1s9LZ0rB3xWQ1g@mail.gmail.com>',
    headers: { 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All' },
  });
  expect(sent[0].subject).toMatch(/^\[MI-2026-\d{6}\] Segnalazione ricevuta$/);
  const [row] = await t.database.db.select().from(emailOutbox).where(eq(emailOutbox.toAddress, 'mario.rossi.1961@gmail.com'));
  expect(row).toMatchObject({ status: 'delivered', attempts: 1 });
});

it('keeps an acknowledgement the mail server refused queued, with the reason', async () => {
  const email = serviceSendingTo(async () => {
    throw new Error('421 4.7.0 try again later');
  });
  const result = await email.receive({ provider: 'raw', raw: messageBytesOf(emailFixture('latin1-8bit-perdita.eml')), envelopeTo: [] });
  await email.idle();
  expect(result).toMatchObject({ kind: 'accepted', status: 'ticket' });
  const [row] = await t.database.db.select().from(emailOutbox).where(eq(emailOutbox.toAddress, 'p.greco@virgilio.it'));
  expect(row).toMatchObject({ status: 'pending', attempts: 1, lastError: '421 4.7.0 try again later' });
});

it('quarantines a message whose filing fails after it was stored, instead of answering 5xx', async () => {
  const { bus, directory, tickets } = t.app.services;
  const failing = { ...tickets, createTicket: async () => Promise.reject(new Error('tickets unavailable')) };
  const email = createEmailService({ db: t.database.db, clock: t.clock, bus, directory, tickets: failing, parse: t.app.services.emailParser.parse });
  const raw = Buffer.from(emailFixture('thunderbird-contratto-portfolio.eml').toString('latin1').replace('8f1d2c3b', 'failing0'), 'latin1');
  const result = await email.receive({ provider: 'raw', raw: messageBytesOf(raw), envelopeTo: [] });
  expect(result).toMatchObject({ kind: 'accepted', status: 'quarantined', ticket: null });
  const quarantined = (
    await t.database.db
      .select()
      .from(inboundEmails)
      .where(eq(inboundEmails.id, (result as { id: string }).id))
  )[0];
  expect(quarantined).toMatchObject({ quarantineReason: 'processing_error', lastError: 'tickets unavailable' });

  // Once the tickets work again, a supervisor files it.
  const supervisor = await actorOf(t.database.db, 'supervisore');
  const assigned = await t.app.services.email.assignQuarantined(supervisor, quarantined.id, { agency: 'aler-pavia-lodi', portfolio: 'comune-di-pavia' });
  expect(assigned).toMatchObject({ status: 'ticket', ticket: expect.stringMatching(/^PV-/) });
});

import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { emailOutbox } from '../../src/db/schema/index.ts';
import type { MailSender } from '../../src/modules/email/email-outbox.ts';
import { createEmailService } from '../../src/modules/email/email-service.ts';
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
  const { bus, directory, tickets } = t.app.services;
  return createEmailService({ db: t.database.db, clock: t.clock, bus, directory, tickets, send });
}

it('sends the acknowledgement as an auto-reply threaded to the tenant’s message', async () => {
  const sent: Parameters<MailSender>[0][] = [];
  const email = serviceSendingTo(async (message) => {
    sent.push(message);
  });
  const result = await email.receive({ provider: 'raw', raw: emailFixture('gmail-perdita-utf8.eml'), envelopeTo: [] });
  await email.idle();
  expect(result).toMatchObject({ kind: 'accepted', status: 'ticket' });
  expect(sent).toHaveLength(1);
  expect(sent[0]).toMatchObject({
    from: 'segnalazioni@aler-milano.example',
    to: 'mario.rossi.1961@gmail.com',
    inReplyTo: '<CAF8x2aZ1=h9Jqv7s0Yt4m2Yq+QmNn3v6cU8u1s9LZ0rB3xWQ1g@mail.gmail.com>',
    headers: { 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All' },
  });
  expect(sent[0].subject).toMatch(/^\[MI-2026-\d{6}\] Re: Perdita d'acqua dal soffitto$/);
  const [row] = await t.database.db.select().from(emailOutbox).where(eq(emailOutbox.toAddress, 'mario.rossi.1961@gmail.com'));
  expect(row).toMatchObject({ status: 'sent', attempts: 1 });
});

it('keeps an acknowledgement the mail server refused queued, with the reason', async () => {
  const email = serviceSendingTo(async () => {
    throw new Error('421 4.7.0 try again later');
  });
  const result = await email.receive({ provider: 'raw', raw: emailFixture('latin1-8bit-perdita.eml'), envelopeTo: [] });
  await email.idle();
  expect(result).toMatchObject({ kind: 'accepted', status: 'ticket' });
  const [row] = await t.database.db.select().from(emailOutbox).where(eq(emailOutbox.toAddress, 'p.greco@virgilio.it'));
  expect(row).toMatchObject({ status: 'queued', attempts: 1, lastError: '421 4.7.0 try again later' });
});

import { randomBytes } from 'node:crypto';
import { buffer } from 'node:stream/consumers';
import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../src/domain/actor.ts';
import { emailOutbox, inboundEmails } from '../../src/db/schema/index.ts';
import { loadRaw } from '../../src/modules/email/email-repo.ts';
import { basicAuthHeader, signMailgun } from '../../webhooks/email/email-signature.ts';
import { emailFixture, multipartBody, urlencodedBody } from '../helpers/email-requests.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { createTestApp } from '../helpers/test-app.ts';
import { TEST_EMAIL_SECRET } from '../helpers/test-constants.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ now: '2026-11-23T10:00:00+01:00' });
});
afterAll(async () => {
  await t.close();
});

const db = () => t.database.db;
const rawOf = async (id: string) => (await loadRaw(db(), id))!;
const storedCount = async () => (await db().select({ n: count() }).from(inboundEmails))[0].n;
const ticketOf = (ref: string) => t.app.services.tickets.getTicket(SYSTEM_ACTOR, ref);

function withMessageId(file: string, id: string): Buffer {
  return Buffer.from(
    emailFixture(file)
      .toString('latin1')
      .replace(/^Message-ID: <[^>]+>/im, `Message-ID: <${id}>`),
    'latin1',
  );
}

describe('SendGrid Inbound Parse (raw mode, Basic auth)', () => {
  const post = (raw: Buffer, authorization: string | null, envelopeTo = 'callcenter@aler-pavia-lodi.example') => {
    const form = multipartBody([
      { name: 'to', value: 'callcenter@aler-pavia-lodi.example' },
      { name: 'from', value: 'Paolo Greco <p.greco@virgilio.it>' },
      { name: 'envelope', value: JSON.stringify({ to: [envelopeTo], from: 'p.greco@virgilio.it' }) },
      { name: 'charsets', value: JSON.stringify({ to: 'UTF-8', from: 'UTF-8' }) },
      { name: 'spam_score', value: '0.1' },
      { name: 'email', value: raw },
    ]);
    return t.app.inject({
      method: 'POST',
      url: '/webhooks/email/sendgrid',
      headers: { 'content-type': form.contentType, ...(authorization ? { authorization } : {}) },
      payload: form.body,
    });
  };

  it('files the raw message byte for byte, Latin-1 8bit included', async () => {
    const raw = withMessageId('latin1-8bit-perdita.eml', 'sendgrid-1@virgilio.it');
    const response = await post(raw, basicAuthHeader('sendgrid', TEST_EMAIL_SECRET));
    expect(response.statusCode).toBe(202);
    const answer = response.json();
    expect(answer.status).toBe('ticket');
    expect((await rawOf(answer.id)).equals(raw)).toBe(true);
    const ticket = await ticketOf(answer.ticket);
    expect(ticket).toMatchObject({ agency: 'aler-pavia-lodi', category: 'maintenance', subject: 'Perdita sotto il lavello - urgenza perché allaga' });
    expect(ticket.description).toContain("C'è una perdita sotto il lavello");
  });

  it('routes by the SendGrid envelope', async () => {
    const raw = withMessageId('unknown-recipient.eml', 'sendgrid-envelope@fastwebnet.example');
    const response = await post(raw, basicAuthHeader('sendgrid', TEST_EMAIL_SECRET), 'segnalazioni@aler-milano.example');
    expect(response.json()).toMatchObject({ status: 'ticket', ticket: expect.stringMatching(/^MI-/) });
  });

  it('refuses a wrong or missing password with 401 and stores nothing', async () => {
    const before = await storedCount();
    const raw = withMessageId('latin1-8bit-perdita.eml', 'sendgrid-2@virgilio.it');
    expect((await post(raw, basicAuthHeader('sendgrid', 'wrong'))).statusCode).toBe(401);
    expect((await post(raw, null)).statusCode).toBe(401);
    expect(await storedCount()).toBe(before);
  });
});

describe('Mailgun (…/mime route, signed, no replays)', () => {
  const fields = (raw: Buffer, overrides: Partial<Record<'timestamp' | 'token' | 'signature', string>> = {}) => {
    const timestamp = overrides.timestamp ?? String(Math.floor(t.clock.now().getTime() / 1000));
    const token = overrides.token ?? randomBytes(25).toString('hex');
    const signature = overrides.signature ?? signMailgun(TEST_EMAIL_SECRET, timestamp, token);
    return { recipient: 'segnalazioni@aler-milano.example', sender: 'mario.rossi.1961@gmail.com', timestamp, token, signature, 'body-mime': raw };
  };
  const postMultipart = (values: Record<string, Buffer | string>) => {
    const form = multipartBody(Object.entries(values).map(([name, value]) => ({ name, value })));
    return t.app.inject({ method: 'POST', url: '/webhooks/email/mailgun', headers: { 'content-type': form.contentType }, payload: form.body });
  };

  it('files a signed message, on the …/mime URL Mailgun forwards full MIME to', async () => {
    const raw = withMessageId('gmail-perdita-utf8.eml', 'mailgun-1@mail.gmail.com');
    const form = multipartBody(Object.entries(fields(raw)).map(([name, value]) => ({ name, value })));
    const response = await t.app.inject({
      method: 'POST',
      url: '/webhooks/email/mailgun/mime',
      headers: { 'content-type': form.contentType },
      payload: form.body,
    });
    expect(response.statusCode).toBe(202);
    expect(response.json()).toMatchObject({ status: 'ticket', ticket: expect.stringMatching(/^MI-/) });
  });

  it('refuses a replayed token (406) and a stale timestamp (406), a bad signature (401), storing nothing', async () => {
    const raw = withMessageId('gmail-perdita-utf8.eml', 'mailgun-2@mail.gmail.com');
    const signed = fields(raw);
    expect((await postMultipart(signed)).statusCode).toBe(202);
    const before = await storedCount();
    const replay = await postMultipart(signed);
    expect(replay.statusCode).toBe(406);
    const stale = await postMultipart(fields(raw, { timestamp: String(Math.floor(t.clock.now().getTime() / 1000) - 600) }));
    expect(stale.statusCode).toBe(406);
    const forged = await postMultipart(fields(raw, { signature: 'a'.repeat(64) }));
    expect(forged.statusCode).toBe(401);
    expect(await storedCount()).toBe(before);
  });

  it('accepts the urlencoded form too, keeping 8bit bytes', async () => {
    const raw = withMessageId('windows-1252-ascensore.eml', 'mailgun-3@tiscali.it');
    const body = urlencodedBody({ ...fields(raw), recipient: 'callcenter@aler-pavia-lodi.example' });
    const response = await t.app.inject({
      method: 'POST',
      url: '/webhooks/email/mailgun',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: body,
    });
    expect(response.statusCode).toBe(202);
    const answer = response.json();
    expect((await rawOf(answer.id)).equals(raw)).toBe(true);
    expect((await ticketOf(answer.ticket)).description).toContain('1.200 €');
  });
});

describe('Postmark (JSON, Basic auth)', () => {
  const post = (payload: unknown, authorization: string | null = basicAuthHeader('postmark', TEST_EMAIL_SECRET)) =>
    t.app.inject({
      method: 'POST',
      url: '/webhooks/email/postmark',
      headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
      payload: payload as object,
    });
  const photo = randomBytes(2048);
  const inbound = (overrides: Record<string, unknown> = {}) => ({
    FromName: 'Giulia Ricci',
    MessageStream: 'inbound',
    From: 'giulia.ricci@alice.it',
    FromFull: { Email: 'giulia.ricci@alice.it', Name: 'Giulia Ricci', MailboxHash: '' },
    To: 'segnalazioni@aler-milano.example',
    ToFull: [{ Email: 'segnalazioni@aler-milano.example', Name: '', MailboxHash: '' }],
    Cc: '',
    CcFull: [],
    OriginalRecipient: 'segnalazioni@aler-milano.example',
    Subject: 'Termosifoni freddi in sala',
    MessageID: '73e6d360-66eb-11e1-8e72-a8904824019b',
    ReplyTo: '',
    MailboxHash: '',
    Date: 'Mon, 23 Nov 2026 10:05:00 +0100',
    TextBody: 'I termosifoni della sala sono freddi da ieri.',
    HtmlBody: '<p>I termosifoni della sala sono freddi da ieri.</p>',
    StrippedTextReply: '',
    Tag: '',
    Headers: [
      { Name: 'X-Spam-Status', Value: 'No' },
      { Name: 'Message-ID', Value: '<CAPostmark1@alice.it>' },
    ],
    Attachments: [{ Name: 'termosifone.jpg', Content: photo.toString('base64'), ContentType: 'image/jpeg', ContentLength: photo.length }],
    ...overrides,
  });

  it('rebuilds the message from the JSON fields when RawEmail is absent, attachments included', async () => {
    const response = await post(inbound());
    expect(response.statusCode).toBe(202);
    const answer = response.json();
    expect(answer.status).toBe('ticket');
    const ticket = await ticketOf(answer.ticket);
    expect(ticket).toMatchObject({
      agency: 'aler-milano',
      category: 'heating',
      subject: 'Termosifoni freddi in sala',
      caller: { email: 'giulia.ricci@alice.it', name: 'Giulia Ricci' },
    });
    const file = await t.app.services.email.getAttachment(SYSTEM_ACTOR, answer.id, 1);
    expect(file).toMatchObject({ filename: 'termosifone.jpg', contentType: 'image/jpeg' });
    expect((await buffer(file.content)).equals(photo)).toBe(true);
  });

  it('keeps threading and loop headers: an out-of-office reply to our acknowledgement joins the ticket unanswered', async () => {
    const first = (await post(inbound({ Headers: [{ Name: 'Message-ID', Value: '<CAPostmark2@alice.it>' }] }))).json();
    const [ack] = await db().select().from(emailOutbox).where(eq(emailOutbox.inboundEmailId, first.id));
    const reply = await post(
      inbound({
        MessageID: '83e6d360-66eb-11e1-8e72-a8904824019c',
        Subject: 'Risposta automatica: Termosifoni',
        TextBody: 'Sono fuori sede.',
        HtmlBody: '',
        Attachments: [],
        Headers: [
          { Name: 'Message-ID', Value: '<CAPostmark3@alice.it>' },
          { Name: 'In-Reply-To', Value: `<${ack.messageId}>` },
          { Name: 'Auto-Submitted', Value: 'auto-replied' },
        ],
      }),
    );
    expect(reply.json()).toMatchObject({ status: 'appended', ticket: first.ticket });
    expect(await db().select().from(emailOutbox).where(eq(emailOutbox.inboundEmailId, reply.json().id))).toEqual([]);
  });

  it('uses RawEmail when Postmark includes it', async () => {
    const raw = withMessageId('thunderbird-contratto-portfolio.eml', 'postmark-raw@libero.it');
    const to = 'patrimonio-comunale@aler-pavia-lodi.example';
    const response = await post(
      inbound({
        RawEmail: raw.toString('utf8'),
        Subject: 'ignored',
        Attachments: [],
        To: to,
        OriginalRecipient: to,
        ToFull: [{ Email: to, Name: '', MailboxHash: '' }],
      }),
    );
    const answer = response.json();
    expect(answer.status).toBe('ticket');
    expect(await ticketOf(answer.ticket)).toMatchObject({ portfolio: 'comune-di-pavia', subject: 'Richiesta copia del contratto di locazione' });
  });

  it('the same Postmark delivery twice is one ticket', async () => {
    const payload = inbound({ Headers: [{ Name: 'Message-ID', Value: '<CAPostmark4@alice.it>' }] });
    const first = (await post(payload)).json();
    const second = (await post(payload)).json();
    expect(second).toMatchObject({ status: 'duplicate', ticket: first.ticket });
  });

  it('refuses a wrong password with 401', async () => {
    const before = await storedCount();
    expect((await post(inbound(), basicAuthHeader('postmark', 'nope'))).statusCode).toBe(401);
    expect((await post(inbound(), null)).statusCode).toBe(401);
    expect(await storedCount()).toBe(before);
  });
});

import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboundEmails, tickets } from '../../src/db/schema/index.ts';
import { writeBlob } from '../../src/modules/email/email-bytes-repo.ts';
import { insertInbound } from '../../src/modules/email/email-repo.ts';
import { loginAs } from '../helpers/auth.ts';
import { deliverEmail, postRawEmail } from '../helpers/email-requests.ts';
import type { InboundAnswer } from '../helpers/email-requests.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { createTestApp } from '../helpers/test-app.ts';
import { incomingCallParams, newCallSid, twilioPost } from '../helpers/twilio-requests.ts';

const AT_10_ROME = '2026-11-23T10:00:00+01:00';
const TENANT = '+393471234567';
const MILANO_NUMERO_VERDE = '+39800100100';

/** A message to ALER Milano with a fresh Message-ID, so that no two tests' mails are duplicates. */
function mail(contentType: string, body: string): Buffer {
  return Buffer.from(
    [
      'From: Mario Rossi <mario.rossi.1961@gmail.com>',
      'To: segnalazioni@aler-milano.example',
      'Subject: Perdita in cantina',
      `Message-ID: <${randomUUID()}@mail.gmail.com>`,
      'Date: Mon, 23 Nov 2026 09:58:00 +0100',
      'MIME-Version: 1.0',
      `Content-Type: ${contentType}`,
      '',
      body,
    ].join('\r\n'),
    'latin1',
  );
}

/** The hostile review's message: 2 MB of HTML, 400,000 elements nested in each other. */
const deepHtml = () => mail('text/html; charset=utf-8', '<div>'.repeat(400_000));

function withAttachment(bytes: number): Buffer {
  const base64 = randomBytes(bytes).toString('base64').replace(/.{76}/g, '$&\r\n');
  return mail(
    'multipart/mixed; boundary="b1"',
    [
      '--b1',
      'Content-Type: text/plain; charset=utf-8',
      '',
      "C'è una perdita in cantina, allego le foto.",
      '--b1',
      'Content-Type: application/pdf; name="foto.pdf"',
      'Content-Transfer-Encoding: base64',
      '',
      base64,
      '--b1--',
      '',
    ].join('\r\n'),
  );
}

function withParts(parts: number): Buffer {
  const body = Array.from({ length: parts }, (_, index) => ['--b1', 'Content-Type: text/plain', '', `parte ${index + 1}`].join('\r\n')).join('\r\n');
  return mail('multipart/mixed; boundary="b1"', `${body}\r\n--b1--\r\n`);
}

const rowOf = async (t: TestApp, id: string) => (await t.database.db.select().from(inboundEmails).where(eq(inboundEmails.id, id)))[0];
const ticketCount = async (t: TestApp) => (await t.database.db.select({ n: count() }).from(tickets))[0].n;

async function downloadRaw(t: TestApp, id: string): Promise<Buffer> {
  const supervisor = await loginAs(t.app, 'supervisore');
  const response = await t.app.inject({ method: 'GET', url: `/api/v1/emails/${id}/raw`, headers: supervisor.headers });
  expect(response.statusCode).toBe(200);
  return response.rawPayload;
}

describe('with the default limits', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ now: AT_10_ROME });
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers a call posted while the deep-HTML e-mail is processed, and keeps that e-mail in quarantine as too complex', async () => {
    const raw = deepHtml();
    const finished: string[] = [];
    const email = postRawEmail(t.app, raw).then((response) => {
      finished.push('email');
      return response;
    });
    const call = twilioPost(t.app, '/webhooks/twilio/voice', incomingCallParams(newCallSid(), TENANT, MILANO_NUMERO_VERDE)).then((response) => {
      finished.push('call');
      return response;
    });
    const [emailResponse, callResponse] = await Promise.all([email, call]);

    expect(callResponse.statusCode).toBe(200);
    expect(callResponse.body).toContain('<Gather input="dtmf" numDigits="1"');
    expect(finished).toEqual(['call', 'email']);

    expect(emailResponse.statusCode).toBe(202);
    const answer = emailResponse.json() as InboundAnswer;
    expect(answer).toMatchObject({ status: 'quarantined', ticket: null });
    expect(await rowOf(t, answer.id)).toMatchObject({ status: 'quarantined', quarantineReason: 'too_complex', rawSize: raw.length });
    expect((await downloadRaw(t, answer.id)).equals(raw)).toBe(true);
  });

  it('keeps a message of more than 1000 MIME parts in quarantine, with that reason', async () => {
    const answer = await deliverEmail(t.app, withParts(1001));
    expect(answer).toMatchObject({ status: 'quarantined', ticket: null });
    expect(await rowOf(t, answer.id)).toMatchObject({ quarantineReason: 'too_many_parts', lastError: 'more than 1000 MIME parts' });
  });

  it('still files a message of many parts under the limit', async () => {
    const answer = await deliverEmail(t.app, withParts(50));
    expect(answer.status).toBe('ticket');
  });

  it('quarantines a stored message whose processing was interrupted three times instead of sweeping it for ever', async () => {
    // What three claims that each ended with the process killed leave behind: a pending row, its
    // bytes, a lease run out, three attempts counted. A row interrupted twice is still filed.
    const store = async (attempts: number) => {
      const raw = withAttachment(1024);
      const id = randomUUID();
      const blobId = await writeBlob(t.database.db, id, raw, t.clock.now());
      const { row } = await t.database.db.transaction((tx) =>
        insertInbound(
          tx,
          {
            id,
            receivedAt: t.clock.now(),
            provider: 'raw',
            envelopeTo: [],
            rawSha256: createHash('sha256').update(raw).digest('hex'),
            rawSize: raw.length,
            status: 'pending',
            attempts,
            leaseUntil: new Date(t.clock.now().getTime() - 1000),
          },
          blobId,
        ),
      );
      return { id: row.id, raw };
    };
    const crashedThrice = await store(3);
    const crashedTwice = await store(2);
    const ticketsBefore = await ticketCount(t);

    expect(await t.app.services.email.reprocessPending()).toBe(2);
    expect(await rowOf(t, crashedThrice.id)).toMatchObject({ status: 'quarantined', quarantineReason: 'too_many_attempts', attempts: 4, ticketRef: null });
    expect((await downloadRaw(t, crashedThrice.id)).equals(crashedThrice.raw)).toBe(true);
    expect(await rowOf(t, crashedTwice.id)).toMatchObject({ status: 'ticket', attempts: 3 });
    expect(await ticketCount(t)).toBe(ticketsBefore + 1);

    expect(await t.app.services.email.reprocessPending()).toBe(0);
    expect(await rowOf(t, crashedThrice.id)).toMatchObject({ status: 'quarantined', attempts: 4 });
  });
});

describe('with a parsing budget of 20 ms', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ now: AT_10_ROME, config: { EMAIL_PARSE_TIMEOUT_MS: '20' } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('quarantines a message that takes longer, keeps its bytes, and does not try it again', async () => {
    const raw = withAttachment(3 * 1024 * 1024);
    const answer = await deliverEmail(t.app, raw);
    expect(answer).toMatchObject({ status: 'quarantined', ticket: null });
    const row = await rowOf(t, answer.id);
    expect(row).toMatchObject({ status: 'quarantined', quarantineReason: 'parse_timeout', lastError: 'parsing took longer than 20 ms', attempts: 1 });
    expect((await downloadRaw(t, answer.id)).equals(raw)).toBe(true);

    expect(await t.app.services.email.reprocessPending()).toBe(0);
    expect(await rowOf(t, answer.id)).toMatchObject({ status: 'quarantined', attempts: 1, processedAt: row.processedAt });
  });
});

describe('with a parsing memory of 32 MB', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ now: AT_10_ROME, config: { EMAIL_PARSE_MEMORY_MB: '32' } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('quarantines a message whose parts need more, keeps its bytes, and still parses the next one', async () => {
    // 800 parts of 30 KB of text (24 MB, within the 25 MiB limit and the 1,000 parts): the parser
    // holds every part as a string on the parsing thread's heap.
    const part = ['--b1', 'Content-Type: text/plain; charset=utf-8', '', 'Perdita in cantina. '.repeat(1500)].join('\r\n');
    const raw = mail('multipart/mixed; boundary="b1"', `${Array<string>(800).fill(part).join('\r\n')}\r\n--b1--\r\n`);
    const answer = await deliverEmail(t.app, raw);
    expect(answer).toMatchObject({ status: 'quarantined', ticket: null });
    expect(await rowOf(t, answer.id)).toMatchObject({
      status: 'quarantined',
      quarantineReason: 'parse_memory',
      lastError: 'parsing needed more than 32 MB',
      attempts: 1,
    });
    expect((await downloadRaw(t, answer.id)).equals(raw)).toBe(true);

    // The thread that ran out was replaced: an ordinary message still becomes a ticket.
    expect(await deliverEmail(t.app, mail('text/plain; charset=utf-8', 'Perdita in cantina, scala B.'))).toMatchObject({ status: 'ticket' });
  });
});

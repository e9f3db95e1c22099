import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { buffer } from 'node:stream/consumers';
import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../src/domain/actor.ts';
import type { DomainEvent } from '../../src/domain/events.ts';
import { emailOutbox, inboundEmails, tickets } from '../../src/db/schema/index.ts';
import { writeBlob } from '../../src/modules/email/email-bytes-repo.ts';
import { insertInbound, loadRaw } from '../../src/modules/email/email-repo.ts';
import { signEmailWebhook } from '../../webhooks/email/email-signature.ts';
import { deliverEmail, emailFixture, postRawEmail } from '../helpers/email-requests.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { createTestApp } from '../helpers/test-app.ts';

const AT_10_ROME = '2026-11-23T10:00:00+01:00';

let t: TestApp;
const events: DomainEvent[] = [];
beforeAll(async () => {
  t = await createTestApp({ now: AT_10_ROME });
  t.app.services.bus.subscribe((event) => events.push(event));
});
afterAll(async () => {
  await t.close();
});
beforeEach(() => {
  t.clock.set(AT_10_ROME);
});

const db = () => t.database.db;
const ticketOf = (ref: string) => t.app.services.tickets.getTicket(SYSTEM_ACTOR, ref);
const emailRow = async (id: string) => (await db().select().from(inboundEmails).where(eq(inboundEmails.id, id)))[0];
const ackOf = async (emailId: string) => (await db().select().from(emailOutbox).where(eq(emailOutbox.inboundEmailId, emailId)))[0];
/** The same message from another address (the acknowledgement limit counts per sender). */
const withSender = (raw: string, address: string) => raw.replace(/^From: (.*)<[^>]+>/m, `From: $1<${address}>`);
const countOf = async (table: typeof inboundEmails | typeof tickets) => (await db().select({ n: count() }).from(table))[0].n;

/** Every new request of the fixture set: where it lands, as a tenant or an operator would check it. */
const NEW_REQUESTS = [
  ['outlook-caldaia-latin1.eml', 'aler-pavia-lodi', null, 'heating', 'PV', 'message'],
  ['gmail-perdita-utf8.eml', 'aler-milano', null, 'maintenance', 'MI', 'message'],
  ['apple-mail-infiltrazione-foto.eml', 'aler-pavia-lodi', null, 'maintenance', 'PV', 'message'],
  ['thunderbird-contratto-portfolio.eml', 'aler-pavia-lodi', 'comune-di-pavia', 'admin', 'PV', 'message'],
  ['windows-1252-ascensore.eml', 'aler-pavia-lodi', null, 'maintenance', 'PV', 'message'],
  ['html-only-termosifoni.eml', 'aler-milano', null, 'heating', 'MI', 'message'],
  ['latin1-8bit-perdita.eml', 'aler-pavia-lodi', null, 'maintenance', 'PV', 'message'],
  ['broken-boundary.eml', 'aler-pavia-lodi', null, 'maintenance', 'PV', 'message'],
  ['pec-posta-certificata.eml', 'aler-pavia-lodi', null, 'heating', 'PV', 'pec'],
  ['cc-routing.eml', 'aler-milano', null, 'maintenance', 'MI', 'message'],
  ['plus-address.eml', 'aler-pavia-lodi', null, 'heating', 'PV', 'message'],
  ['mailing-list-newsletter.eml', 'aler-milano', null, 'heating', 'MI', 'message'],
  ['outlook-suppress-autoresponse.eml', 'aler-pavia-lodi', null, 'admin', 'PV', 'message'],
  ['own-address-loop.eml', 'aler-pavia-lodi', null, 'admin', 'PV', 'message'],
] as const;

describe('the fixture set', () => {
  it.each(NEW_REQUESTS)('%s becomes a ticket of %s (portfolio %s), %s', async (file, agency, portfolio, category, prefix, kind) => {
    const answer = await deliverEmail(t.app, emailFixture(file));
    expect(answer.status).toBe('ticket');
    expect(answer.ticket).toMatch(new RegExp(`^${prefix}-2026-\\d{6}$`));
    const ticket = await ticketOf(answer.ticket!);
    expect(ticket).toMatchObject({ agency, portfolio, category, channel: 'email', status: 'new' });
    expect(ticket.events.some((event) => event.type === 'email' && event.data?.emailId === answer.id)).toBe(true);
    expect(await emailRow(answer.id)).toMatchObject({ status: 'ticket', kind, agencyCode: agency, ticketRef: answer.ticket });
  });

  it('keeps the accents of Latin-1 and Windows-1252 mail in the ticket', async () => {
    const outlook = await deliverEmail(t.app, emailFixture('outlook-caldaia-latin1.eml', { x: '' }));
    const ticket = await ticketOf(outlook.ticket!);
    expect(ticket.subject).toBe('Caldaia guasta, niente acqua calda né riscaldamento');
    expect(ticket.description).toContain("non c'è più acqua calda");
    expect(ticket.caller).toMatchObject({ name: 'Giuseppina Bianchi', email: 'giuseppina.bianchi@outlook.it' });
  });

  it('files a PEC under the original sender, not the certifying provider', async () => {
    const answer = await deliverEmail(t.app, emailFixture('pec-posta-certificata.eml'));
    const ticket = await ticketOf(answer.ticket!);
    expect(ticket.caller.email).toBe('avv.moretti@pec.ordineavvocatipavia.example');
    expect(ticket.description).toContain('vi diffido a ripristinare entro 48 ore il riscaldamento');
    expect((await emailRow(answer.id)).pec).toMatchObject({ kind: 'envelope', daticert: { tipo: 'posta-certificata' } });
  });

  it('quarantines mail for nobody we know, and garbage bytes, keeping every byte', async () => {
    const unknown = await deliverEmail(t.app, emailFixture('unknown-recipient.eml'));
    expect(unknown).toMatchObject({ status: 'quarantined', ticket: null });
    expect(await emailRow(unknown.id)).toMatchObject({ quarantineReason: 'unroutable', agencyCode: null });

    const garbage = emailFixture('garbage.bin');
    const answer = await deliverEmail(t.app, garbage, 'callcenter@aler-pavia-lodi.example');
    expect(answer).toMatchObject({ status: 'quarantined', ticket: null });
    expect(await emailRow(answer.id)).toMatchObject({ quarantineReason: 'unparseable', kind: 'unparseable', rawSize: garbage.length });
    expect((await loadRaw(db(), answer.id))?.equals(garbage)).toBe(true);
    // Announced to the staff of the agency it was routed to; mail for nobody we know, to those serving every agency.
    expect(
      events.some((event) => event.type === 'email.quarantined' && event.agency === 'aler-pavia-lodi' && (event.data.email as { id: string }).id === answer.id),
    ).toBe(true);
    expect(events.some((event) => event.type === 'email.quarantined' && event.agency === null && (event.data.email as { id: string }).id === unknown.id)).toBe(
      true,
    );
  });

  it('quarantines an auto-reply and a bounce that answer nothing of ours, and never makes a ticket of a PEC receipt', async () => {
    const before = await countOf(tickets);
    for (const [file, reason] of [
      ['auto-reply-unthreaded.eml', 'auto_reply_unmatched'],
      ['bounce-unmatched.eml', 'bounce_unmatched'],
      ['pec-accettazione-unmatched.eml', 'pec_receipt_unmatched'],
    ] as const) {
      const answer = await deliverEmail(t.app, emailFixture(file));
      expect(answer.status, file).toBe('quarantined');
      expect((await emailRow(answer.id)).quarantineReason, file).toBe(reason);
      expect(await ackOf(answer.id), file).toBeUndefined();
    }
    expect(await countOf(tickets)).toBe(before);
  });
});

describe('duplicates and threads', () => {
  it('makes one ticket of the same message posted twice', async () => {
    const raw = emailFixture('gmail-perdita-utf8.eml').toString('latin1').replace('CAF8x2aZ1=', 'CAF8x2aZ1-twice=');
    const first = await deliverEmail(t.app, Buffer.from(raw, 'latin1'));
    const ticketsAfterFirst = await countOf(tickets);
    const second = await deliverEmail(t.app, Buffer.from(raw, 'latin1'));
    expect(first.status).toBe('ticket');
    expect(second).toEqual({ id: first.id, status: 'duplicate', ticket: first.ticket });
    expect(await countOf(tickets)).toBe(ticketsAfterFirst);
  });

  it('makes one ticket of the same message posted twice at the same moment', async () => {
    const raw = Buffer.from(emailFixture('gmail-perdita-utf8.eml').toString('latin1').replace('CAF8x2aZ1=', 'CAF8x2aZ1-race='), 'latin1');
    const relayed = Buffer.concat([Buffer.from('Received: from relay2.example; Mon, 23 Nov 2026 10:00:01 +0100\r\n'), raw]);
    const before = await countOf(tickets);
    const answers = await Promise.all([deliverEmail(t.app, raw), deliverEmail(t.app, raw), deliverEmail(t.app, relayed)]);
    expect(answers.map((answer) => answer.status).sort()).toEqual(['duplicate', 'duplicate', 'ticket']);
    expect(await countOf(tickets)).toBe(before + 1);
  });

  it('recognises the same Message-ID relayed with other bytes as a duplicate, recorded once', async () => {
    const raw = emailFixture('latin1-8bit-perdita.eml').toString('latin1').replace('7F3A.p.greco', '7F3B.p.greco');
    const first = await deliverEmail(t.app, Buffer.from(raw, 'latin1'));
    const relayed = await deliverEmail(t.app, Buffer.from(`Received: from relay2.example by mx.example; Mon, 23 Nov 2026 10:00:01 +0100\r\n${raw}`, 'latin1'));
    expect(relayed.status).toBe('duplicate');
    expect(relayed.ticket).toBe(first.ticket);
    expect(relayed.id).not.toBe(first.id);
    expect(await emailRow(relayed.id)).toMatchObject({ status: 'duplicate', duplicateOf: first.id });
    const ticket = await ticketOf(first.ticket!);
    expect(ticket.events.filter((event) => event.type === 'email')).toHaveLength(1);
  });

  it('appends a reply to our acknowledgement (In-Reply-To) to the first ticket, without acknowledging it again', async () => {
    // Another sender than the fixture's: Mario Rossi has had his three acknowledgements of the hour.
    const raw = withSender(
      emailFixture('gmail-perdita-utf8.eml').toString('latin1').replace('CAF8x2aZ1=', 'CAF8x2aZ1-thread='),
      'mario.rossi.thread@gmail.com',
    );
    const first = await deliverEmail(t.app, Buffer.from(raw, 'latin1'));
    const ack = await ackOf(first.id);
    expect(ack).toBeDefined();
    const reply = await deliverEmail(t.app, emailFixture('gmail-reply-in-reply-to.eml', { ACK_MESSAGE_ID: ack.messageId }));
    expect(reply).toMatchObject({ status: 'appended', ticket: first.ticket });
    const ticket = await ticketOf(first.ticket!);
    const emails = ticket.events.filter((event) => event.type === 'email');
    expect(emails.map((event) => event.text)).toEqual([expect.stringContaining('perdita'), expect.stringContaining('la macchia è arrivata al corridoio')]);
    expect(await ackOf(reply.id)).toBeUndefined();
  });

  it('appends a reply that only quotes the reference in the subject when its sender wrote the ticket', async () => {
    const raw = emailFixture('outlook-caldaia-latin1.eml').toString('latin1').replace('AM7PR03MB6529B1C0', 'AM7PR03MB6529SUBJ');
    const first = await deliverEmail(t.app, Buffer.from(raw, 'latin1'));
    const reply = await deliverEmail(t.app, emailFixture('outlook-reply-subject-ref.eml', { REF: first.ticket! }));
    expect(reply).toMatchObject({ status: 'appended', ticket: first.ticket });
  });

  it('never appends to another agency’s ticket, whatever the subject says', async () => {
    const pavia = await deliverEmail(t.app, emailFixture('plus-address.eml').subarray(0));
    const ref = pavia.ticket ?? (await emailRow(pavia.id)).ticketRef!;
    expect(ref).toMatch(/^PV-/);
    const answer = await deliverEmail(t.app, emailFixture('cross-agency-ref.eml', { REF: ref }));
    expect(answer.status).toBe('ticket');
    expect(answer.ticket).toMatch(/^MI-/);
  });

  it('files an out-of-office answer and a bounce of our acknowledgement on the ticket, and a PEC delivery receipt too', async () => {
    const raw = withSender(
      emailFixture('gmail-perdita-utf8.eml').toString('latin1').replace('CAF8x2aZ1=', 'CAF8x2aZ1-machines='),
      'mario.rossi.machines@gmail.com',
    );
    const first = await deliverEmail(t.app, Buffer.from(raw, 'latin1'));
    const ack = await ackOf(first.id);
    for (const file of ['auto-reply-out-of-office.eml', 'bounce-of-ack.eml']) {
      const answer = await deliverEmail(t.app, emailFixture(file, { ACK_MESSAGE_ID: ack.messageId }));
      expect(answer, file).toMatchObject({ status: 'appended', ticket: first.ticket });
      expect(await ackOf(answer.id), file).toBeUndefined();
    }

    const pec = await deliverEmail(
      t.app,
      Buffer.from(
        emailFixture('pec-posta-certificata.eml')
          .toString('latin1')
          .replace(/f00d2a8c/g, 'f00d2a8d'),
        'latin1',
      ),
    );
    expect(pec.status).toBe('ticket');
    const pecAck = await ackOf(pec.id);
    expect(pecAck.toAddress).toBe('avv.moretti@pec.ordineavvocatipavia.example');
    const receipt = await deliverEmail(t.app, emailFixture('pec-avvenuta-consegna.eml', { ACK_MESSAGE_ID: pecAck.messageId }));
    expect(receipt).toMatchObject({ status: 'appended', ticket: pec.ticket });
    const ticket = await ticketOf(pec.ticket!);
    expect(ticket.events.some((event) => event.text?.startsWith('Ricevuta PEC: avvenuta-consegna'))).toBe(true);
  });
});

describe('acknowledgements', () => {
  it('acknowledges a tenant in Italian with the reference, as a reply to their message, without repeating their subject', async () => {
    const raw = emailFixture('thunderbird-contratto-portfolio.eml').toString('latin1').replace('8f1d2c3b', '8f1d2c3c');
    const answer = await deliverEmail(t.app, Buffer.from(raw, 'latin1'));
    const ack = await ackOf(answer.id);
    expect(ack).toMatchObject({
      status: 'pending',
      fromAddress: 'patrimonio-comunale@aler-pavia-lodi.example',
      toAddress: 'luca.ferrari@libero.it',
      subject: `[${answer.ticket}] Segnalazione ricevuta`,
      inReplyTo: '8f1d2c3c-5a6e-4f70-9a81-b2c3d4e5f607@libero.it',
    });
    expect(ack.textBody).toContain(`registrata con il numero ${answer.ticket}`);
    expect(ack.textBody).toContain('al più presto');
    expect(ack.textBody).not.toContain('contratto di locazione');
  });

  it('says when a message received at night will be handled', async () => {
    t.clock.set('2026-11-23T23:30:00+01:00');
    const raw = emailFixture('outlook-caldaia-latin1.eml').toString('latin1').replace('AM7PR03MB6529B1C0', 'AM7PR03MB6529NIGHT');
    const answer = await deliverEmail(t.app, Buffer.from(raw, 'latin1'));
    const ack = await ackOf(answer.id);
    expect(ack.textBody).toContain('in questo momento è chiuso: la segnalazione sarà presa in carico a partire da domani alle 8');
  });

  it.each(['mailing-list-newsletter.eml', 'outlook-suppress-autoresponse.eml', 'own-address-loop.eml'])('files %s without answering it', async (file) => {
    const raw = emailFixture(file)
      .toString('latin1')
      .replace(/Message-ID: <([^>]+)>/i, 'Message-ID: <noack.$1>');
    const answer = await deliverEmail(t.app, Buffer.from(raw, 'latin1'));
    expect(answer.status).toBe('ticket');
    expect(await ackOf(answer.id)).toBeUndefined();
  });
});

describe('authentication and limits', () => {
  it('refuses a forged, missing or foreign-key signature with 401 and stores nothing', async () => {
    const raw = emailFixture('gmail-perdita-utf8.eml');
    const before = await countOf(inboundEmails);
    const forged = await postRawEmail(t.app, raw, { signature: signEmailWebhook('not-the-secret', raw) });
    const missing = await postRawEmail(t.app, raw, { signature: null });
    const malformed = await postRawEmail(t.app, raw, { signature: 'sha256=xyz' });
    const otherBody = await postRawEmail(t.app, raw, { signature: signEmailWebhook('test-email-webhook-secret', Buffer.from('other')) });
    for (const response of [forged, missing, malformed, otherBody]) {
      expect(response.statusCode).toBe(401);
      expect(response.json().error.code).toBe('UNAUTHENTICATED');
    }
    expect(await countOf(inboundEmails)).toBe(before);
  });

  it('accepts a 10 MB attachment and serves it back byte for byte', async () => {
    const photo = randomBytes(10 * 1024 * 1024);
    const base64 = photo.toString('base64').replace(/.{76}/g, '$&\r\n');
    const raw = Buffer.from(
      [
        'From: Anna Colombo <anna.colombo@icloud.com>',
        'To: callcenter@aler-pavia-lodi.example',
        'Subject: Foto della perdita',
        'Message-ID: <ten-megabytes@icloud.com>',
        'MIME-Version: 1.0',
        'Content-Type: multipart/mixed; boundary="b1"',
        '',
        '--b1',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'La foto della perdita in cucina.',
        '--b1',
        'Content-Type: image/jpeg; name="perdita.jpg"',
        'Content-Disposition: attachment; filename="perdita.jpg"',
        'Content-Transfer-Encoding: base64',
        '',
        base64,
        '--b1--',
        '',
      ].join('\r\n'),
    );
    expect(raw.length).toBeGreaterThan(13 * 1024 * 1024);
    const answer = await deliverEmail(t.app, raw);
    expect(answer.status).toBe('ticket');
    const email = await t.app.services.email.getEmail(SYSTEM_ACTOR, answer.id);
    expect(email.attachments).toEqual([
      expect.objectContaining({ n: 1, filename: 'perdita.jpg', size: photo.length, sha256: createHash('sha256').update(photo).digest('hex') }),
    ]);
    const file = await t.app.services.email.getAttachment(SYSTEM_ACTOR, answer.id, 1);
    expect((await buffer(file.content)).equals(photo)).toBe(true);
  }, 120_000);

  it('takes the raw message whatever content type the relay declares', async () => {
    for (const [index, contentType] of ['application/octet-stream', 'text/plain; charset=utf-8', 'application/json'].entries()) {
      const raw = Buffer.from(emailFixture('cc-routing.eml').toString('latin1').replace('cc-routing.2026', `cc-routing-type${index}.2026`), 'latin1');
      const response = await postRawEmail(t.app, raw, { contentType });
      expect(response.statusCode, contentType).toBe(202);
      expect(response.json().status, contentType).toBe('ticket');
    }
  });

  it('answers 413 above 25 MiB', async () => {
    const raw = Buffer.alloc(25 * 1024 * 1024 + 1, 0x41);
    const response = await postRawEmail(t.app, raw);
    expect(response.statusCode).toBe(413);
  });
});

describe('a crash between storing and filing', () => {
  it('files the stored message at the next sweep, once', async () => {
    const raw = emailFixture('html-only-termosifoni.eml').toString('latin1').replace('1732479242', '1732479243');
    const bytes = Buffer.from(raw, 'latin1');
    // The state a crash right after the first commit leaves: the row and its bytes, nothing else.
    const id = randomUUID();
    const blobId = await writeBlob(db(), id, bytes, t.clock.now());
    const { row } = await db().transaction((tx) =>
      insertInbound(
        tx,
        {
          id,
          receivedAt: t.clock.now(),
          provider: 'raw',
          envelopeTo: [],
          rawSha256: createHash('sha256').update(bytes).digest('hex'),
          rawSize: bytes.length,
          status: 'pending',
        },
        blobId,
      ),
    );
    expect(await t.app.services.email.reprocessPending()).toBeGreaterThanOrEqual(1);
    const filed = await emailRow(row.id);
    expect(filed).toMatchObject({ status: 'ticket', agencyCode: 'aler-milano' });
    expect(await t.app.services.email.reprocessPending()).toBe(0);
    // The provider's retry of the same bytes changes nothing.
    expect(await deliverEmail(t.app, bytes)).toEqual({ id: row.id, status: 'duplicate', ticket: filed.ticketRef });
  });
});

describe('events', () => {
  it('announces received mail to its agency', async () => {
    const raw = emailFixture('cc-routing.eml').toString('latin1').replace('cc-routing.2026', 'cc-routing-events.2026');
    const answer = await deliverEmail(t.app, Buffer.from(raw, 'latin1'));
    const event = events.find((candidate) => candidate.type === 'email.received' && (candidate.data.email as { id: string }).id === answer.id);
    expect(event).toMatchObject({ agency: 'aler-milano', data: { email: { status: 'ticket', ticket: answer.ticket } } });
  });
});

import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../src/domain/actor.ts';
import { emailOutbox, inboundEmails } from '../../src/db/schema/index.ts';
import { upsertTenant } from '../../src/modules/tenants/tenants-repo.ts';
import { deliverEmail } from '../helpers/email-requests.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { createTestApp } from '../helpers/test-app.ts';

/**
 * Issue 13 §4: nobody writes into someone else's ticket, nothing changes a ticket that is over, and
 * our acknowledgements cannot be aimed at a third party or carry a stranger's words. Every message
 * is real MIME posted through the signed webhook.
 */
const AT_10_ROME = '2026-11-23T10:00:00+01:00';
const PAVIA = 'callcenter@aler-pavia-lodi.example';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ now: AT_10_ROME });
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

let sequence = 0;
/** A plain text message as a mail client writes it; every call a fresh Message-ID. */
function mail(input: { from: string; subject: string; body?: string; to?: string; replyTo?: string; inReplyTo?: string; references?: string[] }): Buffer {
  sequence += 1;
  const lines = [
    `From: ${input.from}`,
    `To: ${input.to ?? PAVIA}`,
    ...(input.replyTo ? [`Reply-To: ${input.replyTo}`] : []),
    `Subject: ${input.subject}`,
    `Message-ID: <correspondents.${sequence}.${Date.now()}@posta.example>`,
    ...(input.inReplyTo ? [`In-Reply-To: <${input.inReplyTo}>`] : []),
    ...(input.references ? [`References: ${input.references.map((id) => `<${id}>`).join(' ')}`] : []),
    'Date: Mon, 23 Nov 2026 10:00:00 +0100',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    input.body ?? 'La caldaia perde acqua dal raccordo in basso, da ieri sera.',
    '',
  ];
  return Buffer.from(lines.join('\r\n'), 'utf8');
}

/** A tenant's first message: the ticket and the acknowledgement they received. */
async function firstRequest(from: string) {
  const answer = await deliverEmail(t.app, mail({ from, subject: 'Caldaia guasta' }));
  expect(answer.status).toBe('ticket');
  const ack = await ackOf(answer.id);
  expect(ack).toBeDefined();
  return { ref: answer.ticket!, ack };
}

describe('who may write into a ticket', () => {
  it('opens a new ticket, linked, when a stranger quotes a reference; the referenced ticket does not change', async () => {
    const { ref } = await firstRequest('Anna Colombo <anna.colombo@posta.example>');
    const before = await ticketOf(ref);

    const answer = await deliverEmail(
      t.app,
      mail({ from: 'Ignoto <chiunque@altrove.example>', subject: `Re: [${ref}] ho cambiato IBAN, scrivete qui`, body: 'Testo di un estraneo.' }),
    );

    expect(answer.status).toBe('ticket');
    expect(answer.ticket).not.toBe(ref);
    // Nothing of the old ticket changes but the link back to the new one, which the operator sees.
    expect(await ticketOf(ref)).toEqual({ ...before, linkedFrom: [{ ref: answer.ticket, kind: 'mentions' }] });
    const created = await ticketOf(answer.ticket!);
    expect(created.linkedTo).toEqual({ ref, kind: 'mentions' });
    expect(created.events.find((event) => event.type === 'linked')).toMatchObject({ data: { ref, kind: 'mentions' }, text: expect.stringContaining(ref) });
    expect(await emailRow(answer.id)).toMatchObject({ status: 'ticket', ticketRef: answer.ticket });
  });

  it('appends the reference-quoting mail of a known correspondent: an earlier sender of the ticket', async () => {
    const { ref, ack } = await firstRequest('Bruno Galli <bruno.galli@posta.example>');
    // Bruno answers our acknowledgement from his office; from then on that address corresponds too.
    const fromWork = 'Bruno Galli <Bruno.Galli@Lavoro.example>';
    await deliverEmail(t.app, mail({ from: fromWork, subject: 'Re: Segnalazione ricevuta', inReplyTo: ack.messageId, body: 'Sono in ufficio fino alle 18.' }));
    const answer = await deliverEmail(t.app, mail({ from: fromWork, subject: `R: ${ref} caldaia`, body: 'Ora perde anche il termosifone del bagno.' }));
    expect(answer).toMatchObject({ status: 'appended', ticket: ref });
    expect((await ticketOf(ref)).events.filter((event) => event.type === 'email').map((event) => event.text)).toEqual([
      expect.stringContaining('raccordo'),
      expect.stringContaining('fino alle 18'),
      expect.stringContaining('termosifone del bagno'),
    ]);
  });

  it('appends the reference-quoting mail of the caller whose e-mail an operator typed on a phone ticket', async () => {
    const phoned = await t.app.services.tickets.createTicket(SYSTEM_ACTOR, {
      agency: 'aler-pavia-lodi',
      category: 'maintenance',
      description: 'Ascensore fermo al terzo piano',
      caller: { name: 'Luisa Marchi', email: ' Luisa.Marchi@Posta.example ' },
    });
    const answer = await deliverEmail(
      t.app,
      mail({ from: 'Luisa Marchi <luisa.marchi@posta.example>', subject: `Segnalazione ${phoned.ref}`, body: 'Vi mando la foto del pulsante.' }),
    );
    expect(answer).toMatchObject({ status: 'appended', ticket: phoned.ref });
  });

  it('appends a reply to our acknowledgement sent from another address', async () => {
    const { ref, ack } = await firstRequest('Carla Neri <carla.neri@posta.example>');
    const answer = await deliverEmail(
      t.app,
      mail({
        from: 'Carla Neri <carla.neri@lavoro.example>',
        subject: `Re: [${ref}] Segnalazione ricevuta`,
        inReplyTo: ack.messageId,
        references: [ack.messageId],
        body: 'Scrivo dal lavoro: il tecnico può venire dopo le 17.',
      }),
    );
    expect(answer).toMatchObject({ status: 'appended', ticket: ref });
    expect((await ticketOf(ref)).events.some((event) => event.type === 'email' && event.text?.includes('dopo le 17'))).toBe(true);
  });

  it('opens a new ticket linked to a closed one for a reply to it, and leaves the closed ticket as it was', async () => {
    const { ref, ack } = await firstRequest('Dario Conti <dario.conti@posta.example>');
    await t.app.services.tickets.changeTicket(SYSTEM_ACTOR, ref, { status: 'routed' });
    await t.app.services.tickets.changeTicket(SYSTEM_ACTOR, ref, { status: 'closed', note: 'Raccordo sostituito' });
    const closed = await ticketOf(ref);

    const answer = await deliverEmail(
      t.app,
      mail({
        from: 'Dario Conti <dario.conti@posta.example>',
        subject: `Re: [${ref}] Segnalazione ricevuta`,
        inReplyTo: ack.messageId,
        body: 'Perde di nuovo, come prima.',
      }),
    );

    expect(answer.status).toBe('ticket');
    expect(answer.ticket).not.toBe(ref);
    expect(await ticketOf(ref)).toEqual({ ...closed, linkedFrom: [{ ref: answer.ticket, kind: 'follow_up' }] });
    const created = await ticketOf(answer.ticket!);
    expect(created).toMatchObject({ status: 'new', linkedTo: { ref, kind: 'follow_up' }, caller: { email: 'dario.conti@posta.example' } });
    expect(created.events.find((event) => event.type === 'linked')?.text).toContain('chiusa');
    expect(created.events.some((event) => event.type === 'email' && event.text?.includes('Perde di nuovo'))).toBe(true);
  });

  it('quarantines an automatic answer about a cancelled ticket instead of touching it', async () => {
    const { ref, ack } = await firstRequest('Elena Riva <elena.riva@posta.example>');
    await t.app.services.tickets.changeTicket(SYSTEM_ACTOR, ref, { status: 'cancelled' });
    const cancelled = await ticketOf(ref);
    const raw = mail({
      from: 'Elena Riva <elena.riva@posta.example>',
      subject: 'Risposta automatica: fuori sede',
      inReplyTo: ack.messageId,
      body: 'Sono fuori sede fino a lunedì.',
    });
    const answer = await deliverEmail(t.app, Buffer.concat([Buffer.from('Auto-Submitted: auto-replied\r\n'), raw]));
    expect(answer).toMatchObject({ status: 'quarantined', ticket: null });
    expect(await emailRow(answer.id)).toMatchObject({ quarantineReason: 'ticket_closed' });
    expect(await ticketOf(ref)).toEqual(cancelled);
  });
});

describe('acknowledgements', () => {
  it('never repeats the sender’s subject, in the subject or the text, and still threads as a reply', async () => {
    const subject = 'Vinci un buono da 500 euro su https://premi.example/ritira';
    const raw = mail({ from: 'Fabio Sala <fabio.sala@posta.example>', subject, body: 'Perdita dal soffitto del bagno.' });
    const answer = await deliverEmail(t.app, raw);
    const ack = await ackOf(answer.id);
    expect(ack.subject).toBe(`[${answer.ticket}] Segnalazione ricevuta`);
    expect(ack.textBody).not.toContain('premi.example');
    expect(ack.textBody).not.toContain('500 euro');
    expect(ack.inReplyTo).toBe((await emailRow(answer.id)).messageId);
  });

  it('acknowledges at most three messages an hour from one sender, and makes every ticket', async () => {
    const from = 'Gianni Ferri <gianni.ferri@posta.example>';
    const answers = [];
    for (let n = 1; n <= 4; n += 1) {
      t.clock.set(new Date(Date.parse(AT_10_ROME) + n * 60_000).toISOString());
      answers.push(await deliverEmail(t.app, mail({ from, subject: `Segnalazione numero ${n}` })));
    }
    expect(answers.map((answer) => answer.status)).toEqual(['ticket', 'ticket', 'ticket', 'ticket']);
    const acks = await Promise.all(answers.map((answer) => ackOf(answer.id)));
    expect(acks.map((ack) => ack !== undefined)).toEqual([true, true, true, false]);
    expect((await emailRow(answers[3].id)).flags).toMatchObject({ ackWithheld: 'rate_limited' });

    // An hour after the first, the sender is acknowledged again.
    t.clock.set(new Date(Date.parse(AT_10_ROME) + 61 * 60_000).toISOString());
    const later = await deliverEmail(t.app, mail({ from, subject: 'Segnalazione numero 5' }));
    expect(await ackOf(later.id)).toBeDefined();
  });

  it('does not send the acknowledgement to a Reply-To outside the tenant registry, but to the sender', async () => {
    const raw = mail({ from: 'Hana Bassi <hana.bassi@posta.example>', replyTo: 'vittima@terzi.example', subject: 'Infiltrazione' });
    const answer = await deliverEmail(t.app, raw);
    const ack = await ackOf(answer.id);
    expect(ack.toAddress).toBe('hana.bassi@posta.example');
    expect((await emailRow(answer.id)).flags).toMatchObject({ replyToIgnored: true });
    expect((await ticketOf(answer.ticket!)).caller.email).toBe('hana.bassi@posta.example');
  });

  it('sends it to a Reply-To that the agency’s tenant registry knows', async () => {
    await upsertTenant(
      db(),
      {
        agencyCode: 'aler-pavia-lodi',
        code: 'PV-T-4711',
        name: 'Irene Longo',
        email: 'Irene.Longo@Famiglia.example',
        portfolioId: null,
        phones: [],
        address: 'Via Lodi 3',
        municipality: 'Pavia',
        building: null,
        stair: null,
        floor: null,
        flat: null,
      },
      t.clock.now(),
    );
    const raw = mail({ from: 'Irene Longo <irene@ufficio.example>', replyTo: 'irene.longo@famiglia.example', subject: 'Muffa in camera' });
    const answer = await deliverEmail(t.app, raw);
    expect((await ackOf(answer.id)).toAddress).toBe('irene.longo@famiglia.example');
  });
});

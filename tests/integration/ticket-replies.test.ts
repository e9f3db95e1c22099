import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../helpers/auth.ts';
import { createStaffUser, loginAs } from '../helpers/auth.ts';
import { deliverEmail, emailFixture } from '../helpers/email-requests.ts';
import type { SmtpListener } from '../helpers/smtp-listener.ts';
import { startSmtpListener } from '../helpers/smtp-listener.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { createTestApp } from '../helpers/test-app.ts';

const TENANT = 'mario.rossi.1961@gmail.com';
const TENANT_MESSAGE_ID = 'CAF8x2aZ1=h9Jqv7s0Yt4m2Yq+QmNn3v6cU8u1s9LZ0rB3xWQ1g@mail.gmail.com';

let smtp: SmtpListener;
let t: TestApp;
let operator: Session;
let ref: string;
beforeAll(async () => {
  smtp = await startSmtpListener();
  t = await createTestApp({ now: '2026-11-23T10:00:00+01:00', config: { SMTP_URL: smtp.url } });
  operator = await loginAs(t.app, 'operatore1');
  const filed = await deliverEmail(t.app, emailFixture('gmail-perdita-utf8.eml'));
  ref = filed.ticket!;
  // The acknowledgement goes first; the test watches what comes after it.
  await t.app.services.outbox.runDue();
});
afterAll(async () => {
  await t.close();
  await smtp.close();
});

const reply = (session: Session, ticket: string, text: string) =>
  t.app.inject({ method: 'POST', url: `/api/v1/tickets/${ticket}/replies`, headers: session.headers, payload: { text } });
const ticketOf = async (session: Session, ticket: string) =>
  (await t.app.inject({ method: 'GET', url: `/api/v1/tickets/${ticket}`, headers: session.headers })).json() as {
    events: { type: string; text: string | null; data: Record<string, unknown> | null }[];
  };

describe('an operator answers the tenant by e-mail from the ticket', () => {
  it('the reply reaches the SMTP server from the agency’s address, in the tenant’s thread, and the answer comes back into the ticket', async () => {
    const answer = await reply(operator, ref, 'il tecnico passerà domani mattina tra le 9 e le 11.');
    expect(answer.statusCode).toBe(202);
    expect(answer.json()).toMatchObject({ ref, to: TENANT, from: 'segnalazioni@aler-milano.example', status: 'queued' });
    const deliveryOf = async () =>
      ((await t.app.inject({ url: `/api/v1/emails?ticket=${ref}`, headers: operator.headers })).json() as { replies: { status: string }[] }).replies;
    expect(await deliveryOf()).toMatchObject([{ status: 'pending', deliveredAt: null }]);

    await t.app.services.outbox.runDue();
    // The ticket's mail says the tenant's server took it.
    expect(await deliveryOf()).toMatchObject([{ status: 'delivered', attempts: 1 }]);
    const replies = smtp.received.filter((mail) => mail.subject === `[${ref}] Risposta alla Sua segnalazione`);
    expect(replies).toHaveLength(1);
    const sent = replies[0];
    expect(sent.envelopeTo).toEqual([TENANT]);
    expect(sent.from?.value[0].address).toBe('segnalazioni@aler-milano.example');
    expect(sent.subject).toBe(`[${ref}] Risposta alla Sua segnalazione`);
    expect(sent.inReplyTo).toBe(`<${TENANT_MESSAGE_ID}>`);
    expect(sent.text).toContain('il tecnico passerà domani mattina tra le 9 e le 11.');
    // A person wrote it: the tenant's mail program must let them answer.
    expect(sent.headers.get('auto-submitted')).toBeUndefined();

    const timeline = await ticketOf(operator, ref);
    expect(timeline.events.find((event) => event.type === 'reply')).toMatchObject({
      text: 'il tecnico passerà domani mattina tra le 9 e le 11.',
      data: { to: TENANT, subject: `[${ref}] Risposta alla Sua segnalazione` },
    });

    // The tenant answers from their mail program: In-Reply-To names our reply.
    const tenantAnswer = [
      `From: Mario Rossi <${TENANT}>`,
      'To: segnalazioni@aler-milano.example',
      `Subject: Re: ${sent.subject}`,
      'Message-ID: <risposta-inquilino-1@mail.gmail.com>',
      `In-Reply-To: ${sent.messageId}`,
      `References: <${TENANT_MESSAGE_ID}> ${sent.messageId}`,
      'Date: Mon, 23 Nov 2026 11:02:00 +0100',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Grazie, domani sarò a casa tutta la mattina.',
      '',
    ].join('\r\n');
    const filed = await deliverEmail(t.app, Buffer.from(tenantAnswer));
    expect(filed).toMatchObject({ status: 'appended', ticket: ref });
    const after = await ticketOf(operator, ref);
    expect(after.events.map((event) => event.type).filter((type) => type === 'email' || type === 'reply')).toEqual(['email', 'reply', 'email']);
  });

  it('refuses an empty reply, a clerk of the agency, and staff who do not serve the ticket’s agency', async () => {
    expect((await reply(operator, ref, '   ')).statusCode).toBe(400);
    const clerk = await loginAs(t.app, 'referente-milano');
    expect((await reply(clerk, ref, 'Risposta')).statusCode).toBe(403);
    const paviaOnly = await createStaffUser(t.app, 'operatore-solo-pavia', 'operator', ['aler-pavia-lodi']);
    const refused = await reply(paviaOnly, ref, 'Risposta');
    expect([403, 404]).toContain(refused.statusCode);
    // Nothing was queued for them: the next pass sends no second reply.
    await t.app.services.outbox.runDue();
    expect(smtp.received.filter((mail) => mail.subject?.includes('Risposta alla Sua segnalazione'))).toHaveLength(1);
  });

  it('refuses a phone ticket: no message of the tenant to answer, no agency address to answer from', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/tickets',
      headers: operator.headers,
      payload: {
        agency: 'aler-milano',
        category: 'maintenance',
        description: 'Citofono guasto',
        channel: 'voice',
        caller: { phone: '+393471234567', email: TENANT },
      },
    });
    expect(created.statusCode).toBe(201);
    const answer = await reply(operator, created.json().ref, 'Risposta');
    expect(answer.statusCode).toBe(409);
  });
});

describe('canned answers per agency', () => {
  it('start from the Italian defaults, are replaced by a supervisor of the agency, and only by one', async () => {
    const initial = await t.app.inject({ method: 'GET', url: '/api/v1/agencies/aler-milano/canned-answers', headers: operator.headers });
    expect(initial.statusCode).toBe(200);
    expect(initial.json()).toMatchObject({ agency: 'aler-milano', isDefault: true });
    expect(initial.json().answers[0]).toMatchObject({ title: 'Presa in carico' });

    const answers = [{ title: 'Sopralluogo', body: 'un tecnico effettuerà un sopralluogo entro cinque giorni lavorativi.' }];
    const byOperator = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/agencies/aler-milano/canned-answers',
      headers: operator.headers,
      payload: { answers },
    });
    expect(byOperator.statusCode).toBe(403);
    const paviaSupervisor = await createStaffUser(t.app, 'supervisore-solo-pavia', 'supervisor', ['aler-pavia-lodi']);
    const byOther = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/agencies/aler-milano/canned-answers',
      headers: paviaSupervisor.headers,
      payload: { answers },
    });
    expect([403, 404]).toContain(byOther.statusCode);
    const supervisor = await loginAs(t.app, 'supervisore');
    const saved = await t.app.inject({ method: 'PUT', url: '/api/v1/agencies/aler-milano/canned-answers', headers: supervisor.headers, payload: { answers } });
    expect(saved.statusCode).toBe(200);

    const now = await t.app.inject({ method: 'GET', url: '/api/v1/agencies/aler-milano/canned-answers', headers: operator.headers });
    expect(now.json()).toEqual({ agency: 'aler-milano', answers, isDefault: false });
    // Pavia's list is its own.
    const pavia = await t.app.inject({ method: 'GET', url: '/api/v1/agencies/aler-pavia-lodi/canned-answers', headers: supervisor.headers });
    expect(pavia.json()).toMatchObject({ isDefault: true });
  });
});

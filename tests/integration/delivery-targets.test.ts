import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../helpers/auth.ts';
import { createStaffUser, loginAs } from '../helpers/auth.ts';
import type { SmtpListener } from '../helpers/smtp-listener.ts';
import { startSmtpListener } from '../helpers/smtp-listener.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { createTestApp } from '../helpers/test-app.ts';
import { startWebhookReceiver } from '../helpers/webhook-receiver.ts';

const SECRET = 'pavia-offices-shared-secret-0123456789';
const PAVIA = 'aler-pavia-lodi';
const COMUNE = 'comune-di-pavia';

let smtp: SmtpListener;
let t: TestApp;
let admin: Session;
let operator: Session;
let supervisor: Session;
let milanoSupervisor: Session;
let referentePavia: Session;

beforeAll(async () => {
  smtp = await startSmtpListener({ refuse: (address) => address.startsWith('inesistente@') });
  t = await createTestApp({ now: '2026-11-23T10:00:00+01:00', config: { DELIVERY_POLL_MS: '0', SMTP_URL: smtp.url } });
  [admin, operator, supervisor, referentePavia] = await Promise.all(
    ['admin', 'operatore1', 'supervisore', 'referente-pavia'].map((name) => loginAs(t.app, name)),
  );
  milanoSupervisor = await createStaffUser(t.app, 'supervisore-solo-milano', 'supervisor', ['aler-milano']);
});
afterAll(async () => {
  await t?.close();
  await smtp?.close();
});

const api = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, session: Session, payload?: Record<string, unknown>) =>
  t.app.inject({ method, url, headers: session.headers, ...(payload === undefined ? {} : { payload }) });

async function addTarget(body: Record<string, unknown>) {
  const response = await api('POST', '/api/v1/delivery-targets', admin, { agency: PAVIA, kind: 'webhook', secret: SECRET, ...body });
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as { id: string; portfolio: string | null; category: string | null };
}

async function ticketIn(portfolio: string | null, category: string) {
  const response = await api('POST', '/api/v1/tickets', operator, {
    agency: PAVIA,
    category,
    description: 'Perdita d’acqua in bagno',
    ...(portfolio ? { portfolio } : {}),
  });
  expect(response.statusCode, response.body).toBe(201);
  return (response.json() as { ref: string }).ref;
}

/** An agency's system answering every request with `status` and `body`. */
async function startEndpoint(status: number, body: string) {
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/centralino`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** A port nobody listens on: bound once, then let go. */
async function refusedUrl() {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/centralino`;
}

const testSend = (id: string, session: Session = admin) => api('POST', `/api/v1/delivery-targets/${id}/test`, session);

describe('delivery targets by portfolio and category', () => {
  it('a Comune di Pavia plumbing ticket goes to the Comune’s maintenance office only; every other ticket to the most specific office there is', async () => {
    // The demo's ALER Pavia-Lodi offices are per category and any portfolio: «Ufficio tecnico
    // Pavia» (maintenance), «Gestore calore Pavia-Lodi» (heating), «Ufficio amministrativo» (admin).
    const comune = await startWebhookReceiver(SECRET);
    const comuneOffice = await addTarget({ label: 'Comune di Pavia, manutenzione', portfolio: COMUNE, category: 'maintenance', url: comune.url });
    const general = await addTarget({ label: 'Comune di Pavia, altre richieste', portfolio: COMUNE, url: comune.url });
    expect(comuneOffice).toMatchObject({ portfolio: COMUNE, category: 'maintenance' });

    const comunePlumbing = await ticketIn(COMUNE, 'maintenance');
    const comuneHeating = await ticketIn(COMUNE, 'heating');
    const alerPlumbing = await ticketIn(null, 'maintenance');

    const labels = new Map(
      ((await api('GET', `/api/v1/delivery-targets?agency=${PAVIA}`, admin)).json().items as { id: string; label: string }[]).map((target) => [
        target.id,
        target.label,
      ]),
    );
    const deliveredTo = async (ref: string) =>
      ((await api('GET', `/api/v1/deliveries?ticket=${ref}`, admin)).json().items as { targetId: string }[]).map((delivery) => labels.get(delivery.targetId));
    expect(await deliveredTo(comunePlumbing)).toEqual(['Comune di Pavia, manutenzione']);
    expect(await deliveredTo(comuneHeating)).toEqual(['Comune di Pavia, altre richieste']);
    expect(await deliveredTo(alerPlumbing)).toEqual(['Ufficio tecnico Pavia']);

    await t.app.services.deliveries.deliverDue();
    expect(comune.received.map((request) => (request.body.ticket as { ref: string }).ref).sort()).toEqual([comunePlumbing, comuneHeating].sort());

    // Without the Comune's general office, its heating ticket falls back to ALER's heating office.
    expect((await api('DELETE', `/api/v1/delivery-targets/${general.id}`, admin)).statusCode).toBe(200);
    expect(await deliveredTo(await ticketIn(COMUNE, 'heating'))).toEqual(['Gestore calore Pavia-Lodi']);
    expect((await api('DELETE', `/api/v1/delivery-targets/${comuneOffice.id}`, admin)).statusCode).toBe(200);
    await comune.close();
  });

  it('refuses a portfolio of another agency, an unknown one, or a category the agency does not offer, saying which', async () => {
    const portfolio = await api('POST', '/api/v1/delivery-targets', admin, {
      agency: 'aler-milano',
      portfolio: COMUNE,
      kind: 'email',
      label: 'Ufficio',
      emailTo: 'ufficio@aler-milano.example',
    });
    expect(portfolio.statusCode).toBe(400);
    expect(portfolio.json().error.code).toBe('PORTFOLIO_UNKNOWN');
    const category = await api('POST', '/api/v1/delivery-targets', admin, {
      agency: PAVIA,
      category: 'giardino',
      kind: 'email',
      label: 'Ufficio',
      emailTo: 'u@x.example',
    });
    expect(category.json().error.code).toBe('CATEGORY_UNKNOWN');
    const noAddress = await api('POST', '/api/v1/delivery-targets', admin, { agency: PAVIA, kind: 'email', label: 'Ufficio' });
    expect(noAddress.statusCode).toBe(400);
    expect(noAddress.json().error.details).toEqual([expect.objectContaining({ path: 'emailTo' })]);
  });

  it('an administrator changes a target’s address, category and portfolio; each change is in the audit trail, and deliveries follow it', async () => {
    const first = await startWebhookReceiver(SECRET);
    const second = await startWebhookReceiver(SECRET);
    const target = await addTarget({ label: 'Ufficio tecnico', category: 'heating', url: first.url });

    const changed = await api('PATCH', `/api/v1/delivery-targets/${target.id}`, admin, { url: second.url, category: 'maintenance', portfolio: COMUNE });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json()).toMatchObject({ url: second.url, category: 'maintenance', portfolio: COMUNE, active: true });

    const ref = await ticketIn(COMUNE, 'maintenance');
    await t.app.services.deliveries.deliverDue();
    expect(first.received).toHaveLength(0);
    expect(second.received.map((request) => (request.body.ticket as { ref: string }).ref)).toEqual([ref]);

    expect((await api('PATCH', `/api/v1/delivery-targets/${target.id}`, admin, { portfolio: 'lodi-centro' })).json().error.code).toBe('PORTFOLIO_UNKNOWN');
    expect((await api('PATCH', `/api/v1/delivery-targets/${target.id}`, admin, { emailTo: 'x@y.example' })).statusCode).toBe(400);
    expect((await api('PATCH', `/api/v1/delivery-targets/${target.id}`, admin, { kind: 'email' })).statusCode).toBe(400);
    expect((await api('PATCH', `/api/v1/delivery-targets/${target.id}`, supervisor, { active: false })).statusCode).toBe(403);
    expect((await api('PATCH', `/api/v1/delivery-targets/${target.id}`, admin, { active: false })).json()).toMatchObject({ active: false });

    const trail = (await api('GET', `/api/v1/admin/audit?targetKind=delivery_target&targetId=${target.id}`, admin)).json() as {
      items: { action: string; actor: { name: string }; before: Record<string, unknown> | null; after: Record<string, unknown> }[];
    };
    expect(trail.items.map((entry) => entry.action)).toEqual(['delivery_target.update', 'delivery_target.update', 'delivery_target.create']);
    expect(trail.items[1]).toMatchObject({
      actor: { name: 'admin' },
      before: { url: first.url, category: 'heating', portfolio: null },
      after: { url: second.url, category: 'maintenance', portfolio: COMUNE },
    });
    expect(JSON.stringify(trail.items)).not.toContain(SECRET);
    await Promise.all([first.close(), second.close()]);
  });
});

describe('send a test delivery', () => {
  it('a webhook answering 200: the status, the beginning of its answer and the time, with a signed, clearly marked test that creates no ticket', async () => {
    const receiver = await startWebhookReceiver(SECRET);
    const target = await addTarget({ label: 'Gestionale ALER', url: receiver.url });
    const deliveriesBefore = (await api('GET', `/api/v1/deliveries?agency=${PAVIA}`, admin)).json().items.length;

    const answer = await testSend(target.id);
    expect(answer.statusCode, answer.body).toBe(200);
    expect(answer.json()).toMatchObject({ targetId: target.id, kind: 'webhook', destination: receiver.url, ok: true, statusCode: 200, excerpt: '{}' });
    expect(answer.json().summary).toContain('HTTP 200');
    expect(answer.json().durationMs).toBeGreaterThanOrEqual(0);
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]).toMatchObject({ signatureValid: true, event: 'delivery.test', body: { type: 'delivery.test', test: true, agency: PAVIA } });
    expect((await api('GET', `/api/v1/deliveries?agency=${PAVIA}`, admin)).json().items).toHaveLength(deliveriesBefore);

    const trail = (await api('GET', `/api/v1/admin/audit?targetKind=delivery_target&targetId=${target.id}`, admin)).json();
    expect(trail.items[0]).toMatchObject({ action: 'delivery_target.test', actor: { name: 'admin' }, after: { ok: true, statusCode: 200 } });
    await api('DELETE', `/api/v1/delivery-targets/${target.id}`, admin);
    await receiver.close();
  });

  it('a webhook answering 500, and a port nobody listens on: the answer says so, never a 500 of ours', async () => {
    const failing = await startEndpoint(500, 'Errore interno del gestionale: database non raggiungibile'.padEnd(2000, '.'));
    const broken = await addTarget({ label: 'Gestionale in errore', url: failing.url });
    const answer = await testSend(broken.id);
    expect(answer.statusCode).toBe(200);
    expect(answer.json()).toMatchObject({ ok: false, statusCode: 500 });
    expect(answer.json().excerpt).toMatch(/^Errore interno del gestionale: database non raggiungibile\.+$/);
    expect(answer.json().excerpt).toHaveLength(500);
    expect(answer.json().summary).toContain('HTTP 500');
    await failing.close();

    const nobody = await addTarget({ label: 'Gestionale spento', url: await refusedUrl() });
    const refused = await testSend(nobody.id);
    expect(refused.statusCode).toBe(200);
    expect(refused.json()).toMatchObject({ ok: false, statusCode: null, excerpt: null });
    expect(refused.json().summary).toBe('Connessione rifiutata: a quell’indirizzo e porta non risponde nessun servizio.');
    for (const target of [broken, nobody]) await api('DELETE', `/api/v1/delivery-targets/${target.id}`, admin);
  });

  it('an e-mail target: the SMTP server’s reply line when it accepts, and when it refuses the mailbox', async () => {
    const accepted = await addTarget({ kind: 'email', label: 'Ufficio casa', emailTo: 'ufficio.casa@comune.pv.example', secret: undefined });
    const answer = await testSend(accepted.id);
    expect(answer.statusCode).toBe(200);
    expect(answer.json()).toMatchObject({ kind: 'email', destination: 'ufficio.casa@comune.pv.example', ok: true, statusCode: null });
    expect(answer.json().smtpResponse).toMatch(/^250 /);
    const mail = smtp.received.find((message) => message.envelopeTo.includes('ufficio.casa@comune.pv.example'));
    expect(mail?.subject).toBe('[PROVA] Consegna di prova da Centralino');
    expect(mail?.headers.get('x-centralino-test')).toBe('true');

    const refused = await addTarget({ kind: 'email', label: 'Casella sbagliata', emailTo: 'inesistente@comune.pv.example', secret: undefined });
    const rejection = await testSend(refused.id);
    expect(rejection.statusCode).toBe(200);
    expect(rejection.json()).toMatchObject({ ok: false, summary: 'Il server SMTP ha rifiutato il messaggio di prova.' });
    expect(rejection.json().smtpResponse).toMatch(/^550 .*Mailbox unavailable/);
    for (const target of [accepted, refused]) await api('DELETE', `/api/v1/delivery-targets/${target.id}`, admin);
  });

  it('supervisors of the agency may test, nobody else; and at most five tests a minute per target', async () => {
    const receiver = await startWebhookReceiver(SECRET);
    const target = await addTarget({ label: 'Gestionale', url: receiver.url });
    expect((await testSend(target.id, supervisor)).statusCode).toBe(200);
    expect((await testSend(target.id, milanoSupervisor)).statusCode).toBe(404);
    expect((await testSend(target.id, operator)).statusCode).toBe(403);
    expect((await testSend(target.id, referentePavia)).statusCode).toBe(403);
    const milanoTargets = (await api('GET', '/api/v1/delivery-targets', milanoSupervisor)).json().items as { agency: string }[];
    expect(milanoTargets.every((entry) => entry.agency === 'aler-milano')).toBe(true);

    for (let n = 2; n <= 5; n += 1) expect((await testSend(target.id)).statusCode).toBe(200);
    const limited = await testSend(target.id);
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('RATE_LIMITED');
    expect(receiver.received).toHaveLength(5);
    t.clock.advance(61_000);
    expect((await testSend(target.id)).statusCode).toBe(200);
    await api('DELETE', `/api/v1/delivery-targets/${target.id}`, admin);
    await receiver.close();
  });
});

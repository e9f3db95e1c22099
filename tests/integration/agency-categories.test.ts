import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MENU_PROMPT_IT } from '../../src/domain/routing.ts';
import type { Session } from '../helpers/auth.ts';
import { createStaffUser, loginAs } from '../helpers/auth.ts';
import { deliverEmail } from '../helpers/email-requests.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { createTestApp } from '../helpers/test-app.ts';
import { incomingCallParams, newCallSid, twilioPost } from '../helpers/twilio-requests.ts';

/**
 * Issue 16 §3: each agency has its own categories. A new agency ("Comune di Sesto San Giovanni –
 * Servizio Agenzia Casa") adds "morosità" and retires "riscaldamento": its callers hear its own
 * menu, its e-mail is filed by its own keywords, and what it retired stays on old records only.
 */

const MONDAY_10_ROME = '2026-11-23T10:00:00+01:00';
const SESTO = 'comune-sesto-agenzia-casa';
const SESTO_NUMBER = '+39800500500';
const SESTO_ADDRESS = 'agenziacasa@comune.sestosg.example';
const TENANT = '+393471234567';

let t: TestApp;
let admin: Session;
beforeAll(async () => {
  t = await createTestApp({ now: MONDAY_10_ROME });
  admin = await loginAs(t.app, 'admin');
});
afterAll(async () => {
  await t.close();
});

const api = (method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, session: Session, payload?: unknown) =>
  t.app.inject({ method, url, headers: session.headers, ...(payload === undefined ? {} : { payload: payload as object }) });

type CategoryItem = { code: string; label: string; digit: number | null; retired: boolean; isFallback: boolean; tickets: number; keywords: string[] };

async function categoriesOf(agency: string): Promise<{ items: CategoryItem[]; menuPrompt: string }> {
  const response = await api('GET', `/api/v1/admin/agencies/${agency}/categories`, admin);
  expect(response.statusCode).toBe(200);
  return response.json();
}

/** The list as the panel sends it back: every field of every category, in order. */
function editable(items: readonly CategoryItem[]) {
  return items.map(({ tickets: _tickets, ...rest }) => {
    const { queue: _queue, position: _position, ...fields } = rest as CategoryItem & { queue: string; position: number };
    return fields;
  });
}

const MOROSITA = {
  code: 'morosita',
  label: 'morosità',
  menuPhrase: 'morosità e affitti non pagati',
  digit: 4,
  priority: 0,
  heatingBoostSeconds: 0,
  keywords: ['morosit', 'affitt', 'canon'],
  isFallback: false,
  retired: false,
};

async function call(to: string, digit: string, attempt = 1) {
  const callSid = newCallSid();
  const incoming = await twilioPost(t.app, '/webhooks/twilio/voice', incomingCallParams(callSid, TENANT, to));
  expect(incoming.statusCode).toBe(200);
  const menu = await twilioPost(t.app, `/webhooks/twilio/voice/menu?attempt=${attempt}`, {
    ...incomingCallParams(callSid, TENANT, to),
    CallStatus: 'in-progress',
    Digits: digit,
  });
  expect(menu.statusCode).toBe(200);
  return { callSid, incoming: incoming.body, menu: menu.body };
}

function emailTo(address: string, subject: string, body: string): Buffer {
  const encodedSubject = `=?UTF-8?B?${Buffer.from(subject).toString('base64')}?=`;
  return Buffer.from(
    [
      'From: Studio Bianchi <amministrazione@studiobianchi.example>',
      `To: ${address}`,
      `Subject: ${encodedSubject}`,
      `Message-ID: <${newCallSid()}@studiobianchi.example>`,
      'Date: Mon, 23 Nov 2026 09:55:00 +0100',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: 8bit',
      '',
      body,
      '',
    ].join('\r\n'),
    'utf8',
  );
}

describe('a new agency with its own categories', () => {
  beforeAll(async () => {
    const created = await api('POST', '/api/v1/admin/agencies', admin, {
      code: SESTO,
      name: 'Comune di Sesto San Giovanni – Servizio Agenzia Casa',
      ticketPrefix: 'SSG',
    });
    expect(created.statusCode).toBe(201);
    const setup = [
      api('PUT', `/api/v1/admin/agencies/${SESTO}/numbers`, admin, { numbers: [{ e164: SESTO_NUMBER, kind: 'numero_verde', label: 'Numero verde' }] }),
      api('PUT', `/api/v1/admin/agencies/${SESTO}/email-addresses`, admin, { addresses: [{ address: SESTO_ADDRESS }] }),
      api('PUT', `/api/v1/admin/agencies/${SESTO}/schedule`, admin, {
        weekly: [1, 2, 3, 4, 5, 6].flatMap((weekday) => [
          { weekday, opens: '09:30', closes: '12:00' },
          { weekday, opens: '15:00', closes: '18:00' },
        ]),
      }),
    ];
    for (const response of await Promise.all(setup)) expect(response.statusCode).toBe(200);
  });

  it('is born with the three default categories and the contract menu', async () => {
    const list = await categoriesOf(SESTO);
    expect(list.items.map((item) => [item.code, item.digit, item.isFallback])).toEqual([
      ['maintenance', 1, false],
      ['heating', 2, false],
      ['admin', 3, true],
    ]);
    expect(list.menuPrompt).toBe(MENU_PROMPT_IT);
  });

  it('adds morosità on 4 and retires riscaldamento: the saved list and its menu', async () => {
    const current = await categoriesOf(SESTO);
    const categories = [...editable(current.items).map((item) => (item.code === 'heating' ? { ...item, retired: true } : item)), MOROSITA];
    const response = await api('PUT', `/api/v1/admin/agencies/${SESTO}/categories`, admin, { categories });
    expect(response.statusCode).toBe(200);
    const saved = response.json();
    expect(saved.items.map((item: CategoryItem) => [item.code, item.retired])).toEqual([
      ['maintenance', false],
      ['heating', true],
      ['admin', false],
      ['morosita', false],
    ]);
    expect(saved.items.find((item: CategoryItem) => item.code === 'morosita')).toMatchObject({
      queue: `${SESTO}.morosita`,
      keywords: ['morosit', 'affitt', 'canon'],
    });
    expect(saved.menuPrompt).toBe(
      'Per guasti e manutenzione prema 1. Per pratiche amministrative, contratti e bollette prema 3. Per morosità e affitti non pagati prema 4.',
    );
  });

  it('plays a caller its menu without riscaldamento and with morosità, at once', async () => {
    const { incoming } = await call(SESTO_NUMBER, '4');
    expect(incoming).toContain('Comune di Sesto San Giovanni');
    expect(incoming).toContain('Per morosità e affitti non pagati prema 4.');
    expect(incoming).not.toContain('riscaldamento');
  });

  it('puts a caller who pressed 4 in the morosità queue', async () => {
    const { menu } = await call(SESTO_NUMBER, '4');
    expect(menu).toContain(`>${SESTO}.morosita</Enqueue>`);
  });

  it('treats 2, the retired riscaldamento, as a miss: the menu again, then the fallback', async () => {
    const first = await call(SESTO_NUMBER, '2');
    expect(first.menu).toContain('<Gather');
    expect(first.menu).not.toContain('<Enqueue');
    expect(first.menu).toContain('morosità e affitti non pagati prema 4');
    const last = await call(SESTO_NUMBER, '2', 2);
    expect(last.menu).toContain(`>${SESTO}.admin</Enqueue>`);
  });

  it("files an e-mail about an owner's unpaid rent as its morosità ticket", async () => {
    const answer = await deliverEmail(
      t.app,
      emailTo(SESTO_ADDRESS, "Morosità dell'inquilino", "Buongiorno, l'inquilino dell'alloggio di via Marelli 12 non paga il canone da tre mesi."),
      SESTO_ADDRESS,
    );
    expect(answer.status).toBe('ticket');
    const ticket = (await api('GET', `/api/v1/tickets/${answer.ticket}`, admin)).json();
    expect(ticket).toMatchObject({ agency: SESTO, category: 'morosita' });
  });

  it('files an e-mail about a broken boiler by the keywords still active, never under the retired heating', async () => {
    const answer = await deliverEmail(t.app, emailTo(SESTO_ADDRESS, 'Caldaia guasta', 'La caldaia non parte.'), SESTO_ADDRESS);
    const ticket = (await api('GET', `/api/v1/tickets/${answer.ticket}`, admin)).json();
    expect(ticket.category).toBe('maintenance');
  });

  it('refuses a ticket in a retired or unknown category, and takes one in its own', async () => {
    const create = (category: string) => api('POST', '/api/v1/tickets', admin, { agency: SESTO, category, description: 'Segnalazione di prova' });
    for (const category of ['heating', 'giardino']) {
      const refused = await create(category);
      expect(refused.statusCode).toBe(400);
      expect(refused.json().error.code).toBe('CATEGORY_UNKNOWN');
    }
    const made = await create('morosita');
    expect(made.statusCode).toBe(201);
    expect(made.json().category).toBe('morosita');
    const refile = await api('PATCH', `/api/v1/tickets/${made.json().ref}`, admin, { category: 'heating' });
    expect(refile.statusCode).toBe(400);
    expect(refile.json().error.code).toBe('CATEGORY_UNKNOWN');
  });

  it('refuses a delivery target for a category the agency does not have', async () => {
    const target = (category: string) =>
      api('POST', '/api/v1/delivery-targets', admin, { agency: SESTO, category, kind: 'email', label: 'Ufficio', emailTo: 'ufficio@comune.sestosg.example' });
    expect((await target('giardino')).json().error.code).toBe('CATEGORY_UNKNOWN');
    expect((await target('morosita')).statusCode).toBe(201);
  });

  it('reports calls by its own categories', async () => {
    const report = (await api('GET', `/api/v1/reports/calls?agency=${SESTO}&from=2026-11-23&to=2026-11-23`, admin)).json();
    expect(Object.keys(report.byQueue)).toEqual(['maintenance', 'admin', 'morosita']);
    expect(report.byQueue.morosita.queued).toBeGreaterThanOrEqual(1);
    expect(report.categories).toContainEqual({ code: 'morosita', label: 'Morosità' });
  });
});

describe('retiring a category with history', () => {
  it('keeps old heating tickets listed and reported, and refuses to delete the category', async () => {
    const { menu } = await call('+39800100100', '2');
    expect(menu).toContain('>aler-milano.heating</Enqueue>');
    const made = await api('POST', '/api/v1/tickets', admin, {
      agency: 'aler-milano',
      category: 'heating',
      description: 'Termosifoni freddi in tutto il condominio',
    });
    expect(made.statusCode).toBe(201);

    const current = await categoriesOf('aler-milano');
    expect(current.items.find((item) => item.code === 'heating')?.tickets).toBeGreaterThanOrEqual(1);
    const withoutHeating = editable(current.items).filter((item) => item.code !== 'heating');
    const deleted = await api('PUT', '/api/v1/admin/agencies/aler-milano/categories', admin, { categories: withoutHeating });
    expect(deleted.statusCode).toBe(400);
    expect(deleted.json().error.details.problems.join(' ')).toContain('si può ritirare, non eliminare');

    const retired = editable(current.items).map((item) => (item.code === 'heating' ? { ...item, retired: true } : item));
    expect((await api('PUT', '/api/v1/admin/agencies/aler-milano/categories', admin, { categories: retired })).statusCode).toBe(200);

    const listed = (await api('GET', '/api/v1/tickets?agency=aler-milano&category=heating', admin)).json();
    expect(listed.items.map((ticket: { ref: string }) => ticket.ref)).toContain(made.json().ref);
    const report = (await api('GET', '/api/v1/reports/calls?agency=aler-milano&from=2026-11-23&to=2026-11-23', admin)).json();
    expect(Object.keys(report.byQueue)).toEqual(['maintenance', 'admin', 'heating']);
    expect(report.byQueue.heating.queued).toBe(1);
  });
});

describe('validation of a category list', () => {
  it('explains in Italian every rule the list breaks, changing nothing', async () => {
    const before = await categoriesOf('aler-pavia-lodi');
    const broken = [
      { ...MOROSITA, code: 'Morosità', digit: 1 },
      { ...MOROSITA, code: 'dup', label: 'uno', digit: 1 },
      { ...MOROSITA, code: 'dup', label: 'due', digit: 5, isFallback: true },
      { ...MOROSITA, code: 'altro', label: 'altro', digit: 6, isFallback: true },
    ];
    const response = await api('PUT', '/api/v1/admin/agencies/aler-pavia-lodi/categories', admin, { categories: broken });
    expect(response.statusCode).toBe(400);
    const problems: string[] = response.json().error.details.problems;
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining('Il codice «Morosità» non è valido'),
        expect.stringContaining('Il codice «dup» compare più di una volta'),
        expect.stringContaining('Il tasto 1 è assegnato sia a'),
        'Una e una sola categoria deve raccogliere le richieste non riconosciute.',
      ]),
    );
    expect(await categoriesOf('aler-pavia-lodi')).toEqual(before);
  });

  it('refuses to retire every category', async () => {
    const current = await categoriesOf('aler-pavia-lodi');
    const response = await api('PUT', '/api/v1/admin/agencies/aler-pavia-lodi/categories', admin, {
      categories: editable(current.items).map((item) => ({ ...item, retired: true })),
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.details.problems).toContain('Serve almeno una categoria attiva.');
  });
});

describe('who may read and change categories', () => {
  it('lets a supervisor read the agencies they serve only, and change none', async () => {
    const supervisor = await createStaffUser(t.app, 'supervisore-solo-milano', 'supervisor', ['aler-milano']);
    expect((await api('GET', '/api/v1/admin/agencies/aler-milano/categories', supervisor)).statusCode).toBe(200);
    for (const agency of ['aler-pavia-lodi', SESTO]) {
      const read = await api('GET', `/api/v1/admin/agencies/${agency}/categories`, supervisor);
      expect(read.statusCode).toBe(404);
      expect(read.body).not.toContain('riscaldamento');
    }
    const current = await categoriesOf('aler-milano');
    const change = await api('PUT', '/api/v1/admin/agencies/aler-milano/categories', supervisor, { categories: editable(current.items) });
    expect(change.statusCode).toBe(403);
  });

  it('refuses operators and agency users', async () => {
    const operator = await createStaffUser(t.app, 'operatore-milano-pavia', 'operator', ['aler-milano', 'aler-pavia-lodi']);
    expect((await api('GET', '/api/v1/admin/agencies/aler-milano/categories', operator)).statusCode).toBe(403);
    const agencyUser = await loginAs(t.app, 'referente-milano');
    expect((await api('GET', '/api/v1/admin/agencies/aler-milano/categories', agencyUser)).statusCode).toBe(403);
  });
});

import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/db/client.ts';
import type { LiveEvent } from '../../src/contracts/live.ts';
import type { LiveClient } from '../helpers/live-socket.ts';
import { connected, connectLive } from '../helpers/live-socket.ts';
import { TEST_DEMO_PASSWORD, TEST_EMAIL_SECRET } from '../helpers/test-constants.ts';
import { signEmailWebhook } from '../../webhooks/email/email-signature.ts';
import { createTestDatabase } from '../helpers/test-database.ts';
import { incomingCallParams, newCallSid, twilioPostOverHttp } from '../helpers/twilio-requests.ts';
import { checkScreen } from './check-screen.ts';
import type { UserBrowser } from './e2e-browser.ts';
import { logInThroughPage, openBrowser, sessionCookie } from './e2e-browser.ts';
import type { E2eServer } from './e2e-server.ts';
import { freePort, runningClockFrom, startServer } from './e2e-server.ts';

const TENANT = '+393471234567'; // Giuseppe Rinaldi in ALER Pavia-Lodi's registry (demo seed)
const TENANT_NAME = 'Giuseppe Rinaldi';
const PAVIA_VERDE = '+39800200200';
const PAVIA_LANDLINE = '+390382000000';
const MILANO_VERDE = '+39800100100';
const SCREENSHOTS = path.resolve('tests/e2e/screenshots');
const DATA_DIR = path.resolve(`.tmp/e2e-data-${process.pid}`);
// A Monday morning in Rome: every agency is open, whatever the hour the tests run at.
const clock = runningClockFrom('2026-11-23T10:00:00+01:00');

let database: DatabaseHandle;
let port: number;
let server: E2eServer;
let operator: UserBrowser;
let supervisor: UserBrowser;
let pavia: UserBrowser;
let milanoSocket: LiveClient;
let ticketRef = '';
let firstCall = '';

beforeAll(async () => {
  rmSync(DATA_DIR, { recursive: true, force: true });
  mkdirSync(SCREENSHOTS, { recursive: true });
  database = await createTestDatabase();
  port = await freePort();
  server = await startServer({ database, clock, port, dataDir: DATA_DIR });
  [operator, supervisor, pavia] = await Promise.all([openBrowser(), openBrowser({ width: 1440, height: 900 }), openBrowser()]);
  for (const browser of [operator, supervisor, pavia]) browser.context.setDefaultTimeout(0);
});

afterAll(async () => {
  milanoSocket?.close();
  await Promise.all([operator, supervisor, pavia].map((browser) => browser?.close()));
  await server?.app.close();
  await database?.close();
  rmSync(DATA_DIR, { recursive: true, force: true });
});

/** A caller dials `to` and chooses `digit` in the menu: the signed requests Twilio would send. */
async function callIn(to: string, digit: string, from = TENANT): Promise<string> {
  const callSid = newCallSid();
  const incoming = await twilioPostOverHttp(server.url, server.publicBaseUrl, '/webhooks/twilio/voice', incomingCallParams(callSid, from, to));
  expect(incoming.statusCode).toBe(200);
  const menu = await twilioPostOverHttp(server.url, server.publicBaseUrl, '/webhooks/twilio/voice/menu?attempt=1', {
    ...incomingCallParams(callSid, from, to),
    CallStatus: 'in-progress',
    Digits: digit,
  });
  expect(menu.statusCode).toBe(200);
  expect(menu.body).toContain('<Enqueue');
  return callSid;
}

async function abandon(callSid: string, to: string, waited: number, from = TENANT): Promise<void> {
  const reply = await twilioPostOverHttp(server.url, server.publicBaseUrl, '/webhooks/twilio/voice/queue-result', {
    ...incomingCallParams(callSid, from, to),
    CallStatus: 'completed',
    QueueResult: 'hangup',
    QueueTime: String(waited),
  });
  expect(reply.statusCode).toBe(200);
}

/** A session for API calls made by a colleague in the background (same origin as the server). */
async function logIn(username: string): Promise<Record<string, string>> {
  const response = await server.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    headers: { origin: server.url, host: new URL(server.url).host },
    payload: { username, password: TEST_DEMO_PASSWORD },
  });
  expect(response.statusCode).toBe(200);
  const cookie = String(response.headers['set-cookie']).split(';')[0];
  return { cookie, 'x-csrf-token': response.json().csrfToken, origin: server.url, host: new URL(server.url).host };
}

const queueRow = (browser: UserBrowser, queue: string) => browser.page.locator(`tr[data-queue="${queue}"] [data-testid="waiting"]`);
const mentions = (event: LiveEvent, text: string) => JSON.stringify(event).includes(text);

describe('the live dashboard in Chromium', () => {
  it('logs everyone in and opens each role on its own screen', async () => {
    await Promise.all([
      logInThroughPage(operator.page, server.url, 'operatore1'),
      logInThroughPage(supervisor.page, server.url, 'supervisore'),
      logInThroughPage(pavia.page, server.url, 'referente-pavia'),
    ]);
    expect(new URL(operator.page.url()).pathname).toBe('/operatore');
    // The operator screen's JavaScript stays small: reports, charts and the Twilio SDK are loaded on demand.
    const scripts = await operator.page.evaluate(() =>
      performance
        .getEntriesByType('resource')
        .map((entry) => entry.name)
        .filter((name) => name.endsWith('.js')),
    );
    const gzipped = scripts.reduce((sum, url) => sum + gzipSync(readFileSync(path.join('dashboard/dist', new URL(url).pathname))).length, 0);
    expect(scripts.some((url) => /reports-screen|twilio/.test(url))).toBe(false);
    expect(gzipped).toBeLessThan(200 * 1024);
    expect(new URL(supervisor.page.url()).pathname).toBe('/wallboard');
    expect(new URL(pavia.page.url()).pathname).toBe('/agenzia');

    // Milan's referent, listening on the socket the way its dashboard would.
    const milano = await openBrowser();
    try {
      await logInThroughPage(milano.page, server.url, 'referente-milano');
      milanoSocket = connectLive(server.url, await sessionCookie(milano.context));
      await connected(milanoSocket);
      await milanoSocket.snapshot();
    } finally {
      await milano.close();
    }
  });

  it('shows a new caller on the operator screen and the wallboard without a reload', async () => {
    await operator.page.locator('[data-presence="available"]').click();
    await supervisor.page.locator('li[data-operator="operatore1"]').filter({ hasText: 'Disponibile' }).waitFor();
    firstCall = await callIn(PAVIA_VERDE, '2');
    await expectText(queueRow(operator, 'aler-pavia-lodi.heating'), '1');
    await expectText(operator.page.getByTestId('waiting-total'), '1');
    await expectText(queueRow(supervisor, 'aler-pavia-lodi.heating'), '1');
    await expectText(supervisor.page.locator('[data-agency="aler-pavia-lodi"] [data-testid="kpi-waiting"] .kpi-value'), '1');
  });

  it('lets the operator take the call, see the tenant and register the ticket', async () => {
    await operator.page.keyboard.press('n');
    await operator.page.getByTestId('tenant').filter({ hasText: TENANT_NAME }).waitFor();
    expect(await operator.page.getByTestId('caller-phone').textContent()).toBe('+39 347 123 4567');
    await expectText(queueRow(supervisor, 'aler-pavia-lodi.heating'), '0');

    // The form is prefilled from the call (agency, queue) and the registry (name, dwelling).
    const form = operator.page.locator('form.ticket-form');
    expect(await form.locator('select[name="agency"]').inputValue()).toBe('aler-pavia-lodi');
    expect(await form.locator('select[name="category"]').inputValue()).toBe('heating');
    await expectValue(form.locator('input[name="callerName"]'), TENANT_NAME);
    await form.getByLabel('Descrizione').fill('Termosifoni freddi in tutto l’alloggio da ieri sera; in casa una persona anziana.');
    await form.getByRole('button', { name: 'Registra segnalazione' }).click();
    const created = operator.page.getByTestId('ticket-created');
    await created.waitFor();
    ticketRef = (await created.locator('strong').textContent()) ?? '';
    expect(ticketRef).toMatch(/^[A-Z]+-2026-\d{6}$/);
  });

  it('shows the ticket to Pavia’s referent live; Milan’s socket never hears of it', async () => {
    const row = pavia.page.locator(`li[data-ref="${ticketRef}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('Termosifoni freddi');

    // A Milan call afterwards proves Milan's socket was listening all along.
    const milanCall = await callIn(MILANO_VERDE, '1', '+393339998877');
    await milanoSocket.waitFor((event) => event.type === 'call.queued' && mentions(event, milanCall));
    expect(milanoSocket.events.length).toBeGreaterThan(0);
    for (const event of milanoSocket.events) {
      expect(event.agency).toBe('aler-milano');
      expect(event.room).toBe('agency:aler-milano:client');
      expect(mentions(event, ticketRef) || mentions(event, firstCall) || mentions(event, 'aler-pavia-lodi') || mentions(event, TENANT)).toBe(false);
    }
    // …and nothing of Pavia's on Milan's snapshot either.
    const snapshot = await milanoSocket.snapshot();
    expect(JSON.stringify(snapshot)).not.toContain('aler-pavia-lodi');
  });

  it('ends the call, counts it as answered and returns the operator to the queue', async () => {
    await operator.page.getByTestId('hang-up').click();
    await operator.page.getByTestId('wrap-up').waitFor();
    await expectText(supervisor.page.locator('[data-agency="aler-pavia-lodi"] [data-testid="kpi-answered"] .kpi-value'), '1');
    await operator.page.getByTestId('wrap-up').getByLabel('Segnalazione registrata').check();
    await operator.page.getByTestId('wrap-up-done').click();
    await operator.page.getByTestId('take-next').waitFor();
  });

  it('lets the agency acknowledge the ticket and close it with a note', async () => {
    const row = pavia.page.locator(`li[data-ref="${ticketRef}"]`);
    await row.locator('[data-action="acknowledge"]').click();
    await expectText(row.locator('.status'), 'Presa in carico');
    await row.locator('[data-action="close"]').click();
    await row.getByLabel('Nota di chiusura (facoltativa)').fill('Caldaia riavviata dal manutentore.');
    await row.locator('[data-action="confirm-close"]').click();
    // Closed tickets leave the "to do" list; the "Chiuse" filter shows it.
    await row.waitFor({ state: 'detached' });
    await pavia.page.getByRole('button', { name: 'Chiuse' }).click();
    await expectText(pavia.page.locator(`li[data-ref="${ticketRef}"] .status`), 'Chiusa');
    await pavia.page.getByRole('button', { name: 'Da lavorare' }).click();
  });

  it('writes screenshots of the three screens with demo traffic', async () => {
    // Traffic: callers waiting in several queues, an abandoned call, a second caller on the line.
    const waiting = [
      await callIn(PAVIA_LANDLINE, '1', '+393401112233'),
      await callIn(MILANO_VERDE, '2', '+393355556666'),
      await callIn(MILANO_VERDE, '3', '+390255501234'),
    ];
    const gaveUp = await callIn(PAVIA_VERDE, '1', '+393487776655');
    await abandon(gaveUp, PAVIA_VERDE, 48, '+393487776655');
    await callIn(PAVIA_VERDE, '2', TENANT);
    const colleague = await logIn('operatore2');
    const presence = await server.app.inject({
      method: 'PUT',
      url: '/api/v1/operators/me/presence',
      headers: colleague,
      payload: { presence: 'break', location: 'remote' },
    });
    expect(presence.statusCode).toBe(200);
    for (const [category, description, phone] of [
      ['maintenance', 'Ascensore fermo al piano terra, scala B: nel palazzo abita una persona in carrozzina.', '+393401112233'],
      ['admin', 'Chiede copia del contratto di locazione e il prospetto delle spese condominiali 2025.', '+390382401234'],
      ['heating', 'Caldaia centralizzata in blocco: tutto il civico 12 senza riscaldamento.', '+393485550001'],
    ]) {
      const created = await server.app.inject({
        method: 'POST',
        url: '/api/v1/tickets',
        headers: colleague,
        payload: { agency: 'aler-pavia-lodi', category, description, caller: { phone } },
      });
      expect(created.statusCode).toBe(201);
    }
    await pavia.page.locator('li.ticket').nth(2).waitFor();
    await expectText(operator.page.getByTestId('waiting-total'), String(waiting.length + 2));
    await operator.page.keyboard.press('n');
    await operator.page.getByTestId('caller-popup').waitFor();
    await operator.page.getByLabel('Descrizione').fill('Perdita d’acqua dal soffitto del bagno, sopra c’è l’alloggio del piano 3.');
    await supervisor.page.locator('[data-agency="aler-pavia-lodi"] [data-testid="kpi-abandoned"] .kpi-value').filter({ hasText: '1' }).waitFor();

    await operator.page.screenshot({ path: path.join(SCREENSHOTS, 'operator.png'), fullPage: true });
    await supervisor.page.screenshot({ path: path.join(SCREENSHOTS, 'wallboard.png'), fullPage: true });
    await pavia.page.screenshot({ path: path.join(SCREENSHOTS, 'agency.png'), fullPage: true });

    // The agency's report of the day, with its charts and the KPI definitions.
    await pavia.page.getByRole('link', { name: 'Report', exact: true }).click();
    await pavia.page.getByLabel('Dal', { exact: true }).fill('2026-11-23');
    await pavia.page.getByLabel('Al', { exact: true }).fill('2026-11-23');
    await pavia.page.getByRole('button', { name: 'Aggiorna' }).click();
    await pavia.page
      .locator('table.totals')
      .filter({ hasText: '23/11/2026' })
      .or(pavia.page.locator('#totals-title').filter({ hasText: '23/11/2026' }))
      .first()
      .waitFor();
    await pavia.page.locator('.chart canvas').first().waitFor();
    expect(await pavia.page.locator('.report-form select[name="agency"]').count()).toBe(0); // an agency user cannot pick another agency
    await pavia.page.screenshot({ path: path.join(SCREENSHOTS, 'reports.png'), fullPage: true });
    await pavia.page.getByRole('link', { name: 'Segnalazioni', exact: true }).click();
    await pavia.page.locator('li.ticket').first().waitFor();
  });

  it('reconnects by itself after the server restarts, and shows the right state', async () => {
    const before = await operator.page.getByTestId('waiting-total').textContent();
    await server.app.close();
    await operator.page.locator('[data-connection="offline"]').waitFor();
    await supervisor.page.locator('[data-connection="offline"]').waitFor();

    server = await startServer({ database, clock, port, dataDir: DATA_DIR });
    for (const browser of [operator, supervisor, pavia]) await browser.page.locator('[data-connection="live"]').waitFor();
    await expectText(operator.page.getByTestId('waiting-total'), before ?? '');

    // The new server numbers its events from 1 in a new epoch: the screens keep following.
    await callIn(PAVIA_VERDE, '3', '+393471110000');
    await expectText(operator.page.getByTestId('waiting-total'), String(Number(before) + 1));
    await expectText(queueRow(supervisor, 'aler-pavia-lodi.admin'), '1');
    // The operator is still in the call taken before the restart.
    await operator.page.getByTestId('hang-up').waitFor();
    // The agency screen reloaded its list after the resync and still follows new tickets.
    await pavia.page.locator('li.ticket').nth(2).waitFor();
    expect(await pavia.page.locator('li.ticket').count()).toBe(3);
    const colleague = await logIn('operatore2');
    const created = await server.app.inject({
      method: 'POST',
      url: '/api/v1/tickets',
      headers: colleague,
      payload: { agency: 'aler-pavia-lodi', category: 'maintenance', description: 'Citofono guasto al civico 8.', caller: { phone: '+393471110000' } },
    });
    expect(created.statusCode).toBe(201);
    await pavia.page.locator(`li[data-ref="${created.json().ref}"]`).waitFor();
    await operator.page.screenshot({ path: path.join(SCREENSHOTS, 'operator-after-restart.png'), fullPage: true });
  });

  it('works the call back owed to the caller who gave up', async () => {
    await operator.page.getByTestId('hang-up').click();
    await operator.page.getByTestId('wrap-up').getByLabel('Informazione fornita').check();
    await operator.page.getByTestId('wrap-up-done').click();
    const task = operator.page.locator('[data-testid="callbacks"] li').filter({ hasText: '+39 348 777 6655' });
    await task.getByRole('button', { name: 'Prendi' }).click();
    await task.getByRole('button', { name: 'Raggiunto' }).click();
    await task.waitFor({ state: 'detached' });
  });

  it('lets a supervisor assign a quarantined e-mail, which reaches the agency as a ticket', async () => {
    const raw = Buffer.from(
      'From: Mario Bianchi <mario.bianchi@posta.example>\r\nTo: info@sconosciuto.example\r\nSubject: Perdita in bagno\r\n' +
        'Message-ID: <quarantena-e2e@posta.example>\r\n\r\nPerde acqua dal soffitto del bagno, scala B.\r\n',
    );
    const stored = await fetch(`${server.url}/webhooks/email/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'message/rfc822', 'x-signature-256': signEmailWebhook(TEST_EMAIL_SECRET, raw), 'x-envelope-to': 'info@sconosciuto.example' },
      body: raw,
    });
    expect(((await stored.json()) as { status: string }).status).toBe('quarantined');
    // The navigation counts it live, on whatever screen the supervisor is.
    const navCount = supervisor.page.locator('#main-nav a[href="/quarantena"] .nav-count');
    await expectText(navCount, '1 messaggio in attesa');
    await supervisor.page.goto(`${server.url}/quarantena`);
    const item = supervisor.page.locator('[data-email]').filter({ hasText: 'Perdita in bagno' });
    await item.waitFor();
    // The text, never the HTML, to decide where it belongs.
    await item.getByRole('button', { name: 'Leggi il testo' }).click();
    await item.getByText('Perde acqua dal soffitto del bagno, scala B.').waitFor();
    // Discarding asks once more; cancelling keeps the message.
    await item.locator('[data-action="discard"]').click();
    await item.getByRole('button', { name: 'Annulla' }).click();
    await item.locator('[data-action="discard"]').waitFor();
    await checkScreen(supervisor.page, 'quarantine', SCREENSHOTS);
    await supervisor.page.setViewportSize({ width: 1366, height: 768 });
    // Addressed to none of our agencies: nothing is proposed, and assigning asks for a choice first.
    expect(await item.getByLabel('Ente').inputValue()).toBe('');
    await item.locator('[data-action="assign"]').click();
    await supervisor.page.getByRole('alert').filter({ hasText: 'Scegli l’ente a cui assegnare «Perdita in bagno»' }).waitFor();
    await item.getByLabel('Ente').selectOption('aler-pavia-lodi');
    await item.locator('[data-action="assign"]').click();
    await item.waitFor({ state: 'detached' });
    await navCount.waitFor({ state: 'detached' });
    await pavia.page.locator('li.ticket').filter({ hasText: 'Perdita in bagno' }).waitFor();
  });
});

async function expectText(locator: ReturnType<UserBrowser['page']['locator']>, text: string): Promise<void> {
  await locator.filter({ hasText: new RegExp(`^\\s*${escape(text)}\\s*$`) }).waitFor();
}

async function expectValue(locator: ReturnType<UserBrowser['page']['locator']>, value: string): Promise<void> {
  while ((await locator.inputValue()) !== value) await locator.page().waitForTimeout(50);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

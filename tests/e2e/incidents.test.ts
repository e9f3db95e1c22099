import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/db/client.ts';
import type { Actor } from '../../src/domain/actor.ts';
import { TEST_DEMO_PASSWORD } from '../helpers/test-constants.ts';
import { createTestDatabase } from '../helpers/test-database.ts';
import { incomingCallParams, newCallSid, twilioPostOverHttp } from '../helpers/twilio-requests.ts';
import { spokenTexts } from '../helpers/xml.ts';
import { checkScreen } from './check-screen.ts';
import type { UserBrowser } from './e2e-browser.ts';
import { logInThroughPage, openBrowser } from './e2e-browser.ts';
import type { E2eServer } from './e2e-server.ts';
import { freePort, runningClockFrom, startServer } from './e2e-server.ts';

/**
 * Issue 17 §2 in Chromium: a supervisor declares a heating failure on «Riviera 41» gathering a
 * tenant's existing ticket; another tenant of the building calls (signed Twilio requests), hears
 * it before the menu and presses 1; the screen shows two linked tickets; closing closes both.
 */
const SHOTS = '/tmp/shots-incidents';
const DATA_DIR = path.resolve(`.tmp/e2e-incidents-${process.pid}`);
const PAVIA_NUMBER = '+39800200200';
/** PV-000101's landline: a tenant of «Riviera 41» with no ticket of their own on this number. */
const CALLER = '+390382526311';
const clock = runningClockFrom('2026-11-23T10:00:00+01:00');

let database: DatabaseHandle;
let server: E2eServer;
let supervisor: UserBrowser;
let existingRef = '';

beforeAll(async () => {
  rmSync(DATA_DIR, { recursive: true, force: true });
  mkdirSync(SHOTS, { recursive: true });
  database = await createTestDatabase();
  server = await startServer({ database, clock, port: await freePort(), dataDir: DATA_DIR });
  supervisor = await openBrowser({ width: 1280, height: 800 });
  supervisor.context.setDefaultTimeout(0);

  const host = new URL(server.url).host;
  const login = await server.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    headers: { origin: server.url, host },
    payload: { username: 'operatore1', password: TEST_DEMO_PASSWORD },
  });
  expect(login.statusCode).toBe(200);
  const headers = { cookie: String(login.headers['set-cookie']).split(';')[0], 'x-csrf-token': login.json().csrfToken, origin: server.url, host };
  // The tenant's mobile reported the cold radiators this morning.
  const created = await server.app.inject({
    method: 'POST',
    url: '/api/v1/tickets',
    headers,
    payload: { agency: 'aler-pavia-lodi', category: 'heating', description: 'Termosifoni freddi da stanotte', caller: { phone: '+393471234567' } },
  });
  expect(created.statusCode, created.body).toBe(201);
  existingRef = created.json().ref;
});

afterAll(async () => {
  await supervisor?.close();
  await server?.app.close();
  await database?.close();
  rmSync(DATA_DIR, { recursive: true, force: true });
});

describe('incidents in the browser', () => {
  it('a supervisor declares an incident, a tenant of the building adds their report by phone, closing closes both tickets', async () => {
    const page = supervisor.page;
    await logInThroughPage(page, server.url, 'supervisore');
    await page.getByRole('link', { name: 'Guasti', exact: true }).click();
    await page.getByRole('heading', { name: 'Guasti di stabile', level: 1 }).waitFor();

    await page.getByLabel('Ente').first().selectOption('aler-pavia-lodi');
    await page.getByLabel('Stabile').selectOption({ label: 'Via Riviera 41, Pavia (Riviera 41, 1 inquilini)' });
    await page.getByLabel('Categoria').selectOption('heating');
    await page.getByLabel('Descrizione breve (la sentono i chiamanti)').fill('Caldaia centrale ferma');
    await page.getByLabel('Segnalazioni da collegare (numeri, facoltativo)').fill(existingRef);
    await page.getByRole('button', { name: 'Dichiara il guasto' }).click();
    const card = page.getByTestId('incident').filter({ hasText: 'Via Riviera 41' });
    await card.locator(`tr[data-ref="${existingRef}"]`).waitFor();
    await checkScreen(page, 'incident-declared', SHOTS);
    const incidentId = (await server.app.services.incidents.listIncidents(systemStaff(), { limit: 10 })).items[0]!.id;

    // A tenant of the building calls, as Twilio posts it.
    const callSid = newCallSid();
    const incoming = await twilioPostOverHttp(server.url, server.publicBaseUrl, '/webhooks/twilio/voice', incomingCallParams(callSid, CALLER, PAVIA_NUMBER));
    expect(spokenTexts(incoming.body).join(' ')).toContain('È già stato segnalato un guasto al riscaldamento nel suo stabile di Via Riviera 41');
    const pressed = await twilioPostOverHttp(server.url, server.publicBaseUrl, `/webhooks/twilio/voice/incident?incident=${incidentId}`, {
      ...incomingCallParams(callSid, CALLER, PAVIA_NUMBER),
      CallStatus: 'in-progress',
      Digits: '1',
    });
    expect(pressed.body).toContain('<Hangup/>');

    // The screen follows: two linked tickets, the second from the phone.
    await card.locator('tbody tr').nth(1).waitFor();
    expect(await card.locator('tbody tr').count()).toBe(2);
    await card.locator('tbody tr').filter({ hasText: 'Dal telefono (tasto 1)' }).waitFor();
    await card.getByTestId('incident-calls').filter({ hasText: '1 (1)' }).waitFor();

    await card.getByLabel('Nota di chiusura (inviata agli inquilini)').fill('Caldaia riparata');
    await card.getByRole('button', { name: 'Chiudi il guasto' }).click();
    await page.getByRole('status').filter({ hasText: 'Guasto di Via Riviera 41 chiuso' }).waitFor();
    await page.getByLabel('Mostra anche i chiusi').check();
    const closed = page.locator('[data-testid="incident"][data-status="closed"]');
    await closed.waitFor();
    expect(await closed.locator('tbody tr[data-status="closed"]').count()).toBe(2);
    await checkScreen(page, 'incident-closed', SHOTS);
  });
});

/** The platform's own view, to read the incident's id the way the Twilio action URL carries it. */
function systemStaff(): Actor {
  return Object.freeze({ kind: 'system', id: 'test', name: 'test', role: 'admin', agencies: ['aler-pavia-lodi'] });
}

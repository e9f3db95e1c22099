import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/db/client.ts';
import { createTestDatabase } from '../helpers/test-database.ts';
import { incomingCallParams, newCallSid, twilioPostOverHttp } from '../helpers/twilio-requests.ts';
import { checkScreen } from './check-screen.ts';
import type { UserBrowser } from './e2e-browser.ts';
import { logInThroughPage, openBrowser } from './e2e-browser.ts';
import type { E2eServer } from './e2e-server.ts';
import { freePort, runningClockFrom, startServer } from './e2e-server.ts';

/**
 * Issue 16 §1 in Chromium: an administrator onboards a new client through the screens only (the
 * agency, its number and address, a clerk), the very next call to that number is that agency's,
 * every change is in the trail; a supervisor reads the configuration without being able to change it.
 */
const SHOTS = '/tmp/shots-admin';
const DATA_DIR = path.resolve(`.tmp/e2e-admin-${process.pid}`);
const SESTO = 'Comune di Sesto San Giovanni – Servizio Agenzia Casa';
const SESTO_CODE = 'comune-di-sesto-san-giovanni-servizio-agenzia-casa';

let database: DatabaseHandle;
let server: E2eServer;
let admin: UserBrowser;

beforeAll(async () => {
  rmSync(DATA_DIR, { recursive: true, force: true });
  mkdirSync(SHOTS, { recursive: true });
  database = await createTestDatabase();
  server = await startServer({ database, clock: runningClockFrom('2026-11-23T10:00:00+01:00'), port: await freePort(), dataDir: DATA_DIR });
  admin = await openBrowser({ width: 1280, height: 800 });
  admin.context.setDefaultTimeout(0);
});

afterAll(async () => {
  await admin?.close();
  await server?.app.close();
  await database?.close();
  rmSync(DATA_DIR, { recursive: true, force: true });
});

describe('administration in the browser', () => {
  it('onboards a new agency with its number, address and clerk, and the next call to that number is its own', async () => {
    const page = admin.page;
    await logInThroughPage(page, server.url, 'admin');
    await page.getByRole('link', { name: 'Amministrazione' }).click();
    await page.getByRole('heading', { name: 'Enti clienti' }).waitFor();
    await page.getByRole('link', { name: 'ALER Pavia-Lodi' }).waitFor();
    await checkScreen(page, 'agencies', SHOTS);

    // A new agency: the code is proposed from the name; a bad prefix is explained in Italian.
    await page.getByLabel('Nome', { exact: true }).fill(SESTO);
    expect(await page.getByLabel('Codice (nei nomi delle code e negli indirizzi dell’API)').inputValue()).toBe(SESTO_CODE);
    await page.getByLabel('Prefisso delle segnalazioni').fill('S');
    await page.getByRole('button', { name: 'Crea ente' }).click();
    await page.getByRole('alert').filter({ hasText: '2–4 lettere maiuscole' }).waitFor();
    await page.getByLabel('Prefisso delle segnalazioni').fill('SS');
    await page.getByRole('button', { name: 'Crea ente' }).click();
    await page.getByRole('heading', { name: SESTO }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/amministrazione/enti/${SESTO_CODE}`);

    // Its number, as people write it, and a number that is another agency's: refused in Italian.
    await page.getByRole('button', { name: 'Aggiungi numero' }).click();
    await page.getByLabel('Numero, riga 1').fill('800 200 200');
    await page.getByRole('button', { name: 'Salva numeri' }).click();
    await page.getByRole('alert').filter({ hasText: 'già assegnato a un altro ente' }).waitFor();
    await page.getByLabel('Numero, riga 1').fill('02 2496 111');
    await page.getByLabel('Tipo, riga 1').selectOption('landline');
    await page.getByRole('button', { name: 'Salva numeri' }).click();
    await page.locator('#numbers-title ~ form [role="status"]').filter({ hasText: 'Modifiche salvate' }).waitFor();

    await page.getByRole('button', { name: 'Aggiungi indirizzo' }).click();
    await page.getByLabel('Indirizzo, riga 1').fill('agenziacasa@comune.sestosg.example');
    await page.getByRole('button', { name: 'Salva indirizzi e-mail' }).click();
    await page.locator('#addresses-title ~ form [role="status"]').filter({ hasText: 'Modifiche salvate' }).waitFor();

    // The trail on the agency's page says who did what.
    await page.getByRole('heading', { name: 'Modifiche a questo ente' }).waitFor();
    await page.locator('.audit-list').getByText('Modificati: numeri').waitFor();
    await page.locator('.audit-list').getByText('Ente creato').waitFor();
    await checkScreen(page, 'agency-page', SHOTS);

    // No restart: the very next call to the new number is the new agency's.
    const answer = await twilioPostOverHttp(
      server.url,
      server.publicBaseUrl,
      '/webhooks/twilio/voice',
      incomingCallParams(newCallSid(), '+393471234567', '+39022496111'),
    );
    expect(answer.statusCode).toBe(200);
    expect(answer.body).toContain('Sesto San Giovanni');

    // A clerk of the new agency; the password is shown once.
    await page.getByRole('link', { name: 'Utenti' }).click();
    await page.getByRole('heading', { name: 'Nuovo utente' }).waitFor();
    await page.getByLabel('Nome utente').fill('referente-sesto');
    await page.getByLabel('Nome e cognome').fill('Giulia Rota');
    await page.getByLabel('Ruolo').selectOption('agency');
    await page.getByLabel('Ente del referente').selectOption(SESTO_CODE);
    await page.getByRole('button', { name: 'Crea utente' }).click();
    await page.getByRole('alert').filter({ hasText: 'Password di referente-sesto' }).waitFor();
    await page.getByRole('cell', { name: 'Giulia Rota referente-sesto' }).waitFor();
    await checkScreen(page, 'users', SHOTS);

    const provisional = (await page.locator('code.secret').textContent()) ?? '';

    await page.getByRole('link', { name: 'Registro modifiche' }).click();
    await page.locator('.audit-list').getByText('Utente creato').waitFor();
    await checkScreen(page, 'audit', SHOTS);

    // The clerk's first login: the provisional password opens only the screen that replaces it.
    const clerk = await openBrowser({ width: 1280, height: 800 });
    clerk.context.setDefaultTimeout(0);
    try {
      await clerk.page.goto(server.url);
      await clerk.page.getByLabel('Nome utente').fill('referente-sesto');
      await clerk.page.getByLabel('Password').fill(provisional);
      await clerk.page.getByRole('button', { name: 'Accedi' }).click();
      await clerk.page.getByRole('heading', { name: 'Scegli la tua password' }).waitFor();
      await checkScreen(clerk.page, 'first-login', SHOTS);
      await clerk.page.getByLabel('Password provvisoria').fill(provisional);
      await clerk.page.getByLabel('Nuova password', { exact: true }).fill('corta');
      await clerk.page.getByLabel('Ripeti la nuova password').fill('corta');
      await clerk.page.getByRole('button', { name: 'Salva e continua' }).click();
      await clerk.page.getByRole('alert').filter({ hasText: 'almeno 12 caratteri' }).waitFor();
      await clerk.page.getByLabel('Nuova password', { exact: true }).fill('agenzia-casa-sesto-2026');
      await clerk.page.getByLabel('Ripeti la nuova password').fill('agenzia-casa-sesto-2026');
      await clerk.page.getByRole('button', { name: 'Salva e continua' }).click();
      await clerk.page.locator('[data-connection="live"]').waitFor();
      expect(new URL(clerk.page.url()).pathname).toBe('/agenzia');
    } finally {
      await clerk.close();
    }
  });

  it('shows a supervisor the configuration of the agencies served, read-only', async () => {
    const supervisor = await openBrowser({ width: 1280, height: 800 });
    supervisor.context.setDefaultTimeout(0);
    try {
      await logInThroughPage(supervisor.page, server.url, 'supervisore');
      await supervisor.page.goto(`${server.url}/amministrazione/enti/aler-pavia-lodi`);
      await supervisor.page.getByText('Sola lettura').waitFor();
      expect(await supervisor.page.getByRole('button', { name: 'Salva numeri' }).count()).toBe(0);
      expect(await supervisor.page.getByRole('link', { name: 'Registro modifiche' }).count()).toBe(0);
      await supervisor.page.getByRole('cell', { name: '+39800300300' }).waitFor();
      // The new agency is not assigned to the supervisor: not listed.
      await supervisor.page.goto(`${server.url}/amministrazione`);
      await supervisor.page.getByRole('link', { name: 'ALER Milano' }).waitFor();
      expect(await supervisor.page.getByRole('link', { name: SESTO }).count()).toBe(0);
      await checkScreen(supervisor.page, 'supervisor-agency', SHOTS);
    } finally {
      await supervisor.close();
    }
  });
});

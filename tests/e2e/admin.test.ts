import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/db/client.ts';
import { createTestDatabase } from '../helpers/test-database.ts';
import { incomingCallParams, newCallSid, twilioPostOverHttp } from '../helpers/twilio-requests.ts';
import { checkScreen } from './check-screen.ts';
import type { UserBrowser } from './e2e-browser.ts';
import { logInThroughPage, openBrowser, sessionCookie } from './e2e-browser.ts';
import type { E2eServer } from './e2e-server.ts';
import { freePort, startServer } from './e2e-server.ts';
import { signEmailWebhook } from '../../webhooks/email/email-signature.ts';
import { TEST_DEMO_PASSWORD, TEST_EMAIL_SECRET } from '../helpers/test-constants.ts';
import { startWebhookReceiver } from '../helpers/webhook-receiver.ts';

/**
 * Issue 16 §1 in Chromium: an administrator onboards a new client through the screens only (the
 * agency, its number and address, a clerk), the very next call to that number is that agency's,
 * every change is in the trail; a supervisor reads the configuration without being able to change it.
 */
const SHOTS = '/tmp/shots-admin';
const DATA_DIR = path.resolve(`.tmp/e2e-admin-${process.pid}`);
const SESTO = 'Comune di Sesto San Giovanni – Servizio Agenzia Casa';
const SESTO_CODE = 'comune-di-sesto-san-giovanni-servizio-agenzia-casa';

// Saturday 28 November 2026, 10:00 in Rome; the test moves it to the patron saint's day later.
let offsetMs = Date.parse('2026-11-28T10:00:00+01:00') - Date.now();
const clock = { now: () => new Date(Date.now() + offsetMs) };
const moveClockTo = (instant: string) => {
  offsetMs = Date.parse(instant) - Date.now();
};
const SESTO_NUMBER = '+39022496111';
const SESTO_MAIL = 'agenziacasa@comune.sestosg.example';
/** The key the agency's own system checks our webhooks' signatures with, typed into the panel. */
const SESTO_WEBHOOK_SECRET = 'sesto-agenzia-casa-webhook-secret-2026';
/** Its offices, one per category: a server of the test standing for each office's system. */
const SESTO_OFFICES = [
  { label: 'Manutenzione alloggi', category: 'manutenzione' },
  { label: 'Gestore calore', category: 'riscaldamento' },
  { label: 'Ufficio contratti', category: 'pratiche amministrative' },
  { label: 'Sportello emergenza abitativa', category: 'emergenza abitativa' },
] as const;
let offices: (Awaited<ReturnType<typeof startWebhookReceiver>> & { label: string; category: string })[] = [];

let database: DatabaseHandle;
let server: E2eServer;
let admin: UserBrowser;

beforeAll(async () => {
  rmSync(DATA_DIR, { recursive: true, force: true });
  mkdirSync(SHOTS, { recursive: true });
  database = await createTestDatabase();
  server = await startServer({ database, clock, port: await freePort(), dataDir: DATA_DIR });
  admin = await openBrowser({ width: 1280, height: 800 });
  admin.context.setDefaultTimeout(0);
  offices = await Promise.all(SESTO_OFFICES.map(async (office) => Object.assign(await startWebhookReceiver(SESTO_WEBHOOK_SECRET), office)));
});

afterAll(async () => {
  await admin?.close();
  await server?.app.close();
  await Promise.all(offices.map((office) => office.close()));
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
    await page.getByLabel('Indirizzo, riga 1').fill(SESTO_MAIL);
    await page.getByRole('button', { name: 'Salva indirizzi e-mail' }).click();
    await page.locator('#addresses-title ~ form [role="status"]').filter({ hasText: 'Modifiche salvate' }).waitFor();

    // The trail on the agency's page says who did what.
    await page.getByRole('heading', { name: 'Modifiche a questo ente' }).waitFor();
    await page.locator('.audit-list').getByText('Modificati: numeri').waitFor();
    await page.locator('.audit-list').getByText('Ente creato').waitFor();
    await checkScreen(page, 'agency-page', SHOTS);

    // Its hours: Monday to Saturday 09:30–12:00 and 15:00–18:00, closed on holidays, serving Sesto San Giovanni.
    for (const day of ['Lunedì', 'Martedì', 'Mercoledì', 'Giovedì', 'Venerdì', 'Sabato']) {
      await page.getByLabel(`${day}, primo turno, dalle`).fill('09:30');
      await page.getByLabel(`${day}, primo turno, alle`).fill('12:00');
      await page.getByLabel(`${day}, secondo turno, e dalle`).fill('15:00');
      await page.getByLabel(`${day}, secondo turno, alle`).fill('18:00');
    }
    // Each save reloads the panel (the 14 days move): the next choice waits for it.
    await page.getByRole('button', { name: 'Salva l’orario settimanale' }).click();
    await page.getByText('Orario settimanale salvato.').waitFor();
    await page.getByRole('checkbox', { name: /Sesto San Giovanni/ }).check();
    await page.getByRole('button', { name: 'Salva i comuni serviti' }).click();
    await page.getByText('Comuni serviti salvati').waitFor();
    await page.getByLabel('Nelle festività, salvo scelta diversa').selectOption('closed');
    await page.getByRole('button', { name: 'Salva le festività' }).click();
    await page.locator('.holiday-list').getByText('San Giovanni Battista').waitFor();

    // Four categories: the three defaults and one the agency names itself.
    await page.getByRole('button', { name: 'Aggiungi categoria' }).click();
    // The new category is the last of the list (its heading follows the name as it is typed).
    const own = page.locator('.categories-panel ol > li').last();
    await own.getByLabel('Codice').fill('emergenza-abitativa');
    await own.getByLabel('Nome', { exact: true }).fill('emergenza abitativa');
    await own.getByLabel('Tasto').selectOption('4');
    await own.getByLabel('Parole chiave delle e-mail (inizi di parola, separati da virgole)').fill('sfratt, emergenz');
    await page.getByRole('button', { name: 'Salva le categorie' }).click();
    await page.locator('.menu-preview').getByText('prema 4').waitFor();

    // Its own greeting, written in the voice panel, and the preview of a Saturday at 10:00.
    const voice = page.locator('.voice-panel');
    await voice.getByLabel('Saluto', { exact: true }).fill('Buongiorno, Servizio Agenzia Casa del Comune di Sesto San Giovanni.');
    await voice.getByRole('button', { name: 'Salva i testi vocali' }).click();
    await voice.getByText('Testi vocali salvati').waitFor();
    await voice.getByLabel(/Data e ora/).fill('2026-11-28T10:00');
    await voice.getByRole('button', { name: "Ascolta l'anteprima" }).click();
    await voice.locator('.voice-preview-lines').getByText('Buongiorno, Servizio Agenzia Casa del Comune di Sesto San Giovanni.', { exact: false }).waitFor();
    // A delivery target per category, the one it named itself included: a signed webhook to each office.
    const delivery = page.locator('.delivery-panel');
    await delivery.getByText('Nessuna destinazione').waitFor();
    for (const office of offices) {
      await delivery.getByLabel('Nome', { exact: true }).fill(office.label);
      await delivery.getByLabel('Categoria').selectOption({ label: office.category });
      await delivery.getByLabel('Indirizzo del webhook (URL)').fill(office.url);
      await delivery.getByLabel(/Segreto condiviso/).fill(SESTO_WEBHOOK_SECRET);
      await delivery.getByRole('button', { name: 'Aggiungi destinazione' }).click();
      await delivery.getByRole('cell', { name: office.label, exact: true }).waitFor();
    }
    // The test send shows what the office's system answered.
    await delivery.getByRole('button', { name: /^Invia prova a Sportello emergenza abitativa/ }).click();
    await delivery.locator('.delivery-test-result').getByText('Stato HTTP: 200').waitFor();
    expect(offices[3].received.map((request) => [request.event, request.signatureValid])).toEqual([['delivery.test', true]]);
    await checkScreen(page, 'agency-page-configured', SHOTS);
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 844 });
      await voice.screenshot({ path: `${SHOTS}/voice-panel-${width === 390 ? '390' : 'desk'}.png` });
    }
    await page.setViewportSize({ width: 1280, height: 800 });
    // The queued call-back's threshold (issue 17 §1) is one field of the agency's own data.
    const profile = page.locator('section[aria-labelledby="profile-title"]');
    await profile.getByLabel(/Offri la richiamata senza perdere il posto/).fill('240');
    await profile.getByRole('button', { name: 'Salva dati dell’ente' }).click();
    await profile.getByRole('status').filter({ hasText: 'Modifiche salvate.' }).waitFor();
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 844 });
      await profile.screenshot({ path: `${SHOTS}/profile-card-${width === 390 ? '390' : 'desk'}.png` });
    }
    await page.setViewportSize({ width: 1280, height: 800 });
    const saved = await fetch(`${server.url}/api/v1/admin/agencies/${SESTO_CODE}`, { headers: { cookie: await sessionCookie(admin.context) } });
    expect(await saved.json()).toMatchObject({ queuedCallbackSeconds: 240 });

    // No restart: on Saturday at 10:00 the new number answers with the agency's own menu.
    const call = () =>
      twilioPostOverHttp(server.url, server.publicBaseUrl, '/webhooks/twilio/voice', incomingCallParams(newCallSid(), '+393471234567', SESTO_NUMBER));
    const saturday = await call();
    expect(saturday.statusCode).toBe(200);
    expect(saturday.body).toContain('Buongiorno, Servizio Agenzia Casa del Comune di Sesto San Giovanni. Per guasti e manutenzione prema 1.');
    expect(saturday.body).toContain('<Gather');
    expect(saturday.body).toContain('emergenza abitativa prema 4');
    // On 24 June, San Giovanni Battista, the same call hears the office is closed.
    moveClockTo('2027-06-24T10:00:00+02:00');
    const feast = await call();
    expect(feast.body).not.toContain('<Gather');
    expect(feast.body).toContain('San Giovanni Battista');
    moveClockTo('2026-11-28T10:05:00+01:00');

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

      // An e-mail to its address becomes its ticket, in its own category; the clerk sees it and nothing else.
      const raw = Buffer.from(
        `From: Marco Riva <marco.riva@posta.example>\r\nTo: ${SESTO_MAIL}\r\nSubject: Sfratto esecutivo la settimana prossima\r\n` +
          'Message-ID: <sesto-e2e@posta.example>\r\n\r\nHo ricevuto lo sfratto, chiedo un appuntamento per l’emergenza abitativa.\r\n',
      );
      const filed = await fetch(`${server.url}/webhooks/email/inbound`, {
        method: 'POST',
        headers: { 'content-type': 'message/rfc822', 'x-signature-256': signEmailWebhook(TEST_EMAIL_SECRET, raw), 'x-envelope-to': SESTO_MAIL },
        body: raw,
      });
      const outcome = (await filed.json()) as { status: string; ticket: string };
      expect(outcome.status).toBe('ticket');
      expect(outcome.ticket).toMatch(/^SS-/);
      const tickets = clerk.page.locator('li.ticket');
      await tickets.filter({ hasText: 'Sfratto esecutivo' }).waitFor();
      expect(await tickets.count()).toBe(1);
      const staff = await admin.page.request.get(`${server.url}/api/v1/tickets/${outcome.ticket}`);
      expect(((await staff.json()) as { category: string }).category).toBe('emergenza-abitativa');

      // Once routed (an operator's check of an e-mail ticket, here through the API), the outbox
      // delivers it to that category's office, and to no other.
      const login = await server.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        headers: { origin: server.url, host: new URL(server.url).host },
        payload: { username: 'admin', password: TEST_DEMO_PASSWORD },
      });
      const staffHeaders = {
        cookie: String(login.headers['set-cookie']).split(';')[0],
        'x-csrf-token': login.json().csrfToken,
        origin: server.url,
        host: new URL(server.url).host,
      };
      const routed = await server.app.inject({
        method: 'PATCH',
        url: `/api/v1/tickets/${outcome.ticket}`,
        headers: staffHeaders,
        payload: { status: 'routed' },
      });
      expect(routed.statusCode, routed.body).toBe(200);
      const deliveredTo = () =>
        offices.filter((office) => office.received.some((request) => (request.body.ticket as { ref?: string } | undefined)?.ref === outcome.ticket));
      while (deliveredTo().length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(deliveredTo().map((office) => office.label)).toEqual(['Sportello emergenza abitativa']);
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
      // Delivery targets: read and tested, not changed. Without SMTP the test says where the mail waits.
      const delivery = supervisor.page.locator('.delivery-panel');
      await delivery.getByRole('cell', { name: 'Ufficio tecnico Pavia', exact: true }).waitFor();
      expect(await delivery.getByRole('button', { name: 'Aggiungi destinazione' }).count()).toBe(0);
      expect(await delivery.getByRole('button', { name: /^Modifica/ }).count()).toBe(0);
      await delivery.getByRole('button', { name: /^Invia prova a Ufficio tecnico Pavia/ }).click();
      await delivery.locator('.delivery-test-result').getByText('Nessun server SMTP configurato').waitFor();
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

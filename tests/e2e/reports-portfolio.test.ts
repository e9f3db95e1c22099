import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/db/client.ts';
import { createTestDatabase } from '../helpers/test-database.ts';
import { incomingCallParams, newCallSid, twilioPostOverHttp } from '../helpers/twilio-requests.ts';
import { checkScreen } from './check-screen.ts';
import type { UserBrowser } from './e2e-browser.ts';
import { logInThroughPage, openBrowser } from './e2e-browser.ts';
import type { E2eServer } from './e2e-server.ts';
import { freePort, runningClockFrom, startServer } from './e2e-server.ts';

/**
 * Issue 16 §2, acceptance: the report of the Comune di Pavia portfolio alone, on screen and in CSV.
 * Callers dial both of ALER Pavia-Lodi's numero verdi; a supervisor picks the portfolio on /report,
 * reads its own figures under a title that names it, and downloads the CSV the page links to.
 */
const SHOTS = process.env.SHOTS_DIR ?? '/tmp/shots-reports-portfolio';
const DATA_DIR = path.resolve(`.tmp/e2e-reports-portfolio-${process.pid}`);
const OWN_VERDE = '+39800200200';
const COMUNE_VERDE = '+39800300300';

let database: DatabaseHandle;
let server: E2eServer;
let tenant = 3_480_000_000;

beforeAll(async () => {
  rmSync(DATA_DIR, { recursive: true, force: true });
  mkdirSync(SHOTS, { recursive: true });
  database = await createTestDatabase();
  server = await startServer({ database, clock: runningClockFrom('2026-11-23T10:00:00+01:00'), port: await freePort(), dataDir: DATA_DIR });
  // Two callers of the Comune di Pavia housing stock and three of the agency's own give up in the queue.
  for (const to of [COMUNE_VERDE, COMUNE_VERDE, OWN_VERDE, OWN_VERDE, OWN_VERDE]) await callAndGiveUp(to);
});

afterAll(async () => {
  await server?.app.close();
  await database?.close();
  rmSync(DATA_DIR, { recursive: true, force: true });
});

/** A caller dials `to`, chooses maintenance and hangs up after 30 s in the queue: the signed requests Twilio sends. */
async function callAndGiveUp(to: string): Promise<void> {
  const callSid = newCallSid();
  const params = incomingCallParams(callSid, `+${(tenant += 1)}`, to);
  const post = (route: string, extra: Record<string, string> = {}) => twilioPostOverHttp(server.url, server.publicBaseUrl, route, { ...params, ...extra });
  expect((await post('/webhooks/twilio/voice')).statusCode).toBe(200);
  expect((await post('/webhooks/twilio/voice/menu?attempt=1', { CallStatus: 'in-progress', Digits: '1' })).statusCode).toBe(200);
  expect((await post('/webhooks/twilio/voice/queue-result', { CallStatus: 'completed', QueueResult: 'hangup', QueueTime: '30' })).statusCode).toBe(200);
}

it('shows the Comune di Pavia portfolio report alone and downloads its CSV', async () => {
  const browser: UserBrowser = await openBrowser({ width: 1280, height: 800 });
  const { page } = browser;
  try {
    await logInThroughPage(page, server.url, 'supervisore');
    await page.getByRole('link', { name: 'Report', exact: true }).first().click();
    await page.getByLabel('Ente').selectOption('aler-pavia-lodi');
    await page.getByLabel('Dal', { exact: true }).fill('2026-11-23');
    await page.getByLabel('Al', { exact: true }).fill('2026-11-23');
    const portfolio = page.getByLabel('Portafoglio');
    expect(await portfolio.locator('option').allTextContents()).toEqual([
      'Tutto l’ente',
      'Solo patrimonio proprio',
      'Patrimonio abitativo del Comune di Pavia',
    ]);

    await portfolio.selectOption({ label: 'Patrimonio abitativo del Comune di Pavia' });
    await page.getByRole('heading', { name: 'Report di ALER Pavia-Lodi — Patrimonio abitativo del Comune di Pavia' }).waitFor();
    await page.locator('#totals-title').filter({ hasText: '23/11/2026 – 23/11/2026' }).waitFor();
    const callsRow = page.locator('table.totals tr').filter({ has: page.getByRole('rowheader', { name: 'Chiamate ricevute' }) });
    expect(await callsRow.locator('td').first().textContent()).toBe('2');
    expect(
      await page
        .locator('table.totals tr')
        .filter({ has: page.getByRole('rowheader', { name: 'Abbandonate', exact: true }) })
        .locator('td')
        .first()
        .textContent(),
    ).toBe('2');

    // The CSV link carries the same choice: fetch it as the browser would download it.
    const href = await page.getByRole('link', { name: 'Scarica CSV', exact: true }).getAttribute('href');
    expect(href).toContain('portfolio=comune-di-pavia');
    const csv = await page.evaluate(async (url) => {
      const response = await fetch(url!, { credentials: 'same-origin' });
      return { status: response.status, disposition: response.headers.get('content-disposition'), text: await response.text() };
    }, href);
    expect(csv.status).toBe(200);
    expect(csv.disposition).toBe('attachment; filename="chiamate-aler-pavia-lodi-comune-di-pavia-2026-11-23-2026-11-23.csv"');
    const lines = csv.text.replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[1]).toBe('Portafoglio;Patrimonio abitativo del Comune di Pavia (comune-di-pavia)');
    expect(lines).toContain('Chiamate;2');
    expect(lines).toContain('Abbandonate;2');

    await checkScreen(page, 'report-comune-di-pavia', SHOTS);

    // The agency's own stock and the whole agency, the same way.
    await portfolio.selectOption({ label: 'Solo patrimonio proprio' });
    await page.getByRole('heading', { name: 'Report di ALER Pavia-Lodi — solo patrimonio proprio' }).waitFor();
    expect(await callsRow.locator('td').first().textContent()).toBe('3');
    await portfolio.selectOption({ label: 'Tutto l’ente' });
    await page.getByRole('heading', { name: 'Report di ALER Pavia-Lodi — tutto l’ente' }).waitFor();
    expect(await callsRow.locator('td').first().textContent()).toBe('5');
    expect(await page.getByRole('link', { name: 'Scarica CSV', exact: true }).getAttribute('href')).not.toContain('portfolio');
  } finally {
    await browser.close();
  }
});

it('records a contract version for the Comune di Pavia and previews the quarter with its own section', async () => {
  const browser: UserBrowser = await openBrowser({ width: 1280, height: 800 });
  const { page } = browser;
  try {
    await logInThroughPage(page, server.url, 'admin');
    await page.goto(`${server.url}/amministrazione/enti/aler-pavia-lodi`);
    const panel = page.locator('.contract-panel');
    await panel.getByLabel('Fattura').selectOption({ label: 'A parte: Patrimonio abitativo del Comune di Pavia' });
    await panel.getByLabel('Nuova versione dal').fill('2026-10-01');
    await panel.getByLabel('Canone annuo (euro, IVA esclusa)').fill('12.000,00');
    await panel.getByRole('button', { name: 'Registra la versione' }).click();
    await panel.getByText('Registrata la versione 2, in vigore dal 01/10/2026, per Patrimonio abitativo del Comune di Pavia.').waitFor();
    expect(await panel.locator('tbody tr').last().textContent()).toContain('Patrimonio abitativo del Comune di Pavia');
    await checkScreen(page, 'contract-panel-portfolio', SHOTS);

    await page.getByRole('link', { name: 'Prospetti' }).first().click();
    await page.getByLabel('Ente').selectOption('aler-pavia-lodi');
    await page.getByLabel('Trimestre').selectOption('2026-Q4');
    await page.getByRole('button', { name: 'Anteprima' }).click();
    await page.getByRole('heading', { name: 'Portafoglio fatturato a parte: Patrimonio abitativo del Comune di Pavia' }).waitFor();
    const comune = page.getByRole('region', { name: 'Volumi del trimestre: Patrimonio abitativo del Comune di Pavia' });
    expect(await comune.locator('tr').filter({ hasText: 'Chiamate ricevute' }).locator('td').textContent()).toBe('2');
    const own = page.getByRole('region', { name: 'Volumi del trimestre', exact: true });
    expect(await own.locator('tr').filter({ hasText: 'Chiamate ricevute' }).locator('td').textContent()).toBe('3');
    // 12,000.00 EUR a year, the whole quarter: 3,000.00 EUR (Italian writes four digits without a dot).
    expect(await page.getByRole('region', { name: 'Corrispettivo di Patrimonio abitativo del Comune di Pavia' }).locator('tfoot').textContent()).toMatch(
      /3\.?000,00\s€/u,
    );
    await checkScreen(page, 'statement-preview-portfolio', SHOTS);
  } finally {
    await browser.close();
  }
});

import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/db/client.ts';
import { createTestDatabase } from '../helpers/test-database.ts';
import { seriousViolations } from './check-screen.ts';
import type { UserBrowser } from './e2e-browser.ts';
import { logInThroughPage, openBrowser } from './e2e-browser.ts';
import type { E2eServer } from './e2e-server.ts';
import { freePort, runningClockFrom, startServer } from './e2e-server.ts';

/**
 * Issue 16 §8: a supervisor previews ALER Pavia-Lodi's third quarter of 2026 on /prospetti, reads the
 * warning (no calls in the quarter), confirms and issues it, then verifies the issued statement;
 * axe-core finds nothing serious and the page does not scroll sideways at 390 px.
 */
const SHOTS = process.env.SHOTS_DIR ?? '/tmp/shots-statements';
const DATA_DIR = path.resolve(`.tmp/e2e-statements-${process.pid}`);

let database: DatabaseHandle;
let server: E2eServer;

beforeAll(async () => {
  rmSync(DATA_DIR, { recursive: true, force: true });
  mkdirSync(SHOTS, { recursive: true });
  database = await createTestDatabase();
  server = await startServer({ database, clock: runningClockFrom('2026-11-23T10:00:00+01:00'), port: await freePort(), dataDir: DATA_DIR });
});

afterAll(async () => {
  await server?.app.close();
  await database?.close();
  rmSync(DATA_DIR, { recursive: true, force: true });
});

async function sidewaysOverflow(page: Page): Promise<number> {
  return page.evaluate(() => {
    const root = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement;
    return root.scrollWidth - root.clientWidth;
  });
}

it('previews a quarter, warns, issues it and verifies it, accessibly at a desk and on a phone', async () => {
  const browser: UserBrowser = await openBrowser({ width: 1280, height: 800 });
  const { page } = browser;
  const failures: string[] = [];
  try {
    await logInThroughPage(page, server.url, 'supervisore');
    await page.getByRole('link', { name: 'Prospetti' }).first().click();
    expect(new URL(page.url()).pathname).toBe('/prospetti');

    await page.getByLabel('Ente').selectOption('aler-pavia-lodi');
    await page.getByLabel('Trimestre').selectOption('2026-Q3');
    await page.getByRole('button', { name: 'Anteprima' }).click();
    await page.getByRole('heading', { name: /Anteprima: ALER Pavia-Lodi, 3° trimestre 2026/ }).waitFor();
    const fee = page.getByRole('region', { name: 'Corrispettivo per versione del contratto' });
    await fee.getByText('Versione 1 dal 03/05/2025').waitFor();
    expect(await fee.locator('tfoot').textContent()).toMatch(/10\.747,50\s€/u);
    const warnings = page.getByRole('list', { name: 'Avvisi prima dell’emissione' });
    expect(await warnings.textContent()).toContain('non risulta nessuna chiamata');

    const issue = page.getByRole('button', { name: 'Emetti il rendiconto' });
    expect(await issue.isDisabled()).toBe(true);
    for (const violation of await seriousViolations(page)) failures.push(`preview desk: ${violation}`);
    await page.screenshot({ path: path.join(SHOTS, 'prospetti-preview-1280.png'), fullPage: true });

    await page.getByLabel('Ho letto gli avvisi: emetti comunque').check();
    await issue.click();
    await page.getByText('Emesso il rendiconto PV-2026-T3-v1').waitFor();
    const issued = page.getByRole('region', { name: 'Elenco dei rendiconti emessi' });
    await issued.getByText('PV-2026-T3-v1').waitFor();
    expect(await issued.textContent()).toContain('da Supervisore');
    expect(await page.getByRole('link', { name: 'Stampa PV-2026-T3-v1' }).getAttribute('href')).toMatch(/^\/api\/v1\/reports\/statements\/[0-9a-f-]+\/print$/);

    await page.getByRole('button', { name: 'Verifica PV-2026-T3-v1' }).click();
    await page.getByText('Il rendiconto PV-2026-T3-v1 si riproduce dai dati grezzi: nessuna differenza.').waitFor();
    for (const violation of await seriousViolations(page)) failures.push(`issued desk: ${violation}`);
    await page.screenshot({ path: path.join(SHOTS, 'prospetti-issued-1280.png'), fullPage: true });

    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('button', { name: 'Anteprima' }).click();
    await page.getByText('Questo trimestre è già stato emesso', { exact: false }).waitFor();
    for (const violation of await seriousViolations(page)) failures.push(`phone: ${violation}`);
    const overflow = await sidewaysOverflow(page);
    if (overflow > 0) failures.push(`phone: the page scrolls sideways by ${overflow} px`);
    await page.screenshot({ path: path.join(SHOTS, 'prospetti-390.png'), fullPage: true });
  } finally {
    await browser.close();
  }
  expect(failures).toEqual([]);
});

import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/db/client.ts';
import type { FixtureCall } from '../helpers/report-fixtures.ts';
import { insertCalls } from '../helpers/report-fixtures.ts';
import { createTestDatabase } from '../helpers/test-database.ts';
import { checkScreen } from './check-screen.ts';
import { logInThroughPage, openBrowser } from './e2e-browser.ts';
import type { E2eServer } from './e2e-server.ts';
import { freePort, runningClockFrom, startServer } from './e2e-server.ts';

/**
 * Issue 18 §3 on screen: the staffing card of the report page with weeks of calls behind it (its
 * table and chart, not its empty state), read by a supervisor at a desk and on a phone, axe clean,
 * with the model stated and the CSV it links to.
 */
const SHOTS = process.env.SHOTS_DIR ?? '/tmp/shots-staffing';
const DATA_DIR = path.resolve(`.tmp/e2e-staffing-${process.pid}`);
const PAVIA = 'aler-pavia-lodi';

let database: DatabaseHandle;
let server: E2eServer;

/** Every weekday of the heating season so far (from 15 October to the Friday before 23 November): 12 answered calls an hour from 9 to 11. */
function heatingSeasonWeekdays(): FixtureCall[] {
  const calls: FixtureCall[] = [];
  for (
    let day = DateTime.fromISO('2026-10-15', { zone: 'Europe/Rome' });
    day < DateTime.fromISO('2026-11-21', { zone: 'Europe/Rome' });
    day = day.plus({ days: 1 })
  ) {
    if (day.weekday > 5) continue;
    for (let minute = 0; minute < 120; minute += 5) {
      calls.push({
        local: day.set({ hour: 9, minute }).toISO()!,
        agency: PAVIA,
        numberKind: 'numero_verde',
        outcome: 'answered',
        category: 'maintenance',
        queueTimeSeconds: 15,
        talkSeconds: 240,
      });
    }
  }
  return calls;
}

beforeAll(async () => {
  rmSync(DATA_DIR, { recursive: true, force: true });
  mkdirSync(SHOTS, { recursive: true });
  database = await createTestDatabase();
  await insertCalls(database.db, heatingSeasonWeekdays());
  server = await startServer({ database, clock: runningClockFrom('2026-11-23T10:00:00+01:00'), port: await freePort(), dataDir: DATA_DIR });
});

afterAll(async () => {
  await server?.app.close();
  await database?.close();
  rmSync(DATA_DIR, { recursive: true, force: true });
});

it('shows a supervisor the operators each half-hour needs, with the model stated, and downloads the figures', async () => {
  const browser = await openBrowser({ width: 1280, height: 800 });
  const { page } = browser;
  try {
    await logInThroughPage(page, server.url, 'supervisore');
    await page.getByRole('link', { name: 'Report', exact: true }).first().click();
    await page.getByLabel('Ente').selectOption(PAVIA);
    const table = page.getByTestId('staffing-table');
    await table.waitFor();
    // Monday (the card's first day): the half-hours of 09:00 to 10:30 have calls; 12 an hour of 4 minutes each need operators.
    const nine = table.locator('tr').filter({ has: page.getByRole('rowheader', { name: '09:00', exact: true }) });
    const cell = async (index: number) => Number((await nine.locator('td').nth(index).textContent())?.replace(',', '.'));
    // Calls per Monday in that half-hour, as an average with a decimal comma; operators needed, a whole number.
    expect(await cell(0)).toBeGreaterThan(0);
    expect(await cell(2)).toBeGreaterThanOrEqual(2);
    await expect.poll(() => page.getByTestId('staffing-basis').textContent()).toContain('stagione del riscaldamento');
    expect(await page.locator('section.staffing').textContent()).toContain('Erlang');

    const href = await page.getByRole('link', { name: 'Scarica CSV del personale' }).getAttribute('href');
    const csv = await page.evaluate(async (url) => {
      const response = await fetch(url!, { credentials: 'same-origin' });
      return { status: response.status, text: await response.text() };
    }, href);
    expect(csv.status).toBe(200);
    expect(csv.text).toContain(`Personale necessario;${PAVIA}`);
    expect(csv.text).toMatch(/\r\nlunedì;09:00;/);

    await page.locator('section.staffing').scrollIntoViewIfNeeded();
    await checkScreen(page, 'staffing', SHOTS);
  } finally {
    await browser.close();
  }
});

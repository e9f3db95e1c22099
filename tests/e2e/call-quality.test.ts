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
 * Issue 17 §4 and §5 on screen: an administrator turns the question after the call on in the voice
 * texts panel; a caller answered by an operator rates the service 4 and calls again the same
 * morning; the supervisor's report shows the rating and the repeat call.
 */
const SHOTS = process.env.SHOTS_DIR ?? '/tmp/shots-call-quality';
const DATA_DIR = path.resolve(`.tmp/e2e-call-quality-${process.pid}`);
const PAVIA_VERDE = '+39800200200';
const TENANT = '+393471234567';

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

/** A caller answered by an operator who, once the operator hangs up, hears the question and presses `rating`. */
async function answeredCall(rating: string | null): Promise<string> {
  const params = incomingCallParams(newCallSid(), TENANT, PAVIA_VERDE);
  const post = (route: string, extra: Record<string, string> = {}) => twilioPostOverHttp(server.url, server.publicBaseUrl, route, { ...params, ...extra });
  await post('/webhooks/twilio/voice');
  await post('/webhooks/twilio/voice/menu?attempt=1', { CallStatus: 'in-progress', Digits: '2' });
  const result = await post('/webhooks/twilio/voice/queue-result', { CallStatus: 'in-progress', QueueResult: 'bridged', QueueTime: '9' });
  if (rating !== null) await post('/webhooks/twilio/voice/rating?attempt=1', { CallStatus: 'in-progress', Digits: rating });
  return result.body;
}

it('an administrator turns the rating on; the report shows the rating and the repeat call', async () => {
  const admin: UserBrowser = await openBrowser({ width: 1280, height: 800 });
  try {
    await logInThroughPage(admin.page, server.url, 'admin');
    await admin.page.goto(`${server.url}/amministrazione/enti/aler-pavia-lodi`);
    const voice = admin.page.locator('.voice-panel');
    const ask = voice.getByLabel(/chiedere a chi ha chiamato un voto da 1 a 5/);
    expect(await ask.isChecked()).toBe(false);
    await ask.check();
    await voice.getByRole('button', { name: 'Salva i testi vocali' }).click();
    await voice.getByText('Testi vocali salvati').waitFor();
    expect(await ask.isChecked()).toBe(true);
    for (const width of [1280, 390]) {
      await admin.page.setViewportSize({ width, height: 800 });
      await voice.screenshot({ path: `${SHOTS}/voice-panel-rating-${width === 390 ? '390' : 'desk'}.png` });
    }
  } finally {
    await admin.close();
  }

  expect(await answeredCall('4')).toContain('Come valuta il servizio ricevuto?');
  await answeredCall(null);

  const supervisor: UserBrowser = await openBrowser({ width: 1280, height: 800 });
  const { page } = supervisor;
  try {
    await logInThroughPage(page, server.url, 'supervisore');
    await page.getByRole('link', { name: 'Report', exact: true }).first().click();
    await page.getByLabel('Ente').selectOption('aler-pavia-lodi');
    const ratings = page.locator('section').filter({ has: page.getByRole('heading', { name: 'Valutazioni dopo la chiamata' }) });
    const total = ratings.locator('tr').filter({ has: page.getByRole('rowheader', { name: 'Totale' }) });
    await total.waitFor();
    expect(await total.locator('td').allTextContents()).toEqual(['1', '4,00', '0', '0', '0', '1', '0']);
    const repeats = page.locator('section').filter({ has: page.getByRole('heading', { name: 'Chiamate ripetute' }) });
    const november = repeats.locator('tr').filter({ has: page.getByRole('rowheader', { name: 'novembre 2026' }) });
    expect(await november.locator('td').allTextContents()).toEqual(['2', '1', '50%']);
    await checkScreen(page, 'report-quality', SHOTS);
  } finally {
    await supervisor.close();
  }
});

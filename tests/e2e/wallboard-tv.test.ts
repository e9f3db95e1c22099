import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/db/client.ts';
import { createTestDatabase } from '../helpers/test-database.ts';
import { incomingCallParams, newCallSid, twilioPostOverHttp } from '../helpers/twilio-requests.ts';
import { seriousViolations } from './check-screen.ts';
import type { UserBrowser } from './e2e-browser.ts';
import { logInThroughPage, openBrowser } from './e2e-browser.ts';
import type { E2eServer } from './e2e-server.ts';
import { freePort, runningClockFrom, startServer } from './e2e-server.ts';

/**
 * Issue 18 §1: the wallboard for a wall. A supervisor puts it on the TV; callers waiting and one who
 * gives up change it live, colours and words together; dark or light stays chosen.
 */
const SHOTS = '/tmp/shots-wall';
const DATA_DIR = path.resolve(`.tmp/e2e-wall-${process.pid}`);
const PAVIA_VERDE = '+39800200200';

let database: DatabaseHandle;
let server: E2eServer;
let wall: UserBrowser;

beforeAll(async () => {
  rmSync(DATA_DIR, { recursive: true, force: true });
  mkdirSync(SHOTS, { recursive: true });
  database = await createTestDatabase();
  server = await startServer({ database, clock: runningClockFrom('2026-11-23T10:00:00+01:00'), port: await freePort(), dataDir: DATA_DIR });
  wall = await openBrowser({ width: 1920, height: 1080 });
  wall.context.setDefaultTimeout(0);
});

afterAll(async () => {
  await wall?.close();
  await server?.app.close();
  await database?.close();
  rmSync(DATA_DIR, { recursive: true, force: true });
});

async function callAndWait(from: string) {
  const callSid = newCallSid();
  const post = (route: string, extra: Record<string, string>) =>
    twilioPostOverHttp(server.url, server.publicBaseUrl, route, { ...incomingCallParams(callSid, from, PAVIA_VERDE), ...extra });
  await post('/webhooks/twilio/voice', {});
  await post('/webhooks/twilio/voice/menu?attempt=1', { CallStatus: 'in-progress', Digits: '1' });
  return {
    callSid,
    hangUp: (waited: number) => post('/webhooks/twilio/voice/queue-result', { CallStatus: 'completed', QueueResult: 'hangup', QueueTime: String(waited) }),
  };
}

describe('the wallboard on a TV', () => {
  it('fills the screen without navigation, follows callers live, turns abandons red and keeps its theme', async () => {
    const page = wall.page;
    await logInThroughPage(page, server.url, 'supervisore');
    await page.goto(`${server.url}/wallboard`);
    await page.getByRole('link', { name: /Schermo TV/ }).click();
    await page.getByTestId('wall-tv').waitFor();
    expect(await page.locator('nav#main-nav').count()).toBe(0);
    const pavia = page.locator('[data-agency="aler-pavia-lodi"]');
    await pavia.getByTestId('tv-waiting').filter({ hasText: '0' }).waitFor();

    const first = await callAndWait('+393471234567');
    await callAndWait('+393401112233');
    await pavia.getByTestId('tv-waiting').filter({ hasText: '2' }).waitFor();
    // Both dialled the agency's own number: the housing stock it manages for the Comune has nobody waiting.
    const byStock = pavia.getByTestId('tv-portfolios');
    expect(await byStock.locator('tr', { hasText: 'Patrimonio proprio' }).locator('td').first().textContent()).toBe('2');
    expect(await byStock.locator('tr', { hasText: 'Comune di Pavia' }).locator('td').first().textContent()).toBe('0');
    // One gives up after a minute: a call-back is owed and the abandon rate is all of today's decided calls.
    await first.hangUp(60);
    await pavia.getByTestId('tv-waiting').filter({ hasText: '1' }).waitFor();
    await pavia.locator('[data-testid="tv-abandon"][data-tone="red"]').filter({ hasText: 'intervenire' }).waitFor();
    await pavia.getByTestId('tv-callbacks').filter({ hasText: '1 (0)' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(SHOTS, 'wall-tv-1920-dark.png') });

    await page.getByRole('button', { name: 'Tema chiaro' }).click();
    await page.reload();
    await page.locator('.wall-tv.light').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(SHOTS, 'wall-tv-1920-light.png') });
    await page.setViewportSize({ width: 390, height: 844 });
    expect(Number(await page.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(390);
    await page.screenshot({ path: path.join(SHOTS, 'wall-tv-390.png'), fullPage: true });
  });
});

import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/db/client.ts';
import type { Clock } from '../../src/domain/clock.ts';
import { TEST_DEMO_PASSWORD } from '../helpers/test-constants.ts';
import { createTestDatabase } from '../helpers/test-database.ts';
import { incomingCallParams, newCallSid, twilioPostOverHttp } from '../helpers/twilio-requests.ts';
import type { UserBrowser } from './e2e-browser.ts';
import { openBrowser } from './e2e-browser.ts';
import type { E2eServer } from './e2e-server.ts';
import { freePort, startServer } from './e2e-server.ts';

const TENANT = '+393471234567'; // Giuseppe Rinaldi in ALER Pavia-Lodi's registry (demo seed)
const PAVIA_VERDE = '+39800200200';
const SHOTS = process.env.SHOTS_DIR ?? '/tmp/shots-operator';
const DATA_DIR = path.resolve(`.tmp/e2e-shift-${process.pid}`);

// A Monday morning in Rome that the test can move forward (call-backs fall due in opening hours).
let offsetMs = Date.parse('2026-11-23T10:00:00+01:00') - Date.now();
const clock: Clock = { now: () => new Date(Date.now() + offsetMs) };

let database: DatabaseHandle;
let server: E2eServer;
let desk: UserBrowser;
let page: Page;

beforeAll(async () => {
  rmSync(DATA_DIR, { recursive: true, force: true });
  mkdirSync(SHOTS, { recursive: true });
  database = await createTestDatabase();
  server = await startServer({ database, clock, port: await freePort(), dataDir: DATA_DIR });
  desk = await openBrowser({ width: 1280, height: 800 });
  desk.context.setDefaultTimeout(0);
  page = desk.page;
  // The login, with the keyboard: the whole shift below uses no mouse.
  await page.goto(server.url);
  await page.getByLabel('Nome utente').fill('operatore1');
  await page.getByLabel('Password').fill(TEST_DEMO_PASSWORD);
  await page.getByLabel('Password').press('Enter');
  await page.locator('[data-connection="live"]').waitFor();
});

afterAll(async () => {
  await desk?.close();
  await server?.app.close();
  await database?.close();
  rmSync(DATA_DIR, { recursive: true, force: true });
});

async function callIn(digit: string, from = TENANT): Promise<string> {
  const callSid = newCallSid();
  const post = (route: string, extra: Record<string, string>) =>
    twilioPostOverHttp(server.url, server.publicBaseUrl, route, { ...incomingCallParams(callSid, from, PAVIA_VERDE), ...extra });
  expect((await post('/webhooks/twilio/voice', {})).statusCode).toBe(200);
  expect((await post('/webhooks/twilio/voice/menu?attempt=1', { CallStatus: 'in-progress', Digits: digit })).body).toContain('<Enqueue');
  return callSid;
}

async function abandon(callSid: string, from: string): Promise<void> {
  const reply = await twilioPostOverHttp(server.url, server.publicBaseUrl, '/webhooks/twilio/voice/queue-result', {
    ...incomingCallParams(callSid, from, PAVIA_VERDE),
    CallStatus: 'completed',
    QueueResult: 'hangup',
    QueueTime: '40',
  });
  expect(reply.statusCode).toBe(200);
}

/** Presses a key on the element the keyboard reaches it at: focus, as Tab would, never a click. */
async function pressOn(locator: Locator, key: string): Promise<void> {
  await locator.focus();
  await locator.press(key);
}

/** Tabs forward until `locator` has the focus, as a keyboard user would. */
async function tabTo(locator: Locator): Promise<void> {
  for (let presses = 0; presses < 30; presses += 1) {
    if (await locator.evaluate((element) => element === (globalThis as unknown as PageGlobals).document.activeElement)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error('the keyboard never reached the element');
}

/** The page's globals these tests read (the tests are type-checked without the DOM library). */
type PageGlobals = {
  document: {
    activeElement: { getAttribute(name: string): string | null } | null;
    documentElement: { scrollWidth: number; clientWidth: number };
  };
};

/** Waits until the keyboard focus is on the element whose `attribute` is `value`. */
async function waitForFocusOn(attribute: string, value: string): Promise<void> {
  await page.waitForFunction(([name, expected]) => (globalThis as unknown as PageGlobals).document.activeElement?.getAttribute(name) === expected, [
    attribute,
    value,
  ] as const);
}

/** A screenshot at 390 px, where nothing may scroll sideways; then back to the desk. */
async function atPhoneSize(name: string): Promise<void> {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: path.join(SHOTS, name), fullPage: true });
  expect(
    await page.evaluate(() => {
      const root = (globalThis as unknown as PageGlobals).document.documentElement;
      return root.scrollWidth - root.clientWidth;
    }),
  ).toBe(0);
  await page.setViewportSize({ width: 1280, height: 800 });
}

const waitingTotal = () => page.getByTestId('waiting-total');

async function expectText(locator: Locator, text: string): Promise<void> {
  await locator.filter({ hasText: new RegExp(`^\\s*${text}\\s*$`) }).waitFor();
}

/** The outcome code stored on the call, as the operator's own call log shows it. */
async function callOutcome(callSid: string): Promise<string | null> {
  const calls = await page.evaluate(() =>
    fetch('/api/v1/calls?limit=200').then((reply) => reply.json() as Promise<{ items: { callSid: string; wrapUpCode: string | null }[] }>),
  );
  return calls.items.find((call) => call.callSid === callSid)?.wrapUpCode ?? null;
}

describe('an operator’s shift in Chromium, keyboard only', () => {
  it('offers no call to an operator on break, and says why', async () => {
    await pressOn(page.locator('[data-presence="break"]'), 'Enter');
    await page.locator('[data-presence="break"][aria-pressed="true"]').waitFor();
    const waiting = await callIn('2');
    await expectText(waitingTotal(), '1');
    await page.getByTestId('not-offered').filter({ hasText: '«In pausa»' }).waitFor();
    expect(await page.getByTestId('incoming-call').count()).toBe(0);
    // Asking anyway: the server refuses, and the screen says so in Italian.
    await page.keyboard.press('n');
    await page.getByRole('alert').filter({ hasText: 'Per ricevere una chiamata devi essere «Disponibile»' }).waitFor();
    await expectText(waitingTotal(), '1');
    await page.screenshot({ path: path.join(SHOTS, 'operator-on-break-1280.png'), fullPage: true });
    expect(waiting).toMatch(/^CA/);
  });

  it('alerts the available operator, who takes the call, files the ticket and wraps up with an outcome', async () => {
    await pressOn(page.locator('[data-presence="available"]'), 'Enter');
    // Available with a caller waiting: the banner and the assertive announcement.
    await page.getByTestId('incoming-call').waitFor();
    await page.getByTestId('incoming-announcement').filter({ hasText: 'Chiamata in arrivo' }).waitFor();
    expect(await page.getByTestId('not-offered').count()).toBe(0);
    await page.screenshot({ path: path.join(SHOTS, 'operator-incoming-1280.png'), fullPage: true });
    await atPhoneSize('operator-incoming-390.png');

    await page.keyboard.press('Alt+r');
    await page.getByTestId('tenant').filter({ hasText: 'Giuseppe Rinaldi' }).waitFor();
    const callSid = await page.evaluate(() =>
      fetch('/api/v1/softphone')
        .then((reply) => reply.json())
        .then((status) => (status as { call: { callSid: string } }).call.callSid),
    );
    // On a call the presence cannot change to break or off duty, and the screen says why.
    expect(await page.locator('[data-presence="break"]').isDisabled()).toBe(true);
    expect(await page.locator('[data-presence="offline"]').isDisabled()).toBe(true);
    await page.getByTestId('presence-lock').waitFor();

    // The description has the focus: the operator types, then tabs to the button.
    const description = page.locator('form.ticket-form textarea[name="description"]');
    await description.waitFor();
    await waitForFocusOn('name', 'description');
    await page.keyboard.type('Termosifoni freddi da ieri sera in tutto l’alloggio.');
    await tabTo(page.getByTestId('create-ticket'));
    await page.keyboard.press('Enter');
    await page.getByTestId('ticket-created').waitFor();
    // Saved: the keyboard is on "Termina chiamata".
    await waitForFocusOn('data-testid', 'hang-up');
    await page.screenshot({ path: path.join(SHOTS, 'operator-in-call-1280.png'), fullPage: true });
    await page.keyboard.press('Enter');

    // Wrap-up: focus on the first outcome code, the countdown of the limit running.
    await page.getByTestId('wrap-up').waitFor();
    await waitForFocusOn('name', 'outcome-code');
    await page.getByTestId('wrap-up-timer').filter({ hasText: 'Tempo rimasto' }).waitFor();
    await page.screenshot({ path: path.join(SHOTS, 'operator-wrap-up-1280.png'), fullPage: true });
    await atPhoneSize('operator-wrap-up-390.png');
    // A reload in the middle of the wrap-up brings the same call's outcome choice back.
    await page.reload();
    await page.getByTestId('wrap-up').waitFor();
    await waitForFocusOn('name', 'outcome-code');
    await page.keyboard.press('Space');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).document.activeElement?.getAttribute('data-testid'))).toBe('wrap-up-done');
    await page.keyboard.press('Enter');
    await page.getByTestId('take-next').waitFor();
    await waitForFocusOn('data-testid', 'take-next');
    expect(await callOutcome(callSid)).toBe('segnalazione_registrata');
    await page.locator('[data-presence="available"][aria-pressed="true"]').waitFor();
  });
});

describe('call-backs in Chromium', () => {
  const CALLERS = Array.from({ length: 22 }, (_, index) => `+39348555${1000 + index}`);

  it('counts every open task and the overdue ones, pages the rest, and calls back from the screen', async () => {
    for (const caller of CALLERS) await abandon(await callIn('1', caller), caller);
    // Three hours later, in opening hours: every task is past its deadline (120 opening minutes).
    offsetMs += 3 * 60 * 60 * 1000;
    for (const caller of CALLERS.slice(0, 2)) await abandon(await callIn('3', caller), caller);

    // A clock that jumps is a test's doing: the page is opened again so that it reads the new time.
    await page.goto(`${server.url}/operatore`);
    await page.locator('[data-connection="live"]').waitFor();
    await pressOn(page.getByRole('link', { name: 'Richiamate', exact: true }), 'Enter');
    await expectText(page.getByTestId('callbacks-total'), String(CALLERS.length));
    await expectText(page.getByTestId('callbacks-overdue'), String(CALLERS.length));
    const rows = page.locator('[data-testid="callbacks-table"] tbody tr');
    expect(await rows.count()).toBe(20);
    expect(await rows.first().textContent()).toMatch(/Scaduta da (\d h )?\d+ min/);
    await page.screenshot({ path: path.join(SHOTS, 'callbacks-1280.png'), fullPage: true });
    await pressOn(page.getByTestId('callbacks-more'), 'Enter');
    await rows.nth(21).waitFor();

    const first = rows.first();
    const phone = (await first.locator('strong').first().textContent()) ?? '';
    await pressOn(first.getByRole('button', { name: /^Richiama/ }), 'Enter');
    await page.getByTestId('dialling').filter({ hasText: 'simulata' }).waitFor();
    await page.screenshot({ path: path.join(SHOTS, 'callbacks-dialling-1280.png'), fullPage: true });
    await atPhoneSize('callbacks-dialling-390.png');
    await pressOn(page.locator('[data-outcome="resolved"]'), 'Enter');
    await page
      .getByRole('status')
      .filter({ hasText: `${phone}: Risolto` })
      .waitFor();
    await expectText(page.getByTestId('callbacks-total'), String(CALLERS.length - 1));
  });
});

import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/db/client.ts';
import { TEST_EMAIL_SECRET } from '../helpers/test-constants.ts';
import { signEmailWebhook } from '../../webhooks/email/email-signature.ts';
import { createTestDatabase } from '../helpers/test-database.ts';
import { incomingCallParams, newCallSid, twilioPostOverHttp } from '../helpers/twilio-requests.ts';
import { seriousViolations } from './check-screen.ts';
import type { UserBrowser } from './e2e-browser.ts';
import { logInThroughPage, openBrowser } from './e2e-browser.ts';
import type { E2eServer } from './e2e-server.ts';
import { freePort, runningClockFrom, startServer } from './e2e-server.ts';

/**
 * WCAG 2.1 AA (Legge 4/2004, AgID's guidelines) through axe-core on every screen of every role, at a
 * desk (1280×800) and on a phone (390×844): no serious or critical violation, and on the phone no
 * page that scrolls sideways.
 */
const SHOTS = process.env.SHOTS_DIR ?? '/tmp/shots-operator';
const DATA_DIR = path.resolve(`.tmp/e2e-a11y-${process.pid}`);
const SIZES = [
  { name: 'desk', width: 1280, height: 800 },
  { name: 'phone', width: 390, height: 844 },
] as const;
const ROLES = [
  { role: 'operator', username: 'operatore1', screens: ['/operatore', '/wallboard', '/richiamate', '/agenzia'] },
  {
    role: 'supervisor',
    username: 'supervisore',
    screens: [
      '/operatore',
      '/wallboard',
      '/wallboard/tv',
      '/richiamate',
      '/agenzia',
      '/report',
      '/quarantena',
      '/prospetti',
      '/amministrazione',
      '/amministrazione/enti/aler-pavia-lodi',
      '/amministrazione/code',
    ],
  },
  {
    role: 'admin',
    username: 'admin',
    screens: [
      '/operatore',
      '/wallboard',
      '/richiamate',
      '/agenzia',
      '/report',
      '/quarantena',
      '/prospetti',
      '/amministrazione',
      '/amministrazione/enti/aler-pavia-lodi',
      '/amministrazione/utenti',
      '/amministrazione/code',
      '/amministrazione/token',
      '/amministrazione/registro',
    ],
  },
  { role: 'clerk', username: 'referente-pavia', screens: ['/agenzia', '/report'] },
] as const;

let database: DatabaseHandle;
let server: E2eServer;

beforeAll(async () => {
  rmSync(DATA_DIR, { recursive: true, force: true });
  mkdirSync(SHOTS, { recursive: true });
  database = await createTestDatabase();
  server = await startServer({ database, clock: runningClockFrom('2026-11-23T10:00:00+01:00'), port: await freePort(), dataDir: DATA_DIR });
  // Something on every screen: a mail in quarantine, callers waiting, one who gave up (a call-back).
  const raw = Buffer.from(
    'From: Mario Bianchi <mario.bianchi@posta.example>\r\nTo: info@sconosciuto.example\r\nSubject: Perdita in bagno dal soffitto\r\n' +
      'Message-ID: <a11y-quarantena@posta.example>\r\n\r\nPerde acqua dal soffitto del bagno, scala B.\r\n',
  );
  const stored = await fetch(`${server.url}/webhooks/email/inbound`, {
    method: 'POST',
    headers: { 'content-type': 'message/rfc822', 'x-signature-256': signEmailWebhook(TEST_EMAIL_SECRET, raw), 'x-envelope-to': 'info@sconosciuto.example' },
    body: raw,
  });
  expect(((await stored.json()) as { status: string }).status).toBe('quarantined');
  for (const [from, to, digit] of [
    ['+393471234567', '+39800200200', '2'],
    ['+393401112233', '+390382000000', '1'],
    ['+393355556666', '+39800100100', '3'],
    ['+393487776655', '+39800200200', '1'],
  ] as const) {
    const callSid = newCallSid();
    const post = (route: string, extra: Record<string, string>) =>
      twilioPostOverHttp(server.url, server.publicBaseUrl, route, { ...incomingCallParams(callSid, from, to), ...extra });
    await post('/webhooks/twilio/voice', {});
    await post('/webhooks/twilio/voice/menu?attempt=1', { CallStatus: 'in-progress', Digits: digit });
    if (from === '+393487776655') await post('/webhooks/twilio/voice/queue-result', { CallStatus: 'completed', QueueResult: 'hangup', QueueTime: '48' });
  }
});

afterAll(async () => {
  await server?.app.close();
  await database?.close();
  rmSync(DATA_DIR, { recursive: true, force: true });
});

/** The page's globals these tests read (the tests are type-checked without the DOM library). */
type PageGlobals = {
  document: { querySelector(selector: string): { textContent: string | null } | null; documentElement: { scrollWidth: number; clientWidth: number } };
};

/** The screen has drawn its content (lists and reports load after the page). */
async function settled(page: Page): Promise<void> {
  await page.locator('[data-connection="live"]').waitFor();
  await page.waitForFunction(() => {
    const main = (globalThis as unknown as PageGlobals).document.querySelector('main');
    return main !== null && main.textContent !== '' && !/Caricamento/.test(main.textContent ?? '');
  });
}

describe('accessibility of every screen, for every role, at a desk and on a phone', () => {
  for (const { role, username, screens } of ROLES) {
    it(`${role}: no serious or critical axe violation; nothing scrolls sideways at 390 px`, async () => {
      const browser: UserBrowser = await openBrowser({ width: 1280, height: 800 });
      browser.context.setDefaultTimeout(0);
      const failures: string[] = [];
      try {
        await logInThroughPage(browser.page, server.url, username);
        for (const size of SIZES) {
          await browser.page.setViewportSize({ width: size.width, height: size.height });
          for (const screen of screens) {
            await browser.page.goto(`${server.url}${screen}`);
            await settled(browser.page);
            expect(new URL(browser.page.url()).pathname).toBe(screen);
            for (const violation of await seriousViolations(browser.page)) failures.push(`${screen} ${size.name}: ${violation}`);
            const name = `${role}${screen.replaceAll('/', '-')}-${size.width}.png`;
            await browser.page.screenshot({ path: path.join(SHOTS, name), fullPage: true });
            if (size.name === 'phone') {
              const overflow = await browser.page.evaluate(() => {
                const root = (globalThis as unknown as PageGlobals).document.documentElement;
                return root.scrollWidth - root.clientWidth;
              });
              if (overflow > 0) failures.push(`${screen} phone: the page scrolls sideways by ${overflow} px`);
            }
          }
        }
        // On the phone the navigation folds behind a menu button that says whether it is open.
        const toggle = browser.page.getByTestId('menu-toggle');
        expect(await toggle.getAttribute('aria-expanded')).toBe('false');
        expect(await browser.page.locator('#main-nav').isVisible()).toBe(false);
        await toggle.press('Enter');
        expect(await toggle.getAttribute('aria-expanded')).toBe('true');
        await browser.page.locator('#main-nav a').first().waitFor();
        for (const violation of await seriousViolations(browser.page)) failures.push(`menu open phone: ${violation}`);
        await browser.page.screenshot({ path: path.join(SHOTS, `${role}-menu-open-390.png`) });
      } finally {
        await browser.close();
      }
      expect(failures).toEqual([]);
    });
  }
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { TEST_DEMO_PASSWORD } from '../helpers/test-constants.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--lang=it-IT',
];

export type UserBrowser = Readonly<{ context: BrowserContext; page: Page; close(): Promise<void> }>;

/**
 * Debian's Chromium with a new, empty profile: one per user, so that each has its own cookies,
 * exactly like people at different desks. Nothing is fetched from the internet.
 */
export async function openBrowser(viewport = { width: 1366, height: 768 }): Promise<UserBrowser> {
  const profile = mkdtempSync(path.join(tmpdir(), 'centralino-e2e-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: ARGS,
    headless: true,
    viewport,
    locale: 'it-IT',
    timezoneId: 'Europe/Rome',
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Logs in through the login page, as a person would. */
export async function logInThroughPage(page: Page, baseUrl: string, username: string): Promise<void> {
  await page.goto(baseUrl);
  await page.getByLabel('Nome utente').fill(username);
  await page.getByLabel('Password').fill(TEST_DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Accedi' }).click();
  await page.locator('[data-connection="live"]').waitFor();
}

/** The session cookie the browser holds, for a socket.io client that must see what this user sees. */
export async function sessionCookie(context: BrowserContext): Promise<string> {
  const cookie = (await context.cookies()).find((candidate) => candidate.name === 'centralino_session');
  if (!cookie) throw new Error('no session cookie in the browser');
  return `${cookie.name}=${cookie.value}`;
}

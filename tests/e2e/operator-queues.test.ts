import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/db/client.ts';
import { createTestDatabase } from '../helpers/test-database.ts';
import { checkScreen } from './check-screen.ts';
import type { UserBrowser } from './e2e-browser.ts';
import { logInThroughPage, openBrowser } from './e2e-browser.ts';
import type { E2eServer } from './e2e-server.ts';
import { freePort, runningClockFrom, startServer } from './e2e-server.ts';

/**
 * Issue 16 §1, operators' queues: a supervisor narrows what an operator answers in one agency from
 * the screen, without touching the other agencies; ticking every queue again means "all of them".
 */
const SHOTS = '/tmp/shots-admin';
const DATA_DIR = path.resolve(`.tmp/e2e-queues-${process.pid}`);

let database: DatabaseHandle;
let server: E2eServer;
let supervisor: UserBrowser;

beforeAll(async () => {
  rmSync(DATA_DIR, { recursive: true, force: true });
  mkdirSync(SHOTS, { recursive: true });
  database = await createTestDatabase();
  server = await startServer({ database, clock: runningClockFrom('2026-11-23T10:00:00+01:00'), port: await freePort(), dataDir: DATA_DIR });
  supervisor = await openBrowser({ width: 1280, height: 800 });
  supervisor.context.setDefaultTimeout(0);
});

afterAll(async () => {
  await supervisor?.close();
  await server?.app.close();
  await database?.close();
  rmSync(DATA_DIR, { recursive: true, force: true });
});

type Operator = { username: string; queues: string[] };

describe("operators' queues in the browser", () => {
  it('narrows one agency of an operator, refuses an agency left with no queue, and gives every queue back', async () => {
    const page = supervisor.page;
    await logInThroughPage(page, server.url, 'supervisore');
    await page.goto(`${server.url}/amministrazione/code`);
    const card = page.getByRole('form', { name: /Operatore Uno|operatore1/ }).first();
    await card.waitFor();
    await checkScreen(page, 'operator-queues', SHOTS);
    const pavia = card.getByRole('group', { name: 'ALER Pavia-Lodi' });
    const boxes = pavia.getByRole('checkbox');
    const count = await boxes.count();
    expect(count).toBeGreaterThan(1);
    for (let index = 0; index < count; index++) expect(await boxes.nth(index).isChecked()).toBe(true);

    // Only the first Pavia-Lodi queue.
    for (let index = 1; index < count; index++) await boxes.nth(index).uncheck();
    await card.getByRole('button', { name: /Salva code/ }).click();
    await card.getByRole('status').filter({ hasText: 'Code salvate.' }).waitFor();
    const operators = async () => ((await (await page.request.get(`${server.url}/api/v1/operators`)).json()) as { items: Operator[] }).items;
    const narrowed = (await operators()).find((operator) => operator.username === 'operatore1')!;
    expect(narrowed.queues.filter((name) => name.startsWith('aler-pavia-lodi.'))).toHaveLength(1);
    expect(narrowed.queues.filter((name) => name.startsWith('aler-milano.')).length).toBeGreaterThan(1);

    // The screen after a reload shows what was stored.
    await page.reload();
    const reloaded = page
      .getByRole('form', { name: /Operatore Uno|operatore1/ })
      .first()
      .getByRole('group', { name: 'ALER Pavia-Lodi' })
      .getByRole('checkbox');
    await reloaded.first().waitFor();
    expect(await reloaded.nth(1).isChecked()).toBe(false);

    // No queue at all in an agency is explained, not saved.
    await reloaded.first().uncheck();
    const again = page.getByRole('form', { name: /Operatore Uno|operatore1/ }).first();
    await again.getByRole('button', { name: /Salva code/ }).click();
    await again.getByRole('alert').filter({ hasText: 'Scegli almeno una coda di ALER Pavia-Lodi' }).waitFor();

    // Every queue ticked again: stored as "all of them".
    for (let index = 0; index < count; index++) await reloaded.nth(index).check();
    await again.getByRole('button', { name: /Salva code/ }).click();
    await again.getByRole('status').filter({ hasText: 'Code salvate.' }).waitFor();
    const restored = (await operators()).find((operator) => operator.username === 'operatore1')!;
    expect(restored.queues.filter((name) => name.startsWith('aler-pavia-lodi.'))).toHaveLength(count);
  });
});

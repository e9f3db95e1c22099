import { spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rowsOf } from '../helpers/migration-steps.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { createTestApp } from '../helpers/test-app.ts';
import { TEST_BASE_URL, TEST_DEMO_PASSWORD, TEST_EMAIL_SECRET, TEST_TWILIO_TOKEN } from '../helpers/test-constants.ts';

/** `npm run simulate` as a newcomer runs it, against a real listening node. */
function simulate(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['scripts/simulate.ts', ...args], {
    env: { ...process.env, TWILIO_AUTH_TOKEN: TEST_TWILIO_TOKEN, EMAIL_WEBHOOK_SECRET: TEST_EMAIL_SECRET, ...env },
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; output: string }>((resolve) => child.on('exit', (code) => resolve({ code, output })));
  return { child, exited };
}

let t: TestApp;
let url: string;
beforeEach(async () => {
  t = await createTestApp({ now: '2026-11-23T10:00:00+01:00' });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  url = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
});
afterEach(async () => {
  await t.close();
});

const callsStillOpen = async () => (await rowsOf<{ n: number }>(t.database.db, sql`select count(*)::int as n from calls where ended_at is null`))[0].n;

describe('npm run simulate', () => {
  it('stops at once on a refused signature, naming --public-url and PUBLIC_BASE_URL', async () => {
    // Signed over its own URL while the server checks against its PUBLIC_BASE_URL: every call is refused.
    const run = await simulate(['--url', url, '--minutes', '5', '--calls-per-minute', '60', '--emails-per-minute', '0', '--seed', '3']).exited;
    expect(run.code).toBe(1);
    expect(run.output).toMatch(/403/);
    expect(run.output).toMatch(/--public-url/);
    expect(run.output).toMatch(/PUBLIC_BASE_URL/);
    // It stopped at the first refusal instead of playing five minutes of failing calls.
    expect(run.output).not.toMatch(/Calls placed/);
  }, 120_000);

  it('ends when its minutes are up: callers still in the menu, waiting or talking hang up, and no call stays open', async () => {
    const run = await simulate([
      '--url',
      url,
      '--public-url',
      TEST_BASE_URL,
      '--minutes',
      '2',
      '--speed',
      '40',
      '--calls-per-minute',
      '30',
      '--emails-per-minute',
      '0',
      '--seed',
      '5',
    ]).exited;
    expect(run.code).toBe(0);
    expect(run.output).toMatch(/Done in \d+ s\. Calls placed: \d+/);
    const [{ n }] = await rowsOf<{ n: number }>(t.database.db, sql`select count(*)::int as n from calls`);
    expect(n).toBeGreaterThan(0);
    expect(await callsStillOpen()).toBe(0);
  }, 120_000);

  it('with the demo password, its operators close every answered call with an outcome code, as the reports by outcome need', async () => {
    const args = ['--url', url, '--public-url', TEST_BASE_URL, '--minutes', '2', '--speed', '40', '--calls-per-minute', '30', '--emails-per-minute', '0'];
    const run = await simulate([...args, '--seed', '7'], { DEMO_PASSWORD: TEST_DEMO_PASSWORD }).exited;
    expect(run.code, run.output).toBe(0);
    const [{ answered, coded }] = await rowsOf<{ answered: number; coded: number }>(
      t.database.db,
      sql`select count(*)::int as answered, count(wrap_up_code)::int as coded from calls where outcome = 'answered'`,
    );
    expect(answered).toBeGreaterThan(0);
    expect(coded).toBe(answered);
  }, 120_000);

  it('Ctrl-C hangs up the callers it is playing before it exits', async () => {
    // No operators and a caller's patience of a minute at speed 1: without the hang-up they would still be waiting.
    const { child, exited } = simulate([
      ...[
        '--url',
        url,
        '--public-url',
        TEST_BASE_URL,
        '--minutes',
        '30',
        '--calls-per-minute',
        '120',
        '--emails-per-minute',
        '0',
        '--operators',
        '',
        '--seed',
        '9',
      ],
    ]);
    const waiting = async () =>
      (await rowsOf<{ n: number }>(t.database.db, sql`select count(*)::int as n from calls where enqueued_at is not null and ended_at is null`))[0].n;
    while ((await waiting()) === 0) await sleep(100);
    child.kill('SIGINT');
    const run = await exited;
    expect(run.code).toBe(0);
    expect(run.output).toMatch(/Stopped in \d+ s/);
    expect(await callsStillOpen()).toBe(0);
    const outcomes = await rowsOf<{ outcome: string }>(t.database.db, sql`select distinct outcome from calls where enqueued_at is not null`);
    expect(outcomes.map((row) => row.outcome).sort()).toEqual(expect.arrayContaining([expect.stringMatching(/abandoned/)]));
  }, 120_000);
});

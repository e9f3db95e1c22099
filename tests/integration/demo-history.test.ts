import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fillDemoHistory, HistoryExistsError } from '../../scripts/history/demo-history.ts';
import { loginAs } from '../helpers/auth.ts';
import type { Session } from '../helpers/auth.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { createTestApp } from '../helpers/test-app.ts';

/**
 * `npm run demo:history`: a fresh demo gets three years of calls with the shape of the real thing,
 * and the screens that look back (the 36-month trend, a past quarter's statement) have figures.
 */
const NOW = '2026-11-23T10:00:00+01:00';
let t: TestApp;
let supervisor: Session;
let result: Awaited<ReturnType<typeof fillDemoHistory>>;

beforeAll(async () => {
  t = await createTestApp({ now: NOW });
  supervisor = await loginAs(t.app, 'supervisore');
  result = await fillDemoHistory(t.database.db, { clock: t.clock, years: 3, callsPerDay: 12, seed: 7, replace: false });
});
afterAll(async () => {
  await t?.close();
});

type Month = { month: string; calls: number; answered: number; outOfHours: number; emails: number };

describe('a demo with a past', () => {
  it('fills three years up to yesterday, for each demo agency', () => {
    expect(result).toMatchObject({ from: '2023-11-23', to: '2026-11-22' });
    for (const calls of Object.values(result.calls)) expect(calls).toBeGreaterThan(5000);
    expect(result.emails).toBeGreaterThan(0);
  });

  it('gives the 36-month trend winters busier than summers, answered calls in every month', async () => {
    const response = await t.app.inject({ url: '/api/v1/reports/trend?agency=aler-pavia-lodi&months=36', headers: supervisor.headers });
    expect(response.statusCode, response.body).toBe(200);
    const months = response.json().months as Month[];
    expect(months).toHaveLength(36);
    expect(months.every((month) => month.calls > 0 && month.answered > 0)).toBe(true);
    const january = months.find((month) => month.month === '2025-01')!;
    const august = months.find((month) => month.month === '2025-08')!;
    expect(january.calls).toBeGreaterThan(august.calls * 1.5);
    // A tail of calls comes in at night and meets the closed message.
    expect(months.every((month) => month.outOfHours > 0)).toBe(true);
  });

  it('lets a supervisor preview a past quarter with its calls', async () => {
    const response = await t.app.inject({ url: '/api/v1/reports/statements/preview?agency=aler-pavia-lodi&period=2025-Q3', headers: supervisor.headers });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().warnings).not.toContain('no_calls');
  });

  it('refuses to add a second history, and replaces it when asked', async () => {
    await expect(fillDemoHistory(t.database.db, { clock: t.clock, years: 1, callsPerDay: 4, seed: 8, replace: false })).rejects.toBeInstanceOf(
      HistoryExistsError,
    );
    const replaced = await fillDemoHistory(t.database.db, { clock: t.clock, years: 1, callsPerDay: 4, seed: 8, replace: true });
    expect(replaced.from).toBe('2025-11-23');
    const response = await t.app.inject({ url: '/api/v1/reports/trend?agency=aler-milano&months=36', headers: supervisor.headers });
    const months = response.json().months as Month[];
    // The older two years are gone with the history they belonged to; the last year is the new one.
    expect(months.find((month) => month.month === '2024-06')!.calls).toBe(0);
    expect(months.find((month) => month.month === '2026-06')!.calls).toBeGreaterThan(0);
  });
});

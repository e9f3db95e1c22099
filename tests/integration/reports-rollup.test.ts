import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agencies } from '../../src/db/schema/index.ts';
import type { Actor } from '../../src/domain/actor.ts';
import type { CallReportQuery } from '../../src/modules/reports/reports-service.ts';
import { actorOf } from '../helpers/actors.ts';
import { loginAs } from '../helpers/auth.ts';
import type { FixtureCall } from '../helpers/report-fixtures.ts';
import { insertCalls } from '../helpers/report-fixtures.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { createTestApp } from '../helpers/test-app.ts';
import { incomingCallParams, newCallSid, twilioPost } from '../helpers/twilio-requests.ts';

/**
 * The rollup is an optimisation, never a second opinion: for any range and thresholds, figures read
 * from it (sealed days) plus the raw calls (the rest) equal figures read from the raw calls alone,
 * also after calls of sealed days change late.
 */
const NOW = '2026-11-23T09:00:00Z';
const AGENCY = 'aler-pavia-lodi';
const TENANT = '+393471234567';

let t: TestApp;
let supervisor: Actor;

/** Deterministic pseudo-random numbers (mulberry32): the same history on every run. */
function random(seed: number) {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let x = Math.imul(state ^ (state >>> 15), 1 | state);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

function history(count: number): FixtureCall[] {
  const next = random(20261123);
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)];
  const start = Date.parse('2026-09-01T00:00:00Z');
  const end = Date.parse(NOW);
  return Array.from({ length: count }, () => {
    const at = new Date(start + Math.floor(next() * (end - start)));
    const outcome = pick(['out_of_hours', 'left_menu', 'queued', 'answered', 'answered', 'answered', 'abandoned', 'short_abandoned', 'queue_other', 'bridged']);
    const queued = !['out_of_hours', 'left_menu'].includes(outcome);
    // Waits cluster around the thresholds (4, 5, 20, 21 s) and run past the rollup caps.
    const wait = pick([0, 4, 5, 6, 19, 20, 21, 59, 60, 61, 119, 120, 121, 200, Math.floor(next() * 90)]);
    const agency = pick(['aler-pavia-lodi', 'aler-pavia-lodi', 'aler-milano']);
    const numberKind = pick(['numero_verde', 'landline']);
    return {
      local: at.toISOString(),
      agency,
      numberKind,
      // The Comune di Pavia housing stock has its own numero verde at ALER Pavia-Lodi.
      portfolio: agency === 'aler-pavia-lodi' && numberKind === 'numero_verde' && next() < 0.5 ? 'comune-di-pavia' : null,
      outcome,
      category: queued ? pick(['maintenance', 'heating', 'admin']) : null,
      queueTimeSeconds: queued ? (next() < 0.05 ? null : wait) : null,
      talkSeconds: outcome === 'answered' && next() < 0.9 ? Math.floor(next() * 600) : null,
    };
  });
}

async function bothWays(query: Omit<CallReportQuery, 'source'>) {
  const rollup = await t.app.services.reports.callReport(supervisor, { ...query, source: 'rollup' });
  const raw = await t.app.services.reports.callReport(supervisor, { ...query, source: 'raw' });
  const { sources: rollupSources, ...fromRollup } = rollup;
  const { sources: rawSources, ...fromRaw } = raw;
  // Where the figures came from is the only thing allowed to differ.
  for (const report of [fromRollup, fromRaw] as { previousYear?: { sources?: unknown } }[]) delete report.previousYear?.sources;
  return { fromRollup, fromRaw, rollupSources, rawSources };
}

/** Calls that reached a queue at `at` and were still there when their day was sealed. */
const waiting: { at: string; sids: string[] }[] = [
  { at: '2026-11-10T10:00:00+01:00', sids: [] },
  { at: '2026-11-11T15:00:00+01:00', sids: [] },
];

async function enqueue(callSid: string, digit: string) {
  const base = incomingCallParams(callSid, TENANT, '+39800200200');
  expect((await twilioPost(t.app, '/webhooks/twilio/voice', base)).statusCode).toBe(200);
  expect((await twilioPost(t.app, '/webhooks/twilio/voice/menu?attempt=1', { ...base, CallStatus: 'in-progress', Digits: digit })).statusCode).toBe(200);
}

beforeAll(async () => {
  t = await createTestApp({ now: NOW });
  await insertCalls(t.database.db, history(4000));
  supervisor = await actorOf(t.database.db, 'supervisore');
  // Live traffic of two past days, before any report sealed them.
  t.clock.set(waiting[0].at);
  waiting[0].sids.push(newCallSid());
  await enqueue(waiting[0].sids[0], '2');
  t.clock.set(waiting[1].at);
  for (let index = 0; index < 6; index += 1) {
    waiting[1].sids.push(newCallSid());
    await enqueue(waiting[1].sids[index], '1');
  }
  t.clock.set(NOW);
  // The sealer worker's pass (turned off in tests, so that it seals at this moment and no other).
  await t.app.services.reports.sealFinishedDays();
});

afterAll(async () => {
  await t.close();
});

describe('rollup = raw', () => {
  it.each([
    ['the whole history', '2026-09-01', '2026-11-23'],
    ['the night the clocks go back', '2026-10-25', '2026-10-25'],
    ['days on both sides of the watermark', '2026-11-18', '2026-11-23'],
    ['a month', '2026-10-01', '2026-10-31'],
  ])('for %s', async (_label, from, to) => {
    for (const agency of ['aler-pavia-lodi', 'aler-milano']) {
      const { fromRollup, fromRaw, rollupSources } = await bothWays({ agency, from, to, compare: 'previous-year' });
      expect(rollupSources.rollup).not.toBeNull();
      expect(fromRollup).toEqual(fromRaw);
    }
  });

  it('seals every day that ended six hours ago and reads today raw', async () => {
    const { rollupSources, fromRollup } = await bothWays({ agency: AGENCY, from: '2026-11-01', to: '2026-11-23' });
    expect(rollupSources).toEqual({ rollup: { from: '2026-11-01', to: '2026-11-22' }, raw: { from: '2026-11-23', to: '2026-11-23' } });
    expect(fromRollup.totals.calls).toBeGreaterThan(0);
  });

  it.each([
    [0, 0],
    [120, 60],
    [7, 13],
    [1, 1],
  ])('with thresholds of %i s (service level) and %i s (short abandon)', async (serviceLevelSeconds, shortAbandonSeconds) => {
    const { fromRollup, fromRaw, rollupSources } = await bothWays({
      agency: AGENCY,
      from: '2026-09-01',
      to: '2026-11-23',
      serviceLevelSeconds,
      shortAbandonSeconds,
    });
    expect(rollupSources.rollup).not.toBeNull();
    expect(fromRollup).toEqual(fromRaw);
    expect(fromRollup.parameters).toMatchObject({ serviceLevelSeconds, shortAbandonSeconds });
  });

  it('reads everything raw with thresholds beyond the rollup caps', async () => {
    const { fromRollup, fromRaw, rollupSources } = await bothWays({
      agency: AGENCY,
      from: '2026-09-01',
      to: '2026-11-23',
      serviceLevelSeconds: 121,
      shortAbandonSeconds: 61,
    });
    expect(rollupSources.rollup).toBeNull();
    expect(fromRollup).toEqual(fromRaw);
  });

  it('gives the same monthly trend', async () => {
    const rollup = await t.app.services.reports.volumeTrend(supervisor, { agency: AGENCY, months: 4, to: '2026-11' });
    const raw = await t.app.services.reports.volumeTrend(supervisor, { agency: AGENCY, months: 4, to: '2026-11', source: 'raw' });
    expect(rollup.sources.rollup).not.toBeNull();
    expect(rollup.months).toEqual(raw.months);
    expect(rollup.months.map((month) => month.month)).toEqual(['2026-08', '2026-09', '2026-10', '2026-11']);
    expect(rollup.months[0].calls).toBe(0);
  });

  it.each([['comune-di-pavia'], ['none']])('for portfolio=%s, report and trend alike', async (portfolio) => {
    const { fromRollup, fromRaw, rollupSources } = await bothWays({
      agency: AGENCY,
      from: '2026-09-01',
      to: '2026-11-23',
      compare: 'previous-year',
      portfolio,
    });
    expect(rollupSources.rollup).not.toBeNull();
    expect(fromRollup).toEqual(fromRaw);
    expect(fromRollup.totals.calls).toBeGreaterThan(0);
    const trend = { agency: AGENCY, months: 4, to: '2026-11', portfolio };
    const rollup = await t.app.services.reports.volumeTrend(supervisor, trend);
    expect(rollup.months).toEqual((await t.app.services.reports.volumeTrend(supervisor, { ...trend, source: 'raw' })).months);
  });
});

describe('calls of sealed days that change late', () => {
  const day = { agency: AGENCY, from: '2026-11-10', to: '2026-11-10' };

  it('are counted when Twilio reports their queue result and final status later', async () => {
    const before = await bothWays(day);
    expect(before.rollupSources.rollup).toEqual({ from: '2026-11-10', to: '2026-11-10' });
    expect(before.fromRollup).toEqual(before.fromRaw);

    // Hours later (a journal replayed after an outage, or a slow callback): the day is sealed.
    const base = incomingCallParams(waiting[0].sids[0], TENANT, '+39800200200');
    await twilioPost(t.app, '/webhooks/twilio/voice/queue-result', { ...base, QueueResult: 'bridged', QueueTime: '12' });
    await twilioPost(t.app, '/webhooks/twilio/voice/status', { ...base, CallStatus: 'completed', CallDuration: '300', SequenceNumber: '5' });
    const after = await bothWays(day);
    expect(after.fromRollup).toEqual(after.fromRaw);
    expect(after.fromRollup.totals.answered).toBe(before.fromRaw.totals.answered + 1);
    expect(after.fromRollup.byQueue.heating.answered).toBe(before.fromRaw.byQueue.heating.answered + 1);
  });

  it('are counted when an incoming call of a sealed day is replayed from the journal', async () => {
    const before = await bothWays(day);
    const callSid = newCallSid();
    await t.app.services.calls.receiveIncomingCall(
      { callSid, from: TENANT, to: '+390382000000', callStatus: 'ringing' },
      incomingCallParams(callSid, TENANT, '+390382000000'),
      new Date('2026-11-10T21:30:00+01:00'),
    );
    const after = await bothWays(day);
    expect(after.fromRollup).toEqual(after.fromRaw);
    expect(after.fromRollup.totals).toMatchObject({ calls: before.fromRaw.totals.calls + 1, outOfHours: before.fromRaw.totals.outOfHours + 1 });
  });

  it('stay exact when several change in the same hour at once', async () => {
    const day11 = { agency: AGENCY, from: '2026-11-11', to: '2026-11-11' };
    const before = await bothWays(day11);
    await Promise.all(
      waiting[1].sids.map((callSid, index) =>
        twilioPost(t.app, '/webhooks/twilio/voice/queue-result', {
          ...incomingCallParams(callSid, TENANT, '+39800200200'),
          QueueResult: index % 2 === 0 ? 'bridged' : 'hangup',
          QueueTime: String(index * 3),
        }),
      ),
    );
    const after = await bothWays(day11);
    expect(after.fromRollup).toEqual(after.fromRaw);
    expect(after.fromRollup.totals.answered).toBe(before.fromRaw.totals.answered + 3);
  });

  it('written around the service (an import) need a rebuild, which an administrator can run', async () => {
    await insertCalls(t.database.db, [
      {
        local: '2026-11-12T10:00:00+01:00',
        agency: AGENCY,
        numberKind: 'landline',
        outcome: 'answered',
        category: 'admin',
        queueTimeSeconds: 8,
        talkSeconds: 90,
      },
    ]);
    const stale = await bothWays({ agency: AGENCY, from: '2026-11-12', to: '2026-11-12' });
    expect(stale.fromRollup.totals.calls).toBe(stale.fromRaw.totals.calls - 1);

    const admin = await loginAs(t.app, 'admin');
    const refused = await t.app.inject({
      method: 'POST',
      url: '/api/v1/reports/rollups/rebuild',
      headers: (await loginAs(t.app, 'supervisore')).headers,
      payload: { agency: AGENCY, from: '2026-11-12', to: '2026-11-12' },
    });
    expect(refused.statusCode).toBe(403);
    const rebuilt = await t.app.inject({
      method: 'POST',
      url: '/api/v1/reports/rollups/rebuild',
      headers: admin.headers,
      payload: { agency: AGENCY, from: '2026-11-12', to: '2026-11-12' },
    });
    expect(rebuilt.statusCode, rebuilt.body).toBe(200);
    expect(rebuilt.json()).toMatchObject({ agency: AGENCY, from: '2026-11-12', to: '2026-11-12' });
    const fresh = await bothWays({ agency: AGENCY, from: '2026-11-12', to: '2026-11-12' });
    expect(fresh.fromRollup).toEqual(fresh.fromRaw);
  });

  it('are cut into days again when the agency moves to another time zone', async () => {
    const zone = async (timezone: string) => {
      await t.database.db.update(agencies).set({ timezone }).where(eq(agencies.code, AGENCY));
      await t.app.services.directory.reload(t.database.db);
      // The sealer's next pass cuts the days again in the agency's new zone.
      await t.app.services.reports.sealFinishedDays();
    };
    await zone('Atlantic/Canary');
    const moved = await bothWays({ agency: AGENCY, from: '2026-09-01', to: '2026-11-23' });
    expect(moved.fromRollup.timezone).toBe('Atlantic/Canary');
    expect(moved.rollupSources.rollup).not.toBeNull();
    expect(moved.fromRollup).toEqual(moved.fromRaw);
    await zone('Europe/Rome');
    const back = await bothWays({ agency: AGENCY, from: '2026-09-01', to: '2026-11-23' });
    expect(back.fromRollup).toEqual(back.fromRaw);
    expect(back.fromRollup.byHour).not.toEqual(moved.fromRollup.byHour);
  });
});

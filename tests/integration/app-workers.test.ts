import { setTimeout as sleep } from 'node:timers/promises';
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { runWorkers } from '../../src/app.ts';
import { callRollupHourly, callRollupWatermarks } from '../../src/db/schema/index.ts';
import type { Worker } from '../../src/modules/module.ts';
import { loginAs } from '../helpers/auth.ts';
import type { FixtureCall } from '../helpers/report-fixtures.ts';
import { insertCalls } from '../helpers/report-fixtures.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { createTestApp, startTestApp } from '../helpers/test-app.ts';
import { createTestDatabase } from '../helpers/test-database.ts';

/**
 * The app's background work is one list of workers, taken from the modules in list order; reads
 * leave it to them: a report seals nothing.
 */
const NOW = '2026-11-23T09:00:00Z';
const AGENCY = 'aler-pavia-lodi';
const HISTORY: FixtureCall[] = [
  {
    local: '2026-11-10T10:00:00+01:00',
    agency: AGENCY,
    numberKind: 'landline',
    outcome: 'answered',
    category: 'heating',
    queueTimeSeconds: 12,
    talkSeconds: 90,
  },
  {
    local: '2026-11-10T11:00:00+01:00',
    agency: AGENCY,
    numberKind: 'numero_verde',
    outcome: 'abandoned',
    category: 'admin',
    queueTimeSeconds: 40,
    talkSeconds: null,
  },
  {
    local: '2026-11-20T19:30:00+01:00',
    agency: AGENCY,
    numberKind: 'landline',
    outcome: 'out_of_hours',
    category: null,
    queueTimeSeconds: null,
    talkSeconds: null,
  },
  {
    local: '2026-11-23T09:30:00+01:00',
    agency: AGENCY,
    numberKind: 'landline',
    outcome: 'answered',
    category: 'maintenance',
    queueTimeSeconds: 3,
    talkSeconds: 60,
  },
];

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe('workers', () => {
  it('start in list order once the app is ready, and stop in reverse order when it closes', async () => {
    const app = Fastify();
    const seen: string[] = [];
    const worker = (name: string): Worker => ({
      name,
      start: () => void seen.push(`start ${name}`),
      stop: async () => {
        seen.push(`stop ${name}`);
        if (name === 'b') throw new Error('b fails to stop');
      },
    });
    runWorkers(app, [worker('a'), worker('b'), worker('c')]);
    expect(seen).toEqual([]);
    await app.ready();
    expect(seen).toEqual(['start a', 'start b', 'start c']);
    await app.close();
    // One that fails to stop does not keep the others running.
    expect(seen.slice(3)).toEqual(['stop c', 'stop b', 'stop a']);
  });

  it('include the rollup sealer, which the app runs (ROLLUP_SEAL_INTERVAL_MS)', async () => {
    const database = await createTestDatabase();
    await insertCalls(database.db, HISTORY);
    t = await startTestApp(database, { now: NOW, config: { ROLLUP_SEAL_INTERVAL_MS: '100' } });
    while ((await t.database.db.select().from(callRollupWatermarks)).length === 0) await sleep(50);
    const headers = (await loginAs(t.app, 'supervisore')).headers;
    const report = (await t.app.inject({ method: 'GET', url: `/api/v1/reports/calls?agency=${AGENCY}&from=2026-11-01&to=2026-11-23`, headers })).json();
    expect(report.sources).toEqual({ rollup: { from: '2026-11-01', to: '2026-11-22' }, raw: { from: '2026-11-23', to: '2026-11-23' } });
    expect(report.totals).toMatchObject({ calls: 4, answered: 2, abandoned: 1, outOfHours: 1 });
  });
});

describe('a report', () => {
  it('writes nothing and reads the days not sealed yet from the calls', async () => {
    t = await createTestApp({ now: NOW });
    await insertCalls(t.database.db, HISTORY);
    const headers = (await loginAs(t.app, 'supervisore')).headers;
    const url = `/api/v1/reports/calls?agency=${AGENCY}&from=2026-11-01&to=2026-11-23`;

    const unsealed = (await t.app.inject({ method: 'GET', url, headers })).json();
    expect(unsealed.sources).toEqual({ rollup: null, raw: { from: '2026-11-01', to: '2026-11-23' } });
    expect(await t.database.db.select().from(callRollupWatermarks)).toEqual([]);
    expect(await t.database.db.select().from(callRollupHourly)).toEqual([]);

    await t.app.services.reports.sealFinishedDays();
    const sealed = (await t.app.inject({ method: 'GET', url, headers })).json();
    expect(sealed.sources.rollup).toEqual({ from: '2026-11-01', to: '2026-11-22' });
    const { sources: _unsealedSources, ...before } = unsealed;
    const { sources: _sealedSources, ...after } = sealed;
    expect(after).toEqual(before);
    expect(after.totals).toMatchObject({ calls: 4, answered: 2, abandoned: 1, outOfHours: 1 });
  });
});

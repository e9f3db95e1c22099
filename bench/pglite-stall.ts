/**
 * PGlite runs Postgres as WebAssembly inside the Node process: a long query holds the event loop,
 * and with it every webhook. This measures the longest stall a 12-month report causes, with a
 * 10 ms heartbeat timer in the same process, from the rollup (how reports run) and from raw calls.
 *
 *   npm run bench:seed -- --pglite /tmp/pgl-hist --calls 300000 --years 1
 *   node bench/pglite-stall.ts --dir /tmp/pgl-hist [--runs 3]
 */
import { parseArgs } from 'node:util';
import { DateTime } from 'luxon';
import type { Actor } from '../src/domain/actor.ts';
import { systemClock } from '../src/domain/clock.ts';
import { createEventBus } from '../src/domain/events.ts';
import { openDatabase } from '../src/db/client.ts';
import { migrateDatabase } from '../src/db/migrate.ts';
import { createAgencyDirectory } from '../src/modules/agencies/agency-directory.ts';
import { createCallRollup } from '../src/modules/reports/call-rollup.ts';
import { createReportService } from '../src/modules/reports/reports-service.ts';
import { median, writeResult } from './bench-kit.ts';

const { values } = parseArgs({ options: { dir: { type: 'string' }, runs: { type: 'string', default: '3' }, agency: { type: 'string', default: 'aler-milano' } } });
if (!values.dir) {
  console.error('usage: node bench/pglite-stall.ts --dir <PGlite DATA_DIR seeded by npm run bench:seed -- --pglite DIR>');
  process.exit(2);
}
const database = await openDatabase({ databaseUrl: undefined, dataDir: values.dir });
await migrateDatabase(database);
const directory = await createAgencyDirectory(database.db);
const rollup = createCallRollup({ directory, clock: systemClock });
const reports = createReportService({ db: database.db, directory, clock: systemClock, bus: createEventBus(), rollup });
const actor: Actor = { kind: 'user', id: 'bench', name: 'bench', role: 'supervisor', agencies: directory.agencyCodes() };

// The twelve months that end with the last call of the history.
const [{ last }] = ((await database.db.execute(`select max(started_at) as last from calls`)) as unknown as { rows: { last: string }[] }).rows;
const end = DateTime.fromJSDate(new Date(last), { zone: 'Europe/Rome' }).endOf('month');
const range = { agency: values.agency!, from: end.minus({ months: 12 }).plus({ days: 1 }).startOf('month').toISODate()!, to: end.toISODate()! };

/** Runs `work` while a 10 ms timer ticks; answers how long it took and the longest gap between ticks. */
async function measure(work: () => Promise<unknown>): Promise<{ ms: number; stallMs: number }> {
  let last = performance.now();
  let worst = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last - 10);
    last = now;
  }, 10);
  const started = performance.now();
  await work();
  const ms = performance.now() - started;
  await new Promise((resolve) => setTimeout(resolve, 30));
  clearInterval(timer);
  return { ms, stallMs: Math.max(0, worst) };
}

const cases = {
  '12-month report (rollup)': () => reports.callReport(actor, range),
  '12-month report + previous year (rollup)': () => reports.callReport(actor, { ...range, compare: 'previous-year' }),
  '12-month trend': () => reports.volumeTrend(actor, { agency: values.agency!, months: 12 }),
  '12-month report (raw calls, for comparison)': () => reports.callReport(actor, { ...range, source: 'raw' }),
};
const runs = Number(values.runs);
const results: Record<string, { medianMs: number; worstStallMs: number }> = {};
await reports.callReport(actor, range); // warm-up, and seals whatever is due first
for (const [name, work] of Object.entries(cases)) {
  const measured = [];
  for (let run = 0; run < runs; run += 1) measured.push(await measure(work as () => Promise<unknown>));
  results[name] = { medianMs: Math.round(median(measured.map((m) => m.ms))), worstStallMs: Math.round(Math.max(...measured.map((m) => m.stallMs))) };
}
const [{ calls }] = ((await database.db.execute(`select count(*)::int as calls from calls`)) as unknown as { rows: { calls: number }[] }).rows;
console.log(`\nPGlite, ${calls.toLocaleString('en')} calls; ${values.agency} ${range.from} – ${range.to}; ${runs} runs each`);
console.table(Object.fromEntries(Object.entries(results).map(([name, r]) => [name, { 'median ms': r.medianMs, 'longest event-loop stall ms': r.worstStallMs }])));
console.log(`written: ${writeResult('pglite-stall', { calls, range, runs, results })}`);
await database.close();

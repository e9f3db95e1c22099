/**
 * npm run bench:reports [-- --runs 7 --url postgres://…]
 *
 * Report latencies on the history `npm run bench:seed` made: the last complete quarter of the
 * largest agency and of ALER Pavia-Lodi, a year, the 36-month trend, a statement preview; each
 * through the HTTP API (session cookie, JSON serialisation and all) and through the service verb,
 * with the raw-calls path beside it for comparison. The first run is shown apart (colder caches),
 * then the median, min and max of --runs.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { DateTime } from 'luxon';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import type { Actor } from '../src/domain/actor.ts';
import { systemClock } from '../src/domain/clock.ts';
import { createEventBus } from '../src/domain/events.ts';
import { quarterOf } from '../src/domain/statement.ts';
import { openPostgres } from '../src/db/client.ts';
import { migrateDatabase } from '../src/db/migrate.ts';
import { createAgencyDirectory } from '../src/modules/agencies/agency-directory.ts';
import { createCallRollup } from '../src/modules/reports/call-rollup.ts';
import { callReportCsv } from '../src/modules/reports/report-csv.ts';
import { createReportService } from '../src/modules/reports/reports-service.ts';
import { median, writeResult } from './bench-kit.ts';

const DEFAULT_URL = 'postgres://centralino:centralino@127.0.0.1:5432/centralino_bench';
const PUBLIC_URL = 'http://bench.local';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '7' },
    url: { type: 'string' },
    password: { type: 'string' },
  },
});
const runs = Number(args.runs);
const url = args.url ?? process.env.DATABASE_URL ?? DEFAULT_URL;

// The seed may be older than the code: bring its schema up to date first.
const migrator = openPostgres(url, { max: 2 });
await migrateDatabase(migrator);
await migrator.close();
const database = openPostgres(url, { max: 10 });
const db = database.db;
const rowsOf = (result: unknown) => (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as Record<string, unknown>[];
const scalar = async (query: ReturnType<typeof sql>) => rowsOf(await db.execute(query))[0];

const calls = Number((await scalar(sql`select count(*)::bigint as n from calls`)).n);
if (calls === 0) {
  console.error(`No calls in ${new URL(url).pathname.slice(1)}: run npm run bench:seed first.`);
  process.exit(1);
}
const perAgency = rowsOf(
  await db.execute(sql`select agency_code as agency, count(*)::bigint as n from calls where agency_code is not null group by 1 order by 2 desc`),
);
const largest = String(perAgency[0].agency);
const rollupRows = Number((await scalar(sql`select count(*)::bigint as n from call_rollup_hourly`)).n);
const settings = await scalar(sql`select version() as version, current_setting('shared_buffers') as shared_buffers, current_setting('work_mem') as work_mem`);

const directory = await createAgencyDirectory(db);
const reports = createReportService({ db, directory, clock: systemClock, bus: createEventBus(), rollup: createCallRollup({ directory, clock: systemClock }) });
const actor: Actor = { kind: 'user', id: 'bench', name: 'bench', role: 'supervisor', agencies: directory.agencyCodes() };

const today = DateTime.now().setZone('Europe/Rome');
const lastQuarter = quarterOf(today.minus({ months: 3 }).toISODate()!);
const lastYear = { from: today.minus({ years: 1 }).startOf('month').toISODate()!, to: today.startOf('month').minus({ days: 1 }).toISODate()! };
const monthToDate = { from: today.startOf('month').toISODate()!, to: today.toISODate()! };

// The app itself, for the HTTP figures: what a browser or a client agency's system would wait for.
const config = loadConfig({
  NODE_ENV: 'development',
  DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'centralino-report-bench-')),
  DATABASE_URL: url,
  PUBLIC_BASE_URL: PUBLIC_URL,
  LOG_LEVEL: 'silent',
  ROLLUP_SEAL_INTERVAL_MS: '0',
});
const appDatabase = openPostgres(url, { max: 10 });
const app = await buildApp({ config, database: appDatabase, clock: systemClock });
await app.ready();
const password = args.password ?? process.env.DEMO_PASSWORD ?? 'bench-demo-password';
const login = await app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { origin: PUBLIC_URL }, payload: { username: 'supervisore', password } });
const cookie = login.statusCode === 200 ? String(login.headers['set-cookie']).split(';')[0] : null;
if (!cookie) console.warn(`login of supervisore failed (${login.statusCode}): HTTP figures skipped; pass --password`);

async function http(pathAndQuery: string): Promise<void> {
  const response = await app.inject({ method: 'GET', url: pathAndQuery, headers: { cookie: cookie! } });
  if (response.statusCode !== 200) throw new Error(`${pathAndQuery} → ${response.statusCode} ${response.body.slice(0, 200)}`);
}

type Case = { name: string; path: 'http' | 'service'; source: 'rollup' | 'raw'; run: () => Promise<unknown> };

const quarterQuery = (agency: string) => `agency=${agency}&from=${lastQuarter.from}&to=${lastQuarter.to}`;
const cases: Case[] = [];
for (const agency of [largest, 'aler-pavia-lodi']) {
  const query = { agency, from: lastQuarter.from, to: lastQuarter.to };
  if (cookie) {
    cases.push({
      name: `quarter ${lastQuarter.period} ${agency}`,
      path: 'http',
      source: 'rollup',
      run: () => http(`/api/v1/reports/calls?${quarterQuery(agency)}`),
    });
    cases.push({
      name: `quarter ${lastQuarter.period} ${agency}, CSV`,
      path: 'http',
      source: 'rollup',
      run: () => http(`/api/v1/reports/calls?${quarterQuery(agency)}&format=csv`),
    });
    cases.push({
      name: `quarter ${lastQuarter.period} ${agency} + previous year`,
      path: 'http',
      source: 'rollup',
      run: () => http(`/api/v1/reports/calls?${quarterQuery(agency)}&compare=previous-year`),
    });
    cases.push({ name: `36-month trend ${agency}`, path: 'http', source: 'rollup', run: () => http(`/api/v1/reports/trend?agency=${agency}&months=36`) });
    if (agency === 'aler-pavia-lodi') {
      // The Comune di Pavia housing stock alone (the bench seed gives it 3 in 10 numero verde calls).
      cases.push({
        name: `quarter ${lastQuarter.period} ${agency}, portfolio comune-di-pavia`,
        path: 'http',
        source: 'rollup',
        run: () => http(`/api/v1/reports/calls?${quarterQuery(agency)}&portfolio=comune-di-pavia`),
      });
      cases.push({
        name: `36-month trend ${agency}, portfolio comune-di-pavia`,
        path: 'http',
        source: 'rollup',
        run: () => http(`/api/v1/reports/trend?agency=${agency}&months=36&portfolio=comune-di-pavia`),
      });
    }
  }
  cases.push({ name: `quarter ${lastQuarter.period} ${agency}`, path: 'service', source: 'rollup', run: () => reports.callReport(actor, query) });
  cases.push({
    name: `quarter ${lastQuarter.period} ${agency}, CSV`,
    path: 'service',
    source: 'rollup',
    run: async () => callReportCsv(await reports.callReport(actor, query)),
  });
  cases.push({
    name: `quarter ${lastQuarter.period} ${agency}`,
    path: 'service',
    source: 'raw',
    run: () => reports.callReport(actor, { ...query, source: 'raw' }),
  });
  cases.push({
    name: `12 months ${lastYear.from}…${lastYear.to} ${agency}`,
    path: 'service',
    source: 'rollup',
    run: () => reports.callReport(actor, { agency, ...lastYear }),
  });
  cases.push({
    name: `month to date ${agency} (today raw)`,
    path: 'service',
    source: 'rollup',
    run: () => reports.callReport(actor, { agency, ...monthToDate }),
  });
  cases.push({ name: `36-month trend ${agency}`, path: 'service', source: 'rollup', run: () => reports.volumeTrend(actor, { agency, months: 36 }) });
  cases.push({
    name: `36-month trend ${agency}`,
    path: 'service',
    source: 'raw',
    run: () => reports.volumeTrend(actor, { agency, months: 36, source: 'raw' }),
  });
}
cases.push({
  name: `statement preview ${lastQuarter.period} aler-pavia-lodi`,
  path: 'service',
  source: 'rollup',
  run: () => reports.previewStatement(actor, { agency: 'aler-pavia-lodi', period: lastQuarter.period }),
});

// What the app's sealer worker does within seconds of a start: the finished days since the seed are sealed.
await reports.sealFinishedDays();

console.log(
  `Report benchmark on ${calls.toLocaleString('en')} calls (${rollupRows.toLocaleString('en')} rollup rows), ${new URL(url).host}${new URL(url).pathname}`,
);
console.log(
  `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB; ${String(settings.version).split(' on ')[0]}, shared_buffers ${settings.shared_buffers}; first run, then median of ${runs} runs\n`,
);

const results: { name: string; path: string; source: string; firstMs: number; medianMs: number; minMs: number; maxMs: number; runsMs: number[] }[] = [];
const header = `${'case'.padEnd(58)} ${'path'.padEnd(8)} ${'source'.padEnd(7)} ${'first'.padStart(10)} ${'median'.padStart(10)} ${'min'.padStart(10)} ${'max'.padStart(10)}`;
console.log(header);
console.log('-'.repeat(header.length));
for (const benchCase of cases) {
  const warmUp = performance.now();
  await benchCase.run();
  const firstMs = performance.now() - warmUp;
  const timings: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const started = performance.now();
    await benchCase.run();
    timings.push(performance.now() - started);
  }
  const result = {
    name: benchCase.name,
    path: benchCase.path,
    source: benchCase.source,
    firstMs: Number(firstMs.toFixed(1)),
    medianMs: Number(median(timings).toFixed(1)),
    minMs: Number(Math.min(...timings).toFixed(1)),
    maxMs: Number(Math.max(...timings).toFixed(1)),
    runsMs: timings.map((ms) => Number(ms.toFixed(1))),
  };
  results.push(result);
  const ms = (value: number) => `${value.toFixed(1)} ms`.padStart(10);
  console.log(
    `${result.name.padEnd(58)} ${result.path.padEnd(8)} ${result.source.padEnd(7)} ${ms(result.firstMs)} ${ms(result.medianMs)} ${ms(result.minMs)} ${ms(result.maxMs)}`,
  );
}

const file = writeResult('reports', {
  at: new Date().toISOString(),
  database: {
    url: url.replace(/\/\/[^@]*@/, '//…@'),
    calls,
    rollupRows,
    perAgency: perAgency.map((row) => ({ agency: row.agency, calls: Number(row.n) })),
    settings,
  },
  machine: { cores: os.cpus().length, cpu: os.cpus()[0]?.model, memoryGiB: Math.round(os.totalmem() / 2 ** 30) },
  runs,
  quarter: lastQuarter,
  results,
});
console.log(`\nwritten: ${path.relative(process.cwd(), file)}`);
await app.close();
await appDatabase.close();
await database.close();

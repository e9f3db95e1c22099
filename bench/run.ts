/**
 * npm run bench: every benchmark, each measured side by side within its own run, printed as a
 * table and written as JSON under bench/results/. Quick by default; --full for the issue figures.
 * With DATABASE_URL the webhook runs on native Postgres and on PGlite in the same run.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { BENCH_DIR, writeResult } from './bench-kit.ts';
import { printFanoutResult, runFanoutBench } from './fanout-bench.ts';
import { printWebhookResult, runWebhookBench } from './webhook-bench.ts';

const { values } = parseArgs({ options: { full: { type: 'boolean', default: false } } });
const full = values.full;
const databaseUrl = process.env.DATABASE_URL;
const summary: Record<string, unknown> = { startedAt: new Date().toISOString(), full };
const webhookOptions = { rounds: 3, duration: full ? 10 : 4, connections: [10, 100], rate: full ? 200 : 0, rateDuration: 60 };

console.log(`Benchmarks (${full ? 'full' : 'quick'} run; --full for the figures the issues ask for)`);

console.log('\n[1] incoming-call webhook vs bare Fastify route');
const pglite = await runWebhookBench(webhookOptions, undefined);
printWebhookResult(pglite);
summary.webhookPglite = pglite;
if (databaseUrl) {
  const native = await runWebhookBench(webhookOptions, databaseUrl);
  printWebhookResult(native);
  summary.webhookPostgres = native;
  // Per concurrency: PGlite's single connection against the native pool, at the same load.
  summary.pgliteToPostgres = pglite.levels.map((level, index) => ({
    connections: level.connections,
    ratio: level.webhook.requestsPerSecond / native.levels[index].webhook.requestsPerSecond,
  }));
  for (const { connections, ratio } of summary.pgliteToPostgres as { connections: number; ratio: number }[]) {
    console.log(`PGlite / native Postgres webhook throughput at ${connections} connections: ${(ratio * 100).toFixed(0)} %`);
  }
} else {
  console.log('(set DATABASE_URL to measure native Postgres beside PGlite)');
}

console.log('\n[2] dashboard fan-out to connected sockets');
const fanout = await runFanoutBench({ clients: full ? 500 : 200, events: full ? 30 : 10 });
printFanoutResult(fanout);
summary.fanout = fanout;

console.log('\n[3] call-volume reports on a multi-year history');
const historyUrl =
  process.env.BENCH_HISTORY_URL ?? (databaseUrl ? Object.assign(new URL(databaseUrl), { pathname: '/centralino_bench' }).toString() : undefined);
const historyCalls = historyUrl ? await countCalls(historyUrl) : 0;
if (historyUrl && historyCalls > 0) {
  console.log(`history: ${historyCalls.toLocaleString('en')} calls in ${new URL(historyUrl).pathname.slice(1)}`);
  const run = spawnSync(process.execPath, [path.join(BENCH_DIR, 'report-bench.ts'), '--url', historyUrl, '--runs', full ? '9' : '3'], { stdio: 'inherit' });
  summary.reports = run.status === 0 ? 'see the reports-*.json written beside this file' : `failed with ${run.status}`;
} else {
  console.log('skipped: no seeded history. Create one with `DATABASE_URL=… npm run bench:seed -- --calls 10000000 --years 3` (about 7 min), then run again.');
  summary.reports = 'skipped: no seeded history';
}

console.log(`\nwritten: ${writeResult('bench', summary)}`);

async function countCalls(url: string): Promise<number> {
  const sql = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 3 });
  try {
    // The planner's estimate: counting ten million rows exactly would take seconds for nothing.
    const [row] = await sql<{ n: string }[]>`select greatest(reltuples, 0)::bigint as n from pg_class where relname = 'calls'`;
    return Number(row?.n ?? 0);
  } catch {
    return 0;
  } finally {
    await sql.end({ timeout: 1 });
  }
}

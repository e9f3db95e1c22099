/**
 * Fault injection (npm run chaos): a load of correctly signed call webhooks against a real server
 * on native Postgres while the database is stopped for a while and the server is killed with
 * SIGKILL at random moments. Then it checks the promise: every webhook that was acknowledged
 * (answered 200) is recorded exactly once, and calls got their TwiML quickly during the outage.
 *
 *   DATABASE_URL=postgres://… npm run chaos -- [--webhooks 10000] [--kills 20] [--db-stop-seconds 30] [--rate 150] [--concurrency 16]
 *
 * It needs root to stop and start the local cluster (pg_ctlcluster), as in CI. It uses its own
 * database (centralino_chaos), dropped and created anew on each run.
 */
import { spawn, execFileSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import postgres from 'postgres';
import { callParams, createTwilioClient, newSid } from '../scripts/simulator/twilio-client.ts';
import { createRng } from '../scripts/simulator/rng.ts';
import { BENCH_DIR, median, writeResult } from './bench-kit.ts';

const { values } = parseArgs({
  options: {
    webhooks: { type: 'string', default: '10000' },
    kills: { type: 'string', default: '20' },
    'db-stop-seconds': { type: 'string', default: '30' },
    concurrency: { type: 'string', default: '16' },
    rate: { type: 'string', default: '150' },
    port: { type: 'string', default: '3999' },
    seed: { type: 'string', default: '42' },
  },
});
const baseUrl = process.env.DATABASE_URL;
if (!baseUrl) {
  console.error('npm run chaos needs DATABASE_URL: it stops and starts a native PostgreSQL (bash .ci/start-postgres prints one).');
  process.exit(2);
}
const totalWebhooks = Number(values.webhooks);
const kills = Number(values.kills);
const dbStopSeconds = Number(values['db-stop-seconds']);
const concurrency = Number(values.concurrency);
const rate = Number(values.rate);
const port = Number(values.port);
const rng = createRng(Number(values.seed));
const TOKEN = 'chaos-twilio-token';
const url = `http://127.0.0.1:${port}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// --- the database and the server under test -------------------------------------------------
const adminUrl = new URL(baseUrl);
const chaosUrl = new URL(baseUrl);
chaosUrl.pathname = '/centralino_chaos';
{
  const admin = postgres(adminUrl.toString(), { max: 1, onnotice: () => {} });
  await admin.unsafe('drop database if exists centralino_chaos with (force)');
  await admin.unsafe('create database centralino_chaos');
  await admin.end();
}
// The local cluster that serves DATABASE_URL's port is the one stopped and started.
const clusters = execFileSync('pg_lsclusters', ['-h'], { encoding: 'utf8' })
  .trim()
  .split('\n')
  .map((line) => line.split(/\s+/));
const cluster = clusters.find(([, , clusterPort]) => clusterPort === (adminUrl.port || '5432'));
if (!cluster) {
  console.error(`No local cluster listens on port ${adminUrl.port || '5432'} (pg_lsclusters): the chaos run must be able to stop it.`);
  process.exit(2);
}
const [pgVersion, pgCluster] = cluster;

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'centralino-chaos-'));
const serverLog = createWriteStream(path.join(dataDir, 'server.log'));
let server: ChildProcess | null = null;
let restarts = 0;

async function startServer(): Promise<void> {
  server = spawn(path.join(BENCH_DIR, '..', 'node_modules', '.bin', 'node'), [path.join(BENCH_DIR, '..', 'src', 'main.ts')], {
    env: {
      ...process.env,
      DATABASE_URL: chaosUrl.toString(),
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_BASE_URL: url,
      TWILIO_AUTH_TOKEN: TOKEN,
      DEMO_PASSWORD: 'chaos',
      DEMO_CLOCK_START: '2026-11-23T10:00:00+01:00',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server.stdout!.pipe(serverLog, { end: false });
  server.stderr!.pipe(serverLog, { end: false });
  for (let attempt = 0; attempt < 200; attempt += 1) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`the server did not start; see ${path.join(dataDir, 'server.log')}`);
}

function killServer(): void {
  server?.kill('SIGKILL');
  server = null;
}

function pg(action: 'stop' | 'start'): void {
  execFileSync('pg_ctlcluster', [pgVersion, pgCluster, action, ...(action === 'stop' ? ['-m', 'fast'] : [])], { stdio: 'ignore' });
}

// --- the load: whole calls, four webhooks each ----------------------------------------------
type Ack = { callSid: string; step: string; ms: number; at: number };
const acknowledged: Ack[] = [];
let refusedForGood = 0;
let sent = 0;
const twilio = createTwilioClient({ url, publicUrl: url, authToken: TOKEN });
const NUMBERS = ['+39800100100', '+390240000000', '+39800200200', '+390382000000', '+39800300300'];

// Paced at --rate webhooks a second, so that the outage and the kills fall inside the load.
let nextSlot = 0;
async function pace(): Promise<void> {
  const now = performance.now();
  nextSlot = Math.max(nextSlot + 1000 / rate, now);
  if (nextSlot > now) await sleep(nextSlot - now);
}

/** Delivers one webhook as Twilio with a fallback URL would: a refused or failed try goes again. */
async function deliver(pathAndQuery: string, params: Record<string, string>, step: string): Promise<void> {
  await pace();
  sent += 1;
  for (let attempt = 0; attempt < 120; attempt += 1) {
    const started = performance.now();
    try {
      const response = await twilio.post(pathAndQuery, params);
      if (response.status === 200) {
        acknowledged.push({ callSid: params.CallSid, step, ms: performance.now() - started, at: Date.now() });
        return;
      }
    } catch {
      // connection refused while the server restarts: try again
    }
    await sleep(250);
  }
  refusedForGood += 1;
}

async function playCall(): Promise<void> {
  const callSid = newSid('CA');
  const from = `+3934${rng.int(10_000_000, 99_999_999)}`;
  const to = rng.pick(NUMBERS);
  await deliver('/webhooks/twilio/voice', callParams(callSid, from, to, 'ringing'), 'incoming');
  await deliver('/webhooks/twilio/voice/menu?attempt=1', { ...callParams(callSid, from, to, 'in-progress'), Digits: rng.pick(['1', '2', '3']) }, 'menu:1');
  const waited = rng.int(1, 90);
  await deliver(
    '/webhooks/twilio/voice/queue-result',
    { ...callParams(callSid, from, to, 'in-progress'), QueueResult: 'hangup', QueueTime: String(waited) },
    'queue-result',
  );
  await deliver(
    '/webhooks/twilio/voice/status',
    { ...callParams(callSid, from, to, 'completed'), CallDuration: String(waited + 10), SequenceNumber: '2' },
    'status:2',
  );
}

// --- the run ----------------------------------------------------------------------------------
await startServer();
const calls = Math.ceil(totalWebhooks / 4);
console.log(`chaos: ${calls} calls (${calls * 4} webhooks), ${dbStopSeconds} s Postgres stop, ${kills} × kill -9; server log in ${dataDir}`);
const bar = new cliProgress.SingleBar({ format: ' {bar} {value}/{total} webhooks acknowledged | {phase}' }, cliProgress.Presets.shades_classic);
bar.start(calls * 4, 0, { phase: 'warming up' });
const progress = setInterval(() => bar.update(acknowledged.length), 250);

let launched = 0;
const workers = Array.from({ length: concurrency }, async () => {
  while (launched < calls) {
    launched += 1;
    await playCall();
  }
});

let outage: { from: number; to: number } | null = null;
const faults = (async () => {
  const everyAck = () => acknowledged.length;
  // The database outage at about a fifth of the run.
  while (everyAck() < calls * 4 * 0.2) await sleep(100);
  if (dbStopSeconds > 0) {
    bar.update({ phase: `Postgres stopped for ${dbStopSeconds} s` });
    const from = Date.now();
    pg('stop');
    await sleep(dbStopSeconds * 1000);
    pg('start');
    outage = { from, to: Date.now() };
    bar.update({ phase: 'Postgres back' });
  }
  // Then the kills, spread over what remains of the load.
  const killsFrom = everyAck();
  const remaining = calls * 4 - killsFrom;
  for (let kill = 1; kill <= kills; kill += 1) {
    const target = killsFrom + (remaining * kill) / (kills + 1);
    while (everyAck() < target && launched < calls) await sleep(20);
    if (launched >= calls && everyAck() >= calls * 4 - concurrency * 4) break;
    await sleep(rng.int(0, 300));
    bar.update({ phase: `kill -9 #${kill}` });
    killServer();
    await startServer();
    restarts += 1;
  }
  bar.update({ phase: 'running' });
})();

await Promise.all([...workers, faults]);
clearInterval(progress);
bar.update(acknowledged.length, { phase: 'done; waiting for the journal to drain' });
bar.stop();

// Wait until the node is ready and has recorded everything it answered from memory.
for (let attempt = 0; attempt < 600; attempt += 1) {
  try {
    const ready = (await (await fetch(`${url}/readyz`)).json()) as { status: string; journalBacklog?: number };
    if (ready.status === 'ready' && ready.journalBacklog === 0) break;
  } catch {
    // not yet
  }
  await sleep(200);
}

// --- the check ----------------------------------------------------------------------------------
const db = postgres(chaosUrl.toString(), { max: 2, onnotice: () => {} });
const recorded = await db<{ call_sid: string; step: string; n: number }[]>`
  select call_sid, step, count(*)::int as n from call_events group by call_sid, step`;
const recordedKeys = new Map(recorded.map((row) => [`${row.call_sid} ${row.step}`, row.n]));
const ackKeys = new Set(acknowledged.map((ack) => `${ack.callSid} ${ack.step}`));
const missing = [...ackKeys].filter((key) => !recordedKeys.has(key));
const duplicated = recorded.filter((row) => row.n > 1).length;
const [{ calls_rows: callRows, distinct_sids: distinctSids }] = await db<{ calls_rows: number; distinct_sids: number }[]>`
  select count(*)::int as calls_rows, count(distinct call_sid)::int as distinct_sids from calls`;
await db.end();
killServer();

const outageWindow = outage as { from: number; to: number } | null;
const duringOutage = acknowledged.filter((ack) => outageWindow && ack.at >= outageWindow.from && ack.at <= outageWindow.to && ack.step === 'incoming');
const percentile = (values: number[], p: number) =>
  values.length ? [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))] : null;
const result = {
  webhooksSent: sent,
  acknowledged: ackKeys.size,
  missingAcknowledged: missing.length,
  duplicatedEvents: duplicated,
  callRows,
  distinctCallSids: distinctSids,
  refusedForGood,
  kills: restarts,
  postgresStopSeconds: dbStopSeconds,
  incomingDuringOutage: {
    answered: duringOutage.length,
    medianMs: duringOutage.length ? Math.round(median(duringOutage.map((ack) => ack.ms))) : null,
    p99Ms: duringOutage.length
      ? Math.round(
          percentile(
            duringOutage.map((ack) => ack.ms),
            0.99,
          )!,
        )
      : null,
    maxMs: duringOutage.length ? Math.round(Math.max(...duringOutage.map((ack) => ack.ms))) : null,
  },
};
console.log('\nChaos run summary');
console.table({
  'webhooks sent': sent,
  'acknowledged (200)': ackKeys.size,
  'acknowledged but missing': missing.length,
  'recorded twice': duplicated,
  'call rows / distinct CallSids': `${callRows} / ${distinctSids}`,
  'given up after retries': refusedForGood,
  'kill -9 and restarts': restarts,
  'incoming calls answered during the outage': duringOutage.length,
  '… their median / p99 / max latency (ms)': `${result.incomingDuringOutage.medianMs} / ${result.incomingDuringOutage.p99Ms} / ${result.incomingDuringOutage.maxMs}`,
});
console.log(`written: ${writeResult('chaos', result)}`);
const ok = missing.length === 0 && duplicated === 0 && callRows === distinctSids && (result.incomingDuringOutage.maxMs ?? 0) < 2000;
console.log(ok ? 'PASS: nothing acknowledged is missing or duplicated.' : 'FAIL: see above.');
process.exit(ok ? 0 : 1);

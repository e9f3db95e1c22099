/**
 * PGlite runs in the Node process: a statement's execution holds the event loop, and every voice
 * webhook with it. This measures the longest event-loop stall (perf_hooks.monitorEventLoopDelay)
 * while the bytes of one big photo e-mail move through the database: storing the raw message and
 * its decoded attachment, loading the raw message back for parsing, and downloading both over HTTP.
 * Parsing itself is not measured here (it has its own worker threads).
 *
 *   node bench/email-bytes-stall.ts [--mb 23] [--runs 3] [--dir /tmp/email-bytes-pglite]
 *
 * PGlite lives in a data directory on disk, as in production (an in-memory PGlite grows its WAL
 * files in JavaScript arrays, which stalls on its own).
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { systemClock } from '../src/domain/clock.ts';
import type { Database } from '../src/db/client.ts';
import { openDatabase } from '../src/db/open-database.ts';
import { migrateDatabase } from '../src/db/migrate.ts';
import { writeBlob } from '../src/modules/email/email-bytes-repo.ts';
import * as repo from '../src/modules/email/email-repo.ts';
import { DEMO_SEED_STEPS } from '../src/seed/demo-steps.ts';
import { seedDemoIfEmpty } from '../src/seed/seed-demo.ts';
import { median, writeResult } from './bench-kit.ts';

const { values } = parseArgs({ options: { mb: { type: 'string', default: '23' }, runs: { type: 'string', default: '3' }, dir: { type: 'string' } } });
const PASSWORD = 'bench-email-bytes-password';
const BASE_URL = 'http://localhost:3000';

/** The calls this bench makes into the e-mail store: the only lines that follow its API. */
const bytes = {
  async storeRaw(db: Database, raw: Buffer, rawSha256: string): Promise<string> {
    const row = {
      id: randomUUID(),
      receivedAt: new Date(),
      provider: 'raw' as const,
      envelopeTo: [],
      rawSha256,
      rawSize: raw.length,
      // Quarantined and of no agency: no sweep touches it, and a supervisor may download it.
      status: 'quarantined' as const,
    };
    const blobId = await writeBlob(db, row.id, raw, row.receivedAt);
    const stored = await db.transaction((tx) => repo.insertInbound(tx, row, blobId));
    return stored.row.id;
  },
  async storeAttachment(db: Database, emailId: string, content: Buffer, sha256: string): Promise<void> {
    const staged = await repo.stageAttachments(
      db,
      [{ emailId, position: 1, filename: 'foto.jpg', contentType: 'image/jpeg', size: content.length, sha256, content }],
      new Date(),
    );
    await db.transaction((tx) => repo.insertAttachments(tx, staged));
  },
  loadRaw: (db: Database, emailId: string) => repo.loadRaw(db, emailId),
};

/** A phone photo sent as it is: a short text part and a JPEG-sized attachment in base64, 76 columns. */
function photoEmail(totalBytes: number): { raw: Buffer; photo: Buffer } {
  const photo = randomBytes(Math.floor((totalBytes * 3) / 4 / 1.027));
  const base64 = photo.toString('base64').replace(/.{76}/g, '$&\r\n');
  const head = [
    'From: Maria Rossi <maria.rossi@example.it>',
    'To: segnalazioni@aler-milano.example',
    'Subject: Foto della perdita in cucina',
    `Message-ID: <${randomBytes(8).toString('hex')}@example.it>`,
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Buongiorno, allego la foto della perdita.',
    '--b1',
    'Content-Type: image/jpeg; name="foto.jpg"',
    'Content-Disposition: attachment; filename="foto.jpg"',
    'Content-Transfer-Encoding: base64',
    '',
    '',
  ].join('\r\n');
  return { raw: Buffer.concat([Buffer.from(head), Buffer.from(base64), Buffer.from('\r\n--b1--\r\n')]), photo };
}

// On from the start. Its timer records the gap between two of its ticks, and the first tick after
// enable() or reset() records nothing: the loop must turn once before the work starts.
const histogram = monitorEventLoopDelay({ resolution: 1 });
histogram.enable();
const turn = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// On a busy machine a stall's wall time includes the time the OS gave other processes. The main
// thread's CPU time between two ticks of a 1 ms timer does not: the longest stretch of work done
// without letting the loop turn, whatever the machine's load.
const threadCpuMs = () => {
  const usage = process.threadCpuUsage();
  return (usage.user + usage.system) / 1000;
};
let lastTickCpu = threadCpuMs();
let busiestCpuMs = 0;
setInterval(() => {
  const now = threadCpuMs();
  busiestCpuMs = Math.max(busiestCpuMs, now - lastTickCpu);
  lastTickCpu = now;
}, 1).unref();

/** Runs `work`: its wall time, the longest event-loop stall, and the longest stretch of main-thread CPU without a turn (ms). */
async function measure<T>(work: () => Promise<T>): Promise<{ ms: number; stallMs: number; busyCpuMs: number; result: T }> {
  histogram.reset();
  await turn(5);
  busiestCpuMs = 0;
  const started = performance.now();
  const result = await work();
  const ms = performance.now() - started;
  // One more turn, so that a stall at the very end is sampled too.
  await turn(5);
  return { ms, stallMs: histogram.max / 1e6, busyCpuMs: busiestCpuMs, result };
}

const dataDir = values.dir ?? mkdtempSync(path.join(os.tmpdir(), 'email-bytes-pglite-'));
const config = loadConfig({
  NODE_ENV: 'test',
  PUBLIC_BASE_URL: BASE_URL,
  DATA_DIR: dataDir,
  SESSION_SECRET: 'bench-session-secret-bench-session-secret-0123456789',
  LOG_LEVEL: 'silent',
  DELIVERY_POLL_MS: '0',
  RETENTION_INTERVAL_MS: '0',
  ROLLUP_SEAL_INTERVAL_MS: '0',
});
const database = await openDatabase({ databaseUrl: undefined, dataDir });
await migrateDatabase(database);
await seedDemoIfEmpty(database.db, DEMO_SEED_STEPS, { demoPassword: PASSWORD, now: new Date() });
// One app, measured: no process-metric collectors observing beside it.
const app = await buildApp({ config, database, clock: systemClock, logger: false, processMetrics: false });
await app.ready();
const login = await app.inject({
  method: 'POST',
  url: '/api/v1/auth/login',
  headers: { origin: BASE_URL },
  payload: { username: 'supervisore', password: PASSWORD },
});
const cookie = String(login.headers['set-cookie']).split(';')[0];
// Downloads go over a real socket and are consumed as they arrive (digest, no copy), so that the
// figure is the server's: app.inject would turn 23 MB into one string on the loop being measured.
await app.listen({ port: 0, host: '127.0.0.1' });
const { port } = app.server.address() as { port: number };
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

const phases = ['store raw message', 'store decoded attachment', 'load raw for parsing', 'download raw (.eml)', 'download attachment'] as const;
const samples: Record<(typeof phases)[number], { ms: number; stallMs: number; busyCpuMs: number }[]> = Object.fromEntries(
  phases.map((phase) => [phase, []]),
) as never;
const runs = Number(values.runs);
const targetBytes = Math.round(Number(values.mb) * 1024 * 1024);
for (let run = 0; run < runs; run += 1) {
  const { raw, photo } = photoEmail(targetBytes);
  // Digests outside the measured windows: the webhook computes its own, which is not what this measures.
  const rawSha256 = sha256(raw);
  const photoSha256 = sha256(photo);
  const stored = await measure(() => bytes.storeRaw(database.db, raw, rawSha256));
  samples['store raw message'].push(stored);
  const id = stored.result;
  samples['store decoded attachment'].push(await measure(() => bytes.storeAttachment(database.db, id, photo, photoSha256)));
  const loaded = await measure(() => bytes.loadRaw(database.db, id));
  if (!loaded.result?.equals(raw)) throw new Error('the raw message did not come back byte for byte');
  samples['load raw for parsing'].push(loaded);
  const download = (url: string, expected: string) =>
    new Promise<void>((resolve, reject) => {
      get({ host: '127.0.0.1', port, path: url, headers: { cookie } }, (response) => {
        const digest = createHash('sha256');
        response.on('data', (chunk: Buffer) => digest.update(chunk));
        response.on('error', reject);
        response.on('end', () =>
          response.statusCode === 200 && digest.digest('hex') === expected
            ? resolve()
            : reject(new Error(`${url}: ${response.statusCode}, not the stored bytes`)),
        );
      }).on('error', reject);
    });
  samples['download raw (.eml)'].push(await measure(() => download(`/api/v1/emails/${id}/raw`, rawSha256)));
  samples['download attachment'].push(await measure(() => download(`/api/v1/emails/${id}/attachments/1`, photoSha256)));
}

const results = Object.fromEntries(
  phases.map((phase) => [
    phase,
    {
      medianMs: Math.round(median(samples[phase].map((s) => s.ms))),
      worstStallMs: Math.round(Math.max(...samples[phase].map((s) => s.stallMs))),
      worstBusyCpuMs: Math.round(Math.max(...samples[phase].map((s) => s.busyCpuMs))),
    },
  ]),
);
const load = os.loadavg()[0].toFixed(1);
console.log(`\nPGlite on disk, a ${values.mb} MB photo e-mail, ${runs} runs, load average ${load} on ${os.availableParallelism()} cores`);
console.table(
  Object.fromEntries(
    Object.entries(results).map(([phase, r]) => [
      phase,
      { 'median ms': r.medianMs, 'longest event-loop stall ms': r.worstStallMs, 'longest main-thread CPU without a turn ms': r.worstBusyCpuMs },
    ]),
  ),
);
console.log(`written: ${writeResult('email-bytes-stall', { mb: Number(values.mb), runs, load: Number(load), results })}`);
await app.close();
await database.close();
if (!values.dir) rmSync(dataDir, { recursive: true, force: true });

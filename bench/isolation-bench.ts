/**
 * The promise "a caller always hears an answer", measured under a hostile storm. One real node
 * (`node src/main.ts`) per database answers a signed incoming call every 100 ms while it is sent, in
 * the same minute: an e-mail of 2 MB of nested `<div>`s, two messages of 24 MB carrying an 18 MB
 * photo (the most a 25 MiB message holds after base64), a message of 60,000 MIME parts, an unsigned
 * 100 MiB multipart post to the SendGrid route, and a call-volume report over a year (JSON and CSV)
 * on a year of history. It prints each call's latency (p50, p99, max), every answer that was not
 * TwiML, what became of each hostile request, and the node's own event-loop delay from /readyz.
 *
 *   npm run bench:isolation                      # PGlite; with DATABASE_URL, native Postgres too
 *   npm run bench:isolation -- --history 300000  # calls of history for the report (default 200,000)
 *   npm run bench:isolation -- --only photos     # one part of the storm, to see what costs what
 *   npm run bench:isolation -- --profile /tmp/p  # the node's CPU profiles (open in Chrome DevTools)
 *   npm run bench:isolation -- --databases native --node-log /tmp/node.log  # one database; the node's log
 *
 * The node is not pinned to a core: its e-mail parsing threads must be free to use the other one.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { DateTime } from 'luxon';
import { signEmailWebhook } from '../webhooks/email/email-signature.ts';
import { BENCH_DIR, freshDatabase, stopServer, writeResult } from './bench-kit.ts';
import type { CallerMessage, CallerOptions, CallSample } from './isolation-caller.ts';
import type { LoopTurn } from './loop-probe.ts';

const { values } = parseArgs({
  options: {
    history: { type: 'string', default: '200000' },
    port: { type: 'string', default: '3917' },
    'calm-seconds': { type: 'string', default: '5' },
    /** Only these parts of the storm (comma-separated): html, photos, parts, multipart, reports. */
    only: { type: 'string', default: 'html,photos,parts,multipart,reports' },
    /** Which databases to run on: pglite, native (native needs DATABASE_URL). */
    databases: { type: 'string', default: 'pglite,native' },
    /** A file for the node's own log at level info: each request's responseTime, to set beside the caller's. */
    'node-log': { type: 'string' },
    /** A directory for the node's CPU profiles (`--cpu-prof`), one file per thread. */
    profile: { type: 'string' },
  },
});
const ROOT = path.join(BENCH_DIR, '..');
const NODE = path.join(ROOT, 'node_modules/.bin/node');
const PORT = Number(values.port);
const BASE = `http://127.0.0.1:${PORT}`;
const PUBLIC_URL = 'http://isolation.bench';
const SECRETS = { TWILIO_AUTH_TOKEN: 'isolation-bench-twilio-token', EMAIL_WEBHOOK_SECRET: 'isolation-bench-email-secret' };
const PASSWORD = 'bench-demo-password';
const NUMBERS = ['+39800100100', '+390240000000', '+39800200200', '+390382000000'];
const MAILBOX = 'callcenter@aler-pavia-lodi.example';

const STORM_PARTS = ['html', 'photos', 'parts', 'multipart', 'reports'];
const STORM = values
  .only!.split(',')
  .map((part) => part.trim())
  .filter(Boolean);
for (const part of STORM) if (!STORM_PARTS.includes(part)) throw new Error(`--only: unknown part ${part} (known: ${STORM_PARTS.join(', ')})`);
type HostileResult = { name: string; status: number | string; outcome: string; ms: number };

// --- the hostile messages ---------------------------------------------------------------------

function headers(subject: string, contentType: string): string {
  const id = `<${randomBytes(8).toString('hex')}@storm.example>`;
  return [
    `From: Sconosciuto <storm@example.net>`,
    `To: ${MAILBOX}`,
    `Subject: ${subject}`,
    `Message-ID: ${id}`,
    'MIME-Version: 1.0',
    `Content-Type: ${contentType}`,
    '',
    '',
  ].join('\r\n');
}

function deepHtml(): Buffer {
  return Buffer.from(`${headers('Guasto', 'text/html; charset=utf-8')}${'<div>'.repeat(400_000)}\r\n`);
}

function bigPhoto(): Buffer {
  const photo = randomBytes(18_000_000).toString('base64').replace(/.{76}/g, '$&\r\n');
  const body = [
    '--b1',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Vi mando la foto della perdita in bagno.',
    '--b1',
    'Content-Type: image/jpeg; name="perdita.jpg"',
    'Content-Transfer-Encoding: base64',
    'Content-Disposition: attachment; filename="perdita.jpg"',
    '',
    photo,
    '--b1--',
    '',
  ].join('\r\n');
  return Buffer.from(`${headers('Perdita in bagno', 'multipart/mixed; boundary="b1"')}${body}`);
}

function manyParts(count: number): Buffer {
  const part = '--p\r\nContent-Type: text/plain\r\n\r\nx\r\n';
  return Buffer.from(`${headers('Parti', 'multipart/mixed; boundary="p"')}${part.repeat(count)}--p--\r\n`);
}

// --- the node ---------------------------------------------------------------------------------

async function startNode(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(
    NODE,
    [
      ...(values.profile ? ['--cpu-prof', `--cpu-prof-dir=${values.profile}`, '--cpu-prof-interval=500'] : []),
      '--import',
      path.join(BENCH_DIR, 'loop-probe.ts'),
      path.join(ROOT, 'src/main.ts'),
    ],
    {
      env: {
        ...process.env,
        ...SECRETS,
        PORT: String(PORT),
        HOST: '127.0.0.1',
        LOG_LEVEL: values['node-log'] ? 'info' : 'warn',
        PUBLIC_BASE_URL: PUBLIC_URL,
        DEMO_PASSWORD: PASSWORD,
        DEMO_SEED: '1',
        ...env,
      },
      stdio: ['ignore', values['node-log'] ? openSync(values['node-log'], 'w') : 'ignore', 'inherit'],
    },
  );
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the node exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${BASE}/readyz`)).ok) return child;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function login(): Promise<string> {
  const response = await fetch(`${BASE}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: PUBLIC_URL },
    body: JSON.stringify({ username: 'supervisore', password: PASSWORD }),
  });
  if (!response.ok) throw new Error(`login failed: ${response.status} ${await response.text()}`);
  return response.headers
    .getSetCookie()
    .map((cookie) => cookie.split(';')[0])
    .join('; ');
}

// --- the traffic ------------------------------------------------------------------------------

/** Twilio's side in its own thread (bench/isolation-caller.ts): the first call's time, then a way to stop it and get the samples. */
async function startCalls(): Promise<{ firstCallMs: number; stop: () => Promise<CallSample[]> }> {
  const options: CallerOptions = { base: BASE, token: SECRETS.TWILIO_AUTH_TOKEN, publicUrl: PUBLIC_URL, numbers: NUMBERS, warmUpCalls: 5 };
  const caller = new Worker(new URL('./isolation-caller.ts', import.meta.url), { workerData: options });
  const messages = (kind: CallerMessage['kind']) =>
    new Promise<CallerMessage>((resolve, reject) => {
      caller.once('error', reject);
      const listen = (message: CallerMessage) => (message.kind === kind ? resolve(message) : caller.once('message', listen));
      caller.once('message', listen);
    });
  const warm = (await messages('warm')) as Extract<CallerMessage, { kind: 'warm' }>;
  return {
    firstCallMs: warm.firstCallMs,
    stop: async () => {
      const samples = messages('samples');
      caller.postMessage('stop');
      const { samples: list } = (await samples) as Extract<CallerMessage, { kind: 'samples' }>;
      await caller.terminate();
      return list;
    },
  };
}

/** Now, as the caller thread counts it (milliseconds since the epoch, sub-millisecond). */
const now = () => performance.timeOrigin + performance.now();

type SignedMail = { raw: Buffer; signature: string };

function signed(raw: Buffer): SignedMail {
  return { raw, signature: signEmailWebhook(SECRETS.EMAIL_WEBHOOK_SECRET, raw) };
}

async function postEmail(name: string, { raw, signature }: SignedMail): Promise<HostileResult> {
  const started = performance.now();
  try {
    const response = await fetch(`${BASE}/webhooks/email/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'message/rfc822', 'x-signature-256': signature, 'x-envelope-to': MAILBOX },
      body: raw,
    });
    const body = (await response.json().catch(() => ({}))) as { status?: string; error?: { code?: string } };
    return { name, status: response.status, outcome: body.status ?? body.error?.code ?? '?', ms: performance.now() - started };
  } catch (error) {
    return { name, status: 'error', outcome: (error as Error).message, ms: performance.now() - started };
  }
}

/** 100 MiB of multipart, unsigned, written as fast as the server takes it; how much it took before answering. */
function unsignedHugeMultipart(): Promise<HostileResult> {
  const started = performance.now();
  const total = 100 * 1024 * 1024;
  const chunk = Buffer.alloc(1024 * 1024, 'A');
  return new Promise((resolve) => {
    let written = 0;
    let settled = false;
    const done = (status: number | string, outcome: string) => {
      if (settled) return;
      settled = true;
      resolve({
        name: 'unsigned 100 MiB multipart (SendGrid)',
        status,
        outcome: `${outcome}; ${(written / 1048576).toFixed(0)} MiB written`,
        ms: performance.now() - started,
      });
    };
    const request = httpRequest(`${BASE}/webhooks/email/sendgrid`, {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data; boundary=x', 'content-length': String(total) },
    });
    request.on('response', (response) => {
      response.resume();
      done(response.statusCode ?? 0, 'answered');
      request.destroy();
    });
    request.on('error', (error) => done('closed', error.message));
    const pump = () => {
      while (written < total && !settled) {
        written += chunk.length;
        if (!request.write(chunk)) return void request.once('drain', pump);
      }
      if (!settled) request.end();
    };
    pump();
  });
}

async function yearReport(cookie: string, format: 'json' | 'csv'): Promise<HostileResult> {
  const end = DateTime.now().setZone('Europe/Rome').minus({ days: 1 });
  const query = new URLSearchParams({ agency: 'aler-milano', from: end.minus({ years: 1 }).plus({ days: 1 }).toISODate()!, to: end.toISODate()!, format });
  const name = `report over a year (${format})`;
  const started = performance.now();
  try {
    const response = await fetch(`${BASE}/api/v1/reports/calls?${query}`, { headers: { cookie } });
    const body = await response.text();
    return { name, status: response.status, outcome: `${(body.length / 1024).toFixed(0)} KiB`, ms: performance.now() - started };
  } catch (error) {
    return { name, status: 'error', outcome: (error as Error).message, ms: performance.now() - started };
  }
}

// --- one run ----------------------------------------------------------------------------------

/** What bench/loop-probe.ts saw in the node: its main thread's longest turns, in CPU time, during the storm. */
const busyTurns = new Map<string, { turnsOver50ms: number; longestCpuMs: number[] }>();

function busyTurnsOf(file: string, window: { from: number; to: number }) {
  let turns: LoopTurn[] = [];
  try {
    turns = (JSON.parse(readFileSync(file, 'utf8')) as LoopTurn[]).filter((turn) => turn.at >= window.from && turn.at <= window.to + 1000);
  } catch {
    // The node did not exit cleanly: no figures.
  }
  const cpu = turns.map((turn) => turn.cpuMs).sort((a, b) => b - a);
  return { turnsOver50ms: cpu.filter((ms) => ms > 50).length, longestCpuMs: cpu.slice(0, 5) };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function runOn(label: 'PGlite' | 'native Postgres', databaseUrl: string | undefined) {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'centralino-isolation-'));
  const database = databaseUrl ? await freshDatabase(databaseUrl, 'centralino_isolation_bench') : undefined;
  console.log(`\n[${label}] seeding ${Number(values.history).toLocaleString('en')} calls of history…`);
  const target = database ? ['--url', database.url] : ['--pglite', dataDir];
  const seeded = spawnSync(NODE, [path.join(ROOT, 'scripts/bench-seed.ts'), '--calls', values.history!, '--years', '1', '--emails', '0', ...target], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, DEMO_PASSWORD: PASSWORD },
  });
  if (seeded.status !== 0) throw new Error(`bench:seed failed with ${seeded.status}`);
  // Inside opening hours on a weekday, so that calls reach the menu and write what a real call writes.
  const clockStart = DateTime.now().setZone('Europe/Rome').set({ hour: 10, minute: 0, second: 0 }).plus({ days: 1 });
  const weekday = clockStart.weekday > 5 ? clockStart.plus({ days: 8 - clockStart.weekday }) : clockStart;
  const probeFile = path.join(dataDir, 'loop-turns.json');
  const node = await startNode({
    DATA_DIR: dataDir,
    DATABASE_URL: database?.url ?? '',
    DEMO_CLOCK_START: weekday.toISO()!,
    DELIVERY_POLL_MS: '0',
    BENCH_LOOP_PROBE_FILE: probeFile,
  });
  let stormWindow = { from: 0, to: 0 };
  try {
    const cookie = await login();
    // Built and signed before the first call: building 48 MB of base64 then would hold this process's own
    // loop and inflate the answer times it measures.
    const mails = { deepHtml: signed(deepHtml()), photo: signed(bigPhoto()), anotherPhoto: signed(bigPhoto()), manyParts: signed(manyParts(60_000)) };
    const calls = await startCalls();
    const calm = Number(values['calm-seconds']) * 1000;
    await new Promise((resolve) => setTimeout(resolve, calm));
    const stormStarted = now();
    stormWindow = { from: Date.now(), to: Date.now() };
    console.log(`[${label}] storm: ${STORM.join(', ')}`);
    const storm: Record<string, () => Promise<HostileResult>[]> = {
      html: () => [postEmail('2 MB of nested <div> (HTML)', mails.deepHtml)],
      photos: () => [postEmail('24 MB message, 18 MB photo', mails.photo), postEmail('24 MB message, 18 MB photo (another)', mails.anotherPhoto)],
      parts: () => [postEmail('60,000 MIME parts', mails.manyParts)],
      multipart: () => [unsignedHugeMultipart()],
      reports: () => [yearReport(cookie, 'json'), yearReport(cookie, 'csv')],
    };
    const hostile = await Promise.all(STORM.flatMap((part) => storm[part]()));
    const stormMs = now() - stormStarted;
    stormWindow = { ...stormWindow, to: Date.now() };
    await new Promise((resolve) => setTimeout(resolve, calm));
    const samples = await calls.stop();
    const ready = (await fetch(`${BASE}/readyz`)
      .then((response) => response.json())
      .catch((error: Error) => ({ error: error.message }))) as Record<string, unknown>;
    const during = samples.filter((sample) => sample.at >= stormStarted && sample.at <= stormStarted + stormMs);
    const summarise = (list: CallSample[]) => {
      const sorted = list.map((sample) => sample.ms).sort((a, b) => a - b);
      return {
        calls: list.length,
        notTwiml: list.filter((sample) => !sample.twiml).length,
        p50: Math.round(percentile(sorted, 50)),
        p99: Math.round(percentile(sorted, 99)),
        max: Math.round(sorted.at(-1) ?? Number.NaN),
        over1s: list.filter((sample) => sample.ms > 1000).length,
      };
    };
    return {
      database: label,
      stormSeconds: Math.round(stormMs / 100) / 10,
      firstCallMs: calls.firstCallMs,
      // Which calls were slow, and when: seconds from the storm's start, to set beside what the storm did then.
      slowCalls: samples
        .filter((sample) => sample.ms > 50)
        .map((sample) => ({ atSeconds: Math.round((sample.at - stormStarted) / 100) / 10, ms: Math.round(sample.ms) })),
      allCalls: summarise(samples),
      duringStorm: summarise(during),
      hostile,
      readyz: ready,
    };
  } finally {
    await stopServer(node);
    busyTurns.set(label, busyTurnsOf(probeFile, stormWindow));
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const databases = values.databases!.split(',').map((name) => name.trim());
const results = [];
if (databases.includes('pglite')) results.push(await runOn('PGlite', undefined));
if (databases.includes('native') && process.env.DATABASE_URL) results.push(await runOn('native Postgres', process.env.DATABASE_URL));
else if (databases.includes('native')) console.log('\n(set DATABASE_URL to run on native Postgres too)');

console.log('\nCalls answered during the run (a signed incoming call every 100 ms), in ms:');
console.table(
  Object.fromEntries(
    results.flatMap((r) => [
      [`${r.database}: whole run`, r.allCalls],
      [`${r.database}: during the storm (${r.stormSeconds} s)`, r.duringStorm],
    ]),
  ),
);
for (const result of results) {
  console.log(`\n${result.database}: the hostile requests`);
  console.table(result.hostile.map((h) => ({ request: h.name, status: h.status, outcome: h.outcome, ms: Math.round(h.ms) })));
  console.log(`${result.database}: the node's first call (before the measured ones, with 4 more to warm it up): ${result.firstCallMs} ms`);
  console.log(
    `${result.database}: calls over 50 ms (seconds from the storm's start: ms): ${result.slowCalls.map((c) => `${c.atSeconds}: ${c.ms}`).join(', ') || 'none'}`,
  );
  console.log(`${result.database}: /readyz after the storm: ${JSON.stringify(result.readyz)}`);
  const busy = busyTurns.get(result.database);
  if (busy)
    console.log(
      `${result.database}: main thread's longest turns during the storm, in its own CPU time (ms): ${busy.longestCpuMs.join(', ') || 'none over 5'}; over 50 ms: ${busy.turnsOver50ms}`,
    );
}
const pass = results.every((r) => r.allCalls.notTwiml === 0 && r.allCalls.p99 <= 50 && r.allCalls.max <= 1000);
console.log(`\ntarget (every call TwiML, p99 ≤ 50 ms, none over 1 s): ${pass ? 'met' : 'NOT met'}`);
console.log(
  `written: ${writeResult(
    'isolation',
    results.map((result) => ({ ...result, busyTurns: busyTurns.get(result.database) })),
  )}`,
);

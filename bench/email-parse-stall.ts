/**
 * Does an e-mail hold the event loop, and with it every phone line? The real app on PGlite, in this
 * process, receives hostile or heavy mail (2 MB of nested <div>s, a 2 MB and an 18 MB attachment)
 * over HTTP while a signed incoming call arrives every 100 ms; the event-loop delay
 * (perf_hooks.monitorEventLoopDelay) and each call's answer time are recorded around every mail.
 * The calls are placed from a worker thread of their own, as Twilio would from outside: a call
 * that arrives while the server's loop is held waits for it, however long.
 *
 *   node bench/email-parse-stall.ts [--runs 1]
 *   DATABASE_URL=postgres://… node bench/email-parse-stall.ts   # the same on native Postgres (a fresh
 *                                                               # database, dropped afterwards)
 *
 * On PGlite the database itself runs on this thread (WebAssembly): storing and reading megabytes
 * of bytea shows up in the figures too; native Postgres leaves what the app's own code costs.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { callParams } from '../scripts/simulator/twilio-client.ts';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { shiftedClock } from '../src/domain/clock.ts';
import { openDatabase } from '../src/db/open-database.ts';
import { migrateDatabase } from '../src/db/migrate.ts';
import { DEMO_SEED_STEPS } from '../src/seed/demo-steps.ts';
import { seedDemoIfEmpty } from '../src/seed/seed-demo.ts';
import { signEmailWebhook } from '../webhooks/email/email-signature.ts';
import { signTwilioRequest } from '../webhooks/twilio/twilio-signature.ts';
import { freshDatabase, writeResult } from './bench-kit.ts';

const TWILIO_TOKEN = 'bench-token';
const EMAIL_SECRET = 'bench-email-secret';
const PUBLIC_BASE_URL = 'http://bench.local';

/** Twilio hangs up on a webhook that has not answered in 15 s. */
const TWILIO_TIMEOUT_MS = 15_000;

/** One signed incoming call: how long its answer took, and whether it came within Twilio's 15 s. */
async function postCall(base: string): Promise<{ ms: number; answered: boolean }> {
  const callSid = `CA${randomBytes(16).toString('hex')}`;
  const params = callParams(callSid, '+393471234567', '+39800100100', 'ringing');
  const pathname = '/webhooks/twilio/voice';
  const started = performance.now();
  try {
    const response = await fetch(`${base}${pathname}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': signTwilioRequest(TWILIO_TOKEN, `${PUBLIC_BASE_URL}${pathname}`, params),
      },
      body: new URLSearchParams(params).toString(),
      signal: AbortSignal.timeout(TWILIO_TIMEOUT_MS),
    });
    const twiml = await response.text();
    if (response.status !== 200 || !twiml.includes('<Gather')) throw new Error(`call not answered with the menu: ${response.status}`);
    return { ms: performance.now() - started, answered: true };
  } catch {
    return { ms: performance.now() - started, answered: false };
  }
}

/** The caller thread: a signed incoming call every 100 ms between 'start' and 'stop', then the answer times. */
function placeCalls(base: string): void {
  let times: Promise<{ ms: number; answered: boolean }>[] = [];
  let ticker: NodeJS.Timeout | undefined;
  parentPort!.on('message', async (message: string) => {
    if (message === 'start') {
      times = [];
      ticker = setInterval(() => times.push(postCall(base)), 100);
    }
    if (message === 'stop') {
      clearInterval(ticker);
      parentPort!.postMessage(await Promise.all(times));
    }
  });
  parentPort!.postMessage('ready');
}

if (isMainThread) await main();
else placeCalls((workerData as { base: string }).base);

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '1' } } });
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'centralino-email-stall-'));
  const fresh = process.env.DATABASE_URL ? await freshDatabase(process.env.DATABASE_URL, 'centralino_email_stall_bench') : null;
  const config = loadConfig({
    NODE_ENV: 'development',
    DATA_DIR: dataDir,
    DATABASE_URL: fresh?.url,
    PUBLIC_BASE_URL,
    TWILIO_AUTH_TOKEN: TWILIO_TOKEN,
    EMAIL_WEBHOOK_SECRET: EMAIL_SECRET,
    LOG_LEVEL: 'silent',
    DELIVERY_POLL_MS: '0',
    RETENTION_INTERVAL_MS: '0',
    ROLLUP_SEAL_INTERVAL_MS: '0',
  });
  // Monday 10:00 in Rome: every call takes the whole path to the menu.
  const clock = shiftedClock(new Date('2026-11-23T10:00:00+01:00'));
  const database = await openDatabase({ databaseUrl: fresh?.url, dataDir });
  await migrateDatabase(database);
  await seedDemoIfEmpty(database.db, DEMO_SEED_STEPS, { demoPassword: 'bench-demo-password', now: clock.now() });
  const app = await buildApp({ config, database, clock });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;

  function mail(contentType: string, body: string): Buffer {
    const head = [
      'From: Mario Rossi <mario.rossi.1961@gmail.com>',
      'To: segnalazioni@aler-milano.example',
      'Subject: Perdita in cantina',
      `Message-ID: <${randomUUID()}@mail.gmail.com>`,
      'Date: Mon, 23 Nov 2026 09:58:00 +0100',
      'MIME-Version: 1.0',
      `Content-Type: ${contentType}`,
      '',
      '',
    ].join('\r\n');
    return Buffer.from(head + body, 'latin1');
  }

  function withAttachment(bytes: number): Buffer {
    const base64 = randomBytes(bytes).toString('base64').replace(/.{76}/g, '$&\r\n');
    return mail(
      'multipart/mixed; boundary="b1"',
      `--b1\r\nContent-Type: text/plain\r\n\r\nAllego le foto.\r\n--b1\r\nContent-Type: application/pdf; name="foto.pdf"\r\nContent-Transfer-Encoding: base64\r\n\r\n${base64}\r\n--b1--\r\n`,
    );
  }

  const MAILS: Record<string, () => Buffer> = {
    "deep HTML ('<div>' × 400,000, 2 MB)": () => mail('text/html; charset=utf-8', '<div>'.repeat(400_000)),
    '2 MB attachment': () => withAttachment(2 * 1024 * 1024),
    '18 MB attachment (24.6 MB message)': () => withAttachment(18 * 1024 * 1024),
  };

  async function postMail(raw: Buffer): Promise<{ ms: number; status: string }> {
    const started = performance.now();
    const response = await fetch(`${base}/webhooks/email/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'message/rfc822', 'x-signature-256': signEmailWebhook(EMAIL_SECRET, raw) },
      body: raw,
    });
    const body = (await response.json()) as { status?: string };
    return { ms: performance.now() - started, status: `${response.status} ${body.status ?? ''}`.trim() };
  }

  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;

  /** One mail posted while a call arrives every 100 ms, from 300 ms before until 300 ms after its answer. */
  async function measure(raw: Buffer) {
    const loop = monitorEventLoopDelay({ resolution: 10 });
    const callTimes = new Promise<{ ms: number; answered: boolean }[]>((resolve) => caller.once('message', resolve));
    caller.postMessage('start');
    loop.enable();
    await sleep(300);
    const answer = await postMail(raw);
    await sleep(300);
    caller.postMessage('stop');
    const placed = await callTimes;
    const calls = placed.map((call) => call.ms).sort((a, b) => a - b);
    loop.disable();
    const ms = (ns: number) => Math.round(ns / 1e6);
    return {
      mail: answer.status,
      mailMs: Math.round(answer.ms),
      loopDelayP99Ms: ms(loop.percentile(99)),
      loopDelayMaxMs: ms(loop.max),
      calls: calls.length,
      unanswered15s: placed.filter((call) => !call.answered).length,
      callP50Ms: Math.round(percentile(calls, 50)),
      callP99Ms: Math.round(percentile(calls, 99)),
      callMaxMs: Math.round(calls[calls.length - 1] ?? 0),
    };
  }

  const caller = new Worker(new URL(import.meta.url), { workerData: { base } });
  await new Promise((resolve) => caller.once('message', resolve));
  // Warm-up: the first call and the first mail pay for compiling, and for starting a parse thread.
  await postCall(base);
  await postMail(mail('text/plain; charset=utf-8', 'Buongiorno, prova.'));

  const rows: Record<string, Awaited<ReturnType<typeof measure>>> = {};
  for (let run = 1; run <= Number(values.runs); run += 1) {
    for (const [name, build] of Object.entries(MAILS)) {
      rows[Number(values.runs) > 1 ? `${name} #${run}` : name] = await measure(build());
    }
  }
  console.log(`\nE-mail parsing vs incoming calls, ${database.kind}, calls every 100 ms (${new Date().toISOString()})`);
  console.table(rows);
  console.log(`written: ${writeResult('email-parse-stall', { database: database.kind, rows })}`);
  await caller.terminate();
  await app.close();
  await database.close();
  await fresh?.drop();
}

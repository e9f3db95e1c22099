/**
 * Dashboard fan-out: time from a call event committed by a webhook to its receipt on every one of
 * N socket.io clients (p50/p99 over all receipts), on one node, and with the clients split across
 * two nodes (the event crosses through Postgres LISTEN/NOTIFY). The latency counts from the moment
 * the webhook is sent, so it includes the webhook's own commit: an upper bound.
 *
 *   DATABASE_URL=postgres://… node bench/fanout-bench.ts [--clients 500] [--events 20]
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { io as connectSocket } from 'socket.io-client';
import type { Socket } from 'socket.io-client';
import { signTwilioRequest } from '../webhooks/twilio/twilio-signature.ts';
import { callParams, newSid } from '../scripts/simulator/twilio-client.ts';
import { freshDatabase, pinSelf, startNode, stopServer, writeResult } from './bench-kit.ts';

const TOKEN = 'fanout-token';
const PASSWORD = 'fanout-password';
const PUBLIC_URL = 'http://fanout.local';

export type FanoutOptions = { clients: number; events: number };
type FanoutFigures = { nodes: number; clients: number; events: number; receipts: number; missing: number; p50Ms: number; p99Ms: number; maxMs: number };

async function login(port: number): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${port}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: PUBLIC_URL },
    body: JSON.stringify({ username: 'supervisore', password: PASSWORD }),
  });
  if (response.status !== 200) throw new Error(`login failed: ${response.status}`);
  return response.headers
    .getSetCookie()
    .map((value) => value.split(';')[0])
    .join('; ');
}

async function measure(ports: number[], options: FanoutOptions): Promise<FanoutFigures> {
  const cookies = await Promise.all(ports.map(login));
  const sockets: Socket[] = [];
  const receipts = new Map<string, number[]>();
  for (let index = 0; index < options.clients; index += 1) {
    const node = index % ports.length;
    const socket = connectSocket(`http://127.0.0.1:${ports[node]}`, {
      path: '/socket.io',
      transports: ['websocket'],
      extraHeaders: { cookie: cookies[node] },
      forceNew: true,
    });
    socket.on('live', (event: { type: string; data: { call?: { callSid?: string } } }) => {
      const sid = event.data.call?.callSid;
      if (event.type === 'call.ringing' && sid) receipts.get(sid)?.push(performance.now());
    });
    sockets.push(socket);
  }
  await Promise.all(
    sockets.map(
      (socket) =>
        new Promise<void>((resolve, reject) => {
          socket.once('hello', () => resolve());
          socket.once('connect_error', reject);
        }),
    ),
  );

  const latencies: number[] = [];
  let missing = 0;
  // Two warm-up events (JIT, first queries) are sent but not counted.
  for (let event = -2; event < options.events; event += 1) {
    const callSid = newSid('CA');
    receipts.set(callSid, []);
    const params = callParams(callSid, '+393471234567', '+39800200200', 'ringing');
    const sentAt = performance.now();
    await fetch(`http://127.0.0.1:${ports[0]}/webhooks/twilio/voice`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': signTwilioRequest(TOKEN, `${PUBLIC_URL}/webhooks/twilio/voice`, params),
      },
      body: new URLSearchParams(params).toString(),
    });
    // Wait until every client has it (or 5 s), then note the latencies.
    const deadline = performance.now() + 5000;
    while (receipts.get(callSid)!.length < options.clients && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    const got = receipts.get(callSid)!;
    if (event >= 0) {
      missing += options.clients - got.length;
      latencies.push(...got.map((at) => at - sentAt));
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  sockets.forEach((socket) => socket.close());
  latencies.sort((a, b) => a - b);
  const at = (p: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] * 10) / 10;
  return {
    nodes: ports.length,
    clients: options.clients,
    events: options.events,
    receipts: latencies.length,
    missing,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    maxMs: at(1),
  };
}

export async function runFanoutBench(options: FanoutOptions) {
  pinSelf(1);
  const databaseUrl = process.env.DATABASE_URL;
  const env = { TWILIO_AUTH_TOKEN: TOKEN, DEMO_PASSWORD: PASSWORD, PUBLIC_BASE_URL: PUBLIC_URL, DEMO_CLOCK_START: '2026-11-23T10:00:00+01:00' };
  const results: FanoutFigures[] = [];
  if (!databaseUrl) {
    const node = await startNode(3921, { ...env, DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'centralino-fanout-')), DATABASE_URL: '' });
    try {
      results.push(await measure([3921], options));
    } finally {
      await stopServer(node);
    }
    return { database: 'pglite', results };
  }
  const { url, drop } = await freshDatabase(databaseUrl, 'centralino_fanout');
  const dir = () => mkdtempSync(path.join(os.tmpdir(), 'centralino-fanout-'));
  const a = await startNode(3921, { ...env, DATABASE_URL: url, DATA_DIR: dir() });
  const b = await startNode(3922, { ...env, DATABASE_URL: url, DATA_DIR: dir() });
  try {
    results.push(await measure([3921], options));
    results.push(await measure([3921, 3922], options));
  } finally {
    await Promise.all([stopServer(a), stopServer(b)]);
    await drop();
  }
  return { database: 'postgres', results };
}

export function printFanoutResult(result: Awaited<ReturnType<typeof runFanoutBench>>): void {
  console.log(`\nDashboard fan-out (${result.database}): webhook sent -> event received on every socket`);
  console.table(
    Object.fromEntries(
      result.results.map((r) => [
        `${r.clients} sockets on ${r.nodes} node${r.nodes > 1 ? 's' : ''}`,
        { 'p50 ms': r.p50Ms, 'p99 ms': r.p99Ms, 'max ms': r.maxMs, receipts: r.receipts, missing: r.missing },
      ]),
    ),
  );
  if (result.results.length === 2) console.log(`two nodes / one node p99: ${(result.results[1].p99Ms / result.results[0].p99Ms).toFixed(2)}×`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { clients: { type: 'string', default: '500' }, events: { type: 'string', default: '20' } } });
  const result = await runFanoutBench({ clients: Number(values.clients), events: Number(values.events) });
  printFanoutResult(result);
  console.log(`written: ${writeResult(`fanout-${result.database}`, result)}`);
}

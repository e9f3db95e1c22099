import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { io as connectSocket } from 'socket.io-client';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signTwilioRequest } from '../../webhooks/twilio/twilio-signature.ts';
import { incomingCallParams, newCallSid } from '../helpers/twilio-requests.ts';

/**
 * Two stateless nodes on different ports sharing one native Postgres, as behind a load balancer.
 * Real processes (`node src/main.ts`), real sockets, real signatures.
 */
const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) throw new Error('The cluster tests need DATABASE_URL (native Postgres): two nodes cannot share an embedded PGlite.');

const TOKEN = 'cluster-test-token';
const PASSWORD = 'cluster-demo-password';
const ROOT = path.resolve(import.meta.dirname, '../..');
const database = `centralino_cluster_${process.pid}`;
const clusterUrl = Object.assign(new URL(databaseUrl), { pathname: `/${database}` }).toString();

type Node = { name: string; port: number; url: string; process: ChildProcess | null; dataDir: string };
const nodes: Node[] = [
  { name: 'A', port: 3811, url: 'http://127.0.0.1:3811', process: null, dataDir: mkdtempSync(path.join(os.tmpdir(), 'centralino-node-a-')) },
  { name: 'B', port: 3812, url: 'http://127.0.0.1:3812', process: null, dataDir: mkdtempSync(path.join(os.tmpdir(), 'centralino-node-b-')) },
];
// Both nodes are reached through one public address, as behind the load balancer.
const PUBLIC_URL = 'https://centralino.cluster.test';

async function start(node: Node): Promise<void> {
  node.process = spawn(path.join(ROOT, 'node_modules/.bin/node'), [path.join(ROOT, 'src/main.ts')], {
    env: {
      ...process.env,
      DATABASE_URL: clusterUrl,
      DATA_DIR: node.dataDir,
      PORT: String(node.port),
      HOST: '127.0.0.1',
      PUBLIC_BASE_URL: PUBLIC_URL,
      TWILIO_AUTH_TOKEN: TOKEN,
      DEMO_PASSWORD: PASSWORD,
      DEMO_CLOCK_START: '2026-11-23T10:00:00+01:00',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (;;) {
    if (node.process.exitCode !== null) throw new Error(`node ${node.name} exited with ${node.process.exitCode}`);
    try {
      if ((await fetch(`${node.url}/readyz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function stop(node: Node): Promise<void> {
  const child = node.process;
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
  node.process = null;
}

async function postWebhook(node: Node, pathAndQuery: string, params: Record<string, string>) {
  const signature = signTwilioRequest(TOKEN, `${PUBLIC_URL}${pathAndQuery}`, params);
  const response = await fetch(`${node.url}${pathAndQuery}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
    body: new URLSearchParams(params).toString(),
  });
  return { status: response.status, body: await response.text() };
}

const admin = postgres(databaseUrl, { max: 1, onnotice: () => {} });
const db = postgres(clusterUrl, { max: 2, onnotice: () => {} });

beforeAll(async () => {
  await admin.unsafe(`drop database if exists ${database} with (force)`);
  await admin.unsafe(`create database ${database}`);
  // Both nodes start at once on an empty database: one applies migrations and the seed, the other waits.
  await Promise.all(nodes.map(start));
});

afterAll(async () => {
  await Promise.all(nodes.map(stop));
  await db.end();
  await admin.unsafe(`drop database if exists ${database} with (force)`);
  await admin.end();
});

describe('two nodes on one Postgres', () => {
  it('migrate and seed once when they start together', async () => {
    const [{ agencies }] = await db<{ agencies: number }[]>`select count(*)::int as agencies from agencies`;
    const [{ users }] = await db<{ users: number }[]>`select count(*)::int as users from users`;
    expect(agencies).toBe(2);
    expect(users).toBe(6);
  });

  it('record the same webhook delivered to both at once exactly once, with the same answer', async () => {
    for (let round = 0; round < 10; round += 1) {
      const params = incomingCallParams(newCallSid(), '+393471234567', '+39800200200');
      const [a, b] = await Promise.all(nodes.map((node) => postWebhook(node, '/webhooks/twilio/voice', params)));
      expect(a.status).toBe(200);
      expect(b.body).toBe(a.body);
      const [{ calls }] = await db<{ calls: number }[]>`select count(*)::int as calls from calls where call_sid = ${params.CallSid}`;
      const [{ events }] = await db<{ events: number }[]>`select count(*)::int as events from call_events where call_sid = ${params.CallSid}`;
      expect([calls, events]).toEqual([1, 1]);
    }
  });

  it('deliver an event committed on node A to a dashboard connected to node B', async () => {
    await expectRelayed(nodes[0], nodes[1]);
  });

  it('route a call on node B with a number an administrator added on node A, without a restart', async () => {
    const admin = await loginOn(nodes[0], 'admin');
    const current = (await (await fetch(`${nodes[0].url}/api/v1/admin/agencies/aler-milano`, { headers: admin })).json()) as { numbers: unknown[] };
    const numbers = [...current.numbers, { e164: '+39800900900', kind: 'numero_verde', label: 'Numero nuovo' }];
    const saved = await fetch(`${nodes[0].url}/api/v1/admin/agencies/aler-milano/numbers`, {
      method: 'PUT',
      headers: { ...admin, 'content-type': 'application/json' },
      body: JSON.stringify({ numbers }),
    });
    expect(saved.status).toBe(200);
    // The change reaches B through Postgres: ask B until it routes the number. Without the relay
    // B never would, and the test's own timeout reports it.
    let answer = '';
    while (!answer.includes('<Gather')) {
      if (answer) await new Promise((resolve) => setTimeout(resolve, 50));
      answer = (await postWebhook(nodes[1], '/webhooks/twilio/voice', incomingCallParams(newCallSid(), '+393471234567', '+39800900900'))).body;
    }
    expect(answer).toContain('ALER Milano');
    expect(answer).toContain('<Gather');
  });

  it('roll a restart through both nodes without a failed webhook', async () => {
    let sending = true;
    const results: { status: number }[] = [];
    // Twilio with a fallback URL: a refused primary goes to the other node.
    const load = (async () => {
      let turn = 0;
      while (sending) {
        const params = incomingCallParams(newCallSid(), '+393471234567', '+39800300300');
        const order = turn++ % 2 === 0 ? [nodes[0], nodes[1]] : [nodes[1], nodes[0]];
        let status = 0;
        for (const node of order) {
          try {
            status = (await postWebhook(node, '/webhooks/twilio/voice', params)).status;
            if (status === 200) break;
          } catch {
            // connection refused: this node is restarting
          }
        }
        results.push({ status });
      }
    })();
    for (const node of nodes) {
      await stop(node);
      await start(node);
    }
    sending = false;
    await load;
    expect(results.length).toBeGreaterThan(0);
    expect(results.filter((result) => result.status !== 200)).toEqual([]);
  });

  it('relay events both ways as soon as a restarted node is ready', async () => {
    await stop(nodes[1]);
    await start(nodes[1]);
    // No traffic since B came back: B knows of A only because A answered its hello.
    await expectRelayed(nodes[1], nodes[0]);
    await expectRelayed(nodes[0], nodes[1]);
  });
});

/** Headers of a logged-in session on a node: cookie and CSRF token. */
async function loginOn(node: Node, username: string): Promise<Record<string, string>> {
  const login = await fetch(`${node.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: PUBLIC_URL },
    body: JSON.stringify({ username, password: PASSWORD }),
  });
  expect(login.status).toBe(200);
  const cookie = login.headers
    .getSetCookie()
    .map((value) => value.split(';')[0])
    .join('; ');
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  return { cookie, 'x-csrf-token': csrfToken, origin: PUBLIC_URL };
}

/** A call arriving on `from` reaches a supervisor's dashboard connected to `to`. */
async function expectRelayed(from: Node, to: Node): Promise<void> {
  const login = await fetch(`${to.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: PUBLIC_URL },
    body: JSON.stringify({ username: 'supervisore', password: PASSWORD }),
  });
  expect(login.status).toBe(200);
  const cookie = login.headers
    .getSetCookie()
    .map((value) => value.split(';')[0])
    .join('; ');
  const socket: Socket = connectSocket(to.url, { path: '/socket.io', transports: ['websocket'], extraHeaders: { cookie } });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('hello', () => resolve());
      socket.once('connect_error', reject);
    });
    const callSid = newCallSid();
    const received = new Promise<{ type: string }>((resolve) => {
      socket.on('live', (event: { type: string; data: { call?: { callSid?: string } } }) => {
        if (event.data.call?.callSid === callSid) resolve(event);
      });
    });
    const answer = await postWebhook(from, '/webhooks/twilio/voice', incomingCallParams(callSid, '+393471234567', '+39800100100'));
    expect(answer.status).toBe(200);
    expect((await received).type).toBe('call.ringing');
  } finally {
    socket.close();
  }
}

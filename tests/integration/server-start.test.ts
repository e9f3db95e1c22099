import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { count } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/open-database.ts';
import { agencies, users } from '../../src/db/schema/index.ts';
import { createEmptyDatabase } from '../helpers/empty-database.ts';

/**
 * The composition root as an operator runs it (`node src/main.ts`), with only the environment it
 * is given: what it refuses, where it listens, what it loads into an empty database.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
const NODE = path.join(ROOT, 'node_modules/.bin/node');

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function startServer(env: Record<string, string>) {
  // Nothing of the test runner's environment (NODE_ENV=test, DATABASE_URL, …) leaks in.
  const child = spawn(NODE, [path.join(ROOT, 'src/main.ts')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    exited,
    output: () => output,
    async ready(url: string): Promise<void> {
      for (;;) {
        if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}:\n${output}`);
        try {
          if ((await fetch(`${url}/readyz`)).ok) return;
        } catch {
          // not listening yet
        }
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    },
    async stop(): Promise<void> {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

const stops: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const stop of stops) await stop();
});

describe('node src/main.ts', () => {
  it('refuses to listen where other machines reach it with the public development secrets, and says which', { timeout: 120_000 }, async () => {
    const port = await freePort();
    const server = startServer({ HOST: '0.0.0.0', PORT: String(port), DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'centralino-start-')) });
    stops.push(() => server.stop());
    expect(await server.exited).toBe(78);
    expect(server.output()).toContain('TWILIO_AUTH_TOKEN');
    expect(server.output()).toContain('EMAIL_WEBHOOK_SECRET');
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  });

  it('in production on an empty database: loads no demo data, and serves /metrics on METRICS_PORT only', { timeout: 180_000 }, async () => {
    const [port, metricsPort] = [await freePort(), await freePort()];
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'centralino-start-'));
    const database = process.env.DATABASE_URL ? await createEmptyDatabase({ migrate: false }) : null;
    const server = startServer({
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      METRICS_PORT: String(metricsPort),
      DATA_DIR: dataDir,
      ...(database?.url ? { DATABASE_URL: database.url } : {}),
      TWILIO_AUTH_TOKEN: 'start-test-twilio-token',
      EMAIL_WEBHOOK_SECRET: 'start-test-email-secret',
      SESSION_SECRET: 'start-test-session-secret-start-test-session-secret',
      DELIVERY_POLL_MS: '0',
      RETENTION_INTERVAL_MS: '0',
    });
    stops.push(() => server.stop());
    const url = `http://127.0.0.1:${port}`;
    await server.ready(url);

    const ready = (await (await fetch(`${url}/readyz`)).json()) as { eventLoopDelayMs?: { p99: number; max: number } };
    expect(ready.eventLoopDelayMs).toEqual(expect.objectContaining({ p99: expect.any(Number), max: expect.any(Number) }));
    expect((await fetch(`${url}/metrics`)).status).toBe(404);
    const scraped = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(scraped.status).toBe(200);
    const text = await scraped.text();
    expect(text).toContain('centralino_event_loop_delay_seconds_bucket');
    // Outside the test environment Node's default metrics are collected too.
    expect(text).toContain('process_cpu_seconds_total');
    expect(server.output()).not.toContain('password:');

    await server.stop();
    stops.pop();
    // The server has let go of its database: read what it left there.
    const left = database ?? (await openDatabase({ databaseUrl: undefined, dataDir }));
    const [{ agencyRows }] = await left.db.select({ agencyRows: count() }).from(agencies);
    const [{ userRows }] = await left.db.select({ userRows: count() }).from(users);
    await left.close();
    expect({ agencyRows, userRows }).toEqual({ agencyRows: 0, userRows: 0 });
  });
});

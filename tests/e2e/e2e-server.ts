import { createServer } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import type { Clock } from '../../src/domain/clock.ts';
import type { DatabaseHandle } from '../../src/db/client.ts';
import { testConfig } from '../helpers/test-app.ts';

/** Real time, moved to a chosen instant: waits grow on screen while the agencies stay open. */
export function runningClockFrom(start: string): Clock {
  const offset = Date.parse(start) - Date.now();
  return { now: () => new Date(Date.now() + offset) };
}

/** A free loopback port, kept for the restart test (the server comes back on the same one). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export type E2eServer = Readonly<{ app: FastifyInstance; url: string; publicBaseUrl: string }>;

/** buildApp + listen, as `npm start` does, on a database that outlives the server (for the restart test). */
export async function startServer(options: {
  database: DatabaseHandle;
  clock: Clock;
  port: number;
  dataDir: string;
  /** More settings, e.g. SMTP_URL of the test's own SMTP listener. */
  config?: Record<string, string>;
}): Promise<E2eServer> {
  const url = `http://127.0.0.1:${options.port}`;
  const config = testConfig({ ...options.config, PUBLIC_BASE_URL: url, DATA_DIR: options.dataDir, PORT: String(options.port) });
  const app = await buildApp({
    config,
    database: options.database,
    clock: options.clock,
    logger: process.env.TEST_LOG_LEVEL ? { level: process.env.TEST_LOG_LEVEL } : false,
    processMetrics: false,
  });
  await app.listen({ port: options.port, host: '127.0.0.1' });
  return { app, url, publicBaseUrl: url };
}

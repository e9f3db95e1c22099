/**
 * The server side of the webhook benchmark, in its own process (and core): the real app on one
 * port and a bare Fastify route on another, in the same Node runtime, so that the ratio between
 * them is what our code costs. Prints {"app":port,"bare":port} on stdout when both listen.
 */
import formbody from '@fastify/formbody';
import Fastify from 'fastify';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { shiftedClock } from '../src/domain/clock.ts';
import { openDatabase } from '../src/db/open-database.ts';
import { migrateDatabase } from '../src/db/migrate.ts';
import { DEMO_SEED_STEPS } from '../src/seed/demo-steps.ts';
import { seedDemoIfEmpty } from '../src/seed/seed-demo.ts';

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'centralino-bench-'));
const config = loadConfig({
  NODE_ENV: 'development',
  DATA_DIR: dataDir,
  DATABASE_URL: process.env.DATABASE_URL,
  PUBLIC_BASE_URL: 'http://bench.local',
  TWILIO_AUTH_TOKEN: process.env.BENCH_TWILIO_TOKEN ?? 'bench-token',
  LOG_LEVEL: 'silent',
});
// Inside opening hours, so every request takes the full path: route, schedule, call row, event, menu.
const clock = shiftedClock(new Date('2026-11-23T10:00:00+01:00'));
const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir });
await migrateDatabase(database);
await seedDemoIfEmpty(database.db, DEMO_SEED_STEPS, { demoPassword: 'bench', now: clock.now() });
const app = await buildApp({ config, database, clock });
await app.listen({ port: 0, host: '127.0.0.1' });

const bare = Fastify({ logger: false });
await bare.register(formbody);
const twiml = '<?xml version="1.0" encoding="UTF-8"?><Response><Say language="it-IT">Benvenuto</Say></Response>';
bare.post('/bare', async (_request, reply) => reply.type('text/xml').send(twiml));
await bare.listen({ port: 0, host: '127.0.0.1' });

const port = (server: typeof app) => (server.server.address() as { port: number }).port;
console.log(JSON.stringify({ app: port(app), bare: port(bare), database: database.kind }));

process.on('SIGTERM', async () => {
  await Promise.all([app.close(), bare.close()]);
  await database.close();
  process.exit(0);
});

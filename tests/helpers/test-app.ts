import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import type { Config } from '../../src/config.ts';
import { loadConfig } from '../../src/config.ts';
import { fixedClock } from '../../src/domain/clock.ts';
import type { DatabaseHandle } from '../../src/db/client.ts';
import { checkAnswersAgainstContract } from './answer-contract.ts';
import { createTestDatabase } from './test-database.ts';
import { TEST_BASE_URL, TEST_EMAIL_SECRET, TEST_TWILIO_TOKEN } from './test-constants.ts';

export type TestApp = Readonly<{
  app: FastifyInstance;
  clock: ReturnType<typeof fixedClock>;
  database: DatabaseHandle;
  config: Config;
  close(): Promise<void>;
}>;

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    PUBLIC_BASE_URL: TEST_BASE_URL,
    TWILIO_AUTH_TOKEN: TEST_TWILIO_TOKEN,
    EMAIL_WEBHOOK_SECRET: TEST_EMAIL_SECRET,
    SESSION_SECRET: 'test-session-secret-test-session-secret-0123456789',
    // Each app its own DATA_DIR: journals and secrets of parallel test files must not meet.
    DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'centralino-test-')),
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    // Sealing runs when a test asks (reports.sealFinishedDays()): a pass at a moment of its own would
    // seal days before the test has written their calls.
    ROLLUP_SEAL_INTERVAL_MS: '0',
    // The call reconciler runs when a test asks (calls.reconcile(now)), on the test's clock.
    CALL_RECONCILE_INTERVAL_MS: '0',
    // The monthly report mail runs when a test asks (reportMail.mailDue()), on the test's clock.
    REPORT_MAIL_INTERVAL_MS: '0',
    ...overrides,
  });
}

/** The whole app on a fresh seeded database, with a clock standing at `now`. */
export async function createTestApp(options: { now?: string; config?: Record<string, string> } = {}): Promise<TestApp> {
  return startTestApp(await createTestDatabase(), options);
}

/** The whole app over a database the test already has (closed with the app), clock standing at `now`. */
export async function startTestApp(database: DatabaseHandle, options: { now?: string; config?: Record<string, string> } = {}): Promise<TestApp> {
  const clock = fixedClock(options.now ?? '2026-11-23T09:00:00Z');
  const config = testConfig(options.config);
  // Node's process metrics stay off: a test file builds many apps in one process.
  const app = await buildApp({
    config,
    database,
    clock,
    logger: process.env.TEST_LOG_LEVEL ? { level: process.env.TEST_LOG_LEVEL } : false,
    processMetrics: false,
  });
  checkAnswersAgainstContract(app);
  await app.ready();
  return {
    app,
    clock,
    database,
    config,
    async close() {
      await app.close();
      await database.close();
    },
  };
}

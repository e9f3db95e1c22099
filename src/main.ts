import closeWithGrace from 'close-with-grace';
import { pino } from 'pino';
import { buildApp, loggerOptions } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';
import { shiftedClock, systemClock } from './domain/clock.ts';
import { openDatabase } from './db/open-database.ts';
import { startMetricsListener } from './http/metrics-listener.ts';
import { migrateDatabase } from './db/migrate.ts';
import { DEMO_SEED_STEPS } from './seed/demo-steps.ts';
import { seedDemoIfWanted } from './seed/seed-demo.ts';

/** Composition root: config -> database -> migrations -> demo seed -> app -> listen. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const log = pino(loggerOptions(config.logLevel) as object);
  if (config.twilio.usingDevelopmentToken) log.warn('TWILIO_AUTH_TOKEN is not set: using the public development token (never do this in production)');
  if (config.email.usingDevelopmentSecret) log.warn('EMAIL_WEBHOOK_SECRET is not set: using the public development secret');

  const clock = config.demoClockStart ? shiftedClock(config.demoClockStart) : systemClock;
  if (config.demoClockStart) log.warn({ startsAt: config.demoClockStart.toISOString() }, 'DEMO_CLOCK_START: the platform runs on a shifted clock');

  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  log.info({ database: database.kind, dataDir: database.kind === 'pglite' ? config.dataDir : undefined }, 'database opened');
  await migrateDatabase(database);
  const seed = await seedDemoIfWanted(database.db, DEMO_SEED_STEPS, { wanted: config.demoSeed, demoPassword: config.demoPassword, now: clock.now() });
  if (!config.demoSeed) log.info('demo seed off (production, or DEMO_SEED=0): an empty database stays empty');
  if (seed.seeded) {
    log.info({ steps: seed.steps }, 'demo data loaded into the empty database');
    if (seed.generatedPassword) {
      // Printed once, on the first start only: the demo users' password when DEMO_PASSWORD is unset.
      console.log(`\n  Demo users (operatore1, operatore2, supervisore, admin, referente-milano, referente-pavia)\n  password: ${seed.generatedPassword}\n`);
    }
  }

  const app = await buildApp({ config, database, clock, logger: loggerOptions(config.logLevel) });
  const metricsListener =
    config.metrics.port === undefined
      ? null
      : await startMetricsListener(app.services.metrics.registry, { host: config.metrics.host, port: config.metrics.port });
  if (metricsListener) app.log.info({ host: config.metrics.host, port: metricsListener.port }, 'metrics listening (GET /metrics)');
  closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'shutting down after an error');
    else app.log.info({ signal }, 'shutting down: finishing requests in flight');
    await metricsListener?.close();
    await app.close();
    await database.close();
  });
  await app.listen({ port: config.port, host: config.host });
}

await main();

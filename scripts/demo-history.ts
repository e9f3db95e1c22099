/**
 * npm run demo:history -- [--years 3] [--calls-per-day 200] [--seed 7] [--replace]
 *
 * Gives the demo a past: three years of plausible calls and e-mails for the demo agencies, in the
 * server's own database (DATABASE_URL, or the embedded one in DATA_DIR), ending the day before
 * DEMO_CLOCK_START's date (or yesterday), with the report rollup brought up to date. With the
 * embedded database, stop the server first: PGlite is one process's.
 */
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/open-database.ts';
import { migrateDatabase } from '../src/db/migrate.ts';
import { DEMO_SEED_STEPS } from '../src/seed/demo-steps.ts';
import { seedDemoIfWanted } from '../src/seed/seed-demo.ts';
import { HistoryExistsError, fillDemoHistory } from './history/demo-history.ts';

const { values: args } = parseArgs({
  options: {
    years: { type: 'string', default: '3' },
    'calls-per-day': { type: 'string', default: '200' },
    seed: { type: 'string', default: '7' },
    replace: { type: 'boolean', default: false },
  },
});
const years = Number(args.years);
const callsPerDay = Number(args['calls-per-day']);
if (!Number.isInteger(years) || years < 1 || years > 10 || !(callsPerDay > 0)) {
  console.error('usage: npm run demo:history -- [--years 3] [--calls-per-day 200] [--seed 7] [--replace]');
  process.exit(2);
}

const config = loadConfig();
if (!config.demoSeed) {
  console.error('demo:history writes invented calls: it runs only where the demo does (not with NODE_ENV=production or DEMO_SEED=0).');
  process.exit(2);
}
if (!config.databaseUrl) {
  // Two processes on one PGlite directory would corrupt it: refuse while the server answers.
  const running = await fetch(`http://127.0.0.1:${config.port}/healthz`, { signal: AbortSignal.timeout(1000) }).then(
    () => true,
    () => false,
  );
  if (running) {
    console.error(`A server answers on port ${config.port} with the embedded database: stop it (Ctrl-C), run demo:history, then start it again.`);
    process.exit(1);
  }
}
const handle = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
await migrateDatabase(handle);
const now = config.demoClockStart ?? new Date();
// A database never started: the demo first, as the server's first start would load it.
const seed = await seedDemoIfWanted(handle.db, DEMO_SEED_STEPS, { wanted: true, demoPassword: config.demoPassword, now });
if (seed.seeded && seed.generatedPassword) console.log(`\n  Demo users' password: ${seed.generatedPassword}\n`);
const bar = new cliProgress.SingleBar(
  { format: ' {bar} {percentage}% | {value}/{total} calls | {stage} | ETA {eta_formatted}', hideCursor: true, noTTYOutput: true, notTTYSchedule: 5000 },
  cliProgress.Presets.shades_classic,
);
const started = Date.now();
try {
  const result = await fillDemoHistory(handle.db, {
    clock: { now: () => now },
    years,
    callsPerDay,
    seed: Number(args.seed),
    replace: args.replace,
    progress: {
      planned: (total) => bar.start(total, 0, { stage: 'chiamate' }),
      month: (agency, month, calls) => bar.increment(calls, { stage: `${agency} ${month}` }),
      sealing: (agency) => bar.update({ stage: `riepiloghi dei report: ${agency}` }),
    },
  });
  bar.stop();
  console.log(`\nHistory ${result.from} … ${result.to} in ${Math.round((Date.now() - started) / 1000)} s:`);
  for (const [agency, calls] of Object.entries(result.calls)) console.log(`  ${agency.padEnd(20)} ${calls.toLocaleString('it-IT')} calls`);
  console.log(`  e-mails              ${result.emails.toLocaleString('it-IT')}`);
  console.log('Open /report (36-month trend) and /prospetti (past quarters) in the dashboard.');
} catch (error) {
  bar.stop();
  console.error(`\n${(error as Error).message}`);
  process.exitCode = error instanceof HistoryExistsError ? 1 : 2;
} finally {
  await handle.close();
}

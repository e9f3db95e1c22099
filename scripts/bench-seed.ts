/**
 * npm run bench:seed -- --calls 10000000 --years 3
 *
 * A realistic synthetic call history for the report benchmarks: several agencies of different
 * size, weekly shape (Mondays busy, Sundays quiet), daily shape (peaks around 10:15 and 15:30, a
 * tail of calls at night that meet the closed message), heating calls and longer waits in winter,
 * answered / abandoned / short-abandoned / out-of-hours mix, and inbound e-mails
 * (scripts/history/synthetic-calls.ts, shared with `npm run demo:history`). 10 million calls take
 * minutes; then the report rollup is sealed for every finished day.
 *
 * Writes into DATABASE_URL (or --url), by default postgres://centralino:centralino@127.0.0.1:5432/centralino_bench,
 * creating the database if needed; `--pglite <dir>` uses an embedded database instead (small runs).
 * The database must hold no calls yet, or pass --reset (only allowed on a database named *bench*).
 */
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { sql } from 'drizzle-orm';
import { DateTime } from 'luxon';
import { openPostgres } from '../src/db/client.ts';
import { openDatabase } from '../src/db/open-database.ts';
import type { Database, DatabaseHandle } from '../src/db/client.ts';
import { migrateDatabase } from '../src/db/migrate.ts';
import { agencies, agencyCategories, emailAddresses, openingHours, phoneNumbers, queues } from '../src/db/schema/index.ts';
import { systemClock } from '../src/domain/clock.ts';
import { createAgencyDirectory } from '../src/modules/agencies/agency-directory.ts';
import { createCallRollup, monthChunks } from '../src/modules/reports/call-rollup.ts';
import { DEMO_CATEGORIES, DEMO_QUEUES, DEMO_WEEKLY_HOURS } from '../src/seed/demo-agencies.ts';
import { DEMO_SEED_STEPS } from '../src/seed/demo-steps.ts';
import { seedDemoIfEmpty } from '../src/seed/seed-demo.ts';
import { HISTORY_TIMEZONE, insertMonth, planDays, prng, rowsOf } from './history/synthetic-calls.ts';

const DEFAULT_URL = 'postgres://centralino:centralino@127.0.0.1:5432/centralino_bench';

/** Share of the calls, numbers (numero verde, landline) and e-mail address of each agency. */
const AGENCIES = [
  { code: 'aler-milano', share: 0.34, numeroVerde: '+39800100100', landline: '+390240000000' },
  {
    code: 'aler-pavia-lodi',
    share: 0.22,
    numeroVerde: '+39800200200',
    landline: '+390382000000',
    // The demo's Comune di Pavia housing stock: its own numero verde takes 3 in 10 numero verde calls.
    portfolio: { id: 'comune-di-pavia', number: '+39800300300', share: 0.21 },
  },
  { code: 'aler-bergamo', share: 0.16, numeroVerde: '+39800400400', landline: '+39035000000', name: 'ALER Bergamo-Lecco-Sondrio', prefix: 'BG' },
  { code: 'aler-brescia', share: 0.16, numeroVerde: '+39800500500', landline: '+39030000000', name: 'ALER Brescia-Cremona-Mantova', prefix: 'BS' },
  {
    code: 'aler-varese',
    share: 0.12,
    numeroVerde: '+39800600600',
    landline: '+390332000000',
    name: 'ALER Varese-Como-Monza Brianza-Busto Arsizio',
    prefix: 'VA',
  },
] as const;

const TIMEZONE = HISTORY_TIMEZONE;

const { values: args } = parseArgs({
  options: {
    calls: { type: 'string', default: '1000000' },
    years: { type: 'string', default: '3' },
    end: { type: 'string' },
    url: { type: 'string' },
    pglite: { type: 'string' },
    emails: { type: 'string', default: '0.05' },
    seed: { type: 'string', default: '42' },
    reset: { type: 'boolean', default: false },
  },
});

const totalCalls = Number(args.calls);
const years = Number(args.years);
const emailRatio = Number(args.emails);
if (!Number.isInteger(totalCalls) || totalCalls < 1 || !(years > 0) || !(emailRatio >= 0)) {
  console.error('usage: npm run bench:seed -- --calls 10000000 --years 3 [--end YYYY-MM-DD] [--emails 0.05] [--url postgres://…|--pglite DIR] [--reset]');
  process.exit(2);
}
// By default the history ends yesterday, so that every day of it is complete and can be sealed.
const end = args.end ?? DateTime.now().setZone(TIMEZONE).minus({ days: 1 }).toISODate()!;
const start = DateTime.fromISO(end, { zone: 'UTC' }).minus({ years }).plus({ days: 1 }).toISODate()!;

const random = prng(Number(args.seed));

async function openTarget(): Promise<{ handle: DatabaseHandle; label: string; name: string }> {
  if (args.pglite) {
    const handle = await openDatabase({ databaseUrl: undefined, dataDir: args.pglite });
    await migrateDatabase(handle);
    return { handle, label: `PGlite in ${args.pglite}`, name: 'pglite' };
  }
  const url = args.url ?? process.env.DATABASE_URL ?? DEFAULT_URL;
  const parsed = new URL(url);
  const name = decodeURIComponent(parsed.pathname.slice(1));
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`unexpected database name ${name}`);
  const maintenance = new URL(url);
  maintenance.pathname = '/postgres';
  const admin = openPostgres(maintenance.toString(), { max: 1 });
  const exists = (await admin.db.execute(sql`select 1 from pg_database where datname = ${name}`)) as unknown as unknown[];
  if (exists.length === 0) await admin.db.execute(sql.raw(`create database ${name}`));
  await admin.close();
  // The migrator needs a connection besides the one holding its lock.
  const migrator = openPostgres(url, { max: 2 });
  await migrateDatabase(migrator);
  await migrator.close();
  // One connection: the session settings below apply to every statement, and the machine is shared.
  const handle = openPostgres(url, { max: 1 });
  await handle.db.execute(sql`set synchronous_commit = off`);
  return { handle, label: `${parsed.host}/${name}`, name };
}

async function addBenchAgencies(db: Database): Promise<void> {
  for (const agency of AGENCIES) {
    if (!('name' in agency)) continue;
    const inserted = await db
      .insert(agencies)
      .values({ code: agency.code, name: agency.name, ticketPrefix: agency.prefix })
      .onConflictDoNothing()
      .returning({ code: agencies.code });
    if (inserted.length === 0) continue;
    await db.insert(phoneNumbers).values([
      { e164: agency.numeroVerde, agencyCode: agency.code, kind: 'numero_verde', label: 'Numero verde' },
      { e164: agency.landline, agencyCode: agency.code, kind: 'landline', label: 'Centralino' },
    ]);
    await db.insert(emailAddresses).values({ address: `segnalazioni@${agency.code}.example`, agencyCode: agency.code });
    await db.insert(openingHours).values(DEMO_WEEKLY_HOURS.map((hours) => ({ ...hours, agencyCode: agency.code })));
    await db.insert(queues).values(DEMO_QUEUES(agency.code));
    await db.insert(agencyCategories).values(DEMO_CATEGORIES(agency.code));
  }
}

async function count(db: Database, query: ReturnType<typeof sql>): Promise<number> {
  return Number(rowsOf(await db.execute(query))[0].n);
}

const started = Date.now();
const { handle, label, name } = await openTarget();
const db = handle.db;
console.log(`bench:seed → ${label}: ${totalCalls.toLocaleString('en')} calls, ${start} … ${end} (${TIMEZONE}), ${AGENCIES.length} agencies`);
await seedDemoIfEmpty(db, DEMO_SEED_STEPS, { demoPassword: process.env.DEMO_PASSWORD ?? 'bench-demo-password', now: new Date() });
await addBenchAgencies(db);

const existing = await count(db, sql`select count(*)::int as n from (select 1 from calls limit 1) c`);
if (existing > 0) {
  if (!args.reset) {
    console.error('The database already holds calls: pass --reset to replace them (only on a database named *bench*).');
    process.exit(1);
  }
  if (!name.includes('bench') && name !== 'pglite') throw new Error(`--reset refused on ${name}: only databases named *bench* are wiped`);
  await db.execute(sql`truncate calls, call_events, call_rollup_hourly, call_rollup_watermarks, inbound_emails cascade`);
  console.log('reset: calls, e-mails and the report rollup emptied');
}

const plans = AGENCIES.map((agency) => ({ agency, days: planDays(Math.round(totalCalls * agency.share), start, end, random) }));
const planned = plans.reduce((sum, plan) => sum + plan.days.reduce((days, day) => days + day.calls, 0), 0);
const bar = new cliProgress.SingleBar(
  {
    format: ' calls  {bar} {percentage}% | {value}/{total} | {agency} {month} | {speed} calls/s | ETA {eta_formatted}',
    hideCursor: true,
    etaBuffer: 20,
    noTTYOutput: true,
    notTTYSchedule: 10_000,
  },
  cliProgress.Presets.shades_classic,
);
bar.start(planned, 0, { agency: '', month: '', speed: 0 });
const perAgency = new Map<string, { calls: number; emails: number }>();
let nextId = 1;
const generateStarted = Date.now();
for (const { agency, days } of plans) {
  const totals = { calls: 0, emails: 0 };
  for (const chunk of monthChunks(start, end)) {
    const month = days.filter((day) => day.day >= chunk.from && day.day <= chunk.to);
    const result = await insertMonth(db, agency, month, { firstId: nextId, month: DateTime.fromISO(chunk.from).month, emailRatio, emailMix: 'bench', random });
    nextId += result.calls;
    totals.calls += result.calls;
    totals.emails += result.emails;
    bar.increment(result.calls, {
      agency: agency.code,
      month: chunk.from.slice(0, 7),
      speed: Math.round((nextId - 1) / ((Date.now() - generateStarted) / 1000)),
    });
  }
  perAgency.set(agency.code, totals);
}
bar.stop();
const generateSeconds = (Date.now() - generateStarted) / 1000;

// Fresh statistics and visibility maps: the planner needs the one, index-only scans the other.
const vacuumStarted = Date.now();
process.stdout.write(' vacuum analyze … ');
await db.execute(sql`vacuum (analyze) calls`);
await db.execute(sql`vacuum (analyze) inbound_emails`);
const vacuumSeconds = (Date.now() - vacuumStarted) / 1000;
console.log(`${vacuumSeconds.toFixed(1)} s`);

const directory = await createAgencyDirectory(db);
const rollup = createCallRollup({ directory, clock: systemClock });
const sealStarted = Date.now();
const months = monthChunks(start, end).length;
const sealBar = new cliProgress.SingleBar(
  {
    format: ' rollup {bar} {percentage}% | {value}/{total} agency-months | {agency} | ETA {eta_formatted}',
    hideCursor: true,
    noTTYOutput: true,
    notTTYSchedule: 10_000,
  },
  cliProgress.Presets.shades_classic,
);
sealBar.start(AGENCIES.length * months, 0, { agency: '' });
for (const agency of AGENCIES) {
  await rollup.seal(db, agency.code, () => sealBar.increment(1, { agency: agency.code }));
}
sealBar.stop();
await db.execute(sql`vacuum (analyze) call_rollup_hourly`);
const sealSeconds = (Date.now() - sealStarted) / 1000;

const rollupRows = await count(db, sql`select count(*)::int as n from call_rollup_hourly`);
const sizes =
  handle.kind === 'postgres'
    ? rowsOf(
        await db.execute(
          sql`select relname as name, pg_size_pretty(pg_total_relation_size(oid)) as size from pg_class where relname in ('calls', 'call_rollup_hourly', 'inbound_emails') order by relname`,
        ),
      )
    : [];

console.log('\n agency            calls        e-mails');
for (const [code, totals] of perAgency)
  console.log(` ${code.padEnd(17)} ${totals.calls.toLocaleString('en').padStart(11)} ${totals.emails.toLocaleString('en').padStart(12)}`);
const allCalls = [...perAgency.values()].reduce((sum, totals) => sum + totals.calls, 0);
const allEmails = [...perAgency.values()].reduce((sum, totals) => sum + totals.emails, 0);
console.log(` ${'total'.padEnd(17)} ${allCalls.toLocaleString('en').padStart(11)} ${allEmails.toLocaleString('en').padStart(12)}`);
console.log(
  `\n generated in ${generateSeconds.toFixed(1)} s (${Math.round(allCalls / generateSeconds).toLocaleString('en')} calls/s), vacuum ${vacuumSeconds.toFixed(1)} s, rollup sealed in ${sealSeconds.toFixed(1)} s (${rollupRows.toLocaleString('en')} rows)`,
);
for (const row of sizes) console.log(` ${String(row.name).padEnd(20)} ${row.size}`);
console.log(` total ${((Date.now() - started) / 1000).toFixed(1)} s. Next: npm run bench:reports`);
await handle.close();

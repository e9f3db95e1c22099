/**
 * npm run bench:seed -- --calls 10000000 --years 3
 *
 * A realistic synthetic call history for the report benchmarks: several agencies of different
 * size, weekly shape (Mondays busy, Sundays quiet), daily shape (peaks around 10:15 and 15:30, a
 * tail of calls at night that meet the closed message), heating calls and longer waits in winter,
 * answered / abandoned / short-abandoned / out-of-hours mix, and inbound e-mails. Rows are made by
 * Postgres itself (`insert … select` over `generate_series`, one statement per agency and month),
 * so 10 million calls take minutes; then the report rollup is sealed for every finished day.
 *
 * Writes into DATABASE_URL (or --url), by default postgres://centralino:centralino@127.0.0.1:5432/centralino_bench,
 * creating the database if needed; `--pglite <dir>` uses an embedded database instead (small runs).
 * The database must hold no calls yet, or pass --reset (only allowed on a database named *bench*).
 */
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { sql } from 'drizzle-orm';
import { DateTime } from 'luxon';
import { openDatabase, openPostgres } from '../src/db/client.ts';
import type { Database, DatabaseHandle } from '../src/db/client.ts';
import { migrateDatabase } from '../src/db/migrate.ts';
import { agencies, agencyCategories, emailAddresses, openingHours, phoneNumbers, queues } from '../src/db/schema/index.ts';
import { systemClock } from '../src/domain/clock.ts';
import { createAgencyDirectory } from '../src/modules/agencies/agency-directory.ts';
import { createCallRollup, monthChunks } from '../src/modules/reports/call-rollup.ts';
import { DEMO_CATEGORIES, DEMO_QUEUES, DEMO_WEEKLY_HOURS } from '../src/seed/demo-agencies.ts';
import { DEMO_SEED_STEPS } from '../src/seed/demo-steps.ts';
import { seedDemoIfEmpty } from '../src/seed/seed-demo.ts';

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
    portfolio: { id: 'comune-di-pavia', numeroVerde: '+39800300300', share: 0.3 },
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

const TIMEZONE = 'Europe/Rome';
/** Calls per day relative to the yearly mean, January first: heating drives the winter. */
const SEASON = [1.35, 1.3, 1.1, 0.9, 0.85, 0.8, 0.75, 0.6, 0.9, 1.1, 1.25, 1.2];
/** ISO weekday 1 (Monday) … 7 (Sunday). */
const WEEKDAY = [0, 1.25, 1.05, 1.0, 1.0, 0.95, 0.55, 0.3];

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

/** mulberry32: the same history for the same --seed. */
function prng(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let x = Math.imul(state ^ (state >>> 15), 1 | state);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}
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

type DayPlan = { day: string; calls: number };

/** Calls per day for one agency: season x weekday x a little noise, rounded without losing calls. */
function planDays(agencyCalls: number): DayPlan[] {
  const days: { day: string; weight: number }[] = [];
  for (let day = DateTime.fromISO(start, { zone: 'UTC' }); day.toISODate()! <= end; day = day.plus({ days: 1 })) {
    days.push({ day: day.toISODate()!, weight: SEASON[day.month - 1] * WEEKDAY[day.weekday] * (0.9 + 0.2 * random()) });
  }
  const total = days.reduce((sum, day) => sum + day.weight, 0);
  let carry = 0;
  return days.map(({ day, weight }) => {
    const exact = (agencyCalls * weight) / total + carry;
    const calls = Math.floor(exact);
    carry = exact - calls;
    return { day, calls };
  });
}

const OPEN_SECONDS = [8 * 3600, 20 * 3600];

/** The portfolio with its own numero verde, for the agencies that have one. */
const portfolioOf = (agency: (typeof AGENCIES)[number]) => ('portfolio' in agency ? agency.portfolio : undefined);

/** One agency-month of calls (and e-mails), generated inside Postgres. */
async function insertMonth(
  db: Database,
  agency: (typeof AGENCIES)[number],
  plan: DayPlan[],
  firstId: number,
  month: number,
): Promise<{ calls: number; emails: number }> {
  const winter = month >= 11 || month <= 3;
  const heatingShare = winter ? 0.45 : 0.08;
  const baseWait = winter ? 18 : 12;
  const abandonShare = winter ? 0.11 : 0.08;
  const num = (value: number) => sql.raw(String(Number(value.toFixed(6))));
  const days = `{${plan.map((day) => day.day).join(',')}}`;
  const counts = `{${plan.map((day) => day.calls).join(',')}}`;
  await db.execute(sql`select setseed(${(random() * 2 - 1).toFixed(6)}::float8)`);
  const inserted = (await db.execute(sql`
    with d as (
      select u.day, u.n from unnest(${days}::date[], ${counts}::int[]) as u(day, n)
    ), c as (
      select d.day, random() r1, random() r2, random() r3, random() r4, random() r5, random() r6, random() r7, random() r8, random() r9
      from d cross join lateral generate_series(1, d.n)
    ), t as (
      select c.*,
        (case when r1 < 0.08 then floor(r2 * 86400)
              else least(86399, greatest(0, floor(3600 * (case when r1 < 0.58 then 10.25 + 1.4 * z else 15.5 + 1.7 * z end)))) end)::int as sod
      from (select c.*, sqrt(-2 * ln(1 - r2)) * cos(2 * pi() * r3) as z from c) c
    ), s as (
      select t.*, (t.day::timestamp + make_interval(secs => t.sod)) at time zone ${TIMEZONE} as started_at,
        (t.sod >= ${num(OPEN_SECONDS[0])} and t.sod < ${num(OPEN_SECONDS[1])}) as open,
        (t.sod / 3600) in (9, 10, 11, 15, 16) as peak,
        ${firstId}::bigint + row_number() over () as id
      from t
    ), o as (
      select s.*,
        case when not open then 'out_of_hours'
             when r4 < 0.03 then 'left_menu'
             when r4 < 0.03 + 0.97 * ${num(1 - abandonShare - 0.06)} then 'answered'
             when r4 < 0.03 + 0.97 * ${1 - 0.06} then 'abandoned'
             when r4 < 0.03 + 0.97 * 0.98 then 'short_abandoned'
             else 'queue_other' end as outcome,
        case when open and r4 >= 0.03 then
          case when r5 < ${num(heatingShare)} then 'heating' when r5 < ${num(heatingShare + (1 - heatingShare) * 0.6)} then 'maintenance' else 'admin' end
        end as category,
        r6 < 0.7 as numero_verde,
        ${portfolioOf(agency) ? sql`case when r6 < ${num(0.7 * portfolioOf(agency)!.share)} then ${portfolioOf(agency)!.id} end` : sql`null::text`} as portfolio_id
      from s
    ), w as (
      select o.*,
        case outcome
          when 'answered' then floor(-ln(1 - r8) * ${num(baseWait)} * (case when peak then 1.6 else 1 end))::int
          when 'abandoned' then 5 + floor(-ln(1 - r8) * 40)::int
          when 'short_abandoned' then floor(r8 * 5)::int
          when 'queue_other' then floor(-ln(1 - r8) * 30)::int
        end as wait,
        case when outcome = 'answered' then 40 + floor(-ln(1 - r9) * 150)::int end as talk
      from o
    ), inserted as (
      insert into calls (id, call_sid, agency_code, portfolio_id, to_number, from_number, number_kind, started_at, status, outcome, category, queue_name,
                         enqueued_at, queue_time_seconds, bridged_at, answered_by, ended_at, duration_seconds, talk_seconds, updated_at)
      select lpad(to_hex(id), 32, '0')::uuid, 'CB' || lpad(to_hex(id), 32, '0'), ${agency.code}, portfolio_id,
        case when portfolio_id is not null then ${portfolioOf(agency)?.numeroVerde ?? null} when numero_verde then ${agency.numeroVerde} else ${agency.landline} end,
        '+39347' || lpad(floor(r7 * 10000000)::int::text, 7, '0'),
        case when numero_verde then 'numero_verde' else 'landline' end,
        started_at, 'completed', outcome, category, case when category is not null then ${agency.code} || '.' || category end,
        case when category is not null then started_at + interval '20 seconds' end,
        wait,
        case when outcome = 'answered' then started_at + make_interval(secs => 20 + wait) end,
        case when outcome = 'answered' then case when r7 < 0.5 then 'operatore1' else 'operatore2' end end,
        started_at + make_interval(secs => 20 + coalesce(wait, 0) + coalesce(talk, 0)),
        20 + coalesce(wait, 0) + coalesce(talk, 0),
        talk,
        started_at + make_interval(secs => 20 + coalesce(wait, 0) + coalesce(talk, 0))
      from w
      returning 1
    )
    select count(*)::int as n from inserted`)) as unknown;
  const calls = Number(rowsOf(inserted)[0].n);
  if (emailRatio === 0) return { calls, emails: 0 };
  const emails = (await db.execute(sql`
    with d as (
      select u.day, u.n from unnest(${days}::date[], ${counts}::int[]) as u(day, n)
    ), e as (
      select d.day, g, random() r1, random() r2, random() r3
      from d cross join lateral generate_series(1, round(d.n * ${num(emailRatio)})::int) g
    ), inserted as (
      insert into inbound_emails (received_at, provider, envelope_to, raw_sha256, raw_size, status, kind, agency_code, recipient, subject, processed_at)
      select (day::timestamp + make_interval(secs => floor(case when r1 < 0.85 then 25200 + r2 * 50400 else r2 * 86400 end)::int)) at time zone ${TIMEZONE},
        'raw', '[]'::jsonb, ${`bench-${agency.code}-${firstId}-`} || day || '-' || g, 2000 + floor(r3 * 30000)::int,
        case when r3 < 0.70 then 'ticket' when r3 < 0.92 then 'appended' when r3 < 0.97 then 'duplicate' else 'quarantined' end,
        'message', ${agency.code}, ${`segnalazioni@${agency.code}.example`}, 'Segnalazione',
        (day::timestamp + make_interval(secs => floor(case when r1 < 0.85 then 25200 + r2 * 50400 else r2 * 86400 end)::int)) at time zone ${TIMEZONE}
      from e
      returning 1
    )
    select count(*)::int as n from inserted`)) as unknown;
  return { calls, emails: Number(rowsOf(emails)[0].n) };
}

function rowsOf(result: unknown): Record<string, unknown>[] {
  return (Array.isArray(result) ? result : (result as { rows: Record<string, unknown>[] }).rows) as Record<string, unknown>[];
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

const plans = AGENCIES.map((agency) => ({ agency, days: planDays(Math.round(totalCalls * agency.share)) }));
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
    const result = await insertMonth(db, agency, month, nextId, DateTime.fromISO(chunk.from).month);
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

/**
 * How long each heavy request handler holds the event loop. The voice webhooks share the loop
 * (and, on PGlite, the database's only connection) with every other request: a report, an export
 * or an import that holds it for a second holds every caller for a second.
 *
 *   npm run bench:seed -- --pglite /tmp/pgl-hist --calls 300000 --years 1
 *   node bench/handler-stall.ts --dir /tmp/pgl-hist [--runs 3] [--only 'access log,trend'] [--skip 'agency export']
 *
 *   npm run bench:seed -- --calls 300000 --years 1          # into postgres://…/centralino_bench
 *   DATABASE_URL=postgres://centralino:centralino@127.0.0.1:5432/centralino_bench node bench/handler-stall.ts
 *
 * On top of the calls and e-mails of `bench:seed` it adds, once, what the other handlers read for
 * one agency: an incoming-call event per call, ~10,000 tenants, a few thousand tickets with their
 * events, a year of access-log entries. Then it calls every handler through HTTP (a listener on
 * 127.0.0.1, a session cookie, serialisation and all) while `monitorEventLoopDelay({ resolution: 1 })` runs, and
 * prints, per handler, the longest and the 99th-percentile loop delay and how long the answer took.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { DateTime } from 'luxon';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { SYSTEM_ACTOR } from '../src/domain/actor.ts';
import { systemClock } from '../src/domain/clock.ts';
import { quarterOf } from '../src/domain/statement.ts';
import type { Database } from '../src/db/client.ts';
import { openDatabase } from '../src/db/open-database.ts';
import { migrateDatabase } from '../src/db/migrate.ts';
import { parseTenantCsv } from '../src/modules/tenants/tenant-csv.ts';
import { median, writeResult } from './bench-kit.ts';

const PUBLIC_URL = 'http://bench.local';
const STATEMENT_AGENCY = 'aler-pavia-lodi';

const { values: args } = parseArgs({
  options: {
    dir: { type: 'string' },
    runs: { type: 'string', default: '3' },
    agency: { type: 'string', default: 'aler-milano' },
    tenants: { type: 'string', default: '10000' },
    tickets: { type: 'string', default: '4000' },
    'access-log': { type: 'string', default: '40000' },
    only: { type: 'string' },
    skip: { type: 'string' },
    password: { type: 'string' },
  },
});
const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl && !args.dir) {
  console.error('usage: node bench/handler-stall.ts --dir <PGlite DATA_DIR seeded by npm run bench:seed -- --pglite DIR>   (or DATABASE_URL=postgres://…)');
  process.exit(2);
}
const agency = args.agency!;
const runs = Number(args.runs);

const database = await openDatabase({ databaseUrl, dataDir: args.dir ?? '.' });
await migrateDatabase(database);
const db = database.db;
const rowsOf = (result: unknown) => (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as Record<string, unknown>[];
const scalar = async (query: ReturnType<typeof sql>) => Number(Object.values(rowsOf(await db.execute(query))[0])[0]);

const calls = await scalar(sql`select count(*)::int from calls where agency_code = ${agency}`);
if (calls === 0) {
  console.error(`No calls of ${agency}: run npm run bench:seed first.`);
  process.exit(1);
}
await fillHandlerVolumes(db);

// The app itself, as a browser or a client agency's system would meet it.
const config = loadConfig({
  NODE_ENV: 'development',
  DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'centralino-handler-stall-')),
  ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  PUBLIC_BASE_URL: PUBLIC_URL,
  LOG_LEVEL: 'silent',
  DELIVERY_POLL_MS: '0',
  RETENTION_INTERVAL_MS: '0',
  ROLLUP_SEAL_INTERVAL_MS: '0',
});
const app = await buildApp({ config, database, clock: systemClock });
await app.ready();
const password = args.password ?? process.env.DEMO_PASSWORD ?? 'bench-demo-password';

type Session = { cookie: string; csrf: string };
async function login(username: string): Promise<Session> {
  const response = await app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { origin: PUBLIC_URL }, payload: { username, password } });
  if (response.statusCode !== 200) throw new Error(`login of ${username}: ${response.statusCode} ${response.body}; pass --password`);
  return { cookie: String(response.headers['set-cookie']).split(';')[0], csrf: response.json<{ csrfToken: string }>().csrfToken };
}
const admin = await login('admin');

// A real listener: the answer travels over a socket and is read and dropped as it arrives, as a
// browser's download would (inject() would gather a 200 MB export into one string in this process).
const origin = await app.listen({ port: 0, host: '127.0.0.1' });

/** One request; answers the bytes received. */
async function request(method: 'GET' | 'POST', url: string, payload?: object): Promise<number> {
  const headers: Record<string, string> = { cookie: admin.cookie };
  if (method === 'POST') Object.assign(headers, { 'x-csrf-token': admin.csrf, origin: PUBLIC_URL, 'content-type': 'application/json' });
  const response = await fetch(`${origin}${url}`, { method, headers, body: payload ? JSON.stringify(payload) : undefined });
  if (response.status >= 300) throw new Error(`${method} ${url} → ${response.status} ${(await response.text()).slice(0, 300)}`);
  let bytes = 0;
  for await (const chunk of response.body!) bytes += (chunk as Uint8Array).byteLength;
  return bytes;
}

const today = DateTime.now().setZone('Europe/Rome');
const lastYear = { from: today.minus({ years: 1 }).startOf('month').toISODate()!, to: today.startOf('month').minus({ days: 1 }).toISODate()! };
const lastQuarter = quarterOf(today.minus({ months: 3 }).toISODate()!);
const subjectPhone = String(
  rowsOf(await db.execute(sql`select from_number from calls where agency_code = ${agency} and from_number is not null order by started_at desc limit 1`))[0]
    .from_number,
);
const yearQuery = `agency=${agency}&from=${lastYear.from}&to=${lastYear.to}`;
const tenantCsv = benchTenantCsv(Number(args.tenants));

const cases: Record<string, () => Promise<number>> = {
  'report, 12 months (JSON)': () => request('GET', `/api/v1/reports/calls?${yearQuery}`),
  'report, 12 months (CSV)': () => request('GET', `/api/v1/reports/calls?${yearQuery}&format=csv`),
  'report, 12 months + previous year': () => request('GET', `/api/v1/reports/calls?${yearQuery}&compare=previous-year`),
  'report, 12 months from raw calls': () => request('GET', `/api/v1/reports/calls?${yearQuery}&source=raw`),
  'trend, 36 months': () => request('GET', `/api/v1/reports/trend?agency=${agency}&months=36`),
  'trend, 12 months from raw calls': () => request('GET', `/api/v1/reports/trend?agency=${agency}&months=12&source=raw`),
  // Statements need a contract: the demo data has one for ALER Pavia-Lodi.
  'statement preview, last quarter (aler-pavia-lodi)': () =>
    request('GET', `/api/v1/reports/statements/preview?agency=${STATEMENT_AGENCY}&period=${lastQuarter.period}`),
  'statement verify from raw calls (aler-pavia-lodi)': async () => request('GET', `/api/v1/reports/statements/${await issuedStatement()}/verify`),
  'call log, 500 calls': () => request('GET', `/api/v1/calls?agency=${agency}&limit=500`),
  'tickets, 200': () => request('GET', `/api/v1/tickets?agency=${agency}&limit=200`),
  'access log, a year (JSON)': () => request('GET', `/api/v1/access-log?agency=${agency}&from=${lastYear.from}&to=${lastYear.to}`),
  'access log, a year (CSV)': () => request('GET', `/api/v1/access-log?agency=${agency}&from=${lastYear.from}&to=${lastYear.to}&format=csv`),
  'privacy: subject export by phone': () => request('POST', '/api/v1/privacy/subject-export', { agency, phone: subjectPhone }),
  'privacy: agency export (JSON Lines)': () => request('POST', '/api/v1/privacy/agency-export', { agency }),
  [`tenant import, ${Number(args.tenants).toLocaleString('en')} rows (CLI's service verb)`]: () => importTenants(tenantCsv),
};

let statementId: string | null = null;
async function issuedStatement(): Promise<string> {
  if (statementId) return statementId;
  const headers = { cookie: admin.cookie, 'x-csrf-token': admin.csrf, origin: PUBLIC_URL };
  const response = await app.inject({
    method: 'POST',
    url: '/api/v1/reports/statements',
    headers,
    payload: { agency: STATEMENT_AGENCY, period: lastQuarter.period },
  });
  if (response.statusCode !== 201) throw new Error(`issuing ${lastQuarter.period}: ${response.statusCode} ${response.body}`);
  statementId = response.json<{ id: string }>().id;
  return statementId;
}

/**
 * The import as `npm run import:tenants` does it (there is no HTTP import route: the CLI runs in a
 * process of its own, and the demo seed at start-up). Shown for its cost on the loop all the same.
 */
async function importTenants(csv: string): Promise<number> {
  const parsed = parseTenantCsv(csv);
  let done = 0;
  for (let start = 0; start < parsed.rows.length; start += 250) {
    const summary = await app.services.tenants.importTenants(SYSTEM_ACTOR, agency, parsed.rows.slice(start, start + 250));
    done += summary.inserted + summary.updated;
  }
  return done;
}

type Measured = { ms: number; maxMs: number; p99Ms: number; maxCpuMs: number; bytes: number };

/**
 * Runs `work` while the loop-delay histogram records (1 ms resolution). Beside it a 1 ms timer
 * notes the time and the process's CPU time at every tick: the longest gap between ticks is the
 * longest stall (the histogram drops the first one when the work blocks before it ever ticked),
 * and the CPU spent in that gap is the stall as an idle machine would see it, where the wall
 * clock also counts the time other processes had the core (this machine is shared).
 */
async function measure(work: () => Promise<number>): Promise<Measured> {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  let last = { at: performance.now(), cpu: process.cpuUsage() };
  let maxGapMs = 0;
  let maxCpuUs = 0;
  const ticker = setInterval(() => {
    const now = { at: performance.now(), cpu: process.cpuUsage() };
    const gap = now.at - last.at;
    if (gap > maxGapMs) {
      maxGapMs = gap;
      maxCpuUs = now.cpu.user - last.cpu.user + now.cpu.system - last.cpu.system;
    }
    last = now;
  }, 1);
  histogram.enable();
  await new Promise((resolve) => setTimeout(resolve, 10));
  const started = performance.now();
  const bytes = await work();
  const ms = performance.now() - started;
  await new Promise((resolve) => setTimeout(resolve, 10));
  histogram.disable();
  clearInterval(ticker);
  // The histogram counts the timer's lateness plus its 1 ms period.
  const maxMs = Math.max(histogram.max / 1e6 - 1, maxGapMs - 1, 0);
  return { ms, maxMs, p99Ms: Math.max(0, histogram.percentile(99) / 1e6 - 1), maxCpuMs: maxCpuUs / 1000, bytes };
}

const matches = (name: string, words: string | undefined) =>
  words !== undefined && words.split(',').some((word) => name.toLowerCase().includes(word.trim().toLowerCase()));
const selected = Object.entries(cases).filter(([name]) => (!args.only || matches(name, args.only)) && !matches(name, args.skip));
const counts = {
  calls,
  callEvents: await scalar(sql`select count(*)::int from call_events e where e.call_sid in (select call_sid from calls where agency_code = ${agency})`),
  tenants: await scalar(sql`select count(*)::int from tenants where agency_code = ${agency}`),
  tickets: await scalar(sql`select count(*)::int from tickets where agency_code = ${agency}`),
  accessLog: await scalar(sql`select count(*)::int from access_log where agency_code = ${agency}`),
  emails: await scalar(sql`select count(*)::int from inbound_emails where agency_code = ${agency}`),
};
const where = databaseUrl ? `native Postgres ${new URL(databaseUrl).host}${new URL(databaseUrl).pathname}` : `PGlite in ${args.dir}`;
console.log(
  `Handler stalls on ${where}; ${agency}: ${Object.entries(counts)
    .map(([name, n]) => `${n.toLocaleString('en')} ${name}`)
    .join(', ')}`,
);
console.log(
  `${os.cpus().length} cores, load average ${os.loadavg()[0].toFixed(1)}; a warm-up, then ${runs} runs each; loop delay from monitorEventLoopDelay({ resolution: 1 }):`,
);
console.log(
  'the longest over the runs, the longest in the best run, the 99th percentile, and the CPU time of the longest stall (what an idle machine would see)\n',
);

// What the app's sealer worker does within seconds of a start: reports read the finished days from the rollup.
await app.services.reports.sealFinishedDays();
const results: Record<string, { medianMs: number; maxStallMs: number; minMaxStallMs: number; p99StallMs: number; maxStallCpuMs: number; bytes: number }> = {};
for (const [name, work] of selected) {
  await work(); // warm-up: caches, prepared statements
  const measured: Measured[] = [];
  for (let run = 0; run < runs; run += 1) measured.push(await measure(work));
  results[name] = {
    medianMs: Math.round(median(measured.map((m) => m.ms))),
    maxStallMs: Math.round(Math.max(...measured.map((m) => m.maxMs))),
    minMaxStallMs: Math.round(Math.min(...measured.map((m) => m.maxMs))),
    p99StallMs: Math.round(Math.max(...measured.map((m) => m.p99Ms))),
    maxStallCpuMs: Math.round(Math.max(...measured.map((m) => m.maxCpuMs))),
    bytes: measured[0].bytes,
  };
  const r = results[name];
  console.log(
    `${name.padEnd(60)} ${String(r.medianMs).padStart(6)} ms  stall max ${String(r.maxStallMs).padStart(4)} (best run ${String(r.minMaxStallMs).padStart(4)}) p99 ${String(r.p99StallMs).padStart(4)} cpu ${String(r.maxStallCpuMs).padStart(4)} ms  ${(r.bytes / 1024).toFixed(0).padStart(7)} KiB`,
  );
}
console.log(`\nwritten: ${writeResult('handler-stall', { database: databaseUrl ? 'postgres' : 'pglite', agency, counts, runs, results })}`);
await app.close();
await database.close();

/**
 * What the handlers read besides calls, made once per database by Postgres itself: an incoming
 * event per call (the payload Twilio posts), tenants with one or two numbers, tickets over the
 * year with a creation event and a note, and the access log of staff reading them.
 */
async function fillHandlerVolumes(target: Database): Promise<void> {
  const has = async (query: ReturnType<typeof sql>) => (await scalar(query)) > 0;
  if (
    !(await has(sql`select count(*)::int from (select 1 from call_events e join calls c on c.call_sid = e.call_sid where c.agency_code = ${agency} limit 1) x`))
  ) {
    process.stdout.write('filling call_events … ');
    await target.execute(sql`
      insert into call_events (call_sid, step, type, payload, response, occurred_at)
      select c.call_sid, 'incoming', 'incoming',
        jsonb_build_object('CallSid', c.call_sid, 'AccountSid', 'AC' || md5(c.agency_code), 'From', c.from_number, 'Caller', c.from_number, 'To', c.to_number,
          'Called', c.to_number, 'CallStatus', 'ringing', 'Direction', 'inbound', 'ApiVersion', '2010-04-01', 'FromCity', 'MILANO', 'FromCountry', 'IT', 'ToCountry', 'IT'),
        '<?xml version="1.0" encoding="UTF-8"?><Response><Gather numDigits="1" action="/webhooks/twilio/voice/menu"/></Response>', c.started_at
      from calls c where c.agency_code = ${agency}`);
    console.log('done');
  }
  const tenantCount = Number(args.tenants);
  if (!(await has(sql`select count(*)::int from tenants where agency_code = ${agency} and code like 'BN-%'`))) {
    process.stdout.write('filling tenants … ');
    await target.execute(sql`
      insert into tenants (agency_code, code, name, email, address, municipality, building, stair, floor, flat, created_at, updated_at)
      select ${agency}, 'BN-' || lpad(g::text, 6, '0'), 'Inquilino ' || g, case when g % 3 = 0 then 'inquilino' || g || '@example.it' end,
        'Via Bench ' || (g % 400 + 1), 'Milano', 'E' || (g % 90), chr(65 + g % 4), (g % 8)::text, (g % 30 + 1)::text, now(), now()
      from generate_series(1, ${tenantCount}) g`);
    await target.execute(sql`
      insert into tenant_phones (tenant_id, agency_code, e164)
      select t.id, t.agency_code, '+39348' || lpad((substring(t.code from 4)::int * 7)::text, 7, '0') from tenants t where t.agency_code = ${agency} and t.code like 'BN-%'
      union all
      select t.id, t.agency_code, '+3902' || lpad(substring(t.code from 4), 8, '0') from tenants t where t.agency_code = ${agency} and t.code like 'BN-%' and substring(t.code from 4)::int % 2 = 0`);
    console.log('done');
  }
  if (!(await has(sql`select count(*)::int from tickets where agency_code = ${agency} and created_by_id = 'bench'`))) {
    process.stdout.write('filling tickets … ');
    const prefix = String(rowsOf(await target.execute(sql`select ticket_prefix from agencies where code = ${agency}`))[0].ticket_prefix);
    await target.execute(sql`
      with c as (
        select call_sid, from_number, started_at, category, row_number() over (order by started_at) as n
        from calls where agency_code = ${agency} and outcome = 'answered' order by random() limit ${Number(args.tickets)}
      )
      insert into tickets (ref, agency_code, year, seq, category, status, channel, subject, description, caller_phone, caller_name, tenant_code,
                           created_by_id, created_by_name, created_at, updated_at)
      select ${prefix} || '-B' || extract(year from started_at)::int || '-' || lpad(n::text, 6, '0'), ${agency}, 9000 + extract(year from started_at)::int, n::int,
        coalesce(category, 'admin'), case when n % 5 = 0 then 'closed' else 'routed' end, 'voice', 'Segnalazione ' || n,
        'Perdita d''acqua dal soffitto del bagno, interno ' || (n % 30 + 1) || '; richiamare al ' || from_number, from_number, 'Inquilino ' || n,
        'BN-' || lpad((n % ${tenantCount} + 1)::text, 6, '0'), 'bench', 'bench', started_at + interval '3 minutes', started_at + interval '1 day'
      from c`);
    await target.execute(sql`
      insert into ticket_events (ticket_id, type, to_status, text, actor_kind, actor_id, actor_name, actor_role, occurred_at)
      select id, 'created', 'routed', null, 'user', 'bench', 'operatore1', 'operator', created_at from tickets where agency_code = ${agency} and created_by_id = 'bench'
      union all
      select id, 'note', null, 'Il tecnico passerà domani mattina', 'user', 'bench', 'operatore1', 'operator', created_at + interval '1 hour' from tickets where agency_code = ${agency} and created_by_id = 'bench'`);
    console.log('done');
  }
  if (!(await has(sql`select count(*)::int from access_log where agency_code = ${agency} and request_id = 'bench'`))) {
    process.stdout.write('filling access_log … ');
    await target.execute(sql`
      insert into access_log (at, actor_kind, actor_id, actor_name, actor_role, agency_code, resource, resource_id, action, fields, count, request_id)
      select now() - make_interval(secs => (g * 31536000.0 / ${Number(args['access-log'])})), 'user', 'bench-' || (g % 7), 'operatore' || (g % 7), 'operator', ${agency},
        case when g % 3 = 0 then 'calls' when g % 3 = 1 then 'tickets' else 'tenants' end, case when g % 2 = 0 then 'CB' || md5(g::text) end,
        case when g % 2 = 0 then 'read' else 'list' end, '["caller.phone","caller.name"]'::jsonb, case when g % 2 = 1 then 50 end, 'bench'
      from generate_series(1, ${Number(args['access-log'])}) g`);
    console.log('done');
  }
  await target.execute(sql`analyze`);
}

/** A registry export as an agency sends it: `;`, Italian headers, numbers in several forms. */
function benchTenantCsv(rows: number): string {
  const lines = ['codice_inquilino;nominativo;telefoni;email;indirizzo;comune;edificio;scala;piano;interno'];
  for (let n = 1; n <= rows; n += 1) {
    const phone = `347 ${String(1_000_000 + n).padStart(7, '0')}`;
    lines.push(
      `IMP-${String(n).padStart(6, '0')};"Rossi, Maria ${n}";${phone}|02 ${String(10_000_000 + n)};maria.rossi${n}@example.it;Via Import ${n % 300};Milano;E${n % 90};${'ABCD'[n % 4]};${n % 8};${n % 30}`,
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

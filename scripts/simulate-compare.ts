import type { ChildProcess } from 'node:child_process';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEVELOPMENT_TWILIO_AUTH_TOKEN } from '../src/config.ts';
import { migrateDatabase } from '../src/db/migrate.ts';
import { openDatabase } from '../src/db/open-database.ts';
import { DEMO_SEED_STEPS } from '../src/seed/demo-steps.ts';
import { seedDemoIfWanted } from '../src/seed/seed-demo.ts';
import type { CallbackTally, CallOutcomeCounts } from './simulator/call-center.ts';
import { emptyCounts, playCaller, playOperator, QueueBoard, sleep } from './simulator/call-center.ts';
import { openOperatorDesk } from './simulator/operator-desk.ts';
import { buildingTenantsCsv, OUTAGE_AGENCY, OUTAGE_BUILDING, OUTAGE_MUNICIPALITY, outageSchedule } from './simulator/outage-scenario.ts';
import { createRng } from './simulator/rng.ts';
import { createTwilioClient } from './simulator/twilio-client.ts';

const USAGE = `npm run simulate:compare -- [--minutes 15] [--seed 7] [--calls-per-minute 4] [--building-tenants 30]
  [--impatient 0.4] [--operators operatore1,operatore2]

Issue 17's comparison: the same heating outage played twice, on two fresh servers side by side, with
the features off and on. A building's central boiler stops and its tenants call within the first part
of the run on top of ALER Pavia-Lodi's usual calls, and some callers are impatient. "On": the call
center has declared the incident (the building's callers hear it and may add their report without an
operator) and impatient waiting callers take the queued call-back offered above 3 minutes of expected
wait. "Off": no incident, and no caller takes the call-back (the agency's switch, offerCallbacks, would
also stop the call-backs of abandoned callers, so here the callers decline the offer instead: from the
queue's side the same as no offer). Real time (speed 1): the server's expected wait comes from its own
clock. Prints, for each run, the figures of the agency's day report and what the callers did.`;

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '15' },
    seed: { type: 'string', default: '7' },
    'calls-per-minute': { type: 'string', default: '4' },
    'building-tenants': { type: 'string', default: '30' },
    impatient: { type: 'string', default: '0.4' },
    operators: { type: 'string', default: 'operatore1,operatore2' },
    port: { type: 'string', default: '3961' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const NODE = path.join(ROOT, 'node_modules/.bin/node');
const PASSWORD = 'simulate-compare-password';
// A Monday of the heating season, in opening hours; both servers start their shifted clocks there.
const CLOCK_START = '2026-11-23T09:00:00+01:00';
const DAY = '2026-11-23';
const options = {
  seed: Number(values.seed),
  minutes: Number(values.minutes),
  callsPerMinute: Number(values['calls-per-minute']),
  buildingTenants: Number(values['building-tenants']),
  impatientShare: Number(values.impatient),
};
const operators = values.operators.split(',').map((name) => name.trim());

type Mode = 'off' | 'on';
type RunResult = { mode: Mode; counts: CallOutcomeCounts; callbacks: CallbackTally; report: ReportTotals };
type ReportTotals = {
  calls: number;
  answered: number;
  abandoned: number;
  shortAbandoned: number;
  queuedCallbacks: number;
  serviceLevelPct: number | null;
  asaSeconds: number | null;
};

/** An empty DATA_DIR with the demo data and the outage building's tenants on the registry. */
async function prepareDataDir(mode: Mode): Promise<string> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `centralino-compare-${mode}-`));
  const database = await openDatabase({ databaseUrl: undefined, dataDir });
  await migrateDatabase(database);
  await seedDemoIfWanted(database.db, DEMO_SEED_STEPS, { wanted: true, demoPassword: PASSWORD, now: new Date(CLOCK_START) });
  await database.close();
  const csv = path.join(dataDir, 'building.csv');
  writeFileSync(csv, buildingTenantsCsv(options.buildingTenants));
  const imported = spawnSync(NODE, [path.join(ROOT, 'scripts/import-tenants.ts'), '--agency', OUTAGE_AGENCY, '--file', csv], {
    env: { ...process.env, DATA_DIR: dataDir },
    encoding: 'utf8',
  });
  if (imported.status !== 0) throw new Error(`importing the building's tenants failed: ${imported.stdout}${imported.stderr}`);
  return dataDir;
}

async function startServer(port: number, dataDir: string): Promise<ChildProcess> {
  const child = spawn(NODE, [path.join(ROOT, 'src/main.ts')], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      DEMO_PASSWORD: PASSWORD,
      DEMO_CLOCK_START: CLOCK_START,
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server on port ${port} exited with ${child.exitCode}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/readyz`)).ok) return child;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
}

/** A logged-in dashboard session (cookie and CSRF token) for the API calls a person would make. */
async function session(url: string, username: string) {
  const login = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD }),
  });
  if (!login.ok) throw new Error(`${username} could not log in (${login.status})`);
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  return async (method: string, route: string, body?: unknown) => {
    const reply = await fetch(`${url}${route}`, {
      method,
      headers: { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!reply.ok) throw new Error(`${method} ${route}: ${reply.status} ${await reply.text()}`);
    return reply.json() as Promise<Record<string, unknown>>;
  };
}

/** What the people of the call center do before the run: declare the incident and keep the offer on, or neither. */
async function configure(url: string, mode: Mode): Promise<void> {
  if (mode === 'off') return;
  const admin = await session(url, 'admin');
  await admin('PATCH', `/api/v1/admin/agencies/${OUTAGE_AGENCY}`, { queuedCallbackSeconds: 180 });
  const supervisor = await session(url, 'supervisore');
  await supervisor('POST', '/api/v1/incidents', {
    agency: OUTAGE_AGENCY,
    municipality: OUTAGE_MUNICIPALITY,
    building: OUTAGE_BUILDING,
    category: 'heating',
    description: 'La caldaia centralizzata è ferma.',
    expectedResolutionAt: null,
  });
}

async function run(mode: Mode, port: number): Promise<RunResult> {
  const dataDir = await prepareDataDir(mode);
  const server = await startServer(port, dataDir);
  const url = `http://127.0.0.1:${port}`;
  try {
    await configure(url, mode);
    const twilio = createTwilioClient({ url, publicUrl: `http://localhost:${port}`, authToken: DEVELOPMENT_TWILIO_AUTH_TOKEN });
    const ending = new AbortController();
    const timing = { speed: 1, talkMeanSeconds: 60, patienceMeanSeconds: 90, ending: ending.signal };
    const board = new QueueBoard();
    const counts = emptyCounts();
    const callbacks: CallbackTally = { dialled: 0, reached: 0 };
    const schedule = outageSchedule(options);
    let finished = 0;
    const rng = createRng(options.seed + 1);
    const desks = await Promise.all(operators.map((name) => openOperatorDesk(url, name, PASSWORD, rng)));
    const staff = operators.map((name, index) => playOperator(name, twilio, board, rng, timing, () => finished >= schedule.length, desks[index], callbacks));
    const started = Date.now();
    const callers = schedule.map(async (call) => {
      await sleep(Math.max(0, started + call.atSeconds * 1000 - Date.now()));
      try {
        // Off: the offer may still be heard over the music (an idle queue counts as over the threshold), but nobody presses 1.
        const plan = mode === 'on' ? call.plan : { ...call.plan, takesCallback: false };
        await playCaller(twilio, board, createRng(call.seed), timing, counts, plan);
      } catch {
        counts.error += 1;
      }
      finished += 1;
    });
    await Promise.all(callers);
    // The operators stop once nothing is left to take, queued call-backs included; at most ten minutes more.
    await Promise.race([Promise.all(staff), sleep(10 * 60_000)]);
    ending.abort();
    await Promise.all(staff);
    const supervisor = await session(url, 'supervisore');
    const report = (await supervisor('GET', `/api/v1/reports/calls?agency=${OUTAGE_AGENCY}&from=${DAY}&to=${DAY}`)) as { totals: ReportTotals };
    return { mode, counts, callbacks, report: report.totals };
  } finally {
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

console.log(
  `Heating outage, ${options.minutes} min of ALER Pavia-Lodi at ${options.callsPerMinute} calls/min plus ${options.buildingTenants} tenants of ${OUTAGE_BUILDING}, ` +
    `${Math.round(options.impatientShare * 100)} % impatient callers, ${operators.length} operators, seed ${options.seed}: features off and on, side by side (real time)…`,
);
const port = Number(values.port);
const [off, on] = await Promise.all([run('off', port), run('on', port + 1)]);

const pct = (value: number | null) => (value === null ? '—' : `${value} %`);
const reachedOperator = (result: RunResult) => result.report.answered + result.callbacks.reached;
const rows: Record<string, { off: string | number; on: string | number }> = {
  'calls (day report)': { off: off.report.calls, on: on.report.calls },
  'reaching an operator (answered + queued call-backs reached)': { off: reachedOperator(off), on: reachedOperator(on) },
  '  answered in the queue': { off: off.report.answered, on: on.report.answered },
  '  queued call-backs reached': { off: off.callbacks.reached, on: on.callbacks.reached },
  'answered by the incident, no operator': { off: off.counts.incident_report, on: on.counts.incident_report },
  'queued call-backs booked': { off: off.report.queuedCallbacks, on: on.report.queuedCallbacks },
  'abandoned (short abandons apart)': { off: off.report.abandoned, on: on.report.abandoned },
  'short abandons': { off: off.report.shortAbandoned, on: on.report.shortAbandoned },
  'service level (answered within 20 s)': { off: pct(off.report.serviceLevelPct), on: pct(on.report.serviceLevelPct) },
  'mean wait of answered calls (s)': { off: off.report.asaSeconds ?? '—', on: on.report.asaSeconds ?? '—' },
};
console.table(rows);

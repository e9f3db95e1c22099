import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.ts';
import type { DatabaseHandle, Executor } from '../../src/db/client.ts';
import { openPostgres } from '../../src/db/client.ts';
import { openDatabase } from '../../src/db/open-database.ts';
import { migrateDatabase } from '../../src/db/migrate.ts';
import { fixedClock } from '../../src/domain/clock.ts';
import { DEMO_SEED_STEPS } from '../../src/seed/demo-steps.ts';
import { seedDemoIfEmpty } from '../../src/seed/seed-demo.ts';
import { loginAs } from '../helpers/auth.ts';
import { withDatabase } from '../helpers/global-setup.ts';
import type { Scenario } from '../helpers/privacy-scenario.ts';
import { PAVIA, seedPrivacyScenario } from '../helpers/privacy-scenario.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { createTestApp, startTestApp, testConfig } from '../helpers/test-app.ts';
import { TEST_DEMO_PASSWORD } from '../helpers/test-constants.ts';

/**
 * scripts/backup.sh and scripts/restore.sh, run as an operator would: data made through the real
 * webhooks and API, a backup (pg_dump -Fc on native PostgreSQL while the server runs; PGlite's
 * data directory once the server has stopped), a restore into a fresh database and DATA_DIR, and
 * every table of every schema compared row by row. Then the app runs on the restored copy.
 */
const run = promisify(execFile);
const NOW = '2026-11-23T10:00:00+01:00';
const native = Boolean(process.env.DATABASE_URL);

let original: TestApp;
let scenario: Scenario;
let backupDir: string;
let restoredUrl: string | null = null;
let restoredDataDir: string;
let restored: DatabaseHandle;
/** What the original served before it stopped, to compare with what the restored copy serves. */
let ticketBefore: unknown;
let totalsBefore: unknown;
const REPORT = `/api/v1/reports/calls?agency=${PAVIA}&from=2026-11-23&to=2026-11-23`;
const toClose: (() => Promise<void>)[] = [];

async function rowsOf<T>(db: Executor, query: ReturnType<typeof sql>): Promise<T[]> {
  const result = (await db.execute(query)) as unknown;
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

/** Every table of every schema but the system's, with its row count and a digest of all its rows. */
async function contents(db: Executor): Promise<Record<string, { rows: number; digest: string }>> {
  const tables = await rowsOf<{ table_schema: string; table_name: string }>(
    db,
    sql`select table_schema, table_name from information_schema.tables
        where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema') order by 1, 2`,
  );
  const result: Record<string, { rows: number; digest: string }> = {};
  for (const { table_schema: schema, table_name: table } of tables) {
    const [row] = await rowsOf<{ n: number; digest: string | null }>(
      db,
      sql`select count(*)::int as n, md5(string_agg(md5(t::text), ',' order by md5(t::text))) as digest from ${sql.identifier(schema)}.${sql.identifier(table)} t`,
    );
    result[`${schema}.${table}`] = { rows: Number(row.n), digest: row.digest ?? '' };
  }
  return result;
}

/** Every file of a directory with the SHA-256 of its bytes, the PGlite directory left out (it is compared as a database). */
function files(directory: string): Record<string, string> {
  const found: Record<string, string> = {};
  const walk = (current: string) => {
    for (const entry of readdirSync(current)) {
      const full = path.join(current, entry);
      const relative = path.relative(directory, full);
      if (relative === 'pglite') continue;
      if (statSync(full).isDirectory()) walk(full);
      else found[relative] = createHash('sha256').update(readFileSync(full)).digest('hex');
    }
  };
  walk(directory);
  return found;
}

/** The app on a PGlite database in its own DATA_DIR, as `npm start` without DATABASE_URL runs it. */
async function startPgliteApp(dataDir: string): Promise<TestApp> {
  const database = await openDatabase({ databaseUrl: undefined, dataDir });
  await migrateDatabase(database);
  await seedDemoIfEmpty(database.db, DEMO_SEED_STEPS, { demoPassword: TEST_DEMO_PASSWORD, now: new Date('2026-01-01T00:00:00Z') });
  return startTestApp(database, { now: NOW, config: { DATA_DIR: dataDir, DELIVERY_POLL_MS: '0' } });
}

async function script(name: string, args: string[], env: Record<string, string | undefined>) {
  const { stdout, stderr } = await run('bash', [path.resolve('scripts', name), ...args], { env: { ...process.env, ...env }, maxBuffer: 16 * 1024 * 1024 });
  return { stdout: stdout.trim(), stderr };
}

beforeAll(async () => {
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'centralino-backup-'));
  original = native ? await createTestApp({ now: NOW, config: { DELIVERY_POLL_MS: '0' } }) : await startPgliteApp(path.join(workDir, 'data'));
  toClose.push(() => original.database.close());
  scenario = await seedPrivacyScenario(original);
  const supervisor = await loginAs(original.app, 'supervisore');
  ticketBefore = (await original.app.inject({ url: `/api/v1/tickets/${scenario.emailTicket}`, headers: supervisor.headers })).json();
  totalsBefore = (await original.app.inject({ url: REPORT, headers: supervisor.headers })).json().totals;
  const originalUrl = native ? (original.database as DatabaseHandle & { url: string }).url : undefined;

  // The server stops (its background work with it), so that the comparison below has a still
  // original. pg_dump itself reads one consistent snapshot while a server runs; PGlite's
  // directory can only be copied once the server has stopped.
  await original.app.close();
  if (!native) await original.database.close();
  backupDir = (await script('backup.sh', [path.join(workDir, 'backups')], { DATABASE_URL: originalUrl ?? '', DATA_DIR: original.config.dataDir })).stdout
    .split('\n')
    .at(-1)!;

  restoredDataDir = path.join(workDir, 'restored');
  if (native) {
    const name = `centralino_restored_${randomBytes(6).toString('hex')}`;
    const admin = openPostgres(process.env.DATABASE_URL!, { max: 1 });
    await admin.db.execute(`create database ${name}`);
    await admin.close();
    restoredUrl = withDatabase(process.env.DATABASE_URL!, name);
    toClose.push(async () => {
      const dropper = openPostgres(process.env.DATABASE_URL!, { max: 1 });
      await dropper.db.execute(`drop database if exists ${name} with (force)`);
      await dropper.close();
    });
  }
  await script('restore.sh', [backupDir], { DATABASE_URL: restoredUrl ?? '', DATA_DIR: restoredDataDir });
  if (!native) {
    // The original database opens again from its own directory, to be compared with the copy.
    const reopened = await openDatabase({ databaseUrl: undefined, dataDir: original.config.dataDir });
    original = { ...original, database: reopened };
    toClose.push(() => reopened.close());
  }
  restored = restoredUrl ? openPostgres(restoredUrl, { max: 2 }) : await openDatabase({ databaseUrl: undefined, dataDir: restoredDataDir });
  toClose.unshift(() => restored.close());
}, 180_000);

afterAll(async () => {
  for (const close of toClose.reverse()) await close().catch(() => {});
});

describe('backup and restore', () => {
  it('writes a checksummed backup of the database and DATA_DIR', () => {
    const manifest = readFileSync(path.join(backupDir, 'SHA256SUMS'), 'utf8');
    expect(manifest).toContain('data-dir.tar.gz');
    expect(manifest).toContain(native ? 'database.dump' : 'pglite.tar.gz');
  });

  it('restores every table of every schema, row for row', async () => {
    const before = await contents(original.database.db);
    const after = await contents(restored.db);
    expect(Object.keys(after)).toEqual(Object.keys(before));
    expect(after).toEqual(before);
    // The records made through the webhooks and the API are among them.
    for (const table of [
      'public.calls',
      'public.call_events',
      'public.tickets',
      'public.ticket_events',
      'public.inbound_emails',
      'public.inbound_email_raw',
      'public.email_attachments',
      'public.email_blob_chunks',
      'public.callbacks',
      'public.deliveries',
      'public.tenants',
      'public.users',
      'drizzle.__drizzle_migrations',
    ]) {
      expect(after[table]?.rows, table).toBeGreaterThan(0);
    }
  });

  it('restores DATA_DIR byte for byte', () => {
    expect(files(restoredDataDir)).toEqual(files(original.config.dataDir));
  });

  it('serves the restored copy: migrations find nothing to do, the same ticket reads the same', async () => {
    await migrateDatabase(restored);
    const copy = await buildApp({
      config: testConfig({ DATA_DIR: restoredDataDir, DELIVERY_POLL_MS: '0' }),
      database: restored,
      clock: fixedClock(NOW),
      processMetrics: false,
    });
    await copy.ready();
    try {
      const supervisor = await loginAs(copy, 'supervisore');
      const ticket = await copy.inject({ url: `/api/v1/tickets/${scenario.emailTicket}`, headers: supervisor.headers });
      expect(ticket.statusCode).toBe(200);
      expect(ticket.json()).toEqual(ticketBefore);
      const totals = (await copy.inject({ url: REPORT, headers: supervisor.headers })).json().totals;
      expect(totals).toEqual(totalsBefore);
      expect(totals).toMatchObject({ calls: 3, emails: 1, tickets: 3 });
    } finally {
      await copy.close();
    }
  });

  it('refuses to restore over a database that has data', async () => {
    const target = native ? restoredUrl! : '';
    const failed = await script('restore.sh', [backupDir], { DATABASE_URL: target, DATA_DIR: restoredDataDir }).then(
      () => false,
      () => true,
    );
    expect(failed).toBe(true);
  });
});

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import type { Database, DatabaseHandle } from './client.ts';

export const MIGRATIONS_FOLDER = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../migrations');

// An arbitrary constant: every node of a cluster takes the same advisory lock, so that
// only one applies migrations while the others wait and then find nothing left to do.
const MIGRATION_LOCK_KEY = 7_231_908_114;

/** Applies `migrations/` with drizzle's migrator for the handle's driver. Fails loudly. */
export async function migrateDatabase(handle: DatabaseHandle): Promise<void> {
  if (handle.driver === 'pglite') {
    const { migrate } = await import('drizzle-orm/pglite/migrator');
    await migrate(handle.db as never, { migrationsFolder: MIGRATIONS_FOLDER });
    return;
  }
  const { migrate } = await import('drizzle-orm/postgres-js/migrator');
  // Embedded PGlite belongs to this process alone: no other node can be migrating it.
  if (handle.kind === 'pglite') return void (await migrate(handle.db as never, { migrationsFolder: MIGRATIONS_FOLDER }));
  await withAdvisoryLock(handle.db, MIGRATION_LOCK_KEY, () => migrate(handle.db as never, { migrationsFolder: MIGRATIONS_FOLDER }));
}

/** Runs `work` while holding a session advisory lock inside one transaction's connection. */
async function withAdvisoryLock<T>(db: Database, key: number, work: () => Promise<T>): Promise<T> {
  // A transaction-scoped lock pins one pooled connection for the lock's lifetime; the migrator
  // itself runs on other connections and commits on its own, which is what we want.
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let acquired!: () => void;
  const lockAcquired = new Promise<void>((resolve) => (acquired = resolve));
  const holder = db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${key})`);
    acquired();
    await released;
  });
  await Promise.race([lockAcquired, holder]);
  try {
    return await work();
  } finally {
    release();
    await holder;
  }
}

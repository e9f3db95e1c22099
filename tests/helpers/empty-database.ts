import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import type { DatabaseHandle } from '../../src/db/client.ts';
import { openPostgres, wrapPglite } from '../../src/db/client.ts';
import { migrateDatabase } from '../../src/db/migrate.ts';
import { withDatabase } from './global-setup.ts';

/**
 * A migrated database with nothing in it, as a first start finds it (the test template is seeded):
 * in-memory PGlite by default, a new database on native Postgres with DATABASE_URL. With
 * `migrate: false` it is as a fresh install finds it, before the server's own migrations.
 */
export async function createEmptyDatabase(options: { migrate?: boolean } = {}): Promise<DatabaseHandle & { url: string | null }> {
  const url = process.env.DATABASE_URL;
  let handle: DatabaseHandle & { url: string | null };
  if (url) {
    const name = `centralino_empty_${randomBytes(6).toString('hex')}`;
    const admin = openPostgres(url, { max: 1 });
    await admin.db.execute(`create database ${name}`);
    await admin.close();
    const databaseUrl = withDatabase(url, name);
    const opened = openPostgres(databaseUrl, { max: 2 });
    handle = {
      ...opened,
      url: databaseUrl,
      close: async () => {
        await opened.close();
        const dropper = openPostgres(url, { max: 1 });
        await dropper.db.execute(`drop database if exists ${name} with (force)`);
        await dropper.close();
      },
    };
  } else {
    handle = { ...wrapPglite(await PGlite.create()), url: null };
  }
  if (options.migrate !== false) await migrateDatabase(handle);
  return handle;
}

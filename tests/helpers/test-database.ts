import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { inject } from 'vitest';
import type { DatabaseHandle } from '../../src/db/client.ts';
import { openPostgres, wrapPglite } from '../../src/db/client.ts';
import { withDatabase } from './global-setup.ts';

/** A fresh, migrated database with the demo seed: PGlite by default, native Postgres with DATABASE_URL. */
export async function createTestDatabase(): Promise<DatabaseHandle & { url: string | null }> {
  const template = inject('postgresTemplate');
  const url = process.env.DATABASE_URL;
  if (url && template) {
    const name = `centralino_test_${randomBytes(6).toString('hex')}`;
    const admin = openPostgres(url, { max: 1 });
    // CREATE DATABASE … TEMPLATE refuses while another session is connected to the template,
    // which several test files starting at once briefly are; retry a few times.
    for (let attempt = 0; ; attempt += 1) {
      try {
        await admin.db.execute(`create database ${name} template ${template}`);
        break;
      } catch (error) {
        if (attempt >= 20) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 200));
      }
    }
    await admin.close();
    const testUrl = withDatabase(url, name);
    const handle = openPostgres(testUrl, { max: 5 });
    return {
      ...handle,
      url: testUrl,
      close: async () => {
        await handle.close();
        const dropper = openPostgres(url, { max: 1 });
        await dropper.db.execute(`drop database if exists ${name} with (force)`);
        await dropper.close();
      },
    };
  }
  const dump = readFileSync(inject('pgliteDump'));
  const client = await PGlite.create({ loadDataDir: new Blob([dump]) });
  return { ...wrapPglite(client), url: null };
}

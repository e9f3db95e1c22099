import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { DatabaseHandle } from './client.ts';
import { openPostgres } from './client.ts';
import { openPgliteInThread } from './pglite-in-thread.ts';

/** PGlite in `<dataDir>/pglite`, on a thread of its own, when no DATABASE_URL is given; native Postgres otherwise. */
export async function openDatabase(options: { databaseUrl: string | undefined; dataDir: string }): Promise<DatabaseHandle> {
  if (options.databaseUrl) return openPostgres(options.databaseUrl);
  const directory = path.resolve(options.dataDir, 'pglite');
  mkdirSync(directory, { recursive: true });
  return openPgliteInThread(directory);
}

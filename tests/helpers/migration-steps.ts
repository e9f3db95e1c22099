import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { Executor } from '../../src/db/client.ts';
import { MIGRATIONS_FOLDER } from '../../src/db/migrate.ts';

/**
 * The migration files, split at the one that starts with `prefix` (e.g. `0014_`): a test runs the
 * ones before, writes rows the old way, then runs the rest and looks at what became of them.
 */
export function migrationsAround(prefix: string): { before: string[]; from: string[] } {
  const files = readdirSync(MIGRATIONS_FOLDER)
    .filter((file) => file.endsWith('.sql'))
    .sort();
  const at = files.findIndex((file) => file.startsWith(prefix));
  if (at < 0) throw new Error(`No migration ${prefix}*`);
  return { before: files.slice(0, at), from: files.slice(at) };
}

/** Runs migration files statement by statement, as drizzle's migrator does. */
export async function runMigrationFiles(executor: Executor, files: readonly string[]): Promise<void> {
  for (const file of files) {
    const text = readFileSync(path.join(MIGRATIONS_FOLDER, file), 'utf8');
    for (const statement of text.split('--> statement-breakpoint')) if (statement.trim()) await executor.execute(sql.raw(statement));
  }
}

/** Rows of a raw query, whichever driver answered (PGlite gives `{ rows }`, postgres.js an array). */
export async function rowsOf<T>(executor: Executor, query: ReturnType<typeof sql>): Promise<T[]> {
  const result = (await executor.execute(query)) as unknown;
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

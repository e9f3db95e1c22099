import { sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { Executor } from './client.ts';

/*
 * Helpers for the statements written in SQL rather than drizzle's builder (reports, privacy,
 * staffing): one way to read their rows on both drivers and to pass lists as parameters.
 */

/** PGlite answers `{ rows }`, postgres.js an array of rows. */
export async function rowsOf<T>(db: Executor, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown;
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

/** A list as one array parameter per value: `array[$1, $2]::text[]`, never text spliced into SQL. */
export const array = (values: readonly (string | number)[], type: 'text' | 'uuid' | 'int8' | 'date') =>
  values.length === 0
    ? sql`array[]::${sql.raw(type)}[]`
    : sql`array[${sql.join(
        values.map((value) => sql`${value}`),
        sql`, `,
      )}]::${sql.raw(type)}[]`;

export const texts = (values: readonly string[]) => array(values, 'text');

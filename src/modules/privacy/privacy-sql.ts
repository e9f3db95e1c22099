import { sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';

/*
 * The raw SQL helpers of the privacy repositories: their statements span every table of an agency
 * (GDPR duties are about all of its data), so they are written in SQL rather than drizzle's builder.
 */

/** PGlite answers `{ rows }`, postgres.js an array of rows. */
export async function rowsOf<T>(db: Executor, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown;
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

export async function countOf(db: Executor, statement: SQL): Promise<number> {
  const [row] = await rowsOf<{ n: number }>(db, sql`with changed as (${statement} returning 1) select count(*)::int as n from changed`);
  return Number(row?.n ?? 0);
}

export const array = (values: readonly (string | number)[], type: 'text' | 'uuid' | 'int8') =>
  values.length === 0
    ? sql`array[]::${sql.raw(type)}[]`
    : sql`array[${sql.join(
        values.map((value) => sql`${value}`),
        sql`, `,
      )}]::${sql.raw(type)}[]`;

export const texts = (values: readonly string[]) => array(values, 'text');

export const uuids = (values: readonly string[]) => array(values, 'uuid');

import { sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { array, rowsOf } from '../../db/raw-sql.ts';

/*
 * The raw SQL helpers of the privacy repositories: their statements span every table of an agency
 * (GDPR duties are about all of its data), so they are written in SQL rather than drizzle's builder.
 */

export { array, rowsOf, texts } from '../../db/raw-sql.ts';

export async function countOf(db: Executor, statement: SQL): Promise<number> {
  const [row] = await rowsOf<{ n: number }>(db, sql`with changed as (${statement} returning 1) select count(*)::int as n from changed`);
  return Number(row?.n ?? 0);
}

export const uuids = (values: readonly string[]) => array(values, 'uuid');

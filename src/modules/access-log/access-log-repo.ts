import { and, asc, getTableColumns, gte, inArray, lt, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { accessLog } from '../../db/schema/index.ts';

export type AccessLogRow = typeof accessLog.$inferSelect;

export async function insertEntries(db: Executor, entries: (typeof accessLog.$inferInsert)[]): Promise<void> {
  if (entries.length > 0) await db.insert(accessLog).values(entries);
}

/** Where the previous page stopped: (at, id) of its last entry, `at` as Postgres wrote it (microseconds; a Date keeps milliseconds). */
export type EntryCursor = Readonly<{ at: string; id: number }> | null;

/**
 * One page of the log in (at, id) order after `after`: keyset paging, so every page is one index
 * range scan however deep into the log it is, and entries sharing an instant are neither skipped
 * nor repeated at a page boundary.
 */
export async function pageOfEntries(
  db: Executor,
  query: { agencies: readonly string[]; from?: Date; to?: Date; after: EntryCursor; limit: number },
): Promise<(AccessLogRow & { cursorAt: string })[]> {
  if (query.agencies.length === 0 || query.limit <= 0) return [];
  const conditions = [inArray(accessLog.agencyCode, [...query.agencies])];
  if (query.from) conditions.push(gte(accessLog.at, query.from));
  if (query.to) conditions.push(lt(accessLog.at, query.to));
  if (query.after) {
    // The first condition lets the index scan start at the cursor; the second breaks ties within an instant.
    conditions.push(sql`${accessLog.at} >= ${query.after.at}::timestamptz`);
    conditions.push(sql`(${accessLog.at}, ${accessLog.id}) > (${query.after.at}::timestamptz, ${query.after.id}::bigint)`);
  }
  return db
    .select({ ...getTableColumns(accessLog), cursorAt: sql<string>`${accessLog.at}::text` })
    .from(accessLog)
    .where(and(...conditions))
    .orderBy(asc(accessLog.at), asc(accessLog.id))
    .limit(query.limit);
}

import { and, asc, gte, inArray, lt } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { accessLog } from '../../db/schema/index.ts';

export type AccessLogRow = typeof accessLog.$inferSelect;

export async function insertEntries(db: Executor, entries: (typeof accessLog.$inferInsert)[]): Promise<void> {
  if (entries.length > 0) await db.insert(accessLog).values(entries);
}

export async function listEntries(db: Executor, query: { agencies: readonly string[]; from?: Date; to?: Date; limit: number }): Promise<AccessLogRow[]> {
  if (query.agencies.length === 0) return [];
  const conditions = [inArray(accessLog.agencyCode, [...query.agencies])];
  if (query.from) conditions.push(gte(accessLog.at, query.from));
  if (query.to) conditions.push(lt(accessLog.at, query.to));
  return db
    .select()
    .from(accessLog)
    .where(and(...conditions))
    .orderBy(asc(accessLog.at), asc(accessLog.id))
    .limit(query.limit);
}

import { and, desc, eq, lt } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { auditTrail } from '../../db/schema/index.ts';

export type AuditRow = typeof auditTrail.$inferSelect;

export async function insertEntry(db: Executor, entry: typeof auditTrail.$inferInsert): Promise<void> {
  await db.insert(auditTrail).values(entry);
}

/** Newest first, keyset paging on the id (ids grow with time on one database). */
export async function pageOfEntries(
  db: Executor,
  query: { agency?: string; targetKind?: AuditRow['targetKind']; targetId?: string; beforeId?: number; limit: number },
): Promise<AuditRow[]> {
  const conditions = [];
  if (query.agency) conditions.push(eq(auditTrail.agencyCode, query.agency));
  if (query.targetKind) conditions.push(eq(auditTrail.targetKind, query.targetKind));
  if (query.targetId) conditions.push(eq(auditTrail.targetId, query.targetId));
  if (query.beforeId !== undefined) conditions.push(lt(auditTrail.id, query.beforeId));
  return db
    .select()
    .from(auditTrail)
    .where(and(...conditions))
    .orderBy(desc(auditTrail.id))
    .limit(query.limit);
}

import { and, desc, eq, inArray } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { privacyReceipts } from '../../db/schema/index.ts';

/* Receipts: the record of every retention pass, export, erasure, deletion and settings change. */

export type ReceiptRow = typeof privacyReceipts.$inferSelect;

export type NewReceipt = typeof privacyReceipts.$inferInsert;

export async function insertReceipt(db: Executor, row: NewReceipt): Promise<ReceiptRow> {
  const [inserted] = await db.insert(privacyReceipts).values(row).returning();
  return inserted;
}

export async function finishReceipt(
  db: Executor,
  id: string,
  change: Partial<Pick<ReceiptRow, 'status' | 'completedAt' | 'counts' | 'sha256' | 'byteSize' | 'details'>>,
): Promise<ReceiptRow | undefined> {
  const [row] = await db.update(privacyReceipts).set(change).where(eq(privacyReceipts.id, id)).returning();
  return row;
}

export async function findReceipt(db: Executor, id: string): Promise<ReceiptRow | undefined> {
  const [row] = await db.select().from(privacyReceipts).where(eq(privacyReceipts.id, id));
  return row;
}

export async function listReceipts(db: Executor, agencies: readonly string[] | undefined, limit: number): Promise<ReceiptRow[]> {
  const query = db.select().from(privacyReceipts);
  const filtered = agencies === undefined ? query : query.where(inArray(privacyReceipts.agencyCode, agencies.length > 0 ? [...agencies] : ['']));
  return filtered.orderBy(desc(privacyReceipts.requestedAt), desc(privacyReceipts.id)).limit(limit);
}

export async function findCompletedExport(db: Executor, agency: string, sha256: string): Promise<ReceiptRow | undefined> {
  const [row] = await db
    .select()
    .from(privacyReceipts)
    .where(
      and(
        eq(privacyReceipts.agencyCode, agency),
        eq(privacyReceipts.kind, 'agency_export'),
        eq(privacyReceipts.status, 'completed'),
        eq(privacyReceipts.sha256, sha256),
      ),
    )
    .orderBy(desc(privacyReceipts.completedAt))
    .limit(1);
  return row;
}

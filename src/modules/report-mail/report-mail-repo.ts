import { and, desc, eq, inArray } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import type { ReportMailKind } from '../../db/schema/report-mail.ts';
import { reportMailings, reportMailRecipients } from '../../db/schema/report-mail.ts';

export type ReportMailingRow = typeof reportMailings.$inferSelect;
export type NewReportMailing = typeof reportMailings.$inferInsert;

export async function recipientsOf(db: Executor, agency: string): Promise<{ kind: ReportMailKind; address: string }[]> {
  return db
    .select({ kind: reportMailRecipients.kind, address: reportMailRecipients.address })
    .from(reportMailRecipients)
    .where(eq(reportMailRecipients.agencyCode, agency))
    .orderBy(reportMailRecipients.kind, reportMailRecipients.address);
}

/** Every (agency, kind, address) that receives something: what the monthly pass walks. */
export async function allRecipients(db: Executor) {
  return db.select().from(reportMailRecipients).orderBy(reportMailRecipients.agencyCode, reportMailRecipients.kind);
}

export async function replaceRecipients(db: Executor, agency: string, rows: readonly { kind: ReportMailKind; address: string }[]): Promise<void> {
  await db.delete(reportMailRecipients).where(eq(reportMailRecipients.agencyCode, agency));
  if (rows.length > 0) await db.insert(reportMailRecipients).values(rows.map((row) => ({ ...row, agencyCode: agency })));
}

/** The addresses that already have this period's mail (whatever became of it). */
export async function addressesMailed(db: Executor, query: { agency: string; kind: ReportMailKind; period: string }): Promise<Set<string>> {
  const rows = await db
    .select({ address: reportMailings.toAddress })
    .from(reportMailings)
    .where(and(eq(reportMailings.agencyCode, query.agency), eq(reportMailings.kind, query.kind), eq(reportMailings.period, query.period)));
  return new Set(rows.map((row) => row.address));
}

/** Inserts the mailings; one already written by another pass or node (same dedupe key) is left as it is. */
export async function insertMailings(db: Executor, rows: readonly NewReportMailing[]): Promise<number> {
  if (rows.length === 0) return 0;
  const inserted = await db
    .insert(reportMailings)
    .values([...rows])
    .onConflictDoNothing({ target: reportMailings.dedupeKey })
    .returning({ id: reportMailings.id });
  return inserted.length;
}

export async function recentMailings(db: Executor, agency: string, limit: number): Promise<ReportMailingRow[]> {
  return db
    .select()
    .from(reportMailings)
    .where(eq(reportMailings.agencyCode, agency))
    .orderBy(desc(reportMailings.createdAt), reportMailings.toAddress)
    .limit(limit);
}

export async function mailingsOf(db: Executor, ids: readonly string[]): Promise<ReportMailingRow[]> {
  return ids.length === 0
    ? []
    : db
        .select()
        .from(reportMailings)
        .where(inArray(reportMailings.id, [...ids]));
}

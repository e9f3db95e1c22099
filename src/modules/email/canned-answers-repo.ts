import { asc, eq } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { cannedAnswers } from '../../db/schema/index.ts';
import type { CannedAnswer } from '../../domain/ticket-reply.ts';

/** An agency's canned answers in their order, or null when its supervisors have not written any yet. */
export async function listCannedAnswers(db: Executor, agencyCode: string): Promise<CannedAnswer[] | null> {
  const rows = await db
    .select({ title: cannedAnswers.title, body: cannedAnswers.body })
    .from(cannedAnswers)
    .where(eq(cannedAnswers.agencyCode, agencyCode))
    .orderBy(asc(cannedAnswers.position));
  return rows.length > 0 ? rows : null;
}

/** The whole list at once (in the caller's transaction): the order on screen is the order kept. */
export async function replaceCannedAnswers(tx: Executor, agencyCode: string, answers: readonly CannedAnswer[], by: string, now: Date): Promise<void> {
  await tx.delete(cannedAnswers).where(eq(cannedAnswers.agencyCode, agencyCode));
  if (answers.length === 0) return;
  await tx.insert(cannedAnswers).values(answers.map((answer, position) => ({ agencyCode, position, ...answer, updatedBy: by, updatedAt: now })));
}

import { and, asc, eq, gt, inArray, isNull, or } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { callbackAttempts, callbacks } from '../../db/schema/index.ts';

export type CallbackRow = typeof callbacks.$inferSelect;
export type NewCallbackRow = typeof callbacks.$inferInsert;

/** One task per abandoned call: replays and later steps of the same call find it and add nothing. */
export async function insertCallbackOnce(tx: Executor, row: NewCallbackRow): Promise<CallbackRow | undefined> {
  const [inserted] = await tx.insert(callbacks).values(row).onConflictDoNothing({ target: callbacks.callSid }).returning();
  return inserted;
}

export async function findCallbackByCallSid(tx: Executor, callSid: string): Promise<CallbackRow | undefined> {
  const [row] = await tx.select().from(callbacks).where(eq(callbacks.callSid, callSid));
  return row;
}

export async function findCallback(tx: Executor, id: string): Promise<CallbackRow | undefined> {
  const [row] = await tx.select().from(callbacks).where(eq(callbacks.id, id));
  return row;
}

/** Changes the task only if it is still as the caller saw it (status and number of attempts). */
export async function updateCallbackIf(
  tx: Executor,
  id: string,
  expected: { status: string; attempts: number; unassigned?: boolean },
  changes: Partial<NewCallbackRow>,
): Promise<CallbackRow | undefined> {
  const conditions: SQL[] = [eq(callbacks.id, id), eq(callbacks.status, expected.status as CallbackRow['status']), eq(callbacks.attempts, expected.attempts)];
  if (expected.unassigned) conditions.push(isNull(callbacks.assignedTo));
  const [row] = await tx
    .update(callbacks)
    .set(changes)
    .where(and(...conditions))
    .returning();
  return row;
}

export async function insertCallbackAttempt(tx: Executor, attempt: typeof callbackAttempts.$inferInsert): Promise<void> {
  await tx.insert(callbackAttempts).values(attempt);
}

export async function attemptsOfCallbacks(tx: Executor, ids: readonly string[]) {
  if (ids.length === 0) return [];
  return tx
    .select()
    .from(callbackAttempts)
    .where(inArray(callbackAttempts.callbackId, [...ids]))
    .orderBy(asc(callbackAttempts.id));
}

/** Soonest due first, keyset-paginated on (due_at, id). */
export async function listCallbacks(
  tx: Executor,
  filter: { agencies: readonly string[]; status?: string; limit: number; after?: { dueAt: Date; id: string } },
): Promise<{ items: CallbackRow[]; nextCursor: string | null }> {
  if (filter.agencies.length === 0) return { items: [], nextCursor: null };
  const conditions: SQL[] = [inArray(callbacks.agencyCode, [...filter.agencies])];
  if (filter.status) conditions.push(eq(callbacks.status, filter.status as CallbackRow['status']));
  if (filter.after) {
    const { dueAt, id } = filter.after;
    conditions.push(or(gt(callbacks.dueAt, dueAt), and(eq(callbacks.dueAt, dueAt), gt(callbacks.id, id)))!);
  }
  const rows = await tx
    .select()
    .from(callbacks)
    .where(and(...conditions))
    .orderBy(asc(callbacks.dueAt), asc(callbacks.id))
    .limit(filter.limit + 1);
  const items = rows.slice(0, filter.limit);
  const last = items.at(-1);
  const nextCursor = rows.length > filter.limit && last ? Buffer.from(JSON.stringify([last.dueAt.toISOString(), last.id])).toString('base64url') : null;
  return { items, nextCursor };
}

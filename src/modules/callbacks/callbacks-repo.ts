import { and, asc, count, eq, getTableColumns, gt, gte, inArray, isNull, lt, lte, or, sql } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { callbackAttempts, callbackCalls, callbacks } from '../../db/schema/index.ts';

export type CallbackRow = typeof callbacks.$inferSelect;
export type NewCallbackRow = typeof callbacks.$inferInsert;
export type CallbackCallRow = typeof callbackCalls.$inferSelect;

/** The task an abandoned call was filed under, if it was: replays and later steps of the call add nothing. */
export async function findCallbackCall(tx: Executor, callSid: string): Promise<CallbackCallRow | undefined> {
  const [row] = await tx.select().from(callbackCalls).where(eq(callbackCalls.callSid, callSid));
  return row;
}

/**
 * The caller's open task in the agency, created or, when one is open already, with this call
 * appended (one more abandoned call, the earlier deadline kept). One statement against the partial
 * unique index on open tasks: two nodes recording two calls of the same caller at once end up with
 * one task, never two. `created` tells which happened.
 */
export async function upsertOpenCallback(tx: Executor, row: NewCallbackRow & { lastAbandonedAt: Date }): Promise<{ task: CallbackRow; created: boolean }> {
  const [upserted] = await tx
    .insert(callbacks)
    .values({ ...row, abandonedCalls: 1 })
    .onConflictDoUpdate({
      target: [callbacks.agencyCode, callbacks.callerPhone],
      targetWhere: sql`${callbacks.status} = 'open'`,
      set: {
        abandonedCalls: sql`${callbacks.abandonedCalls} + 1`,
        lastAbandonedAt: sql`greatest(${callbacks.lastAbandonedAt}, excluded.last_abandoned_at)`,
        dueAt: sql`least(${callbacks.dueAt}, excluded.due_at)`,
        // What the caller wanted last time is what the operator should ask about.
        queueName: sql`excluded.queue_name`,
        category: sql`excluded.category`,
        updatedAt: sql`excluded.updated_at`,
      },
    })
    // xmax is 0 only for a row this statement inserted (an update leaves its own transaction id).
    .returning({ ...getTableColumns(callbacks), created: sql<boolean>`(xmax = 0)` });
  const { created, ...task } = upserted;
  return { task, created: Boolean(created) };
}

export async function insertCallbackCall(tx: Executor, row: typeof callbackCalls.$inferInsert): Promise<void> {
  await tx.insert(callbackCalls).values(row).onConflictDoNothing();
}

export async function callsOfCallback(tx: Executor, id: string): Promise<CallbackCallRow[]> {
  return tx.select().from(callbackCalls).where(eq(callbackCalls.callbackId, id)).orderBy(asc(callbackCalls.abandonedAt), asc(callbackCalls.callSid));
}

/**
 * Closes the caller's open task in the agency because a later call of theirs was answered
 * (`answeredAt`); a task whose latest abandoned call came after that answer is left open.
 */
export async function closeOpenForAnsweredCaller(
  tx: Executor,
  input: { agencyCode: string; callerPhone: string; callSid: string; answeredAt: Date; now: Date },
): Promise<CallbackRow[]> {
  return tx
    .update(callbacks)
    .set({
      status: 'done',
      closedReason: 'answered_inbound',
      closedByCallSid: input.callSid,
      closedAt: input.now,
      assignedTo: null,
      updatedAt: input.now,
    })
    .where(
      and(
        eq(callbacks.agencyCode, input.agencyCode),
        eq(callbacks.callerPhone, input.callerPhone),
        eq(callbacks.status, 'open'),
        lte(callbacks.lastAbandonedAt, input.answeredAt),
      ),
    )
    .returning();
}

export async function callbacksClosedByCall(tx: Executor, callSid: string): Promise<CallbackRow[]> {
  return tx.select().from(callbacks).where(eq(callbacks.closedByCallSid, callSid));
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

/** Whether the softphone leg `callSid` was already recorded as a dial of the task (Twilio retries the voice URL). */
export async function hasDialAttempt(tx: Executor, callbackId: string, callSid: string): Promise<boolean> {
  const rows = await tx
    .select({ id: callbackAttempts.id })
    .from(callbackAttempts)
    .where(and(eq(callbackAttempts.callbackId, callbackId), eq(callbackAttempts.callSid, callSid), eq(callbackAttempts.outcome, 'dialled')))
    .limit(1);
  return rows.length > 0;
}

export async function attemptsOfCallbacks(tx: Executor, ids: readonly string[]) {
  if (ids.length === 0) return [];
  return tx
    .select()
    .from(callbackAttempts)
    .where(inArray(callbackAttempts.callbackId, [...ids]))
    .orderBy(asc(callbackAttempts.id));
}

/** The open task of a number in any of `agencies`, soonest due first: what a softphone may dial. */
export async function openCallbacksOfPhone(tx: Executor, agencies: readonly string[], phone: string): Promise<CallbackRow[]> {
  if (agencies.length === 0) return [];
  return tx
    .select()
    .from(callbacks)
    .where(and(inArray(callbacks.agencyCode, [...agencies]), eq(callbacks.callerPhone, phone), eq(callbacks.status, 'open')))
    .orderBy(asc(callbacks.dueAt), asc(callbacks.id));
}

export type CallbackFilter = {
  agencies: readonly string[];
  status?: string;
  /** true: open and past the deadline at `now`; false: open and not yet due. */
  overdue?: boolean;
  now: Date;
};

function filterConditions(filter: CallbackFilter): SQL[] {
  const conditions: SQL[] = [inArray(callbacks.agencyCode, [...filter.agencies])];
  if (filter.status) conditions.push(eq(callbacks.status, filter.status as CallbackRow['status']));
  if (filter.overdue === true) conditions.push(eq(callbacks.status, 'open'), lt(callbacks.dueAt, filter.now));
  if (filter.overdue === false) conditions.push(eq(callbacks.status, 'open'), gte(callbacks.dueAt, filter.now));
  return conditions;
}

/** Soonest due first (so overdue tasks lead), keyset-paginated on (due_at, id). */
export async function listCallbacks(
  tx: Executor,
  filter: CallbackFilter & { limit: number; after?: { dueAt: Date; id: string } },
): Promise<{ items: CallbackRow[]; nextCursor: string | null }> {
  if (filter.agencies.length === 0) return { items: [], nextCursor: null };
  const conditions = filterConditions(filter);
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

/** How many tasks the whole filter matches (every page), and how many of those are overdue at `now`. */
export async function countCallbacks(tx: Executor, filter: CallbackFilter): Promise<{ total: number; overdue: number }> {
  if (filter.agencies.length === 0) return { total: 0, overdue: 0 };
  const [row] = await tx
    .select({
      total: count(),
      overdue: sql<number>`count(*) filter (where ${callbacks.status} = 'open' and ${callbacks.dueAt} < ${filter.now.toISOString()}::timestamptz)`.mapWith(
        Number,
      ),
    })
    .from(callbacks)
    .where(and(...filterConditions(filter)));
  return { total: Number(row?.total ?? 0), overdue: Number(row?.overdue ?? 0) };
}

import { and, asc, desc, eq, gte, inArray, isNull, lt, lte, or, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { callEvents, callOutcomeCodes, callRatings, calls, operatorLegs } from '../../db/schema/index.ts';
import type { OutcomeCode } from '../../domain/call-outcome-codes.ts';
import type { VoiceDecision } from './voice-decisions.ts';

export type CallRow = typeof calls.$inferSelect;
export type NewCall = typeof calls.$inferInsert;

export type StepRecord = Readonly<{
  callSid: string;
  step: string;
  type: string;
  payload: Record<string, unknown>;
  occurredAt: Date;
}>;

/**
 * Claims a webhook step. Returns null when this step was recorded before (a retry), together
 * with the stored decision so the caller can answer the same; otherwise the new event's id.
 */
export async function claimStep(
  tx: Executor,
  record: StepRecord,
): Promise<{ fresh: true; eventId: number } | { fresh: false; decision: VoiceDecision | null }> {
  const inserted = await tx.insert(callEvents).values(record).onConflictDoNothing().returning({ id: callEvents.id });
  if (inserted.length > 0) return { fresh: true, eventId: inserted[0].id };
  const [existing] = await tx
    .select({ response: callEvents.response })
    .from(callEvents)
    .where(and(eq(callEvents.callSid, record.callSid), eq(callEvents.step, record.step)));
  return { fresh: false, decision: existing?.response ? (JSON.parse(existing.response) as VoiceDecision) : null };
}

/** An event that is not a webhook (the reconciler's conclusions); once per (CallSid, step). */
export async function recordEvent(tx: Executor, record: StepRecord): Promise<void> {
  await tx.insert(callEvents).values(record).onConflictDoNothing();
}

export async function storeDecision(tx: Executor, eventId: number, decision: VoiceDecision): Promise<void> {
  await tx
    .update(callEvents)
    .set({ response: JSON.stringify(decision) })
    .where(eq(callEvents.id, eventId));
}

/** The few facts of a call another module needs (tickets link calls, the screen pop reads the caller). */
export async function findCallSummary(tx: Executor, callSid: string) {
  const [row] = await tx
    .select({ callSid: calls.callSid, agencyCode: calls.agencyCode, portfolioId: calls.portfolioId, fromNumber: calls.fromNumber, category: calls.category })
    .from(calls)
    .where(eq(calls.callSid, callSid));
  return row;
}

export async function findCallBySid(tx: Executor, callSid: string, options: { forUpdate?: boolean } = {}): Promise<CallRow | undefined> {
  const query = tx.select().from(calls).where(eq(calls.callSid, callSid));
  const rows = options.forUpdate ? await query.for('update') : await query;
  return rows[0];
}

export async function insertCall(tx: Executor, call: NewCall): Promise<CallRow> {
  const [row] = await tx.insert(calls).values(call).onConflictDoNothing({ target: calls.callSid }).returning();
  return row ?? (await findCallBySid(tx, call.callSid))!;
}

export async function updateCall(tx: Executor, id: string, changes: Partial<NewCall>): Promise<CallRow> {
  const [row] = await tx.update(calls).set(changes).where(eq(calls.id, id)).returning();
  return row;
}

/**
 * Calls waiting in any of the given queues, oldest first: callers on hold, and queued call-backs
 * (placeholders keeping a caller's place) that may be dialled at `now`.
 */
export async function findWaitingCalls(tx: Executor, queueNames: readonly string[], now: Date): Promise<CallRow[]> {
  if (queueNames.length === 0) return [];
  return tx
    .select()
    .from(calls)
    .where(
      and(
        inArray(calls.queueName, [...queueNames]),
        or(eq(calls.outcome, 'queued'), and(eq(calls.outcome, 'callback_waiting'), or(isNull(calls.callbackNotBefore), lte(calls.callbackNotBefore, now)))),
      ),
    )
    .orderBy(asc(calls.enqueuedAt))
    .limit(500);
}

/**
 * What the wait loop needs to estimate a caller's wait: the caller's place among those waiting in
 * its queue (placeholders included, in the order the next-call pick uses) and how many calls of
 * the queue an operator took since `since`.
 */
export async function queueLoadOf(tx: Executor, call: CallRow, since: Date): Promise<{ position: number; answeredInWindow: number }> {
  const queueName = call.queueName ?? '';
  const enqueuedAt = call.enqueuedAt ?? call.startedAt;
  const [row] = await tx
    .select({
      position: sql<number>`count(*) filter (where ${calls.outcome} in ('queued', 'callback_waiting') and ${calls.enqueuedAt} <= ${enqueuedAt.toISOString()}::timestamptz)::int`,
      answered: sql<number>`count(*) filter (where ${calls.outcome} in ('bridged', 'answered') and ${calls.bridgedAt} >= ${since.toISOString()}::timestamptz)::int`,
    })
    .from(calls)
    .where(and(eq(calls.queueName, queueName), gte(calls.startedAt, new Date(since.getTime() - 6 * 3600_000))));
  return { position: Math.max(1, row?.position ?? 1), answeredInWindow: row?.answered ?? 0 };
}

/** Takes a placeholder for one dial, if it is still free at `now`: of two operators asking at once, one gets it. */
export async function claimQueuedCallback(tx: Executor, id: string, now: Date, heldUntil: Date): Promise<CallRow | undefined> {
  const [row] = await tx
    .update(calls)
    .set({ callbackAttempts: sql`coalesce(${calls.callbackAttempts}, 0) + 1`, callbackNotBefore: heldUntil, updatedAt: now })
    .where(and(eq(calls.id, id), eq(calls.outcome, 'callback_waiting'), or(isNull(calls.callbackNotBefore), lte(calls.callbackNotBefore, now))))
    .returning();
  return row;
}

export async function insertOperatorLeg(tx: Executor, leg: typeof operatorLegs.$inferInsert): Promise<void> {
  await tx.insert(operatorLegs).values(leg).onConflictDoNothing();
}

/** Marks an operator's leg over, once; the leg (its identity) when this call ended it, else undefined. */
export async function endOperatorLeg(tx: Executor, callSid: string, at: Date): Promise<{ identity: string; callSid: string } | undefined> {
  const [leg] = await tx
    .update(operatorLegs)
    .set({ endedAt: at })
    .where(and(eq(operatorLegs.callSid, callSid), isNull(operatorLegs.endedAt)))
    .returning({ identity: operatorLegs.identity, callSid: operatorLegs.callSid });
  return leg;
}

/**
 * A wait-URL request: the caller still holds. One conditional statement, no transaction: it runs
 * on every poll of every waiting caller and changes nothing else.
 */
export async function touchWaitingCall(tx: Executor, callSid: string, at: Date): Promise<boolean> {
  const rows = await tx
    .update(calls)
    .set({ lastHeardAt: at })
    .where(and(eq(calls.callSid, callSid), eq(calls.outcome, 'queued')))
    .returning({ id: calls.id });
  return rows.length > 0;
}

/** Callers still `queued` whose last sign of life is at or before `cutoff` (oldest first). */
export async function findSilentCallers(tx: Executor, cutoff: Date, limit: number): Promise<{ callSid: string }[]> {
  return tx
    .select({ callSid: calls.callSid })
    .from(calls)
    .where(and(eq(calls.outcome, 'queued'), or(lte(calls.lastHeardAt, cutoff), isNull(calls.lastHeardAt))))
    .orderBy(asc(calls.lastHeardAt))
    .limit(limit);
}

/**
 * Settles a silent caller as `lost`, only if it is still queued and still silent: of two nodes
 * reconciling at once, or a result arriving meanwhile, exactly one change wins and the other
 * finds nothing to do.
 */
export async function markLostIfSilent(tx: Executor, callSid: string, cutoff: Date, at: Date): Promise<CallRow | undefined> {
  const [row] = await tx
    .update(calls)
    .set({
      outcome: 'lost',
      // What is known of the wait: from the enqueue to the last time the caller was heard.
      queueTimeSeconds: sql`greatest(0, round(extract(epoch from (coalesce(${calls.lastHeardAt}, ${calls.enqueuedAt}, ${calls.startedAt}) - coalesce(${calls.enqueuedAt}, ${calls.startedAt}))))::int)`,
      updatedAt: at,
    })
    .where(
      and(
        eq(calls.callSid, callSid),
        eq(calls.outcome, 'queued'),
        or(
          lte(calls.lastHeardAt, cutoff),
          and(isNull(calls.lastHeardAt), sql`coalesce(${calls.enqueuedAt}, ${calls.startedAt}) <= ${cutoff.toISOString()}::timestamptz`),
        ),
      ),
    )
    .returning();
  return row;
}

export async function findOperatorLeg(tx: Executor, callSid: string) {
  const [leg] = await tx.select().from(operatorLegs).where(eq(operatorLegs.callSid, callSid));
  return leg;
}

export type CallPage = { items: CallRow[]; nextCursor: string | null };

/** Newest first, keyset-paginated on (started_at, id). */
export async function listCalls(
  tx: Executor,
  filter: {
    agencies: readonly string[];
    from?: Date;
    to?: Date;
    limit: number;
    cursor?: { startedAt: Date; id: string };
    callSids?: readonly string[];
  },
): Promise<CallPage> {
  if (filter.agencies.length === 0) return { items: [], nextCursor: null };
  const conditions = [inArray(calls.agencyCode, [...filter.agencies])];
  if (filter.callSids) conditions.push(inArray(calls.callSid, [...filter.callSids]));
  if (filter.from) conditions.push(gte(calls.startedAt, filter.from));
  if (filter.to) conditions.push(lt(calls.startedAt, filter.to));
  if (filter.cursor) {
    const { startedAt, id } = filter.cursor;
    conditions.push(or(lt(calls.startedAt, startedAt), and(eq(calls.startedAt, startedAt), lt(calls.id, id)))!);
  }
  const rows = await tx
    .select()
    .from(calls)
    .where(and(...conditions))
    .orderBy(desc(calls.startedAt), desc(calls.id))
    .limit(filter.limit + 1);
  const items = rows.slice(0, filter.limit);
  const last = items.at(-1);
  const nextCursor = rows.length > filter.limit && last ? Buffer.from(JSON.stringify([last.startedAt.toISOString(), last.id])).toString('base64url') : null;
  return { items, nextCursor };
}

export function decodeCallCursor(cursor: string): { startedAt: Date; id: string } | null {
  try {
    const [startedAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    const date = new Date(startedAt);
    return Number.isNaN(date.getTime()) || typeof id !== 'string' ? null : { startedAt: date, id };
  } catch {
    return null;
  }
}

/** The agency's own outcome codes, in order (none: the defaults apply). */
export async function ownOutcomeCodes(tx: Executor, agency: string): Promise<OutcomeCode[]> {
  return tx
    .select({ code: callOutcomeCodes.code, label: callOutcomeCodes.label })
    .from(callOutcomeCodes)
    .where(eq(callOutcomeCodes.agencyCode, agency))
    .orderBy(asc(callOutcomeCodes.position));
}

export async function replaceOutcomeCodes(tx: Executor, agency: string, codes: readonly OutcomeCode[]): Promise<void> {
  await tx.delete(callOutcomeCodes).where(eq(callOutcomeCodes.agencyCode, agency));
  if (codes.length > 0) {
    await tx.insert(callOutcomeCodes).values(codes.map((entry, position) => ({ agencyCode: agency, code: entry.code, label: entry.label, position })));
  }
}

export async function countCallEvents(tx: Executor, callSid: string): Promise<number> {
  const [row] = await tx.select({ n: sql<number>`count(*)::int` }).from(callEvents).where(eq(callEvents.callSid, callSid));
  return row.n;
}

/** Stores a call's rating unless it has one: the first rating recorded is the one that stays. */
export async function insertRatingOnce(tx: Executor, rating: typeof callRatings.$inferInsert): Promise<boolean> {
  const inserted = await tx.insert(callRatings).values(rating).onConflictDoNothing({ target: callRatings.callSid }).returning({ callSid: callRatings.callSid });
  return inserted.length > 0;
}

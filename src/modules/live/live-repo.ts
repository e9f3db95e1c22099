import { and, asc, desc, eq, gte, inArray, isNull } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { calls } from '../../db/schema/index.ts';

/** Outcomes of a call still in progress: what the live screens list. */
export const ACTIVE_OUTCOMES = ['in_menu', 'queued', 'bridged', 'callback_waiting'] as const;

export type CallRow = typeof calls.$inferSelect;

/** Calls in progress for the given agencies that started after `since` (older ones are lost callbacks, not callers). */
export async function findActiveCalls(db: Executor, agencies: readonly string[], since: Date): Promise<CallRow[]> {
  if (agencies.length === 0) return [];
  return db
    .select()
    .from(calls)
    .where(and(inArray(calls.agencyCode, [...agencies]), inArray(calls.outcome, [...ACTIVE_OUTCOMES]), gte(calls.startedAt, since)))
    .orderBy(asc(calls.startedAt))
    .limit(2000);
}

/** The oldest call waiting in a queue: the one Twilio's `<Dial><Queue>` would dequeue. */
export async function findOldestWaiting(db: Executor, queueName: string, since: Date): Promise<CallRow | undefined> {
  const [row] = await db
    .select()
    .from(calls)
    .where(and(eq(calls.queueName, queueName), eq(calls.outcome, 'queued'), gte(calls.startedAt, since)))
    .orderBy(asc(calls.enqueuedAt))
    .limit(1);
  return row;
}

export async function findCallBySid(db: Executor, callSid: string): Promise<CallRow | undefined> {
  const [row] = await db.select().from(calls).where(eq(calls.callSid, callSid));
  return row;
}

/** The call an operator is talking to right now, if any. */
/** The operator's last answered call that ended after `since` and still has no outcome: the wrap-up in progress. */
export async function findCallAwaitingOutcome(db: Executor, username: string, since: Date): Promise<CallRow | undefined> {
  const [row] = await db
    .select()
    .from(calls)
    .where(and(eq(calls.answeredBy, username), eq(calls.outcome, 'answered'), isNull(calls.wrapUpCode), gte(calls.endedAt, since)))
    .orderBy(desc(calls.endedAt))
    .limit(1);
  return row;
}

export async function findBridgedCallOf(db: Executor, username: string, since: Date): Promise<CallRow | undefined> {
  const [row] = await db
    .select()
    .from(calls)
    .where(and(eq(calls.answeredBy, username), eq(calls.outcome, 'bridged'), gte(calls.startedAt, since)))
    .orderBy(asc(calls.bridgedAt))
    .limit(1);
  return row;
}

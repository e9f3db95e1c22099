import { and, asc, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { calls } from '../../db/schema/index.ts';

/** Outcomes of a call still in progress: what the live screens list. */
export const ACTIVE_OUTCOMES = ['in_menu', 'queued', 'bridged'] as const;

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
export async function findBridgedCallOf(db: Executor, username: string, since: Date): Promise<CallRow | undefined> {
  const [row] = await db
    .select()
    .from(calls)
    .where(and(eq(calls.answeredBy, username), eq(calls.outcome, 'bridged'), gte(calls.startedAt, since)))
    .orderBy(asc(calls.bridgedAt))
    .limit(1);
  return row;
}

export type DayCounts = {
  calls: number;
  outOfHours: number;
  queued: number;
  answered: number;
  abandoned: number;
  shortAbandoned: number;
  answeredWithinServiceLevel: number;
  answeredWaitSum: number;
  maxWaitSeconds: number | null;
};

/**
 * One agency's counts over [from, to). A call being talked right now counts as answered with the
 * wait it had when it was bridged, so the wallboard moves the moment an operator picks up.
 */
export async function countDay(db: Executor, agency: string, from: Date, to: Date, serviceLevelSeconds: number): Promise<DayCounts> {
  const answered = sql`${calls.outcome} in ('answered', 'bridged')`;
  const wait = sql`coalesce(${calls.queueTimeSeconds}, greatest(0, floor(extract(epoch from (${calls.bridgedAt} - ${calls.enqueuedAt})))::int))`;
  const [row] = await db
    .select({
      calls: sql<number>`count(*)::int`,
      outOfHours: sql<number>`(count(*) filter (where ${calls.outcome} = 'out_of_hours'))::int`,
      queued: sql<number>`(count(*) filter (where ${calls.enqueuedAt} is not null))::int`,
      answered: sql<number>`(count(*) filter (where ${answered}))::int`,
      abandoned: sql<number>`(count(*) filter (where ${calls.outcome} = 'abandoned'))::int`,
      shortAbandoned: sql<number>`(count(*) filter (where ${calls.outcome} = 'short_abandoned'))::int`,
      answeredWithinServiceLevel: sql<number>`(count(*) filter (where ${answered} and ${wait} <= ${serviceLevelSeconds}))::int`,
      answeredWaitSum: sql<number>`coalesce(sum(${wait}) filter (where ${answered}), 0)::int`,
      maxWaitSeconds: sql<number | null>`(max(${wait}) filter (where ${calls.outcome} in ('answered', 'bridged', 'abandoned')))::int`,
    })
    .from(calls)
    .where(and(eq(calls.agencyCode, agency), gte(calls.startedAt, from), lt(calls.startedAt, to)));
  return row;
}

import { sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { callEvents, calls } from '../../db/schema/index.ts';
import type { NewCall } from './calls-repo.ts';

export type IncomingRecord = Readonly<{ call: Omit<NewCall, 'id'>; payload: Record<string, unknown>; response: string; occurredAt: Date }>;
export type IncomingOutcome = { fresh: true; callId: string } | { fresh: false; storedResponse: string | null };

type Pending = { record: IncomingRecord; resolve: (outcome: IncomingOutcome) => void; reject: (error: unknown) => void };

/**
 * Group commit for the incoming-call step. A durable commit costs an fsync (2–5 ms on this
 * class of disk), so one commit per webhook caps a node near the disk's fsync rate. Steps that
 * arrive while a statement is in flight wait and go together in the next one: one statement,
 * one commit, many calls. Each webhook is still answered only after its own row has committed.
 */
export function createIncomingBatcher(db: Executor, options: { maxBatch?: number } = {}) {
  const maxBatch = options.maxBatch ?? 100;
  let queue: Pending[] = [];
  let inFlight = false;

  async function drain(): Promise<void> {
    if (inFlight) return;
    inFlight = true;
    try {
      while (queue.length > 0) {
        const batch = queue.splice(0, maxBatch);
        // The same CallSid twice in one batch: only the first is inserted; the others share its fate.
        const firstBySid = new Map<string, Pending>();
        const followers: Pending[] = [];
        for (const pending of batch) {
          if (firstBySid.has(pending.record.call.callSid)) followers.push(pending);
          else firstBySid.set(pending.record.call.callSid, pending);
        }
        try {
          const outcomes = await insertBatch(db, [...firstBySid.values()].map((pending) => pending.record));
          for (const [callSid, pending] of firstBySid) pending.resolve(outcomes.get(callSid)!);
          for (const follower of followers) {
            const first = outcomes.get(follower.record.call.callSid)!;
            follower.resolve({ fresh: false, storedResponse: first.fresh ? firstBySid.get(follower.record.call.callSid)!.record.response : first.storedResponse });
          }
        } catch (error) {
          batch.forEach((pending) => pending.reject(error));
        }
      }
    } finally {
      inFlight = false;
    }
  }

  return {
    record(record: IncomingRecord): Promise<IncomingOutcome> {
      return new Promise((resolve, reject) => {
        queue.push({ record, resolve, reject });
        // Wait one turn of the event loop so that requests parsed together go together.
        if (!inFlight && queue.length === 1) setImmediate(() => void drain());
      });
    },
  };
}

type ExecuteResult = { rows?: Record<string, unknown>[] } | Record<string, unknown>[];

async function insertBatch(db: Executor, records: readonly IncomingRecord[]): Promise<Map<string, IncomingOutcome>> {
  const values = sql.join(
    records.map(({ call: c, payload, response, occurredAt }) =>
      sql`(${c.callSid}, ${JSON.stringify(payload)}::jsonb, ${response}, ${occurredAt.toISOString()}::timestamptz, ${c.agencyCode ?? null},
           ${c.portfolioId ?? null}, ${c.toNumber}, ${c.fromNumber ?? null}, ${c.numberKind ?? null}, ${c.startedAt.toISOString()}::timestamptz,
           ${c.status}, ${c.outcome}, ${c.updatedAt.toISOString()}::timestamptz)`,
    ),
    sql`, `,
  );
  // Events first: a CallSid whose event row already exists is a retry and inserts no call row.
  const result = (await db.execute(sql`
    with input (call_sid, payload, response, occurred_at, agency_code, portfolio_id, to_number, from_number, number_kind, started_at, status, outcome, updated_at) as (
      values ${values}
    ), event as (
      insert into ${callEvents} (call_sid, step, type, payload, response, occurred_at)
      select call_sid, 'incoming', 'incoming', payload, response, occurred_at from input
      on conflict (call_sid, step) do nothing
      returning call_sid, id
    ), call as (
      insert into ${calls} (call_sid, agency_code, portfolio_id, to_number, from_number, number_kind, started_at, status, outcome, updated_at)
      select input.call_sid, agency_code, portfolio_id, to_number, from_number, number_kind, started_at, status, outcome, updated_at
      from input join event on event.call_sid = input.call_sid
      on conflict (call_sid) do nothing
      returning call_sid, id
    )
    select input.call_sid, event.id as event_id, call.id as call_id,
           (select existing.response from ${callEvents} existing where existing.call_sid = input.call_sid and existing.step = 'incoming') as stored
    from input left join event on event.call_sid = input.call_sid left join call on call.call_sid = input.call_sid
  `)) as ExecuteResult;
  const rows = (Array.isArray(result) ? result : (result.rows ?? [])) as Record<string, unknown>[];
  const outcomes = new Map<string, IncomingOutcome>();
  for (const row of rows) {
    const callSid = String(row.call_sid);
    if (row.event_id != null) {
      outcomes.set(callSid, row.call_id != null ? { fresh: true, callId: String(row.call_id) } : { fresh: true, callId: await existingCallId(db, callSid) });
    } else {
      // A concurrent duplicate may have committed after this statement's snapshot: read it again.
      const stored = (row.stored as string | null) ?? (await storedIncomingResponse(db, callSid));
      outcomes.set(callSid, { fresh: false, storedResponse: stored });
    }
  }
  return outcomes;
}

async function existingCallId(db: Executor, callSid: string): Promise<string> {
  const result = (await db.execute(sql`select id from ${calls} where call_sid = ${callSid}`)) as ExecuteResult;
  const rows = (Array.isArray(result) ? result : (result.rows ?? [])) as Record<string, unknown>[];
  return String(rows[0].id);
}

async function storedIncomingResponse(db: Executor, callSid: string): Promise<string | null> {
  const result = (await db.execute(sql`select response from ${callEvents} where call_sid = ${callSid} and step = 'incoming'`)) as ExecuteResult;
  const rows = (Array.isArray(result) ? result : (result.rows ?? [])) as Record<string, unknown>[];
  return (rows[0]?.response as string | undefined) ?? null;
}

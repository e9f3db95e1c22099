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
 * arrive while statements are in flight wait and go together in the next one: one statement,
 * one commit, many calls. Each webhook is still answered only after its own row has committed.
 *
 * Up to `maxInFlight` statements run at once, on separate connections: while one waits for its
 * fsync the next is already executing (Postgres flushes concurrent commits together), so the
 * node is not idle for the length of a commit. PGlite has one connection: there, use 1.
 */
export function createIncomingBatcher(db: Executor, options: { maxBatch?: number; maxInFlight?: number } = {}) {
  const maxBatch = options.maxBatch ?? 100;
  const maxInFlight = options.maxInFlight ?? 1;
  const queue: Pending[] = [];
  let inFlight = 0;
  let scheduled = false;

  function drain(): void {
    scheduled = false;
    while (queue.length > 0 && inFlight < maxInFlight) {
      const batch = queue.splice(0, maxBatch);
      inFlight += 1;
      void runBatch(batch).finally(() => {
        inFlight -= 1;
        if (queue.length > 0) schedule();
      });
    }
  }

  // Wait one turn of the event loop so that requests parsed together go together.
  function schedule(): void {
    if (scheduled) return;
    scheduled = true;
    setImmediate(drain);
  }

  async function runBatch(batch: Pending[]): Promise<void> {
    // The same CallSid twice in one batch: only the first is inserted; the others share its fate.
    const firstBySid = new Map<string, Pending>();
    const followers: Pending[] = [];
    for (const pending of batch) {
      if (firstBySid.has(pending.record.call.callSid)) followers.push(pending);
      else firstBySid.set(pending.record.call.callSid, pending);
    }
    try {
      // Rows in CallSid order: two statements (here or on another node) that insert the same
      // CallSids take their index locks in the same order, so they wait for each other, never deadlock.
      const records = [...firstBySid.values()].map((pending) => pending.record).sort((a, b) => (a.call.callSid < b.call.callSid ? -1 : 1));
      const outcomes = await insertBatch(db, records);
      for (const [callSid, pending] of firstBySid) pending.resolve(outcomes.get(callSid)!);
      for (const follower of followers) {
        const first = outcomes.get(follower.record.call.callSid)!;
        follower.resolve({ fresh: false, storedResponse: first.fresh ? firstBySid.get(follower.record.call.callSid)!.record.response : first.storedResponse });
      }
    } catch (error) {
      batch.forEach((pending) => pending.reject(error));
    }
  }

  return {
    record(record: IncomingRecord): Promise<IncomingOutcome> {
      return new Promise((resolve, reject) => {
        queue.push({ record, resolve, reject });
        if (inFlight < maxInFlight) schedule();
      });
    },
  };
}

type ExecuteResult = { rows?: Record<string, unknown>[] } | Record<string, unknown>[];

async function insertBatch(db: Executor, records: readonly IncomingRecord[]): Promise<Map<string, IncomingOutcome>> {
  // The whole batch travels as one JSON parameter: the statement text is the same for every batch
  // size, so each connection parses and plans it once, and a batch is one parameter, not 13 per call.
  const input = JSON.stringify(
    records.map(({ call: c, payload, response, occurredAt }) => ({
      call_sid: c.callSid,
      payload,
      response,
      occurred_at: occurredAt.toISOString(),
      agency_code: c.agencyCode ?? null,
      portfolio_id: c.portfolioId ?? null,
      to_number: c.toNumber,
      from_number: c.fromNumber ?? null,
      number_kind: c.numberKind ?? null,
      started_at: c.startedAt.toISOString(),
      status: c.status,
      outcome: c.outcome,
      pre_menu: c.preMenu ?? null,
      incident_id: c.incidentId ?? null,
      updated_at: c.updatedAt.toISOString(),
    })),
  );
  // Events first: a CallSid whose event row already exists is a retry and inserts no call row.
  const result = (await db.execute(sql`
    with input as (
      select * from jsonb_to_recordset(${input}::jsonb) as input (
        call_sid text, payload jsonb, response text, occurred_at timestamptz, agency_code text, portfolio_id text, to_number text,
        from_number text, number_kind text, started_at timestamptz, status text, outcome text, pre_menu text, incident_id uuid, updated_at timestamptz)
    ), event as (
      insert into ${callEvents} (call_sid, step, type, payload, response, occurred_at)
      select call_sid, 'incoming', 'incoming', payload, response, occurred_at from input
      on conflict (call_sid, step) do nothing
      returning call_sid, id
    ), call as (
      insert into ${calls} (call_sid, agency_code, portfolio_id, to_number, from_number, number_kind, started_at, status, outcome, pre_menu, incident_id, updated_at)
      select input.call_sid, agency_code, portfolio_id, to_number, from_number, number_kind, started_at, status, outcome, pre_menu, incident_id, updated_at
      from input join event on event.call_sid = input.call_sid
      on conflict (call_sid) do nothing
      returning call_sid, id
    )
    select input.call_sid, event.id as event_id, call.id as call_id
    from input left join event on event.call_sid = input.call_sid left join call on call.call_sid = input.call_sid
  `)) as ExecuteResult;
  const rows = (Array.isArray(result) ? result : (result.rows ?? [])) as Record<string, unknown>[];
  const outcomes = new Map<string, IncomingOutcome>();
  for (const row of rows) {
    const callSid = String(row.call_sid);
    if (row.event_id != null) {
      outcomes.set(callSid, row.call_id != null ? { fresh: true, callId: String(row.call_id) } : { fresh: true, callId: await existingCallId(db, callSid) });
    } else {
      // A retry (rare): its first delivery's answer, read after this statement, so that it also
      // sees a concurrent delivery that committed while this one waited on the CallSid's index entry.
      outcomes.set(callSid, { fresh: false, storedResponse: await storedIncomingResponse(db, callSid) });
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

import type { Callback } from '../../contracts/callbacks.ts';
import type { Actor } from '../../domain/actor.ts';
import { assertCanSeeAgency, assertRole, scopeAgencies } from '../../domain/actor.ts';
import type { CallbackOutcome } from '../../domain/callback-rules.ts';
import { addOpeningTime, CALLBACK_RETRY_MINUTES, decideCallbackOutcome, isCallbackOverdue } from '../../domain/callback-rules.ts';
import type { Clock } from '../../domain/clock.ts';
import { conflict, forbidden, notFound, validation } from '../../domain/errors.ts';
import type { EventBus } from '../../domain/events.ts';
import { normalizePhone } from '../../domain/phone.ts';
import type { Database, Executor } from '../../db/client.ts';
import type { AgencyDirectory } from '../agencies/agency-directory.ts';
import { voiceOf } from '../agencies/agency-directory.ts';
import * as repo from './callbacks-repo.ts';
import type { CallbackCallRow, CallbackRow } from './callbacks-repo.ts';

export type CallbackServiceDeps = Readonly<{
  db: Database;
  clock: Clock;
  bus: EventBus;
  directory: AgencyDirectory;
  /** Opening minutes within which a caller who gave up is called back, for agencies without their own deadline (default 120). */
  dueMinutes: number;
}>;

/** The fields of a call row the call-back rule reads. */
export type SettledCall = Readonly<{
  callSid: string;
  agencyCode: string | null;
  /** The portfolio of the number called: its voice settings may say whether call-backs are offered. */
  portfolioId: string | null;
  outcome: string;
  fromNumber: string | null;
  queueName: string | null;
  category: string | null;
  enqueuedAt: Date | null;
  queueTimeSeconds: number | null;
  bridgedAt: Date | null;
  updatedAt: Date;
  /** A queued call-back: the number the caller chose, and how it ended (`gave_up`: owed a call-back task). */
  callbackPhone: string | null;
  callbackResult: string | null;
}>;

export type CallbackService = ReturnType<typeof createCallbackService>;

const STAFF = ['operator', 'supervisor', 'admin'] as const;

export function createCallbackService(deps: CallbackServiceDeps) {
  const { db, clock, bus, directory } = deps;

  function publish(type: 'callback.created' | 'callback.changed', row: CallbackRow) {
    const now = clock.now();
    bus.publish({ type, agency: row.agencyCode, at: now.toISOString(), data: { callback: publicCallback(row, now) } });
  }

  /** The agency's call-back deadline in opening minutes, or the platform's. */
  function deadlineMinutes(agencyCode: string): number {
    return directory.agency(agencyCode)?.callbackDueMinutes ?? deps.dueMinutes;
  }

  async function visible(actor: Actor, id: string): Promise<CallbackRow> {
    const row = await repo.findCallback(db, id);
    if (!row) throw notFound('Callback');
    assertCanSeeAgency(actor, row.agencyCode, 'Callback');
    return row;
  }

  return {
    /**
     * Runs inside the transaction that settles a call, so that an abandoned call and its call-back
     * commit together: a crash right after the commit cannot lose the task. Short abandons (under
     * the agency's threshold) and callers without a usable number owe nothing. A caller who fell
     * silent in the queue (`lost`: no result ever came) waited as long as we know, and is owed a
     * call-back like one who hung up, past the same threshold.
     */
    async afterCallChange(executor: Executor, call: SettledCall): Promise<void> {
      if (!call.agencyCode) return;
      const answered = call.bridgedAt !== null && (call.outcome === 'bridged' || call.outcome === 'answered');
      const agency = directory.agency(call.agencyCode);
      // A queued call-back nobody reached in its attempts is owed an ordinary call-back, on the number the caller chose.
      const queuedCallbackUnreached = call.outcome === 'queued_callback' && call.callbackResult === 'gave_up';
      const gaveUp =
        call.outcome === 'abandoned' ||
        queuedCallbackUnreached ||
        (call.outcome === 'lost' && (call.queueTimeSeconds ?? 0) >= (agency?.shortAbandonSeconds ?? 0));
      // A caller bridged to an operator was served, whatever a late queue result says afterwards.
      if (!gaveUp && !answered) return;
      if (gaveUp && call.bridgedAt !== null) return;
      const phone = normalizePhone(queuedCallbackUnreached ? call.callbackPhone : call.fromNumber);
      if (!phone || !agency) return;
      if (answered) {
        await closeForAnsweredCall(executor, call, phone);
        return;
      }
      // An agency (or portfolio) may offer no call-backs, e.g. a line whose callers must not be rung back.
      if (!voiceOf(agency, call.portfolioId).offerCallbacks) return;
      // Every change of the call runs this: an abandoned call is filed once.
      if (await repo.findCallbackCall(executor, call.callSid)) return;
      const abandonedAt =
        call.enqueuedAt && call.queueTimeSeconds !== null ? new Date(call.enqueuedAt.getTime() + call.queueTimeSeconds * 1000) : call.updatedAt;
      const { task } = await repo.upsertOpenCallback(executor, {
        agencyCode: call.agencyCode,
        callSid: call.callSid,
        queueName: call.queueName,
        category: call.category,
        callerPhone: phone,
        abandonedAt,
        lastAbandonedAt: abandonedAt,
        waitedSeconds: call.queueTimeSeconds,
        dueAt: addOpeningTime(agency.schedule, abandonedAt, deadlineMinutes(call.agencyCode)),
        status: 'open',
        createdAt: call.updatedAt,
        updatedAt: call.updatedAt,
      });
      await repo.insertCallbackCall(executor, { callSid: call.callSid, callbackId: task.id, abandonedAt, waitedSeconds: call.queueTimeSeconds });
    },

    /** Tells the dashboards about a task changed elsewhere in the module (a dial from the softphone). */
    announceChanged(row: CallbackRow): void {
      publish('callback.changed', row);
    },

    /**
     * After the call's commit: tells the dashboards about the task the abandoned call created or
     * grew, or about the tasks an answered call closed.
     */
    async announceFor(callSid: string): Promise<void> {
      const filed = await repo.findCallbackCall(db, callSid);
      if (filed) {
        const row = await repo.findCallback(db, filed.callbackId);
        if (row && row.status === 'open') publish(row.callSid === callSid ? 'callback.created' : 'callback.changed', row);
        return;
      }
      for (const row of await repo.callbacksClosedByCall(db, callSid)) publish('callback.changed', row);
    },

    async listCallbacks(actor: Actor, query: { agency?: string; status?: CallbackRow['status']; overdue?: boolean; limit: number; cursor?: string }) {
      assertRole(actor, ...STAFF);
      const agencies = scopeAgencies(actor, query.agency);
      let after: { dueAt: Date; id: string } | undefined;
      if (query.cursor) {
        try {
          const [dueAt, id] = JSON.parse(Buffer.from(query.cursor, 'base64url').toString('utf8')) as [string, string];
          after = { dueAt: new Date(dueAt), id };
          if (Number.isNaN(after.dueAt.getTime())) throw new Error('bad date');
        } catch {
          throw validation('Invalid cursor');
        }
      }
      const now = clock.now();
      const filter = { agencies, status: query.status, overdue: query.overdue, now };
      const [page, counts] = await Promise.all([repo.listCallbacks(db, { ...filter, limit: query.limit, after }), repo.countCallbacks(db, filter)]);
      // `total` counts every page of the filter (the dashboard's counter), `overdue` those past their deadline.
      return { items: page.items.map((row) => publicCallback(row, now)), nextCursor: page.nextCursor, total: counts.total, overdue: counts.overdue };
    },

    async getCallback(actor: Actor, id: string) {
      assertRole(actor, ...STAFF);
      const row = await visible(actor, id);
      const [attempts, calls] = await Promise.all([repo.attemptsOfCallbacks(db, [id]), repo.callsOfCallback(db, id)]);
      return {
        ...publicCallback(row, clock.now()),
        calls: calls.map(publicCallbackCall),
        history: attempts.map((attempt) => ({
          outcome: attempt.outcome,
          note: attempt.note,
          by: attempt.actorName,
          at: attempt.occurredAt.toISOString(),
          callSid: attempt.callSid,
        })),
      };
    },

    /**
     * Start of a call back from the screen: what the browser softphone passes to `connect`. The
     * TwiML App's voice URL checks it again and records the dial on the task's history.
     */
    async prepareDial(actor: Actor, id: string) {
      assertRole(actor, ...STAFF);
      const row = await visible(actor, id);
      if (row.status !== 'open') throw conflict(`Callback is ${row.status}`);
      if (row.assignedTo && row.assignedTo !== actor.name && actor.role === 'operator') throw forbidden(`Callback taken by ${row.assignedTo}`);
      return { callback: publicCallback(row, clock.now()), connect: { To: row.callerPhone, CallbackId: row.id } };
    },

    /** An operator takes the task before dialling, so that two operators do not call the same tenant. */
    async takeCallback(actor: Actor, id: string) {
      assertRole(actor, ...STAFF);
      const row = await visible(actor, id);
      if (row.status !== 'open') throw conflict(`Callback is ${row.status}`);
      const updated = await repo.updateCallbackIf(
        db,
        id,
        { status: 'open', attempts: row.attempts, unassigned: true },
        { assignedTo: actor.name, updatedAt: clock.now() },
      );
      if (!updated) throw conflict(row.assignedTo ? `Callback taken by ${row.assignedTo}` : 'Callback was changed meanwhile');
      publish('callback.changed', updated);
      return publicCallback(updated, clock.now());
    },

    /**
     * Records how the call back went: resolved (or reached), answered but not settled, no answer,
     * busy, voicemail, wrong number, or cancelled. `callSid`: the softphone leg it was dialled on.
     */
    async recordOutcome(actor: Actor, id: string, input: { outcome: CallbackOutcome; note?: string; ticketRef?: string; callSid?: string }) {
      assertRole(actor, ...STAFF);
      const row = await visible(actor, id);
      if (row.status !== 'open') throw conflict(`Callback is ${row.status}`);
      if (row.assignedTo && row.assignedTo !== actor.name && actor.role === 'operator') throw forbidden(`Callback taken by ${row.assignedTo}`);
      const now = clock.now();
      const decision = decideCallbackOutcome(row.attempts, input.outcome);
      const agency = directory.agency(row.agencyCode);
      const updated = await db.transaction(async (tx) => {
        const changed = await repo.updateCallbackIf(
          tx,
          id,
          { status: 'open', attempts: row.attempts },
          {
            status: decision.status,
            attempts: decision.attempts,
            lastOutcome: input.outcome,
            assignedTo: null,
            ticketRef: input.ticketRef ?? row.ticketRef,
            dueAt: decision.retry && agency ? addOpeningTime(agency.schedule, now, CALLBACK_RETRY_MINUTES) : row.dueAt,
            closedAt: decision.status === 'open' ? null : now,
            closedReason: decision.closeReason,
            updatedAt: now,
          },
        );
        if (!changed) throw conflict('Callback was changed meanwhile');
        await repo.insertCallbackAttempt(tx, {
          callbackId: id,
          outcome: input.outcome,
          note: input.note ?? null,
          actorId: actor.id,
          actorName: actor.name,
          occurredAt: now,
          callSid: input.callSid ?? null,
        });
        return changed;
      });
      publish('callback.changed', updated);
      return publicCallback(updated, now);
    },
  };

  /**
   * The caller rang again and an operator of the agency answered: their open task is done, with
   * the answered call as the reason and a line in its history.
   */
  async function closeForAnsweredCall(executor: Executor, call: SettledCall, phone: string): Promise<void> {
    const closed = await repo.closeOpenForAnsweredCaller(executor, {
      agencyCode: call.agencyCode!,
      callerPhone: phone,
      callSid: call.callSid,
      answeredAt: call.bridgedAt!,
      now: call.updatedAt,
    });
    for (const task of closed) {
      await repo.insertCallbackAttempt(executor, {
        callbackId: task.id,
        outcome: 'answered_inbound',
        note: null,
        actorId: 'system',
        actorName: 'centralino',
        occurredAt: call.updatedAt,
        callSid: call.callSid,
      });
    }
  }
}

export function publicCallbackCall(row: CallbackCallRow) {
  return { callSid: row.callSid, abandonedAt: row.abandonedAt.toISOString(), waitedSeconds: row.waitedSeconds };
}

/** The task as the API and the dashboard see it; `overdue` as of `now`. */
export function publicCallback(row: CallbackRow, now: Date): Callback {
  return {
    id: row.id,
    agency: row.agencyCode,
    callSid: row.callSid,
    queue: row.queueName,
    category: row.category,
    callerPhone: row.callerPhone,
    abandonedAt: row.abandonedAt.toISOString(),
    waitedSeconds: row.waitedSeconds,
    dueAt: row.dueAt.toISOString(),
    status: row.status,
    attempts: row.attempts,
    lastOutcome: row.lastOutcome,
    assignedTo: row.assignedTo,
    ticketRef: row.ticketRef,
    closedAt: row.closedAt?.toISOString() ?? null,
    abandonedCalls: row.abandonedCalls,
    lastAbandonedAt: row.lastAbandonedAt.toISOString(),
    overdue: isCallbackOverdue(row, now),
    closedReason: row.closedReason,
    closedByCallSid: row.closedByCallSid,
    mergedInto: row.mergedInto,
  };
}

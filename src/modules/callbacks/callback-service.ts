import type { Callback } from '../../contracts/callbacks.ts';
import type { Actor } from '../../domain/actor.ts';
import { assertCanSeeAgency, assertRole, scopeAgencies } from '../../domain/actor.ts';
import type { CallbackOutcome } from '../../domain/callback-rules.ts';
import { addOpeningTime, CALLBACK_RETRY_MINUTES, decideCallbackOutcome } from '../../domain/callback-rules.ts';
import type { Clock } from '../../domain/clock.ts';
import { conflict, forbidden, notFound, validation } from '../../domain/errors.ts';
import type { EventBus } from '../../domain/events.ts';
import { normalizePhone } from '../../domain/phone.ts';
import type { Database, Executor } from '../../db/client.ts';
import type { AgencyDirectory } from '../agencies/agency-directory.ts';
import * as repo from './callbacks-repo.ts';
import type { CallbackRow } from './callbacks-repo.ts';

export type CallbackServiceDeps = Readonly<{
  db: Database;
  clock: Clock;
  bus: EventBus;
  directory: AgencyDirectory;
  /** Opening minutes within which a caller who gave up is called back (default 120). */
  dueMinutes: number;
}>;

/** The fields of a call row the call-back rule reads. */
export type SettledCall = Readonly<{
  callSid: string;
  agencyCode: string | null;
  outcome: string;
  fromNumber: string | null;
  queueName: string | null;
  category: string | null;
  enqueuedAt: Date | null;
  queueTimeSeconds: number | null;
  updatedAt: Date;
}>;

export type CallbackService = ReturnType<typeof createCallbackService>;

const STAFF = ['operator', 'supervisor', 'admin'] as const;

export function createCallbackService(deps: CallbackServiceDeps) {
  const { db, clock, bus, directory } = deps;

  function publish(type: 'callback.created' | 'callback.changed', row: CallbackRow) {
    bus.publish({ type, agency: row.agencyCode, at: clock.now().toISOString(), data: { callback: publicCallback(row) } });
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
     * the agency's threshold) and callers without a usable number owe nothing.
     */
    async afterCallChange(executor: Executor, call: SettledCall): Promise<void> {
      if (call.outcome !== 'abandoned' || !call.agencyCode) return;
      const phone = normalizePhone(call.fromNumber);
      const agency = directory.agency(call.agencyCode);
      if (!phone || !agency) return;
      const abandonedAt =
        call.enqueuedAt && call.queueTimeSeconds !== null ? new Date(call.enqueuedAt.getTime() + call.queueTimeSeconds * 1000) : call.updatedAt;
      await repo.insertCallbackOnce(executor, {
        agencyCode: call.agencyCode,
        callSid: call.callSid,
        queueName: call.queueName,
        category: call.category,
        callerPhone: phone,
        abandonedAt,
        waitedSeconds: call.queueTimeSeconds,
        dueAt: addOpeningTime(agency.schedule, abandonedAt, deps.dueMinutes),
        status: 'open',
        createdAt: call.updatedAt,
        updatedAt: call.updatedAt,
      });
    },

    /** After the call's commit: tells the dashboards about the task it created. */
    async announceFor(callSid: string): Promise<void> {
      const row = await repo.findCallbackByCallSid(db, callSid);
      if (row && row.attempts === 0 && row.status === 'open') publish('callback.created', row);
    },

    async listCallbacks(actor: Actor, query: { agency?: string; status?: CallbackRow['status']; limit: number; cursor?: string }) {
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
      const page = await repo.listCallbacks(db, { agencies, status: query.status, limit: query.limit, after });
      return { items: page.items.map(publicCallback), nextCursor: page.nextCursor };
    },

    async getCallback(actor: Actor, id: string) {
      assertRole(actor, ...STAFF);
      const row = await visible(actor, id);
      const attempts = await repo.attemptsOfCallbacks(db, [id]);
      return {
        ...publicCallback(row),
        history: attempts.map((attempt) => ({ outcome: attempt.outcome, note: attempt.note, by: attempt.actorName, at: attempt.occurredAt.toISOString() })),
      };
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
      return publicCallback(updated);
    },

    /** Records how the call back went: reached, no answer, busy, voicemail, wrong number, or cancelled. */
    async recordOutcome(actor: Actor, id: string, input: { outcome: CallbackOutcome; note?: string; ticketRef?: string }) {
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
        });
        return changed;
      });
      publish('callback.changed', updated);
      return publicCallback(updated);
    },
  };
}

export function publicCallback(row: CallbackRow): Callback {
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
  };
}

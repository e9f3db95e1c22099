import type { FastifyBaseLogger } from 'fastify';
import type { Actor } from '../../domain/actor.ts';
import { canSeeAgency } from '../../domain/actor.ts';
import type { Clock } from '../../domain/clock.ts';
import { normalizePhone } from '../../domain/phone.ts';
import type { Database } from '../../db/client.ts';
import type { AgencyDirectory } from '../agencies/agency-directory.ts';
import { agencyCallerId } from '../agencies/agency-directory.ts';
import * as repo from './callbacks-repo.ts';
import type { CallbackRow } from './callbacks-repo.ts';

/** What a softphone asked to dial: the TwiML App passes the browser's `connect` params through. */
export type DialRequest = Readonly<{
  /** The softphone identity, `client:<username>` without the prefix. */
  identity: string;
  /** The operator's leg, Twilio's CallSid of this request. */
  operatorCallSid: string;
  to: string | null;
  callbackId: string | null;
  ticketRef: string | null;
}>;

export type DialDecision =
  | Readonly<{ kind: 'dial'; to: string; callerId: string; agency: string; callbackId: string | null; ticketRef: string | null }>
  | Readonly<{ kind: 'refused'; reason: DialRefusal }>;

export type DialRefusal = 'not_staff' | 'not_allowed' | 'no_number' | 'task_closed' | 'task_taken' | 'no_caller_id';

/** A ticket's caller as a call back needs it (the tickets module's port). */
type TicketDialTarget = Readonly<{ ref: string; agency: string; portfolio: string | null; phone: string | null }>;

export type CallbackDialDeps = Readonly<{
  db: Database;
  clock: Clock;
  directory: AgencyDirectory;
  log: FastifyBaseLogger;
  /** The staff member behind a softphone identity, or null (the auth module). */
  actorOfSoftphone: (identity: string) => Promise<Actor | null>;
  /** Tickets the actor may see, by reference or by caller number (the tickets module). */
  tickets: Readonly<{
    ofRef(actor: Actor, ref: string): Promise<TicketDialTarget | null>;
    latestOfPhone(agencies: readonly string[], e164: string): Promise<TicketDialTarget | null>;
  }>;
  /** After a dial of a task is recorded: tell the dashboards. */
  changed: (task: CallbackRow) => void;
}>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Calling a tenant back from the browser softphone. The TwiML App's voice URL is reached by anyone
 * holding a softphone token, with whatever `To` the browser sends: so the number is dialled only
 * when it belongs to a call-back task or a ticket of an agency the operator serves, and always
 * with that agency's own number as caller ID (the tenant sees who is calling back). Everything
 * else is refused and logged.
 */
export function createCallbackDial(deps: CallbackDialDeps) {
  const { db, clock, directory, log } = deps;

  /** The agency's number the tenant will see (the same for queued call-backs, see the calls module). */
  const callerIdOf = (agency: string, portfolio: string | null) => agencyCallerId(directory, agency, portfolio);

  async function decide(actor: Actor, request: DialRequest): Promise<DialDecision> {
    const asked = request.to ? normalizePhone(request.to) : null;
    if (request.to && !asked) return { kind: 'refused', reason: 'not_allowed' };

    if (request.callbackId) {
      const task = UUID.test(request.callbackId) ? await repo.findCallback(db, request.callbackId) : undefined;
      if (!task || !canSeeAgency(actor, task.agencyCode)) return { kind: 'refused', reason: 'not_allowed' };
      if (asked && asked !== task.callerPhone) return { kind: 'refused', reason: 'not_allowed' };
      return dialTask(actor, task, request);
    }

    if (request.ticketRef) {
      const ticket = await deps.tickets.ofRef(actor, request.ticketRef);
      if (!ticket) return { kind: 'refused', reason: 'not_allowed' };
      const phone = normalizePhone(ticket.phone);
      if (!phone) return { kind: 'refused', reason: 'no_number' };
      if (asked && asked !== phone) return { kind: 'refused', reason: 'not_allowed' };
      return dial(phone, ticket.agency, ticket.portfolio, null, ticket.ref);
    }

    if (!asked) return { kind: 'refused', reason: 'no_number' };
    // A bare number: the soonest open task of it, else the newest ticket, among the agencies served.
    const [task] = await repo.openCallbacksOfPhone(db, actor.agencies, asked);
    if (task) return dialTask(actor, task, request);
    const ticket = await deps.tickets.latestOfPhone(actor.agencies, asked);
    if (ticket) return dial(asked, ticket.agency, ticket.portfolio, null, ticket.ref);
    return { kind: 'refused', reason: 'not_allowed' };
  }

  async function dialTask(actor: Actor, task: CallbackRow, request: DialRequest): Promise<DialDecision> {
    if (task.status !== 'open') return { kind: 'refused', reason: 'task_closed' };
    if (task.assignedTo && task.assignedTo !== actor.name && actor.role === 'operator') return { kind: 'refused', reason: 'task_taken' };
    const decision = dial(task.callerPhone, task.agencyCode, null, task.id, task.ticketRef);
    if (decision.kind !== 'dial') return decision;
    // The attempt starts here; its outcome comes from the screen (POST /api/v1/callbacks/:id/outcome).
    // Twilio may request the voice URL again for the same leg: it is recorded once.
    const now = clock.now();
    const recorded = await db.transaction(async (tx) => {
      if (await repo.hasDialAttempt(tx, task.id, request.operatorCallSid)) return null;
      await repo.insertCallbackAttempt(tx, {
        callbackId: task.id,
        outcome: 'dialled',
        note: null,
        actorId: actor.id,
        actorName: actor.name,
        occurredAt: now,
        callSid: request.operatorCallSid,
      });
      return repo.updateCallbackIf(
        tx,
        task.id,
        { status: 'open', attempts: task.attempts },
        { assignedTo: task.assignedTo ?? actor.name, lastOutcome: 'dialled', updatedAt: now },
      );
    });
    if (recorded) deps.changed(recorded);
    return decision;
  }

  function dial(to: string, agency: string, portfolio: string | null, callbackId: string | null, ticketRef: string | null): DialDecision {
    const callerId = callerIdOf(agency, portfolio);
    if (!callerId) return { kind: 'refused', reason: 'no_caller_id' };
    return { kind: 'dial', to, callerId, agency, callbackId, ticketRef };
  }

  return {
    /** Decides, records and logs one softphone request to dial out. */
    async dialFromSoftphone(request: DialRequest): Promise<DialDecision> {
      const actor = await deps.actorOfSoftphone(request.identity);
      const decision: DialDecision = actor ? await decide(actor, request) : { kind: 'refused', reason: 'not_staff' };
      const context = {
        event: decision.kind === 'dial' ? 'callback.dial' : 'callback.dial_refused',
        identity: request.identity,
        operatorCallSid: request.operatorCallSid,
        callbackId: request.callbackId,
        ticketRef: request.ticketRef,
      };
      if (decision.kind === 'dial') log.info({ ...context, agency: decision.agency }, 'softphone call-back dialled');
      else log.warn({ ...context, reason: decision.reason }, 'softphone call-back refused');
      return decision;
    },
  };
}

export type CallbackDial = ReturnType<typeof createCallbackDial>;

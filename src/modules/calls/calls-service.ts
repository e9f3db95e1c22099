import type { Actor } from '../../domain/actor.ts';
import { assertRole, scopeAgencies } from '../../domain/actor.ts';
import type { CallOutcome } from '../../domain/call-state.ts';
import { isFinalStatus, outcomeOfQueueResult, SETTLED_OUTCOMES, shouldApplyStatus } from '../../domain/call-state.ts';
import type { Clock } from '../../domain/clock.ts';
import { validation } from '../../domain/errors.ts';
import type { Call } from '../../contracts/calls.ts';
import type { CallEvent, EventBus } from '../../domain/events.ts';
import type { PickRules, WaitingCall } from '../../domain/next-call.ts';
import { DEFAULT_PICK_RULES, pickNextCall } from '../../domain/next-call.ts';
import { decideMenuStep } from '../../domain/menu-step.ts';
import { parseQueueName } from '../../domain/routing.ts';
import { closedMessageIt, isOpen } from '../../domain/schedule.ts';
import { greetingIt } from '../../domain/voice-prompts.ts';
import type { Database, Executor, Tx } from '../../db/client.ts';
import type { AccessLog } from '../access-log/access-log-service.ts';
import type { AgencyDirectory } from '../agencies/agency-directory.ts';
import * as repo from './calls-repo.ts';
import { createIncomingBatcher } from './incoming-batcher.ts';
import type { CallRow } from './calls-repo.ts';
import type { VoiceDecision } from './voice-decisions.ts';

/** The parameters every Twilio voice request carries that the call service reads. */
export type CallParams = Readonly<{ callSid: string; from: string | null; to: string | null; callStatus: string | null }>;

export type CallServiceDeps = Readonly<{
  db: Database;
  directory: AgencyDirectory;
  clock: Clock;
  bus: EventBus;
  /** Callers' numbers are personal data: staff reads of the call log are recorded here. */
  accessLog: AccessLog;
  /** How many incoming-call statements may be in flight at once (see the incoming batcher). */
  incomingWritesInFlight?: number;
  /** Which queues an operator serves; the operators module answers this from their assignments. */
  queuesServedBy?: (identity: string, executor: Executor) => Promise<readonly string[]>;
  pickRules?: PickRules;
  /**
   * After every change of a call, with the executor that made it: inside the step's transaction for
   * every step but the first, so their effect commits with the step; an incoming call is recorded by
   * a group commit shared with other calls, so for it this runs on the database just after that
   * commit. Keeps report rollups of sealed days exact and writes the call-back owed to an abandoned
   * caller (the reports and callbacks modules; an incoming call never owes a call-back).
   */
  afterCallChange?: (executor: Executor, call: CallRow) => Promise<void>;
}>;

export type CallService = ReturnType<typeof createCallService>;

type StepResult = { decision: VoiceDecision; call: CallRow | null; fresh: boolean };

export function createCallService(deps: CallServiceDeps) {
  const { db, directory, clock, bus } = deps;
  const pickRules = deps.pickRules ?? DEFAULT_PICK_RULES;
  const incoming = createIncomingBatcher(db, { maxInFlight: deps.incomingWritesInFlight });

  function publish(type: Exclude<CallEvent['type'], 'call.bridged'>, call: CallRow | null) {
    if (!call) return;
    bus.publish({ type, agency: call.agencyCode, at: clock.now().toISOString(), data: { call: publicCall(call) } });
  }

  /**
   * Runs one webhook step exactly once per (CallSid, step). A retry gets the decision stored the
   * first time and changes nothing; `apply` runs only for the first delivery, inside the same
   * transaction as the event row, so the step and its effect commit together or not at all.
   */
  async function runStep(
    params: { callSid: string; step: string; type: string; payload: Record<string, unknown> },
    apply: (tx: Tx, now: Date) => Promise<{ decision: VoiceDecision; call: CallRow | null }>,
    at?: Date,
  ): Promise<StepResult> {
    const now = at ?? clock.now();
    return db.transaction(async (tx) => {
      const claim = await repo.claimStep(tx, { ...params, occurredAt: now });
      if (!claim.fresh) {
        return { decision: claim.decision ?? { kind: 'ack' }, call: (await repo.findCallBySid(tx, params.callSid)) ?? null, fresh: false };
      }
      const { decision, call } = await apply(tx, now);
      if (call && deps.afterCallChange) await deps.afterCallChange(tx, call);
      await repo.storeDecision(tx, claim.eventId, decision);
      return { decision, call, fresh: true };
    });
  }

  return {
    /**
     * "A call comes in": route by the dialled number, enforce the opening window, offer the menu.
     * The decision needs no query (the directory is in memory), so the step is recorded in a
     * single statement shared with the calls arriving at the same moment (group commit): this is
     * the path every call takes while Twilio's clock is running.
     */
    async receiveIncomingCall(params: CallParams, payload: Record<string, unknown>, at?: Date): Promise<VoiceDecision> {
      const now = at ?? clock.now();
      const decision = decideIncomingCall(directory, params.to, now);
      const route = params.to ? directory.routeNumber(params.to) : undefined;
      const call = {
        callSid: params.callSid,
        agencyCode: route?.agency.code ?? null,
        portfolioId: route?.portfolioId ?? null,
        numberKind: route?.kind ?? null,
        toNumber: params.to ?? '',
        fromNumber: params.from,
        startedAt: now,
        status: params.callStatus ?? 'ringing',
        outcome: OUTCOME_OF_INCOMING[decision.kind],
        updatedAt: now,
      };
      const recorded = await incoming.record({ call, payload, response: JSON.stringify(decision), occurredAt: now });
      if (!recorded.fresh) return recorded.storedResponse ? (JSON.parse(recorded.storedResponse) as VoiceDecision) : decision;
      const row = { ...emptyCallRow(), ...call, id: recorded.callId } as CallRow;
      // Only a step replayed hours late touches the rollup; a live call returns at once.
      if (deps.afterCallChange) await deps.afterCallChange(db, row);
      publish(row.outcome === 'in_menu' ? 'call.ringing' : 'call.settled', row);
      return decision;
    },

    /**
     * The caller pressed a digit (or nothing). A caller who reached the menu while open is served
     * even if the window has closed meanwhile: the opening hours are not checked again here.
     */
    async chooseFromMenu(params: CallParams, attempt: number, digits: string | undefined, payload: Record<string, unknown>, at?: Date) {
      const result = await runStep(
        { callSid: params.callSid, step: `menu:${attempt}`, type: 'menu', payload },
        async (tx, now) => {
          let call = await repo.findCallBySid(tx, params.callSid, { forUpdate: true });
          if (!call) {
            // The incoming step never reached us (or was lost); the caller is in our menu, so we serve them.
            const route = params.to ? directory.routeNumber(params.to) : undefined;
            if (!route) return { decision: { kind: 'unknown_number' }, call: null };
            call = await repo.insertCall(tx, {
              callSid: params.callSid,
              agencyCode: route.agency.code,
              portfolioId: route.portfolioId,
              numberKind: route.kind,
              toNumber: params.to ?? '',
              fromNumber: params.from,
              startedAt: now,
              status: params.callStatus ?? 'in-progress',
              outcome: 'in_menu',
              updatedAt: now,
            });
          }
          if (call.outcome !== 'in_menu' || !call.agencyCode) return { decision: { kind: 'ack' }, call };
          const decision = decideMenuStep(digits, attempt, directory.agency(call.agencyCode)?.queues ?? []);
          if (decision.kind !== 'enqueue') return { decision, call };
          const updated = await repo.updateCall(tx, call.id, {
            outcome: 'queued',
            category: decision.category,
            queueName: decision.queueName,
            enqueuedAt: now,
            updatedAt: now,
          });
          return { decision, call: updated };
        },
        at,
      );
      if (result.fresh && result.decision.kind === 'enqueue') publish('call.queued', result.call);
      return result.decision;
    },

    /** `<Enqueue action>`: the caller left the queue, bridged to an operator or not. */
    async recordQueueResult(params: CallParams, queueResult: string, queueTimeSeconds: number, payload: Record<string, unknown>, at?: Date) {
      const result = await runStep(
        { callSid: params.callSid, step: 'queue-result', type: 'queue-result', payload },
        async (tx, now) => {
          const call = await repo.findCallBySid(tx, params.callSid, { forUpdate: true });
          const decision: VoiceDecision = { kind: 'queue_result', result: queueResult };
          if (!call || !call.agencyCode) return { decision, call: call ?? null };
          const agency = directory.agency(call.agencyCode);
          const outcome = outcomeOfQueueResult(queueResult, queueTimeSeconds, agency?.shortAbandonSeconds ?? 5);
          const changes: Partial<repo.NewCall> = { outcome, queueTimeSeconds, updatedAt: now };
          if (outcome === 'answered' && !call.bridgedAt) changes.bridgedAt = new Date(call.enqueuedAt!.getTime() + queueTimeSeconds * 1000);
          const updated = await repo.updateCall(tx, call.id, withTalkTime({ ...call, ...changes } as CallRow, changes));
          return { decision, call: updated };
        },
        at,
      );
      if (result.fresh) publish('call.settled', result.call);
      return result.decision;
    },

    /** Status callback: never moves a call back from a final state, whatever order callbacks arrive in. */
    async recordStatus(
      params: CallParams,
      status: { callStatus: string; sequence: number | null; durationSeconds: number | null },
      payload: Record<string, unknown>,
      at?: Date,
    ) {
      const step = `status:${status.sequence ?? status.callStatus}`;
      const result = await runStep(
        { callSid: params.callSid, step, type: 'status', payload },
        async (tx, now) => {
          const call = await repo.findCallBySid(tx, params.callSid, { forUpdate: true });
          if (!call) return { decision: { kind: 'ack' }, call: null };
          if (!shouldApplyStatus({ status: call.status, sequence: call.statusSequence }, { status: status.callStatus, sequence: status.sequence })) {
            return { decision: { kind: 'ack' }, call };
          }
          const changes: Partial<repo.NewCall> = { status: status.callStatus, statusSequence: status.sequence, updatedAt: now };
          if (isFinalStatus(status.callStatus)) {
            changes.endedAt = status.durationSeconds !== null ? new Date(call.startedAt.getTime() + status.durationSeconds * 1000) : now;
            changes.durationSeconds = status.durationSeconds;
            // Hung up before choosing a queue: the menu is over for good.
            if (call.outcome === 'in_menu') changes.outcome = 'left_menu';
          }
          const updated = await repo.updateCall(tx, call.id, withTalkTime({ ...call, ...changes } as CallRow, changes));
          return { decision: { kind: 'ack' }, call: updated };
        },
        at,
      );
      if (result.fresh && result.call && isFinalStatus(result.call.status)) {
        publish('call.ended', result.call);
        if (result.call.outcome === 'left_menu') publish('call.settled', result.call);
      }
      return result.decision;
    },

    /** The operator's softphone asks for work: dial the queue holding the call they should take next. */
    async takeNextCall(operatorCallSid: string, identity: string, payload: Record<string, unknown>, at?: Date) {
      const result = await runStep(
        { callSid: operatorCallSid, step: 'operator', type: 'operator', payload },
        async (tx, now) => {
          const served = deps.queuesServedBy
            ? await deps.queuesServedBy(identity, tx)
            : directory.agencyCodes().flatMap((code) => directory.agency(code)!.queues.map((queue) => queue.name));
          const waiting = await repo.findWaitingCalls(tx, served);
          const next = pickNextCall(
            waiting.map((call) => toWaitingCall(call, directory)),
            now,
            pickRules,
          );
          await repo.insertOperatorLeg(tx, { callSid: operatorCallSid, identity, queueName: next?.queueName ?? null, startedAt: now });
          const decision: VoiceDecision = next ? { kind: 'dial_queue', queueName: next.queueName } : { kind: 'nothing_waiting' };
          return { decision, call: null };
        },
        at,
      );
      return result.decision;
    },

    /** `<Queue url>`: the caller is about to be bridged; link them to the operator who dequeued them. */
    async linkBridgedCall(params: CallParams, dequeuingCallSid: string | null, queueTimeSeconds: number | null, payload: Record<string, unknown>, at?: Date) {
      const result = await runStep(
        { callSid: params.callSid, step: 'bridged', type: 'bridged', payload },
        async (tx, now) => {
          const call = await repo.findCallBySid(tx, params.callSid, { forUpdate: true });
          if (!call) return { decision: { kind: 'bridging' }, call: null };
          const leg = dequeuingCallSid ? await repo.findOperatorLeg(tx, dequeuingCallSid) : undefined;
          const changes: Partial<repo.NewCall> = {
            bridgedAt: now,
            answeredBy: leg?.identity ?? null,
            operatorCallSid: dequeuingCallSid,
            updatedAt: now,
          };
          if (queueTimeSeconds !== null) changes.queueTimeSeconds = queueTimeSeconds;
          if (call.outcome === 'queued') changes.outcome = 'bridged';
          const updated = await repo.updateCall(tx, call.id, changes);
          return { decision: { kind: 'bridging' }, call: updated };
        },
        at,
      );
      if (result.fresh && result.call) {
        const call = result.call;
        bus.publish({
          type: 'call.bridged',
          agency: call.agencyCode,
          at: clock.now().toISOString(),
          data: { call: publicCall(call), operator: call.answeredBy },
        });
      }
      return result.decision;
    },

    /** GET /api/v1/calls: the call log of the agencies the actor may see. */
    async listCalls(actor: Actor, query: { agency?: string; from?: Date; to?: Date; limit: number; cursor?: string }) {
      assertRole(actor, 'operator', 'supervisor', 'admin', 'agency');
      const agencies = scopeAgencies(actor, query.agency);
      const cursor = query.cursor ? repo.decodeCallCursor(query.cursor) : undefined;
      if (cursor === null) throw validation('Invalid cursor');
      const page = await repo.listCalls(db, { agencies, from: query.from, to: query.to, limit: query.limit, cursor });
      await deps.accessLog.recordList(
        actor,
        { resource: 'calls', action: 'list', fields: ['from'] },
        page.items.map((call) => call.agencyCode),
      );
      return { items: page.items.map(publicCall), nextCursor: page.nextCursor };
    },

    async findCall(callSid: string) {
      return repo.findCallBySid(db, callSid);
    },
  };
}

const OUTCOME_OF_INCOMING: Readonly<Record<string, CallOutcome>> = { unknown_number: 'unknown_number', closed: 'out_of_hours', menu: 'in_menu' };

/** The answer to a new call, from the in-memory directory alone: the same with or without a database. */
export function decideIncomingCall(directory: AgencyDirectory, to: string | null, at: Date): VoiceDecision {
  const route = to ? directory.routeNumber(to) : undefined;
  if (!route) return { kind: 'unknown_number' };
  const agency = route.agency;
  if (!isOpen(agency.schedule, at)) {
    const message = closedMessageIt(agency.schedule, at, agency.name, { hasEmergencyNumber: Boolean(agency.emergencyNumber) });
    return { kind: 'closed', message, emergencyNumber: agency.emergencyNumber };
  }
  return { kind: 'menu', attempt: 1, greeting: greetingIt(agency.name, route.portfolioName) };
}

function emptyCallRow(): Omit<CallRow, 'id' | 'callSid' | 'toNumber' | 'startedAt' | 'status' | 'outcome' | 'updatedAt'> {
  return {
    agencyCode: null,
    portfolioId: null,
    fromNumber: null,
    numberKind: null,
    statusSequence: null,
    category: null,
    queueName: null,
    enqueuedAt: null,
    queueTimeSeconds: null,
    bridgedAt: null,
    answeredBy: null,
    operatorCallSid: null,
    endedAt: null,
    durationSeconds: null,
    talkSeconds: null,
  };
}

function toWaitingCall(call: CallRow, directory: AgencyDirectory): WaitingCall {
  const parsed = parseQueueName(call.queueName ?? '');
  const queue = parsed ? directory.agency(parsed.agency)?.queues.find((candidate) => candidate.name === call.queueName) : undefined;
  return {
    callSid: call.callSid,
    queueName: call.queueName ?? '',
    category: parsed?.category ?? 'admin',
    enqueuedAt: call.enqueuedAt ?? call.startedAt,
    queuePriority: queue?.priority ?? 0,
  };
}

/** Talk time is known once the call has ended after a bridge: from the bridge to the hang-up. */
function withTalkTime(merged: CallRow, changes: Partial<repo.NewCall>): Partial<repo.NewCall> {
  if (merged.bridgedAt && merged.endedAt && merged.outcome === 'answered') {
    return { ...changes, talkSeconds: Math.max(0, Math.round((merged.endedAt.getTime() - merged.bridgedAt.getTime()) / 1000)) };
  }
  return changes;
}

export function isSettled(outcome: string): boolean {
  return (SETTLED_OUTCOMES as readonly string[]).includes(outcome as CallOutcome);
}

/** The call as the API and the dashboard show it. */
export function publicCall(call: CallRow): Call {
  return {
    callSid: call.callSid,
    agency: call.agencyCode,
    portfolio: call.portfolioId,
    to: call.toNumber,
    from: call.fromNumber,
    numberKind: call.numberKind,
    startedAt: call.startedAt.toISOString(),
    status: call.status,
    outcome: call.outcome,
    category: call.category,
    queue: call.queueName,
    enqueuedAt: call.enqueuedAt?.toISOString() ?? null,
    queueTimeSeconds: call.queueTimeSeconds,
    bridgedAt: call.bridgedAt?.toISOString() ?? null,
    answeredBy: call.answeredBy,
    endedAt: call.endedAt?.toISOString() ?? null,
    durationSeconds: call.durationSeconds,
    talkSeconds: call.talkSeconds,
  };
}
export type PublicCall = Call;

import type { Actor } from '../../domain/actor.ts';
import { assertCanSeeAgency, assertRole, canSeeAgency, scopeAgencies } from '../../domain/actor.ts';
import type { OutcomeCode } from '../../domain/call-outcome-codes.ts';
import { outcomeCodesOf } from '../../domain/call-outcome-codes.ts';
import type { CallOutcome } from '../../domain/call-state.ts';
import { canMoveCall, isFinalStatus, outcomeAtCallEnd, outcomeOfQueueResult, SETTLED_OUTCOMES, shouldApplyStatus } from '../../domain/call-state.ts';
import type { Clock } from '../../domain/clock.ts';
import { conflict, forbidden, notFound, validation } from '../../domain/errors.ts';
import type { Call } from '../../contracts/calls.ts';
import type { CallEvent, DomainEvent, EventBus, EventPayloads } from '../../domain/events.ts';
import type { PickRules, WaitingCall } from '../../domain/next-call.ts';
import { DEFAULT_PICK_RULES, pickNextCall } from '../../domain/next-call.ts';
import { decideMenuStep } from '../../domain/menu-step.ts';
import { decideRatingStep, wantsRatingQuestion } from '../../domain/rating-step.ts';
import { menuPromptIt } from '../../domain/categories.ts';
import { parseQueueName } from '../../domain/routing.ts';
import { closedMessageIt, isOpen } from '../../domain/schedule.ts';
import { generatedGreetingIt } from '../../domain/voice-texts.ts';
import type { Database, Executor, Tx } from '../../db/client.ts';
import type { AccessLog } from '../access-log/access-log-service.ts';
import type { AgencyDirectory, AgencyProfile } from '../agencies/agency-directory.ts';
import { agencyCallerId, voiceOf } from '../agencies/agency-directory.ts';
import { normalizePhone } from '../../domain/phone.ts';
import {
  DEFAULT_QUEUED_CALLBACK_SECONDS,
  decideQueuedCallbackDial,
  expectedWaitSeconds,
  QUEUED_CALLBACK_DIAL_LEASE_SECONDS,
  SERVICE_RATE_WINDOW_SECONDS,
  shouldOfferQueuedCallback,
} from '../../domain/queued-callback.ts';
import * as repo from './calls-repo.ts';
import { createIncomingBatcher } from './incoming-batcher.ts';
import type { CallRow } from './calls-repo.ts';
import type { VoiceDecision } from './voice-decisions.ts';
import { incidentMenu } from './voice-steps.ts';
import type { PreMenuAnnouncement } from '../../domain/pre-menu-announcement.ts';
import { withTimeout } from '../../util/with-timeout.ts';

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
  /** Whether a call may be offered to this softphone identity now (only to an available operator; the operators module). */
  mayTakeCall?: (identity: string, executor: Executor) => Promise<boolean>;
  /** After an outcome code closed a call's wrap-up: the operator who took it is available again (the operators module). */
  wrapUpDone?: (username: string, callSid: string) => Promise<void>;
  /** After the commit that recorded an operator's softphone leg over: release the operator (the operators module). */
  operatorLegEnded?: (identity: string, legCallSid: string) => Promise<void>;
  pickRules?: PickRules;
  /**
   * After every change of a call, with the executor that made it: inside the step's transaction for
   * every step but the first, so their effect commits with the step; an incoming call is recorded by
   * a group commit shared with other calls, so for it this runs on the database just after that
   * commit. Keeps report rollups of sealed days exact and writes the call-back owed to an abandoned
   * caller (the reports and callbacks modules; an incoming call never owes a call-back).
   */
  afterCallChange?: (executor: Executor, call: CallRow) => Promise<void>;
  /**
   * What a caller of this agency hears before the menu (the incidents module: a known problem of
   * their building, their own tickets' state). Asked once per live incoming call, within
   * `preMenuBudgetMs`; slow or failing, the caller gets the plain menu.
   */
  preMenu?: (agency: string, from: string | null, now: Date) => Promise<PreMenuAnnouncement | null>;
  preMenuBudgetMs?: number;
  /** The caller pressed 1 after an incident's offer: their report, inside the step's transaction (the incidents module); null when it closed meanwhile. */
  reportFromCall?: (tx: Tx, report: { incidentId: string; agency: string; callSid: string }) => Promise<(() => void) | null>;
}>;

export type CallService = ReturnType<typeof createCallService>;

type StepResult = { decision: VoiceDecision; call: CallRow | null; fresh: boolean };

export function createCallService(deps: CallServiceDeps) {
  const { db, directory, clock, bus } = deps;
  const pickRules = deps.pickRules ?? DEFAULT_PICK_RULES;
  const incoming = createIncomingBatcher(db, { maxInFlight: deps.incomingWritesInFlight });

  function publish<T extends CallEvent['type']>(type: T, call: CallRow | null, extra?: Omit<EventPayloads[T], 'call'>) {
    if (!call) return;
    bus.publish({ type, agency: call.agencyCode, at: clock.now().toISOString(), data: { call: publicCall(call), ...extra } } as unknown as DomainEvent);
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

  /**
   * The operator's next call is a queued call-back: the placeholder is held for this dial (another
   * operator asking meanwhile does not get it) and the tenant is dialled with the agency's number.
   */
  async function dialQueuedCallback(tx: Tx, placeholder: CallRow, now: Date): Promise<VoiceDecision> {
    const callerId = placeholder.agencyCode ? agencyCallerId(directory, placeholder.agencyCode, placeholder.portfolioId) : null;
    if (!callerId || !placeholder.callbackPhone) return { kind: 'nothing_waiting' };
    const heldUntil = new Date(now.getTime() + QUEUED_CALLBACK_DIAL_LEASE_SECONDS * 1000);
    const claimed = await repo.claimQueuedCallback(tx, placeholder.id, now, heldUntil);
    if (!claimed) return { kind: 'nothing_waiting' };
    return { kind: 'dial_callback', callSid: claimed.callSid, to: placeholder.callbackPhone, callerId };
  }

  /** The one bounded lookup of an incoming call; any failure or delay is the plain menu. */
  async function lookUpPreMenu(agency: string, from: string | null, now: Date): Promise<PreMenuAnnouncement | null> {
    if (!deps.preMenu) return null;
    const budget = deps.preMenuBudgetMs ?? 600;
    try {
      return await withTimeout(deps.preMenu(agency, from, now), budget, `pre-menu lookup did not answer within ${budget} ms`);
    } catch {
      return null;
    }
  }

  return {
    /**
     * "A call comes in": route by the dialled number, enforce the opening window, offer the menu.
     * The decision needs no query (the directory is in memory), so the step is recorded in a
     * single statement shared with the calls arriving at the same moment (group commit): this is
     * the path every call takes while Twilio's clock is running.
     */
    async receiveIncomingCall(params: CallParams, payload: Record<string, unknown>, at?: Date, options: { announce?: boolean } = {}): Promise<VoiceDecision> {
      const now = at ?? clock.now();
      const route = params.to ? directory.routeNumber(params.to) : undefined;
      const plain = decideIncomingCall(directory, params.to, now);
      const heard = options.announce && plain.kind === 'menu' && route ? await lookUpPreMenu(route.agency.code, params.from, now) : null;
      const decision = heard && plain.kind === 'menu' ? withPreMenu(plain, heard) : plain;
      const call = {
        preMenu: heard?.heard ?? null,
        incidentId: heard?.incident?.id ?? null,
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
     * After an incident's offer: 1 adds the caller's report to it (a ticket, no operator) and ends
     * the call, recorded `incident_report`; 2, nothing or anything else, the menu.
     */
    async chooseIncidentOption(params: CallParams, incidentId: string, digits: string | undefined, payload: Record<string, unknown>, at?: Date) {
      let announce: (() => void) | null = null;
      const result = await runStep(
        { callSid: params.callSid, step: 'incident', type: 'incident', payload },
        async (tx, now) => {
          const call = await repo.findCallBySid(tx, params.callSid, { forUpdate: true });
          const route = params.to ? directory.routeNumber(params.to) : undefined;
          const agency = call?.agencyCode ? directory.agency(call.agencyCode) : route?.agency;
          if (!agency) return { decision: { kind: 'unknown_number' }, call: call ?? null };
          if (!call || call.outcome !== 'in_menu' || digits !== '1' || !deps.reportFromCall) return { decision: incidentMenu(agency), call: call ?? null };
          announce = await deps.reportFromCall(tx, { incidentId, agency: agency.code, callSid: call.callSid });
          if (!announce) return { decision: incidentMenu(agency), call };
          const updated = await repo.updateCall(tx, call.id, { outcome: 'incident_report', incidentId, updatedAt: now });
          return { decision: { kind: 'incident_reported' }, call: updated };
        },
        at,
      );
      if (result.fresh && result.decision.kind === 'incident_reported') {
        (announce as (() => void) | null)?.();
        publish('call.settled', result.call);
      }
      return result.decision;
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
          const decision = decideMenuStep(digits, attempt, directory.agency(call.agencyCode) ?? { categories: [], queues: [] });
          if (decision.kind !== 'enqueue') return { decision, call };
          const updated = await repo.updateCall(tx, call.id, {
            outcome: 'queued',
            category: decision.category,
            queueName: decision.queueName,
            enqueuedAt: now,
            lastHeardAt: now,
            updatedAt: now,
          });
          return { decision, call: updated };
        },
        at,
      );
      if (result.fresh && result.decision.kind === 'enqueue') publish('call.queued', result.call);
      return result.decision;
    },

    /**
     * `<Enqueue action>`: the caller left the queue, bridged to an operator or not. A result that
     * would move the call backwards (a `hangup` after the bridge was recorded as answered, any
     * result after another final one) is kept as an event and changes nothing (CALL_TRANSITIONS).
     */
    async recordQueueResult(params: CallParams, queueResult: string, queueTimeSeconds: number, payload: Record<string, unknown>, at?: Date) {
      let changed = false;
      const result = await runStep(
        { callSid: params.callSid, step: 'queue-result', type: 'queue-result', payload },
        async (tx, now) => {
          const call = await repo.findCallBySid(tx, params.callSid, { forUpdate: true });
          const route = params.to ? directory.routeNumber(params.to) : undefined;
          const agency = call?.agencyCode ? directory.agency(call.agencyCode) : route?.agency;
          const portfolioId = call?.agencyCode ? call.portfolioId : (route?.portfolioId ?? null);
          // The same answer as from memory (voice-steps.ts): the question after an answered call, or the result.
          const decision = decideQueueResult(queueResult, agency ? { agency, portfolioId } : null);
          if (!call || !call.agencyCode) return { decision, call: call ?? null };
          const outcome = outcomeOfQueueResult(queueResult, queueTimeSeconds, agency?.shortAbandonSeconds ?? 5, call.outcome);
          if (!canMoveCall(call.outcome, outcome)) return { decision, call };
          // A bridged call's wait was measured at the bridge; a result after the conversation may count it in.
          const wait = call.outcome === 'bridged' && call.queueTimeSeconds !== null ? call.queueTimeSeconds : queueTimeSeconds;
          const changes: Partial<repo.NewCall> = { outcome, queueTimeSeconds: wait, updatedAt: now };
          if (outcome === 'answered' && !call.bridgedAt) changes.bridgedAt = new Date((call.enqueuedAt ?? call.startedAt).getTime() + wait * 1000);
          const updated = await repo.updateCall(tx, call.id, withTalkTime({ ...call, ...changes } as CallRow, changes));
          changed = true;
          return { decision, call: updated };
        },
        at,
      );
      if (result.fresh && changed) publish('call.settled', result.call);
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
      let outcomeBefore: string | null = null;
      let endedLeg: { identity: string; callSid: string } | null = null;
      const result = await runStep(
        { callSid: params.callSid, step, type: 'status', payload },
        async (tx, now) => {
          const call = await repo.findCallBySid(tx, params.callSid, { forUpdate: true });
          if (!call) {
            // Not a caller: an operator's softphone leg (the TwiML App's status callback). Its end releases the operator.
            if (isFinalStatus(status.callStatus)) endedLeg = (await repo.endOperatorLeg(tx, params.callSid, now)) ?? null;
            return { decision: { kind: 'ack' }, call: null };
          }
          outcomeBefore = call.outcome;
          if (!shouldApplyStatus({ status: call.status, sequence: call.statusSequence }, { status: status.callStatus, sequence: status.sequence })) {
            return { decision: { kind: 'ack' }, call };
          }
          const changes: Partial<repo.NewCall> = { status: status.callStatus, statusSequence: status.sequence, updatedAt: now };
          if (isFinalStatus(status.callStatus)) {
            changes.endedAt = status.durationSeconds !== null ? new Date(call.startedAt.getTime() + status.durationSeconds * 1000) : now;
            changes.durationSeconds = status.durationSeconds;
            // Hung up in the menu: left it; hung up after the bridge: answered, even if the queue result never comes.
            const settled = outcomeAtCallEnd(call.outcome);
            if (settled && canMoveCall(call.outcome, settled)) changes.outcome = settled;
          }
          const updated = await repo.updateCall(tx, call.id, withTalkTime({ ...call, ...changes } as CallRow, changes));
          return { decision: { kind: 'ack' }, call: updated };
        },
        at,
      );
      if (result.fresh && result.call && isFinalStatus(result.call.status)) {
        publish('call.ended', result.call);
        if (result.call.outcome !== (outcomeBefore as string | null) && isSettled(result.call.outcome)) publish('call.settled', result.call);
      }
      const leg = endedLeg as { identity: string; callSid: string } | null;
      if (leg && deps.operatorLegEnded) await deps.operatorLegEnded(leg.identity, leg.callSid);
      return result.decision;
    },

    /** The operator's softphone asks for work: dial the queue holding the call they should take next. */
    async takeNextCall(operatorCallSid: string, identity: string, payload: Record<string, unknown>, at?: Date) {
      const result = await runStep(
        { callSid: operatorCallSid, step: 'operator', type: 'operator', payload },
        async (tx, now) => {
          if (deps.mayTakeCall && !(await deps.mayTakeCall(identity, tx))) {
            await repo.insertOperatorLeg(tx, { callSid: operatorCallSid, identity, queueName: null, startedAt: now });
            return { decision: { kind: 'not_available' }, call: null };
          }
          const served = deps.queuesServedBy
            ? await deps.queuesServedBy(identity, tx)
            : directory.agencyCodes().flatMap((code) => directory.agency(code)!.queues.map((queue) => queue.name));
          const waiting = await repo.findWaitingCalls(tx, served, now);
          const next = pickNextCall(
            waiting.map((call) => toWaitingCall(call, directory)),
            now,
            pickRules,
          );
          await repo.insertOperatorLeg(tx, { callSid: operatorCallSid, identity, queueName: next?.queueName ?? null, startedAt: now });
          const picked = next ? waiting.find((call) => call.callSid === next.callSid) : undefined;
          if (picked?.outcome === 'callback_waiting') return { decision: await dialQueuedCallback(tx, picked, now), call: null };
          const decision: VoiceDecision = next ? { kind: 'dial_queue', queueName: next.queueName } : { kind: 'nothing_waiting' };
          return { decision, call: null };
        },
        at,
      );
      return result.decision;
    },

    /**
     * The wait loop asks whether to offer this caller a queued call-back: only while the agency is
     * open and offers call-backs on the number called, when the wait expected from the queue's
     * recent service rate exceeds the agency's threshold.
     */
    async queuedCallbackOffer(callSid: string, at?: Date): Promise<boolean> {
      const now = at ?? clock.now();
      const call = await repo.findCallBySid(db, callSid);
      if (!call || call.outcome !== 'queued' || !call.agencyCode || !call.queueName) return false;
      const agency = directory.agency(call.agencyCode);
      if (!agency) return false;
      const open = isOpen(agency.schedule, now);
      const offersCallbacks = voiceOf(agency, call.portfolioId).offerCallbacks && normalizePhone(call.fromNumber) !== null;
      if (!open || !offersCallbacks) return false;
      const load = await repo.queueLoadOf(db, call, new Date(now.getTime() - SERVICE_RATE_WINDOW_SECONDS * 1000));
      return shouldOfferQueuedCallback({
        open,
        offersCallbacks,
        expectedWaitSeconds: expectedWaitSeconds({ ...load, windowSeconds: SERVICE_RATE_WINDOW_SECONDS }),
        thresholdSeconds: agency.queuedCallbackSeconds ?? DEFAULT_QUEUED_CALLBACK_SECONDS,
      });
    },

    /**
     * The caller chose to be called back on `phone` without losing their place: the call becomes
     * its own placeholder (`callback_waiting`, same queue and enqueue time) and the caller leaves
     * the queue. Recorded once per call; false when the caller is no longer waiting.
     */
    async keepPlaceForCallback(params: CallParams, phone: string, payload: Record<string, unknown>, at?: Date): Promise<boolean> {
      const result = await runStep(
        { callSid: params.callSid, step: 'queued-callback', type: 'queued-callback', payload },
        async (tx, now) => {
          const call = await repo.findCallBySid(tx, params.callSid, { forUpdate: true });
          if (!call || call.outcome !== 'queued') return { decision: { kind: 'ack' }, call: call ?? null };
          const updated = await repo.updateCall(tx, call.id, {
            outcome: 'callback_waiting',
            callbackPhone: phone,
            callbackAttempts: 0,
            callbackNotBefore: null,
            queueTimeSeconds: Math.max(0, Math.round((now.getTime() - (call.enqueuedAt ?? call.startedAt).getTime()) / 1000)),
            updatedAt: now,
          });
          return { decision: { kind: 'callback_kept', phone }, call: updated };
        },
        at,
      );
      const kept = result.decision.kind === 'callback_kept';
      if (result.fresh && kept) publish('call.queued', result.call);
      return kept;
    },

    /**
     * `<Dial action>` of a queued call-back, on the operator's leg: reached, the call is a queued
     * call-back made; not reached, it waits again (spaced) until the last attempt hands it to an
     * ordinary call-back task (the callbacks module, in this transaction).
     */
    async recordQueuedCallbackDial(operatorCallSid: string, callSid: string, dialCallStatus: string, payload: Record<string, unknown>, at?: Date) {
      let settled = false;
      const result = await runStep(
        { callSid: operatorCallSid, step: 'callback-dialled', type: 'callback-dialled', payload: { ...payload, placeholder: callSid } },
        async (tx, now) => {
          const call = await repo.findCallBySid(tx, callSid, { forUpdate: true });
          if (!call || call.outcome !== 'callback_waiting') return { decision: { kind: 'callback_dialled', result: 'unknown' }, call: null };
          const outcome = decideQueuedCallbackDial(call.callbackAttempts ?? 1, dialCallStatus, now);
          if (outcome.kind === 'retry') {
            const updated = await repo.updateCall(tx, call.id, { callbackNotBefore: outcome.notBefore, updatedAt: now });
            return { decision: { kind: 'callback_dialled', result: 'retry' }, call: updated };
          }
          const leg = await repo.findOperatorLeg(tx, operatorCallSid);
          const updated = await repo.updateCall(tx, call.id, {
            outcome: 'queued_callback',
            callbackResult: outcome.kind,
            callbackNotBefore: null,
            answeredBy: outcome.kind === 'reached' ? (leg?.identity ?? null) : null,
            operatorCallSid: outcome.kind === 'reached' ? operatorCallSid : null,
            updatedAt: now,
          });
          settled = true;
          return { decision: { kind: 'callback_dialled', result: outcome.kind }, call: updated };
        },
        at,
      );
      if (result.fresh && settled) publish('call.settled', result.call);
      return result.decision;
    },

    /** `<Queue url>`: the caller is about to be bridged; link them to the operator who dequeued them. */
    async linkBridgedCall(params: CallParams, dequeuingCallSid: string | null, queueTimeSeconds: number | null, payload: Record<string, unknown>, at?: Date) {
      let bridgedNow = false;
      const result = await runStep(
        { callSid: params.callSid, step: 'bridged', type: 'bridged', payload },
        async (tx, now) => {
          const call = await repo.findCallBySid(tx, params.callSid, { forUpdate: true });
          if (!call) return { decision: { kind: 'bridging' }, call: null };
          const leg = dequeuingCallSid ? await repo.findOperatorLeg(tx, dequeuingCallSid) : undefined;
          const link: Partial<repo.NewCall> = { answeredBy: leg?.identity ?? null, operatorCallSid: dequeuingCallSid, updatedAt: now };
          if (canMoveCall(call.outcome, 'bridged')) {
            const changes: Partial<repo.NewCall> = { ...link, bridgedAt: now, outcome: 'bridged' };
            if (queueTimeSeconds !== null) changes.queueTimeSeconds = queueTimeSeconds;
            bridgedNow = true;
            return { decision: { kind: 'bridging' }, call: await repo.updateCall(tx, call.id, changes) };
          }
          // The queue result said `bridged` first: the call is answered already; only learn who took it.
          if (call.outcome === 'answered' && !call.answeredBy) {
            return { decision: { kind: 'bridging' }, call: await repo.updateCall(tx, call.id, { ...link, bridgedAt: call.bridgedAt ?? now }) };
          }
          // Abandoned, lost... and then a bridge: recorded as an event, the call stays as it was.
          return { decision: { kind: 'bridging' }, call };
        },
        at,
      );
      if (result.fresh && bridgedNow) publish('call.bridged', result.call, { operator: result.call?.answeredBy ?? null });
      return result.decision;
    },

    /**
     * The caller's key after the question that follows an answered call. A rating 1–5 is stored
     * once per call (`call_ratings` keeps the first: a repeated or late post never changes it), and
     * only for a call that an operator answered; anything else hears the question once more.
     */
    async recordRating(params: CallParams, attempt: number, digits: string | undefined, payload: Record<string, unknown>, at?: Date) {
      const result = await runStep(
        { callSid: params.callSid, step: `rating:${attempt}`, type: 'rating', payload },
        async (tx, now) => {
          const decision = decideRatingStep(digits, attempt);
          const call = await repo.findCallBySid(tx, params.callSid);
          if (decision.kind === 'rating_thanks' && call?.agencyCode && isAnsweredOutcome(call.outcome)) {
            await repo.insertRatingOnce(tx, { callSid: call.callSid, agencyCode: call.agencyCode, rating: decision.rating, ratedAt: now });
          }
          return { decision, call: call ?? null };
        },
        at,
      );
      return result.decision;
    },

    /** The wait URL was requested: the caller still holds (Twilio's heartbeat). Records no event. */
    async heartbeat(callSid: string, at?: Date): Promise<void> {
      await repo.touchWaitingCall(db, callSid, at ?? clock.now());
    },

    /**
     * Callers still `queued` that nobody has heard of since `cutoff` (no wait-URL poll, no result)
     * have gone: each is settled `lost` in its own transaction, with an event kept in
     * `call_events` (step `reconcile:lost`) and the call's hooks (the rollup of a sealed day), then
     * announced so that the screens drop it. The update is conditional, so several nodes may run
     * this at once: each caller is settled once. Returns how many were settled.
     */
    async reconcileSilentCallers(cutoff: Date, at?: Date): Promise<number> {
      const now = at ?? clock.now();
      let settled = 0;
      for (;;) {
        const silent = await repo.findSilentCallers(db, cutoff, 100);
        let changedThisPage = 0;
        for (const { callSid } of silent) {
          const lost = await db.transaction(async (tx) => {
            const row = await repo.markLostIfSilent(tx, callSid, cutoff, now);
            if (!row) return undefined;
            await repo.recordEvent(tx, {
              callSid,
              step: 'reconcile:lost',
              type: 'reconcile',
              payload: { reason: 'silent_in_queue', lastHeardAt: row.lastHeardAt?.toISOString() ?? null, cutoff: cutoff.toISOString() },
              occurredAt: now,
            });
            if (deps.afterCallChange) await deps.afterCallChange(tx, row);
            return row;
          });
          if (lost) {
            changedThisPage += 1;
            publish('call.settled', lost, { reconciled: true });
          }
        }
        settled += changedThisPage;
        // A page of callers another node settled first, or fewer than a page: nothing more to do now.
        if (silent.length < 100 || changedThisPage === 0) return settled;
      }
    },

    /** The agency's outcome codes (esiti): its own list, or the defaults. Staff serving the agency. */
    async listOutcomeCodes(actor: Actor, agency: string): Promise<{ agency: string; custom: boolean; items: readonly OutcomeCode[] }> {
      assertRole(actor, 'operator', 'supervisor', 'admin');
      assertCanSeeAgency(actor, agency, 'Agency');
      if (!directory.agency(agency)) throw notFound('Agency');
      const own = await repo.ownOutcomeCodes(db, agency);
      return { agency, custom: own.length > 0, items: outcomeCodesOf(own) };
    },

    /** Replaces the agency's outcome codes (an empty list goes back to the defaults). Supervisors and admins serving it. */
    async replaceOutcomeCodes(actor: Actor, agency: string, codes: readonly OutcomeCode[]) {
      assertRole(actor, 'supervisor', 'admin');
      assertCanSeeAgency(actor, agency, 'Agency');
      if (!directory.agency(agency)) throw notFound('Agency');
      const seen = new Set<string>();
      for (const entry of codes) {
        if (seen.has(entry.code)) throw validation(`Outcome code ${entry.code} appears twice`);
        seen.add(entry.code);
      }
      await db.transaction((tx) => repo.replaceOutcomeCodes(tx, agency, codes));
      return this.listOutcomeCodes(actor, agency);
    },

    /**
     * The wrap-up's outcome code, stored on the call: by the operator who took it, or a supervisor or
     * administrator serving its agency. Another agency's call is 404, a colleague's call 403. Ends
     * the wrap-up of the operator who took it.
     */
    async setCallOutcome(actor: Actor, callSid: string, code: string) {
      assertRole(actor, 'operator', 'supervisor', 'admin');
      const call = await repo.findCallBySid(db, callSid);
      if (!call || !call.agencyCode || !canSeeAgency(actor, call.agencyCode)) throw notFound('Call');
      if (actor.role === 'operator' && call.answeredBy !== actor.name)
        throw forbidden('Only the operator who took the call, or a supervisor, sets its outcome');
      if (!call.answeredBy) throw conflict('Nobody took this call: it has no wrap-up');
      const codes = outcomeCodesOf(await repo.ownOutcomeCodes(db, call.agencyCode));
      if (!codes.some((entry) => entry.code === code)) throw validation(`Not an outcome code of ${call.agencyCode}: ${code}`);
      const updated = await repo.updateCall(db, call.id, { wrapUpCode: code, wrapUpBy: actor.name, wrapUpAt: clock.now() });
      publish('call.outcome', updated, { operator: call.answeredBy });
      if (deps.wrapUpDone) await deps.wrapUpDone(call.answeredBy, callSid);
      return publicCall(updated);
    },

    /** GET /api/v1/calls: the call log of the agencies the actor may see. */
    async listCalls(actor: Actor, query: { agency?: string; from?: Date; to?: Date; limit: number; cursor?: string; callSid?: readonly string[] }) {
      assertRole(actor, 'operator', 'supervisor', 'admin', 'agency');
      const agencies = scopeAgencies(actor, query.agency);
      const cursor = query.cursor ? repo.decodeCallCursor(query.cursor) : undefined;
      if (cursor === null) throw validation('Invalid cursor');
      const page = await repo.listCalls(db, { agencies, from: query.from, to: query.to, limit: query.limit, cursor, callSids: query.callSid });
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

const OUTCOME_OF_INCOMING: Readonly<Record<string, CallOutcome>> = {
  unknown_number: 'unknown_number',
  closed: 'out_of_hours',
  menu: 'in_menu',
  incident_offer: 'in_menu',
};
/** Answered, or bridged and not yet settled (the queue result may come after the rating from a journal replay). */
function isAnsweredOutcome(outcome: string): boolean {
  return outcome === 'answered' || outcome === 'bridged';
}

/**
 * What the caller hears when the queue lets go of them (`<Enqueue action>`): after an operator
 * answered, the rating question where the agency (or the number's portfolio) asks for it; else the
 * queue result. From the in-memory directory alone, so the same with or without a database.
 */
export function decideQueueResult(queueResult: string, where: { agency: AgencyProfile; portfolioId: string | null } | null): VoiceDecision {
  if (where && wantsRatingQuestion(queueResult, voiceOf(where.agency, where.portfolioId).askRating)) return { kind: 'rating_question', attempt: 1 };
  return { kind: 'queue_result', result: queueResult };
}

/** The answer to a new call, from the in-memory directory alone: the same with or without a database. */
export function decideIncomingCall(directory: AgencyDirectory, to: string | null, at: Date): VoiceDecision {
  const route = to ? directory.routeNumber(to) : undefined;
  if (!route) return { kind: 'unknown_number' };
  return decideIncomingFor(route.agency, route.portfolioId, at);
}

/**
 * What a caller of the agency (through a number of the portfolio, or of its own stock) hears first
 * at an instant: the portfolio's texts where it has its own, else the agency's, else the generated
 * ones. Also what the administration's preview shows, so the preview cannot drift from the calls.
 */
export function decideIncomingFor(agency: AgencyProfile, portfolioId: string | null, at: Date): VoiceDecision {
  const voice = voiceOf(agency, portfolioId);
  if (!isOpen(agency.schedule, at)) {
    const message =
      voice.closedMessage ??
      closedMessageIt(agency.schedule, at, agency.name, { hasEmergencyNumber: Boolean(voice.emergencyNumber), neutral: voice.neutralGreeting });
    return { kind: 'closed', message, emergencyNumber: voice.emergencyNumber };
  }
  const portfolioName = portfolioId ? (agency.portfolios.find((portfolio) => portfolio.id === portfolioId)?.name ?? null) : null;
  const greeting = voice.greeting ?? generatedGreetingIt(agency.name, portfolioName, voice.neutralGreeting);
  return {
    kind: 'menu',
    attempt: 1,
    greeting: voice.menuIntro ? `${greeting} ${voice.menuIntro}` : greeting,
    prompt: menuPromptIt(agency.categories),
  };
}

/** The menu with what the caller hears first: an incident's offer (its own gather) or their tickets' state. */
function withPreMenu(menu: Extract<VoiceDecision, { kind: 'menu' }>, heard: PreMenuAnnouncement): VoiceDecision {
  if (heard.incident)
    return { kind: 'incident_offer', incidentId: heard.incident.id, greeting: menu.greeting, preamble: heard.status, offer: heard.incident.offer };
  return heard.status ? { ...menu, preamble: heard.status } : menu;
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
    lastHeardAt: null,
    wrapUpCode: null,
    wrapUpBy: null,
    wrapUpAt: null,
    callbackPhone: null,
    callbackAttempts: null,
    callbackNotBefore: null,
    callbackResult: null,
    preMenu: null,
    incidentId: null,
    repeatCall: null,
  };
}

function toWaitingCall(call: CallRow, directory: AgencyDirectory): WaitingCall {
  const parsed = parseQueueName(call.queueName ?? '');
  const agency = parsed ? directory.agency(parsed.agency) : undefined;
  const queue = agency?.queues.find((candidate) => candidate.name === call.queueName);
  const category = agency?.categories.find((candidate) => candidate.code === parsed?.category);
  return {
    callSid: call.callSid,
    queueName: call.queueName ?? '',
    category: parsed?.category ?? '',
    enqueuedAt: call.enqueuedAt ?? call.startedAt,
    queuePriority: queue?.priority ?? 0,
    heatingBoostSeconds: category?.heatingBoostSeconds ?? 0,
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
    /** The wrap-up's outcome code (esito), once given. */
    wrapUpCode: call.wrapUpCode,
  };
}
export type PublicCall = Call;

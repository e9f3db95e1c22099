import { decideMenuStep } from '../../domain/menu-step.ts';
import { menuPromptIt } from '../../domain/categories.ts';
import { decideRatingStep } from '../../domain/rating-step.ts';
import type { AgencyDirectory } from '../agencies/agency-directory.ts';
import type { CallParams, CallService } from './calls-service.ts';
import { decideIncomingCall, decideQueueResult } from './calls-service.ts';
import type { VoiceDecision } from './voice-decisions.ts';

type Payload = Record<string, unknown>;

/** One Twilio voice webhook, as a value: handled live, journaled during an outage, replayed later. */
export type VoiceStep =
  | { kind: 'incoming'; params: CallParams; payload: Payload }
  | { kind: 'menu'; params: CallParams; attempt: number; digits: string | undefined; payload: Payload }
  | { kind: 'incident'; params: CallParams; incidentId: string; digits: string | undefined; payload: Payload }
  | { kind: 'queue-result'; params: CallParams; queueResult: string; queueTimeSeconds: number; payload: Payload }
  | { kind: 'status'; params: CallParams; callStatus: string; sequence: number | null; durationSeconds: number | null; payload: Payload }
  | { kind: 'operator'; operatorCallSid: string; identity: string; payload: Payload }
  | { kind: 'bridged'; params: CallParams; dequeuingCallSid: string | null; queueTimeSeconds: number | null; payload: Payload }
  /** `<Dial action>` of a queued call-back, on the operator's leg (`operatorCallSid`); `callSid` is the placeholder's call. */
  | { kind: 'callback-dialled'; operatorCallSid: string; callSid: string; dialCallStatus: string; payload: Payload }
  | { kind: 'rating'; params: CallParams; attempt: number; digits: string | undefined; payload: Payload };

/**
 * Runs a step through the call service's verbs, at the instant it was received. `live`: the caller
 * is waiting for this answer (not a replay), so an incoming call may look up what to say before the menu.
 */
export function applyVoiceStep(calls: CallService, step: VoiceStep, at: Date, live = false): Promise<VoiceDecision> {
  switch (step.kind) {
    case 'incoming':
      return calls.receiveIncomingCall(step.params, step.payload, at, { announce: live });
    case 'incident':
      return calls.chooseIncidentOption(step.params, step.incidentId, step.digits, step.payload, at);
    case 'menu':
      return calls.chooseFromMenu(step.params, step.attempt, step.digits, step.payload, at);
    case 'queue-result':
      return calls.recordQueueResult(step.params, step.queueResult, step.queueTimeSeconds, step.payload, at);
    case 'status':
      return calls.recordStatus(step.params, { callStatus: step.callStatus, sequence: step.sequence, durationSeconds: step.durationSeconds }, step.payload, at);
    case 'operator':
      return calls.takeNextCall(step.operatorCallSid, step.identity, step.payload, at);
    case 'bridged':
      return calls.linkBridgedCall(step.params, step.dequeuingCallSid, step.queueTimeSeconds, step.payload, at);
    case 'callback-dialled':
      return calls.recordQueuedCallbackDial(step.operatorCallSid, step.callSid, step.dialCallStatus, step.payload, at);
    case 'rating':
      return calls.recordRating(step.params, step.attempt, step.digits, step.payload, at);
  }
}

/**
 * What to tell Twilio when the database cannot be asked: the same rules, from the in-memory
 * directory only. A caller hears the right menu, queue or closed message while the database
 * restarts; the step itself is journaled and recorded when the database returns.
 */
export function decideFromMemory(step: VoiceStep, at: Date, directory: AgencyDirectory, pickQueueFor: (identity: string) => string | null): VoiceDecision {
  switch (step.kind) {
    case 'incoming':
      return decideIncomingCall(directory, step.params.to, at);
    case 'menu': {
      const route = step.params.to ? directory.routeNumber(step.params.to) : undefined;
      if (!route) return { kind: 'unknown_number' };
      return decideMenuStep(step.digits, step.attempt, route.agency);
    }
    case 'incident': {
      // Adding a report needs the database: without it the caller gets the menu (and the journal says so, see resilient-voice.ts).
      const route = step.params.to ? directory.routeNumber(step.params.to) : undefined;
      if (!route) return { kind: 'unknown_number' };
      return incidentMenu(route.agency);
    }
    case 'queue-result': {
      const route = step.params.to ? directory.routeNumber(step.params.to) : undefined;
      return decideQueueResult(step.queueResult, route ? { agency: route.agency, portfolioId: route.portfolioId } : null);
    }
    case 'status':
      return { kind: 'ack' };
    case 'operator': {
      const queueName = pickQueueFor(step.identity);
      return queueName ? { kind: 'dial_queue', queueName } : { kind: 'nothing_waiting' };
    }
    case 'bridged':
      return { kind: 'bridging' };
    // Recorded when the database returns; the operator only hears the leg end.
    case 'callback-dialled':
      return { kind: 'callback_dialled', result: 'unknown' };
    case 'rating':
      return decideRatingStep(step.digits, step.attempt);
  }
}

/** The CallSid a step is about: the caller's, or the operator's leg for `operator`. */
export function stepCallSid(step: VoiceStep): string {
  if (step.kind === 'operator' || step.kind === 'callback-dialled') return step.operatorCallSid;
  return step.params.callSid;
}

/** The menu after an incident's offer, when the caller wants an operator (or chose nothing): no greeting again. */
export function incidentMenu(agency: Readonly<{ categories: Parameters<typeof menuPromptIt>[0] }>): VoiceDecision {
  return { kind: 'menu', attempt: 1, greeting: null, prompt: menuPromptIt(agency.categories) };
}

import { normalizePhone } from './phone.ts';

/**
 * "Keep my place, call me back" (queued call-back). A caller waiting longer than the agency's
 * threshold may leave the queue without losing their place: the call stays in the queue order as a
 * placeholder (its enqueue time is the original one) and, when it comes first, the next operator
 * free calls the tenant back from the softphone. Pure rules; the calls module applies them.
 */

/** Expected wait above which the wait loop offers the call-back, unless the agency sets another. */
export const DEFAULT_QUEUED_CALLBACK_SECONDS = 180;
/** How far back the queue's service rate is measured. */
export const SERVICE_RATE_WINDOW_SECONDS = 30 * 60;
/** Dials that do not reach the tenant before the placeholder becomes an ordinary call-back task. */
export const MAX_QUEUED_CALLBACK_ATTEMPTS = 3;
/** After a dial that did not reach the tenant, the placeholder waits this long before it may be picked again. */
export const QUEUED_CALLBACK_RETRY_SECONDS = 5 * 60;
/**
 * A picked placeholder is held for this long: if Twilio never reports how the dial went (the
 * operator's browser closed), it comes back to the queue instead of being forgotten.
 */
export const QUEUED_CALLBACK_DIAL_LEASE_SECONDS = 15 * 60;

export type QueueLoad = Readonly<{
  /** The caller's place among those waiting in the queue (placeholders included), 1 = first. */
  position: number;
  /** Calls of the queue an operator took within the window. */
  answeredInWindow: number;
  windowSeconds: number;
}>;

/**
 * Expected wait from the queue's recent service rate: the callers ahead, and the caller, served at
 * the pace the queue was served in the window. A queue with someone waiting and nobody served in
 * the window has no pace to speak of: the wait is unbounded (Infinity).
 */
export function expectedWaitSeconds(load: QueueLoad): number {
  if (load.position <= 0) return 0;
  if (load.answeredInWindow <= 0) return Number.POSITIVE_INFINITY;
  return (load.position * load.windowSeconds) / load.answeredInWindow;
}

/** Offered only while the agency is open, where call-backs are offered at all, above the threshold. */
export function shouldOfferQueuedCallback(
  input: Readonly<{ open: boolean; offersCallbacks: boolean; expectedWaitSeconds: number; thresholdSeconds: number }>,
): boolean {
  return input.open && input.offersCallbacks && input.expectedWaitSeconds > input.thresholdSeconds;
}

/**
 * The number the caller chose on the keypad: `1` confirms the caller ID read out to them, anything
 * else is a number typed in (Italian formats, as normalizePhone reads them). null: nothing usable.
 */
export function chosenCallbackNumber(digits: string | undefined, callerId: string | null): string | null {
  const typed = (digits ?? '').replace(/[#*]/g, '');
  if (typed === '1') return normalizePhone(callerId);
  return typed.length >= 6 ? normalizePhone(typed) : null;
}

/** A number as a voice reads it digit by digit: Italian numbers without +39, in groups of three. */
export function digitsToSpeak(e164: string): string {
  const national = e164.startsWith('+39') ? e164.slice(3) : e164.replace(/^\+/, '');
  const groups = national.match(/\d{1,3}/g) ?? [];
  return groups.map((group) => group.split('').join(' ')).join(', ');
}

export type QueuedCallbackDialOutcome = Readonly<{ kind: 'reached' }> | Readonly<{ kind: 'retry'; notBefore: Date }> | Readonly<{ kind: 'gave_up' }>;

/** Twilio's `DialCallStatus` values that mean the tenant picked up. */
const REACHED = new Set(['completed', 'answered']);

/** What one dial of a placeholder did to it; `attempts` counts this dial. */
export function decideQueuedCallbackDial(attempts: number, dialCallStatus: string, now: Date): QueuedCallbackDialOutcome {
  if (REACHED.has(dialCallStatus)) return { kind: 'reached' };
  if (attempts >= MAX_QUEUED_CALLBACK_ATTEMPTS) return { kind: 'gave_up' };
  return { kind: 'retry', notBefore: new Date(now.getTime() + QUEUED_CALLBACK_RETRY_SECONDS * 1000) };
}

import type { RatingStepDecision } from '../../domain/rating-step.ts';
import type { Category } from '../../domain/routing.ts';

/**
 * What the platform decided to tell Twilio at one step of a call, independent of TwiML.
 * Stored with the step's event, so that a retried webhook is answered exactly as the first time.
 */
export type VoiceDecision =
  | { kind: 'unknown_number' }
  | { kind: 'closed'; message: string; emergencyNumber: string | null }
  /** `prompt`: the agency's menu; decisions stored before menus were per agency have none (the default menu). */
  /** `preamble`: what the caller hears before the menu (the state of their own tickets), when there is something to say. */
  | { kind: 'menu'; attempt: number; greeting: string | null; prompt?: string; preamble?: string }
  /** A known problem of the caller's building, before the menu: 1 adds their report, 2 (or nothing) the menu. */
  | { kind: 'incident_offer'; incidentId: string; greeting: string | null; preamble: string | null; offer: string }
  /** The caller added their report to the incident: said so, and the call ends. */
  | { kind: 'incident_reported' }
  | { kind: 'enqueue'; queueName: string; category: Category; chosen: boolean }
  | { kind: 'queue_result'; result: string }
  | { kind: 'dial_queue'; queueName: string }
  | { kind: 'nothing_waiting' }
  /** The operator asking for work is not available (on break, off duty, in wrap-up): nothing is offered. */
  | { kind: 'not_available' }
  | { kind: 'bridging' }
  /** The caller left the queue keeping their place: called back on `phone` (stored so that a retry answers the same). */
  | { kind: 'callback_kept'; phone: string }
  /** The operator's next call is a queued call-back: dial the tenant with the agency's number as caller ID. */
  | { kind: 'dial_callback'; callSid: string; to: string; callerId: string }
  /** How the dial of a queued call-back went, said to the operator: reached, tried again later, or handed to a call-back task. */
  | { kind: 'callback_dialled'; result: 'reached' | 'retry' | 'gave_up' | 'unknown' }
  | { kind: 'ack' }
  /** After an answered call, where the agency asks: the rating question, the thanks, or goodbye. */
  | RatingStepDecision;

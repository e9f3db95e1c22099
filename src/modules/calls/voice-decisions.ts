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
  | { kind: 'menu'; attempt: number; greeting: string | null; prompt?: string }
  | { kind: 'enqueue'; queueName: string; category: Category; chosen: boolean }
  | { kind: 'queue_result'; result: string }
  | { kind: 'dial_queue'; queueName: string }
  | { kind: 'nothing_waiting' }
  /** The operator asking for work is not available (on break, off duty, in wrap-up): nothing is offered. */
  | { kind: 'not_available' }
  | { kind: 'bridging' }
  | { kind: 'ack' }
  /** After an answered call, where the agency asks: the rating question, the thanks, or goodbye. */
  | RatingStepDecision;

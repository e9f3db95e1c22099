import type { AgencyCategory } from './categories.ts';
import { menuPromptIt } from './categories.ts';
import type { Category } from './routing.ts';
import { decideMenu } from './routing.ts';

/** A queue of the caller's agency, as the menu needs it. */
export type MenuQueue = Readonly<{ category: string; name: string }>;

/** What the menu of one agency is made of: its categories (digits, fallback) and their queues. */
export type AgencyMenu = Readonly<{ categories: readonly AgencyCategory[]; queues: readonly MenuQueue[] }>;

/** What the menu step answers; each is also a voice decision (src/modules/calls/voice-decisions.ts). */
export type MenuStepDecision =
  | { kind: 'menu'; attempt: number; greeting: null; prompt: string }
  | { kind: 'enqueue'; queueName: string; category: Category; chosen: boolean }
  | { kind: 'queue_result'; result: 'error' };

/**
 * The caller pressed a digit (or nothing) at the menu of an agency: the menu again, or the chosen
 * queue. An agency without the chosen queue (configured without it, or its queue removed while
 * the caller listened) cannot serve the call: the caller hears the queue-error message, as when
 * Twilio cannot enqueue, and never an application error. The same answer whether the database is
 * asked or the step is decided from memory during an outage.
 */
export function decideMenuStep(digits: string | undefined, attempt: number, menu: AgencyMenu): MenuStepDecision {
  const choice = decideMenu(digits, attempt, menu.categories);
  if (choice.kind === 'repeat') return { kind: 'menu', attempt: choice.nextAttempt, greeting: null, prompt: menuPromptIt(menu.categories) };
  if (choice.kind === 'none') return { kind: 'queue_result', result: 'error' };
  const queue = menu.queues.find((candidate) => candidate.category === choice.category);
  if (!queue) return { kind: 'queue_result', result: 'error' };
  return { kind: 'enqueue', queueName: queue.name, category: choice.category, chosen: choice.chosen };
}

import { describe, expect, it } from 'vitest';
import { decideMenuStep } from '../../src/domain/menu-step.ts';
import { CATEGORIES, MENU_ATTEMPTS, queueName } from '../../src/domain/routing.ts';

const AGENCY = 'aler-pavia-lodi';
const ALL_QUEUES = CATEGORIES.map((category) => ({ category, name: queueName(AGENCY, category) }));
const WITHOUT_HEATING = ALL_QUEUES.filter((queue) => queue.category !== 'heating');

describe('the menu step', () => {
  it('puts a caller who pressed 2 in the heating queue', () => {
    expect(decideMenuStep('2', 1, ALL_QUEUES)).toEqual({ kind: 'enqueue', queueName: `${AGENCY}.heating`, category: 'heating', chosen: true });
  });

  it('offers the menu again after a useless digit, then sends the caller to admin', () => {
    expect(decideMenuStep('9', 1, ALL_QUEUES)).toEqual({ kind: 'menu', attempt: 2, greeting: null });
    expect(decideMenuStep(undefined, MENU_ATTEMPTS, ALL_QUEUES)).toEqual({ kind: 'enqueue', queueName: `${AGENCY}.admin`, category: 'admin', chosen: false });
  });

  it('answers the queue error, not an application error, when the agency lacks the chosen queue', () => {
    expect(decideMenuStep('2', 1, WITHOUT_HEATING)).toEqual({ kind: 'queue_result', result: 'error' });
    expect(decideMenuStep(undefined, MENU_ATTEMPTS, [])).toEqual({ kind: 'queue_result', result: 'error' });
  });

  it('still repeats the menu for an agency without queues: the caller has not chosen yet', () => {
    expect(decideMenuStep('', 1, [])).toEqual({ kind: 'menu', attempt: 2, greeting: null });
  });
});

import { describe, expect, it } from 'vitest';
import type { AgencyCategory } from '../../src/domain/categories.ts';
import { DEFAULT_CATEGORIES } from '../../src/domain/categories.ts';
import { decideMenuStep } from '../../src/domain/menu-step.ts';
import { MENU_ATTEMPTS, MENU_PROMPT_IT, queueName } from '../../src/domain/routing.ts';

const AGENCY = 'aler-pavia-lodi';
const queuesOf = (categories: readonly AgencyCategory[]) => categories.map((category) => ({ category: category.code, name: queueName(AGENCY, category.code) }));
const DEFAULT_MENU = { categories: DEFAULT_CATEGORIES, queues: queuesOf(DEFAULT_CATEGORIES) };
const WITHOUT_HEATING_QUEUE = { categories: DEFAULT_CATEGORIES, queues: DEFAULT_MENU.queues.filter((queue) => queue.category !== 'heating') };
const NOTHING = { categories: [], queues: [] };

/** An agency that added "morosità" on 4 and retired heating. */
const MOROSITA: AgencyCategory = {
  ...DEFAULT_CATEGORIES[0]!,
  code: 'morosita',
  label: 'morosità',
  menuPhrase: 'morosità e affitti non pagati',
  digit: 4,
  position: 4,
  keywords: ['morosit', 'affitt', 'canon'],
};
const OWN_CATEGORIES = [...DEFAULT_CATEGORIES.map((category) => (category.code === 'heating' ? { ...category, retired: true } : category)), MOROSITA];
const OWN_MENU = { categories: OWN_CATEGORIES, queues: queuesOf(OWN_CATEGORIES) };

describe('the menu step', () => {
  it('puts a caller who pressed 2 in the heating queue', () => {
    expect(decideMenuStep('2', 1, DEFAULT_MENU)).toEqual({ kind: 'enqueue', queueName: `${AGENCY}.heating`, category: 'heating', chosen: true });
  });

  it('offers the menu again after a useless digit, then sends the caller to admin', () => {
    expect(decideMenuStep('9', 1, DEFAULT_MENU)).toEqual({ kind: 'menu', attempt: 2, greeting: null, prompt: MENU_PROMPT_IT });
    expect(decideMenuStep(undefined, MENU_ATTEMPTS, DEFAULT_MENU)).toEqual({ kind: 'enqueue', queueName: `${AGENCY}.admin`, category: 'admin', chosen: false });
  });

  it('answers the queue error, not an application error, when the agency lacks the chosen queue', () => {
    expect(decideMenuStep('2', 1, WITHOUT_HEATING_QUEUE)).toEqual({ kind: 'queue_result', result: 'error' });
    expect(decideMenuStep(undefined, MENU_ATTEMPTS, NOTHING)).toEqual({ kind: 'queue_result', result: 'error' });
  });

  it('still repeats the menu for an agency without queues: the caller has not chosen yet', () => {
    expect(decideMenuStep('', 1, NOTHING)).toEqual({ kind: 'menu', attempt: 2, greeting: null, prompt: '' });
  });

  it("speaks and follows the agency's own categories: its digit 4, no retired heating", () => {
    expect(decideMenuStep('4', 1, OWN_MENU)).toEqual({ kind: 'enqueue', queueName: `${AGENCY}.morosita`, category: 'morosita', chosen: true });
    const repeated = decideMenuStep('2', 1, OWN_MENU);
    expect(repeated).toEqual({
      kind: 'menu',
      attempt: 2,
      greeting: null,
      prompt: 'Per guasti e manutenzione prema 1. Per pratiche amministrative, contratti e bollette prema 3. Per morosità e affitti non pagati prema 4.',
    });
  });
});

describe('the default menu', () => {
  it('is the contract text, word for word', () => {
    expect(MENU_PROMPT_IT).toBe('Per guasti e manutenzione prema 1. Per il riscaldamento prema 2. Per pratiche amministrative, contratti e bollette prema 3.');
  });
});

import type { AgencyCategory } from './categories.ts';
import { CATEGORY_CODE_PATTERN, DEFAULT_CATEGORIES, fallbackCategory, menuCategories, menuPromptIt } from './categories.ts';

/** A category code of the agency the record belongs to (see categories.ts): `maintenance`, `morosita`… */
export type Category = string;

/** How many times the menu is offered before a caller who pressed nothing useful goes to the fallback category. */
export const MENU_ATTEMPTS = 2;

/** TwiML queue name, fixed by the contract: `<agency code>.<category>`, e.g. `aler-pavia-lodi.heating`. */
export function queueName(agency: string, category: Category): string {
  return `${agency}.${category}`;
}

export function parseQueueName(name: string): { agency: string; category: Category } | null {
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return null;
  const category = name.slice(dot + 1);
  return CATEGORY_CODE_PATTERN.test(category) ? { agency: name.slice(0, dot), category } : null;
}

export type MenuDecision = { kind: 'enqueue'; category: Category; chosen: boolean } | { kind: 'repeat'; nextAttempt: number } | { kind: 'none' };

/**
 * A digit of an active category picks it; anything else repeats the menu, and after the last miss
 * goes to the agency's fallback category (`none` when the agency has none to offer).
 */
export function decideMenu(digits: string | undefined, attempt: number, categories: readonly AgencyCategory[]): MenuDecision {
  const pressed = digits?.trim();
  const category = pressed ? menuCategories(categories).find((candidate) => String(candidate.digit) === pressed) : undefined;
  if (category) return { kind: 'enqueue', category: category.code, chosen: true };
  if (attempt < MENU_ATTEMPTS) return { kind: 'repeat', nextAttempt: attempt + 1 };
  const fallback = fallbackCategory(categories);
  return fallback ? { kind: 'enqueue', category: fallback.code, chosen: false } : { kind: 'none' };
}

/** The menu of an agency with the default categories, word for word as the contract has it. */
export const MENU_PROMPT_IT = menuPromptIt(DEFAULT_CATEGORIES);

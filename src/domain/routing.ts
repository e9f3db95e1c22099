/** The three queues every agency has, in the order the voice menu offers them. */
export const CATEGORIES = ['maintenance', 'heating', 'admin'] as const;
export type Category = (typeof CATEGORIES)[number];

const CATEGORY_BY_DIGIT: Readonly<Record<string, Category>> = { '1': 'maintenance', '2': 'heating', '3': 'admin' };

/** How many times the menu is offered before a caller who pressed nothing useful goes to `admin`. */
export const MENU_ATTEMPTS = 2;

export function isCategory(value: unknown): value is Category {
  return typeof value === 'string' && (CATEGORIES as readonly string[]).includes(value);
}

/** TwiML queue name, fixed by the contract: `<agency code>.<queue>`, e.g. `aler-pavia-lodi.heating`. */
export function queueName(agency: string, category: Category): string {
  return `${agency}.${category}`;
}

export function parseQueueName(name: string): { agency: string; category: Category } | null {
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return null;
  const category = name.slice(dot + 1);
  return isCategory(category) ? { agency: name.slice(0, dot), category } : null;
}

export type MenuDecision = { kind: 'enqueue'; category: Category; chosen: boolean } | { kind: 'repeat'; nextAttempt: number };

/** A digit 1–3 picks its queue; anything else repeats the menu, and after the last miss goes to admin. */
export function decideMenu(digits: string | undefined, attempt: number): MenuDecision {
  const category = digits === undefined ? undefined : CATEGORY_BY_DIGIT[digits.trim()];
  if (category) return { kind: 'enqueue', category, chosen: true };
  if (attempt >= MENU_ATTEMPTS) return { kind: 'enqueue', category: 'admin', chosen: false };
  return { kind: 'repeat', nextAttempt: attempt + 1 };
}

export const MENU_PROMPT_IT = 'Per guasti e manutenzione prema 1. Per il riscaldamento prema 2. Per pratiche amministrative, contratti e bollette prema 3.';

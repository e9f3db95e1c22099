import type { Category } from './routing.ts';

/**
 * The first guess at an e-mail's queue, from Italian keywords. It only has to be right often
 * enough to save the operator a click: an operator corrects it on the ticket (PATCH category).
 */
export type KeywordRule = Readonly<{ category: Exclude<Category, 'admin'>; stems: readonly string[] }>;

/** Word beginnings, accent-free and lower-case: `guast` matches guasto, guasti, guasta. */
export const DEFAULT_KEYWORD_RULES: readonly KeywordRule[] = [
  { category: 'heating', stems: ['caldai', 'riscaldament', 'termosifon', 'calorifer'] },
  { category: 'maintenance', stems: ['perdit', 'infiltrazion', 'guast', 'ascensor', 'allagament', 'muffa'] },
];

/** Agencies whose offices split work differently add their own rules here; the default applies otherwise. */
export const AGENCY_KEYWORD_RULES: Readonly<Record<string, readonly KeywordRule[]>> = {};

export function keywordRulesFor(agencyCode: string): readonly KeywordRule[] {
  return AGENCY_KEYWORD_RULES[agencyCode] ?? DEFAULT_KEYWORD_RULES;
}

function words(text: string): string[] {
  return text
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

function hits(tokens: readonly string[], stems: readonly string[]): number {
  return tokens.filter((token) => stems.some((stem) => token.startsWith(stem))).length;
}

/**
 * Counts keyword hits per category (the subject weighs double: it is the tenant's own summary);
 * the most hits win, ties go to the earlier rule (a leaking boiler is a heating matter), and
 * nothing recognised is an administrative request.
 */
export function categoriseEmail(subject: string | null, body: string | null, rules: readonly KeywordRule[] = DEFAULT_KEYWORD_RULES): Category {
  const subjectWords = words(subject ?? '');
  const bodyWords = words((body ?? '').slice(0, 20_000));
  let best: { category: Category; score: number } = { category: 'admin', score: 0 };
  for (const rule of rules) {
    const score = 2 * hits(subjectWords, rule.stems) + hits(bodyWords, rule.stems);
    if (score > best.score) best = { category: rule.category, score };
  }
  return best.category;
}

import type { AgencyCategory } from './categories.ts';
import { activeCategories, DEFAULT_CATEGORIES, fallbackCategory } from './categories.ts';
import type { Category } from './routing.ts';

/**
 * The first guess at an e-mail's queue, from Italian keywords. It only has to be right often
 * enough to save the operator a click: an operator corrects it on the ticket (PATCH category).
 */
export type KeywordRule = Readonly<{ category: Category; stems: readonly string[] }>;

/**
 * The rules of an agency's active categories. Their order breaks ties: the higher queue priority,
 * then the larger heating boost (a leaking boiler is the heating office's), then list order.
 */
export function keywordRulesOf(categories: readonly AgencyCategory[]): KeywordRule[] {
  return activeCategories(categories)
    .filter((category) => category.keywords.length > 0)
    .sort((a, b) => b.priority - a.priority || b.heatingBoostSeconds - a.heatingBoostSeconds || a.position - b.position)
    .map((category) => ({ category: category.code, stems: category.keywords }));
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
 * Counts keyword hits per category of the agency (the subject weighs double: it is the tenant's
 * own summary); the most hits win, ties go to the earlier rule, and nothing recognised goes to
 * the agency's fallback category (`admin` by default).
 */
export function categoriseEmail(subject: string | null, body: string | null, categories: readonly AgencyCategory[] = DEFAULT_CATEGORIES): Category {
  const subjectWords = words(subject ?? '');
  const bodyWords = words((body ?? '').slice(0, 20_000));
  const fallback = fallbackCategory(categories) ?? activeCategories(categories)[0];
  let best: { category: Category; score: number } = { category: fallback?.code ?? 'admin', score: 0 };
  for (const rule of keywordRulesOf(categories)) {
    const score = 2 * hits(subjectWords, rule.stems) + hits(bodyWords, rule.stems);
    if (score > best.score) best = { category: rule.category, score };
  }
  return best.category;
}

import type { LiveAgency } from '../../src/contracts/live.ts';
import { categoryTitleIt } from '../../src/domain/categories.ts';
import { CATEGORY_LABEL } from './format.ts';

export type CategoryOption = Readonly<{ code: string; title: string }>;

/**
 * The categories a ticket of `agency` may take, from the live snapshot, in the agency's order.
 * `current` (a ticket's own, maybe retired since) stays listed so the form never shows another.
 */
export function categoryOptions(agency: Pick<LiveAgency, 'categories'> | undefined, current?: string): CategoryOption[] {
  const categories = agency?.categories ?? [];
  return categories
    .filter((category) => !category.retired || category.code === current)
    .map((category) => ({ code: category.code, title: categoryTitleIt(category.label) + (category.retired ? ' (ritirata)' : '') }));
}

/** Every category of the agencies a viewer serves, once each, for a filter across agencies. */
export function categoryFilterOptions(agencies: readonly Pick<LiveAgency, 'categories'>[]): CategoryOption[] {
  const seen = new Map<string, string>();
  for (const agency of agencies)
    for (const category of agency.categories) if (!seen.has(category.code)) seen.set(category.code, categoryTitleIt(category.label));
  return [...seen].map(([code, title]) => ({ code, title }));
}

/** "Morosità": a category's title as its agency names it; the default names, then the code, when the agency is not at hand. */
export function categoryTitle(agency: Pick<LiveAgency, 'categories'> | undefined, code: string): string {
  const own = agency?.categories.find((category) => category.code === code);
  return own ? categoryTitleIt(own.label) : (CATEGORY_LABEL[code] ?? code);
}

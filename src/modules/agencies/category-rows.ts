import type { AgencyCategory } from '../../domain/categories.ts';
import { DEFAULT_CATEGORIES } from '../../domain/categories.ts';
import { queueName } from '../../domain/routing.ts';
import type { agencyCategories, queues } from '../../db/schema/index.ts';

/** One category as its `agency_categories` row; `retiredAt` is kept from before when it was retired already. */
export function categoryRow(agencyCode: string, category: AgencyCategory, retiredAt: Date | null): typeof agencyCategories.$inferInsert {
  return {
    agencyCode,
    code: category.code,
    label: category.label,
    menuPhrase: category.menuPhrase,
    digit: category.digit,
    position: category.position,
    heatingBoostSeconds: category.heatingBoostSeconds,
    keywords: [...category.keywords],
    isFallback: category.isFallback,
    retiredAt: category.retired ? retiredAt : null,
  };
}

/** The queue a category's callers wait in: `<agency>.<code>`, with the category's label and priority. */
export function categoryQueueRow(agencyCode: string, category: AgencyCategory): typeof queues.$inferInsert {
  return { name: queueName(agencyCode, category.code), agencyCode, category: category.code, label: category.label, priority: category.priority };
}

/** What a new agency is born with: the three default categories and their queues. */
export function defaultCategoryRows(agencyCode: string) {
  return {
    categories: DEFAULT_CATEGORIES.map((category) => categoryRow(agencyCode, category, null)),
    queues: DEFAULT_CATEGORIES.map((category) => categoryQueueRow(agencyCode, category)),
  };
}

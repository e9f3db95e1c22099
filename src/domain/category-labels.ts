import { categoryTitleIt, DEFAULT_CATEGORIES } from './categories.ts';

/**
 * The Italian names of the default categories, for places that show a category without its
 * agency's list at hand. An agency's own categories carry their labels (categories.ts). Imports
 * nothing at run time but the pure categories module, so the dashboard bundles it without server code.
 */

/** In a sentence: "Categoria: riscaldamento", "(pratiche amministrative)". */
export const CATEGORY_LABEL_IT: Readonly<Record<string, string>> = Object.fromEntries(DEFAULT_CATEGORIES.map((category) => [category.code, category.label]));

/** On its own, as a heading, a table cell or an option: "Riscaldamento". */
export const CATEGORY_TITLE_IT: Readonly<Record<string, string>> = Object.fromEntries(
  DEFAULT_CATEGORIES.map((category) => [category.code, categoryTitleIt(category.label)]),
);

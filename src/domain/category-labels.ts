import type { Category } from './routing.ts';

/**
 * The Italian names of the ticket and queue categories, the one place they are written. Imports
 * nothing at run time, so the dashboard bundles it without any server code.
 */

/** In a sentence: "Categoria: riscaldamento", "(pratiche amministrative)". */
export const CATEGORY_LABEL_IT: Readonly<Record<Category, string>> = {
  maintenance: 'manutenzione',
  heating: 'riscaldamento',
  admin: 'pratiche amministrative',
};

/** On its own, as a heading, a table cell or an option: "Riscaldamento". */
export const CATEGORY_TITLE_IT: Readonly<Record<Category, string>> = {
  maintenance: titleOf(CATEGORY_LABEL_IT.maintenance),
  heating: titleOf(CATEGORY_LABEL_IT.heating),
  admin: titleOf(CATEGORY_LABEL_IT.admin),
};

function titleOf(label: string): string {
  return label.charAt(0).toUpperCase() + label.slice(1);
}

/**
 * An agency's categories: what a ticket is about, which queue a caller waits in, which digit of
 * the voice menu leads there and which words of an e-mail point to it. Each agency has its own
 * list; the three of the original contract are the defaults every agency is born with. Pure: no
 * database, so the in-memory directory answers calls from it during an outage.
 */
export type AgencyCategory = Readonly<{
  /** Lower-case slug, part of the TwiML queue name `<agency>.<code>`; never changes once created. */
  code: string;
  /** In a sentence, lower-case: "Categoria: riscaldamento". */
  label: string;
  /** What the voice menu says after "Per": "il riscaldamento"; null says the label. */
  menuPhrase: string | null;
  /** The key of the voice menu, 1–9; null keeps the category out of the menu. */
  digit: number | null;
  /** Order in lists and in the report. */
  position: number;
  /** The queue's priority: each point counts as a minute of extra wait when operators pick a call. */
  priority: number;
  /** Extra seconds of wait its callers are credited with during the heating season. */
  heatingBoostSeconds: number;
  /** Accent-free, lower-case word beginnings recognised in e-mails: `guast` matches guasto, guasti. */
  keywords: readonly string[];
  /** Where callers who chose nothing and e-mails that match nothing go. Exactly one per agency. */
  isFallback: boolean;
  /** Retired: out of the menu, the keyword rules and new tickets; old tickets and reports keep it. */
  retired: boolean;
}>;

export const CATEGORY_CODE_PATTERN = /^[a-z][a-z0-9-]{0,30}$/;
const KEYWORD_PATTERN = /^[a-z0-9]{2,40}$/;

/** The three categories of the original contract, with the texts and rules they always had. */
export const DEFAULT_CATEGORIES: readonly AgencyCategory[] = [
  {
    code: 'maintenance',
    label: 'manutenzione',
    menuPhrase: 'guasti e manutenzione',
    digit: 1,
    position: 1,
    priority: 0,
    heatingBoostSeconds: 0,
    keywords: ['perdit', 'infiltrazion', 'guast', 'ascensor', 'allagament', 'muffa'],
    isFallback: false,
    retired: false,
  },
  {
    code: 'heating',
    label: 'riscaldamento',
    menuPhrase: 'il riscaldamento',
    digit: 2,
    position: 2,
    priority: 0,
    heatingBoostSeconds: 120,
    keywords: ['caldai', 'riscaldament', 'termosifon', 'calorifer'],
    isFallback: false,
    retired: false,
  },
  {
    code: 'admin',
    label: 'pratiche amministrative',
    menuPhrase: 'pratiche amministrative, contratti e bollette',
    digit: 3,
    position: 3,
    priority: 0,
    heatingBoostSeconds: 0,
    keywords: [],
    isFallback: true,
    retired: false,
  },
];

export const DEFAULT_CATEGORY_CODES: readonly string[] = DEFAULT_CATEGORIES.map((category) => category.code);

export function activeCategories(categories: readonly AgencyCategory[]): AgencyCategory[] {
  return categories.filter((category) => !category.retired);
}

/** The category that takes what nobody chose; only an active one can. */
export function fallbackCategory(categories: readonly AgencyCategory[]): AgencyCategory | undefined {
  return categories.find((category) => category.isFallback && !category.retired);
}

/** The active categories the voice menu offers, in the order of their digits. */
export function menuCategories(categories: readonly AgencyCategory[]): AgencyCategory[] {
  return activeCategories(categories)
    .filter((category) => category.digit !== null)
    .sort((a, b) => (a.digit ?? 0) - (b.digit ?? 0));
}

/** "Per guasti e manutenzione prema 1. Per il riscaldamento prema 2. …", from the agency's categories. */
export function menuPromptIt(categories: readonly AgencyCategory[]): string {
  return menuCategories(categories)
    .map((category) => `Per ${category.menuPhrase ?? category.label} prema ${category.digit}.`)
    .join(' ');
}

/** "Riscaldamento": the label on its own, as a heading, a table cell or an option. */
export function categoryTitleIt(label: string): string {
  return label.charAt(0).toUpperCase() + label.slice(1);
}

/** The label of `code` among the agency's categories (retired ones included); the code itself if unknown. */
export function categoryLabelIt(categories: readonly AgencyCategory[], code: string): string {
  return categories.find((category) => category.code === code)?.label ?? code;
}

/** Keywords as the matcher compares them: trimmed, lower-case, accents dropped. */
export function normaliseKeyword(keyword: string): string {
  return keyword
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .trim()
    .toLowerCase();
}

/**
 * What is wrong with a list of categories an administrator wants to save, in Italian, one sentence
 * per problem; empty when the list can be saved.
 */
export function categoryListProblemsIt(categories: readonly AgencyCategory[]): string[] {
  const problems: string[] = [];
  const codes = new Set<string>();
  const digits = new Map<number, string>();
  for (const category of categories) {
    if (!CATEGORY_CODE_PATTERN.test(category.code)) {
      problems.push(
        `Il codice «${category.code}» non è valido: usi lettere minuscole senza accenti, cifre e trattini, iniziando con una lettera (massimo 31 caratteri).`,
      );
    }
    if (codes.has(category.code)) problems.push(`Il codice «${category.code}» compare più di una volta.`);
    codes.add(category.code);
    if (category.label.trim() === '') problems.push(`La categoria «${category.code}» non ha un nome.`);
    if (category.digit !== null && !category.retired) {
      if (!Number.isInteger(category.digit) || category.digit < 1 || category.digit > 9) {
        problems.push(`Il tasto di «${category.label}» deve essere una cifra da 1 a 9.`);
      } else {
        const taken = digits.get(category.digit);
        if (taken) problems.push(`Il tasto ${category.digit} è assegnato sia a «${taken}» sia a «${category.label}».`);
        digits.set(category.digit, category.label);
      }
    }
    for (const keyword of category.keywords) {
      if (!KEYWORD_PATTERN.test(keyword)) {
        problems.push(`La parola chiave «${keyword}» di «${category.label}» non è valida: una sola parola di 2–40 lettere o cifre.`);
      }
    }
  }
  const active = activeCategories(categories);
  if (active.length === 0) problems.push('Serve almeno una categoria attiva.');
  const fallbacks = categories.filter((category) => category.isFallback);
  if (fallbacks.length !== 1) problems.push('Una e una sola categoria deve raccogliere le richieste non riconosciute.');
  else if (fallbacks[0]!.retired) problems.push(`La categoria «${fallbacks[0]!.label}» raccoglie le richieste non riconosciute: non può essere ritirata.`);
  if (active.length > 0 && menuCategories(categories).length === 0) problems.push('Almeno una categoria attiva deve avere un tasto nel menu vocale.');
  return problems;
}

/**
 * Outcome codes (esiti) an operator closes a call's wrap-up with. Each agency may keep its own
 * list (code + Italian label, in order); an agency that has none uses these defaults.
 */
export type OutcomeCode = Readonly<{ code: string; label: string }>;

export const DEFAULT_OUTCOME_CODES: readonly OutcomeCode[] = Object.freeze([
  { code: 'segnalazione_registrata', label: 'Segnalazione registrata' },
  { code: 'informazione_fornita', label: 'Informazione fornita' },
  { code: 'richiamata_necessaria', label: 'Richiamata necessaria' },
  { code: 'chiamata_errata', label: 'Chiamata errata' },
  { code: 'altro', label: 'Altro' },
]);

/** Codes are stable identifiers stored on calls and in reports: lower-case words joined by `_`. */
export const OUTCOME_CODE_PATTERN = /^[a-z][a-z0-9_]{0,49}$/;

/** The agency's list: its own rows, or the defaults when it has none. */
export function outcomeCodesOf(own: readonly OutcomeCode[]): readonly OutcomeCode[] {
  return own.length > 0 ? own : DEFAULT_OUTCOME_CODES;
}

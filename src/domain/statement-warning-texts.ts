import type { StatementWarning } from '../contracts/reports.ts';

/** What each statement warning means to the person about to issue, in Italian: the statements screen and the draft e-mail say the same. */
export const STATEMENT_WARNING_TEXT_IT: Readonly<Record<StatementWarning, string>> = {
  no_calls: 'Nel trimestre non risulta nessuna chiamata: controllare che i dati siano completi prima di emettere.',
  contract_change: 'Nel trimestre il contratto è cambiato (o non copre tutti i giorni): l’importo è calcolato in proporzione ai giorni di ciascuna versione.',
  already_issued: 'Questo trimestre è già stato emesso: emettendo di nuovo si crea una nuova versione e la precedente resta archiviata come sostituita.',
};

/** Tenant-facing voice texts, in Italian. */

export const UNKNOWN_NUMBER_IT = 'Il numero chiamato non è attivo. Ci scusi per il disturbo.';

export const MENU_RETRY_IT = 'Scelta non valida.';
export const NOTHING_CHOSEN_IT = 'La mettiamo in attesa per le pratiche amministrative.';
export const ENQUEUED_IT = 'Attenda in linea: il primo operatore disponibile le risponderà.';
export const BRIDGING_IT = 'La mettiamo in contatto con un operatore.';
export const NOTHING_WAITING_IT = 'Nessuna chiamata in attesa nelle sue code.';
/** To an operator whose presence is not "Disponibile": no caller is handed over. */
export const NOT_AVAILABLE_IT = 'Il suo stato non è Disponibile: nessuna chiamata le viene passata. Si renda disponibile per ricevere chiamate.';
export const QUEUE_ERROR_IT =
  'Ci scusi, in questo momento non riusciamo a metterla in contatto con un operatore. La preghiamo di richiamare più tardi o di scriverci per e-mail.';

/** Announcement while waiting; Twilio requests it again each time it has been played. */
export function waitAnnouncementIt(position: number | undefined, averageWaitSeconds: number | undefined): string {
  const parts: string[] = [];
  if (position !== undefined && position > 0) {
    parts.push(position === 1 ? 'Lei è il prossimo in linea.' : `Ci sono ${position - 1} persone in attesa prima di lei.`);
  }
  if (averageWaitSeconds !== undefined && averageWaitSeconds >= 60) {
    const minutes = Math.round(averageWaitSeconds / 60);
    parts.push(minutes === 1 ? "L'attesa stimata è di circa un minuto." : `L'attesa stimata è di circa ${minutes} minuti.`);
  }
  parts.push('La preghiamo di restare in linea.');
  return parts.join(' ');
}

/** Said to an operator whose softphone asked to dial a number they may not call back. */
export const CALLBACK_REFUSED_IT =
  'Chiamata non consentita. Dal centralino si possono richiamare solo i numeri delle richiamate e delle segnalazioni che lei può vedere.';
/** Said to an operator whose call-back could not be checked (the database did not answer). */
export const CALLBACK_UNAVAILABLE_IT = 'Non è possibile avviare la richiamata in questo momento. Riprovi tra poco.';

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

/** Queued call-back (src/domain/queued-callback.ts): the offer inside the wait loop. */
export const QUEUED_CALLBACK_OFFER_IT = 'Prema 1 per essere richiamato senza perdere il suo posto.';

/** The number the caller will be called back on, read digit by digit, or a request to type one. */
export function queuedCallbackNumberPromptIt(spokenDigits: string | null): string {
  if (spokenDigits === null) return 'Digiti il numero al quale vuole essere richiamato, seguito dal tasto cancelletto.';
  return `La richiameremo al numero ${spokenDigits}. Prema 1 per confermare, oppure digiti un altro numero seguito dal tasto cancelletto.`;
}

export function queuedCallbackConfirmedIt(spokenDigits: string): string {
  return `Grazie. Il suo posto in coda è mantenuto: la richiameremo al numero ${spokenDigits} appena sarà il suo turno. Ora può riagganciare.`;
}

export const QUEUED_CALLBACK_INVALID_IT = 'Il numero digitato non è valido. Resti in linea: il suo posto in coda è mantenuto.';
export const QUEUED_CALLBACK_UNAVAILABLE_IT = 'In questo momento non è possibile prenotare la richiamata. La preghiamo di restare in linea.';
export const QUEUED_CALLBACK_NO_CHOICE_IT = 'Nessun numero digitato. Resti in linea, per favore.';

/** Said to the operator after a queued call-back that did not reach the tenant. */
export const QUEUED_CALLBACK_RETRY_IT = 'Nessuna risposta: la richiamata resta in coda e sarà riproposta tra qualche minuto.';
export const QUEUED_CALLBACK_GAVE_UP_IT = "Nessuna risposta: la richiamata passa all'elenco delle richiamate da fare.";
/** The one question after an answered call (issue 17 §4), asked where the agency turned it on. */
export const RATING_QUESTION_IT = 'Grazie per aver chiamato. Come valuta il servizio ricevuto? Prema da 1 a 5: 1 per niente soddisfatto, 5 molto soddisfatto.';
/** Before the question a second time, after a key that is not 1 to 5 or no key at all. */
export const RATING_RETRY_IT = 'Tasto non valido.';
export const RATING_THANKS_IT = 'Grazie per la sua valutazione. Arrivederci.';
/** No rating after the second question: the caller is let go without one. */
export const RATING_GOODBYE_IT = 'Grazie, arrivederci.';

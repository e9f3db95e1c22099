/**
 * An operator's e-mail answer to a tenant, from a ticket. Like the acknowledgement it names the
 * ticket in its subject and not the tenant's words, goes only to the ticket's correspondent, and
 * carries `In-Reply-To`, so that the tenant's answer comes back into the same ticket.
 */

export type CannedAnswer = Readonly<{ title: string; body: string }>;

/** At most this many canned answers per agency, each title and text bounded: a list to pick from, not a library. */
export const CANNED_ANSWERS_MAX = 30;
export const CANNED_TITLE_MAX = 80;
export const CANNED_BODY_MAX = 4000;
export const REPLY_TEXT_MAX = 10_000;

/** What an agency starts with until its supervisors write their own. */
export const DEFAULT_CANNED_ANSWERS_IT: readonly CannedAnswer[] = [
  {
    title: 'Presa in carico',
    body: 'la Sua segnalazione è stata presa in carico e inoltrata all’ufficio competente, che La contatterà per concordare l’intervento.',
  },
  {
    title: 'Intervento programmato',
    body: 'l’intervento è stato programmato. Il tecnico La contatterà al numero che ci ha indicato il giorno prima per confermare l’orario.',
  },
  {
    title: 'Servono informazioni',
    body: 'per procedere ci servono alcune informazioni: l’indirizzo completo con scala, piano e interno, e un recapito telefonico. Può rispondere a questo messaggio.',
  },
  {
    title: 'Non di competenza',
    body: 'la richiesta non è di competenza dell’ente gestore del Suo alloggio. Le suggeriamo di rivolgersi all’amministratore del condominio o al Comune.',
  },
];

export function replySubject(ref: string): string {
  return `[${ref}] Risposta alla Sua segnalazione`;
}

/** The operator's text between a greeting and the line that keeps the thread. */
export function replyText(input: { ref: string; agencyName: string; text: string }): string {
  return [
    'Gentile utente,',
    '',
    input.text.trim(),
    '',
    `Per rispondere scriva a questo indirizzo lasciando il numero ${input.ref} nell'oggetto.`,
    '',
    input.agencyName,
  ].join('\n');
}

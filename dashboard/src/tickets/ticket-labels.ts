/** Italian words of the ticket screens that no other screen uses. */

export const PRIORITY_LABEL: Readonly<Record<string, string>> = { low: 'Bassa', normal: 'Normale', high: 'Alta', urgent: 'Urgente' };

export const LINK_KIND_LABEL: Readonly<Record<string, { to: string; from: string }>> = {
  mentions: { to: 'Cita la segnalazione', from: 'Citata dalla segnalazione' },
  follow_up: { to: 'Seguito della segnalazione', from: 'Ha per seguito la segnalazione' },
};

export const CALL_OUTCOME_LABEL: Readonly<Record<string, string>> = {
  answered: 'Risposta',
  bridged: 'In conversazione',
  queued: 'In attesa',
  in_menu: 'Nel menu',
  abandoned: 'Abbandonata',
  short_abandoned: 'Abbandono breve',
  out_of_hours: 'Fuori orario',
  unknown_number: 'Numero sconosciuto',
  left_menu: 'Uscita dal menu',
  queue_other: 'Altro esito di coda',
  lost: 'Persa',
  callback_waiting: 'Richiamata in coda (da fare)',
  queued_callback: 'Richiamata in coda',
  incident_report: 'Aggiunta a un guasto noto',
};

/** A history line's title; the status moves name the new status. */
export const EVENT_LABEL: Readonly<Record<string, string>> = {
  created: 'Segnalazione aperta',
  routed: 'Inviata all’ente',
  acknowledged: 'Presa in carico dall’ente',
  closed: 'Chiusa',
  cancelled: 'Annullata',
  note: 'Nota',
  email: 'E-mail dell’inquilino',
  reply: 'Risposta all’inquilino',
  taken: 'Presa in lavorazione',
  released: 'Rilasciata',
  call_linked: 'Chiamata collegata',
  category_changed: 'Categoria cambiata',
  priority_changed: 'Priorità cambiata',
  portfolio_changed: 'Portafoglio cambiato',
  linked: 'Collegata a un’altra segnalazione',
  transferred_in: 'Trasferita da un altro ente',
  delivered: 'Consegnata all’ente',
  delivery_failed: 'Consegna all’ente non riuscita',
};

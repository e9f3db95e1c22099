/**
 * Why a ticket was opened beside an older one instead of writing into it. Mail never changes a
 * ticket its sender has no part in, nor a ticket that is over: it opens a new ticket that names
 * the older one, and the operator decides.
 */
export const TICKET_LINK_KINDS = ['mentions', 'follow_up'] as const;
export type TicketLinkKind = (typeof TICKET_LINK_KINDS)[number];

export type TicketLink = Readonly<{ ref: string; kind: TicketLinkKind }>;

const STATUS_IT: Record<string, string> = { closed: 'chiusa', cancelled: 'annullata' };

/** The line on the new ticket's timeline, for the operator (Italian). */
export function linkNoteIt(link: TicketLink, linkedStatus: string): string {
  if (link.kind === 'mentions') {
    return `Il messaggio cita la segnalazione ${link.ref}, ma il mittente non è tra i suoi corrispondenti: non vi è stato aggiunto ed è stata aperta questa segnalazione collegata.`;
  }
  const state = STATUS_IT[linkedStatus] ?? linkedStatus;
  return `Il messaggio riguarda la segnalazione ${link.ref}, che è ${state}: quella resta com'era ed è stata aperta questa segnalazione collegata.`;
}

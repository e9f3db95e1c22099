import type { Ticket } from '../tickets/ticket-view.ts';

const WHAT_HAPPENED_IT: Readonly<Record<string, string>> = {
  'ticket.routed': 'Nuova segnalazione',
  'ticket.cancelled': 'Segnalazione annullata',
  'ticket.closed': 'Segnalazione chiusa dal call center',
  'ticket.acknowledged': 'Segnalazione presa in carico',
  'ticket.changed': 'Segnalazione aggiornata',
  'ticket.note': 'Nota aggiunta alla segnalazione',
  'ticket.message': 'Nuovo messaggio dell’inquilino',
};

/** The e-mail an agency's office receives: plain Italian text, reference first in the subject for threading. */
export function renderTicketEmail(eventType: string, ticket: Ticket, categoryLabel: string): { subject: string; text: string } {
  const what = WHAT_HAPPENED_IT[eventType] ?? 'Aggiornamento della segnalazione';
  const dwelling = ticket.dwelling
    ? [
        ticket.dwelling.address,
        ticket.dwelling.municipality,
        ticket.dwelling.building && `edificio ${ticket.dwelling.building}`,
        ticket.dwelling.stair && `scala ${ticket.dwelling.stair}`,
        ticket.dwelling.floor && `piano ${ticket.dwelling.floor}`,
        ticket.dwelling.flat && `interno ${ticket.dwelling.flat}`,
      ]
        .filter(Boolean)
        .join(', ')
    : 'non indicato';
  const latest = ticket.events.at(-1);
  const lines = [
    `${what}: ${ticket.ref}`,
    '',
    `Categoria: ${categoryLabel}`,
    `Priorità: ${ticket.priority}`,
    `Stato: ${ticket.status}`,
    `Canale: ${ticket.channel === 'voice' ? 'telefono' : 'e-mail'}`,
    `Aperta il: ${ticket.createdAt}`,
    `Richiedente: ${[ticket.caller.name, ticket.caller.phone, ticket.caller.email].filter(Boolean).join(' · ') || 'non indicato'}`,
    ...(ticket.tenantCode ? [`Codice inquilino: ${ticket.tenantCode}`] : []),
    `Alloggio: ${dwelling}`,
    '',
    'Descrizione:',
    ticket.description,
    ...(latest?.text && latest.type !== 'created' ? ['', `Ultimo aggiornamento (${latest.actor.name}):`, latest.text] : []),
    '',
    'Per prendere in carico o chiudere la segnalazione usate l’API Centralino (PATCH /api/v1/tickets/' + ticket.ref + ').',
  ];
  return { subject: `[${ticket.ref}] ${what} – ${categoryLabel}`, text: lines.join('\n') };
}

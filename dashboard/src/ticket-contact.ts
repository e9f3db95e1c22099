import type { TicketSummary } from '../../src/contracts/tickets.ts';
import { dwellingText } from './components/caller-popup.tsx';
import { formatPhone } from './format.ts';

/** Who asked and where, on one line of a ticket list: name, phone or e-mail, dwelling. */
export function whoAndWhere(ticket: TicketSummary): string {
  const contact = ticket.caller.phone ? formatPhone(ticket.caller.phone) : ticket.caller.email;
  const dwelling = dwellingText(ticket.dwelling);
  return [ticket.caller.name || 'Chiamante non identificato', contact, dwelling === '—' ? null : dwelling].filter(Boolean).join(' · ');
}

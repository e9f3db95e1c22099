import type { Tx } from '../../db/client.ts';
import type { Ticket } from './ticket-view.ts';

/** What a ticket change tells the agency's office: `ticket.routed`, `ticket.cancelled`, … */
export type TicketAnnouncement = Readonly<{ ticketId: string; ticket: Ticket; eventId: number; eventType: string; now: Date }>;

/**
 * The delivery module's side of a ticket change. It writes its outbox rows in the ticket's own
 * transaction, so a ticket is never routed without its delivery being recorded, nor the reverse.
 */
export type TicketOutbox = Readonly<{ enqueue(tx: Tx, announcement: TicketAnnouncement): Promise<void> }>;

import { z } from 'zod';
import { TICKET_LINK_KINDS } from '../domain/ticket-link.ts';
import { TICKET_CHANNELS, TICKET_PRIORITIES, TICKET_STATUSES } from '../domain/ticket-state.ts';
import { CategoryCode, Dwelling, Instant, pageOf } from './common.ts';

/**
 * One line of a ticket's history. A note's `data.visibility` is `internal` (call center only) or
 * `shared` (the agency reads it); a note without one predates the distinction and is shared.
 */
export const TicketEvent = z.strictObject({
  id: z.number(),
  /** created, status_changed, note, assigned, released, call_linked, email, delivered, … */
  type: z.string(),
  at: Instant,
  actor: z.strictObject({ kind: z.string(), id: z.string(), name: z.string(), role: z.string() }),
  fromStatus: z.string().nullable(),
  toStatus: z.string().nullable(),
  text: z.string().nullable(),
  data: z.record(z.string(), z.unknown()).nullable(),
});
export type TicketEvent = z.infer<typeof TicketEvent>;

/** The older ticket this one was opened beside: a stranger quoted it (`mentions`), or it was over (`follow_up`). */
export const TicketLink = z.strictObject({ ref: z.string(), kind: z.enum(TICKET_LINK_KINDS) });

/** CONTRACT §6: the ticket without its history, as list rows of other modules and live events carry it. */
export const TicketSummary = z.strictObject({
  ref: z.string(),
  agency: z.string(),
  portfolio: z.string().nullable(),
  category: CategoryCode,
  status: z.enum(TICKET_STATUSES),
  channel: z.enum(TICKET_CHANNELS),
  priority: z.enum(TICKET_PRIORITIES),
  subject: z.string().nullable(),
  description: z.string(),
  createdAt: Instant,
  updatedAt: Instant,
  caller: z.strictObject({ phone: z.string().nullable(), name: z.string().nullable(), email: z.string().nullable() }),
  tenantCode: z.string().nullable(),
  dwelling: Dwelling.nullable(),
  assignedTo: z.string().nullable(),
  assignedAt: Instant.nullable(),
  createdBy: z.string(),
  callSids: z.array(z.string()),
  linkedTo: TicketLink.nullable(),
});
export type TicketSummary = z.infer<typeof TicketSummary>;

/** CONTRACT §6: the ticket as the API, the dashboard and the agencies' systems see it. */
export const Ticket = z.strictObject({
  ...TicketSummary.shape,
  events: z.array(TicketEvent),
  /** The newer tickets opened beside this one (the other side of their `linkedTo`): in the single-ticket answer only. */
  linkedFrom: z.array(TicketLink).optional(),
});
export type Ticket = z.infer<typeof Ticket>;

export const TicketPage = pageOf(Ticket);
export type TicketPage = z.infer<typeof TicketPage>;

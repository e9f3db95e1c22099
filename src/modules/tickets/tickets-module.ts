import { SYSTEM_ACTOR } from '../../domain/actor.ts';
import type { Executor } from '../../db/client.ts';
import type { AgencyDirectory } from '../agencies/agency-directory.ts';
import type { AppModule, ModuleCore } from '../module.ts';
import type { TicketOutbox } from './ticket-outbox.ts';
import type { AccessRecorder, PortfolioLookup, TicketCallLookup, TicketTenantLookup } from './ticket-ports.ts';
import { createTicketService } from './ticket-service.ts';
import { createTicketDialTargets } from './ticket-dial-targets.ts';
import { insertTicketEvent } from './tickets-repo.ts';
import { ticketsRoutes } from './tickets-routes.ts';

/** The port the delivery module writes a delivery's outcome on its ticket's timeline with, in its own transaction. */
export const ticketTimeline = {
  async recordDeliveryOutcome(tx: Executor, entry: { ticketId: string; delivered: boolean; data: Record<string, unknown>; at: Date }): Promise<void> {
    await insertTicketEvent(tx, {
      ticketId: entry.ticketId,
      type: entry.delivered ? 'delivered' : 'delivery_failed',
      text: null,
      data: entry.data,
      actorKind: SYSTEM_ACTOR.kind,
      actorId: SYSTEM_ACTOR.id,
      actorName: SYSTEM_ACTOR.name,
      actorRole: SYSTEM_ACTOR.role,
      occurredAt: entry.at,
    });
  },
};

export type TicketsModule = ReturnType<typeof createTicketsModule>;

/**
 * Tickets (segnalazioni): registered by operators from a call or opened by the e-mail pipeline,
 * moved through their states, announced to the agency's office through the delivery outbox.
 */
export function createTicketsModule(
  deps: Pick<ModuleCore, 'db' | 'clock' | 'bus'> & {
    directory: AgencyDirectory;
    accessLog: AccessRecorder;
    calls: TicketCallLookup;
    tenants: TicketTenantLookup;
    portfolios: PortfolioLookup;
    outbox: TicketOutbox;
  },
) {
  const tickets = createTicketService(deps);
  return {
    name: 'tickets',
    service: tickets,
    routes: (api) => ticketsRoutes(api, tickets),
    ports: {
      timeline: ticketTimeline,
      /** For the tenants module's screen pop: a caller's earlier tickets in one agency. */
      callerHistory: tickets.ticketsOfCaller,
      /** For the call-backs module: which ticket numbers a softphone may dial. */
      dialTargets: createTicketDialTargets(deps.db),
    },
  } satisfies AppModule;
}

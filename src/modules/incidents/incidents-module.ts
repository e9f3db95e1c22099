import type { AgencyDirectory } from '../agencies/agency-directory.ts';
import type { AuditPort } from '../audit/audit-service.ts';
import type { AppModule, EventSubscription, ModuleCore } from '../module.ts';
import type { IncidentTicketPort, TenantNotice } from './incident-ports.ts';
import { createIncidentsService } from './incidents-service.ts';
import type { IncidentsService } from './incidents-service.ts';
import { incidentsRoutes } from './incidents-routes.ts';
import { preMenuAnnouncement } from './pre-menu-lookup.ts';

/**
 * Known problems in a building (guasti di stabile): declared by the call center, heard by the
 * building's callers before the menu (with the choice to add their report, no operator needed),
 * joined by e-mails of the building's tenants, closed with every linked ticket. Also the one
 * lookup of what a caller hears before the menu (`ports.preMenu`), their own tickets' state included.
 */
export type IncidentsModule = ReturnType<typeof createIncidentsModule>;

export function createIncidentsModule(
  deps: Pick<ModuleCore, 'db' | 'clock' | 'bus' | 'log'> & {
    directory: AgencyDirectory;
    audit: AuditPort;
    tickets: IncidentTicketPort;
    notifyTenant?: TenantNotice;
  },
) {
  const incidents = createIncidentsService(deps);
  return {
    name: 'incidents',
    service: incidents,
    routes: (api) => incidentsRoutes(api, incidents),
    subscriptions: [linkEmailTickets(incidents, (error) => deps.log.error({ err: error }, 'linking an e-mail ticket to an incident failed'))],
    ports: {
      preMenu: (agency: string, from: string | null, now: Date) => preMenuAnnouncement(deps.db, deps.directory, agency, from, now),
      reportFromCall: incidents.reportFromCall,
    },
  } satisfies AppModule;
}

/** After the commit that opened an e-mail's ticket: a tenant of a building with an open incident on that category joins it. */
function linkEmailTickets(incidents: IncidentsService, failed: (error: unknown) => void): EventSubscription {
  return (event) => {
    if (event.type !== 'ticket.created' || !event.agency) return;
    const ticket = event.data.ticket;
    incidents
      .linkEmailTicket({
        agency: ticket.agency,
        ref: ticket.ref,
        callerEmail: ticket.caller.email,
        tenantCode: ticket.tenantCode,
        category: ticket.category,
        channel: ticket.channel,
      })
      .catch(failed);
  };
}

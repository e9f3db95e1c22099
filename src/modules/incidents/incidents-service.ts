import type { Actor } from '../../domain/actor.ts';
import { assertCanSeeAgency, assertRole, scopeAgencies } from '../../domain/actor.ts';
import type { Clock } from '../../domain/clock.ts';
import { AppError, conflict, notFound, validation } from '../../domain/errors.ts';
import type { EventBus } from '../../domain/events.ts';
import type { Incident } from '../../contracts/incidents.ts';
import type { Database, Executor, Tx } from '../../db/client.ts';
import type { AgencyDirectory } from '../agencies/agency-directory.ts';
import type { AuditPort } from '../audit/audit-service.ts';
import * as repo from './incidents-repo.ts';
import type { IncidentRow } from './incidents-repo.ts';
import type { IncidentTicketPort, TenantNotice } from './incident-ports.ts';

export type DeclareIncidentInput = Readonly<{
  agency: string;
  municipality: string;
  building: string;
  category: string;
  description: string;
  expectedResolutionAt?: string | null;
  ticketRefs?: readonly string[];
}>;

export type IncidentsServiceDeps = Readonly<{
  db: Database;
  clock: Clock;
  bus: EventBus;
  directory: AgencyDirectory;
  audit: AuditPort;
  tickets: IncidentTicketPort;
  /** Tells a tenant by e-mail that the problem of their building is solved (the e-mail module's outbox); absent: nobody is told. */
  notifyTenant?: TenantNotice;
}>;

export type IncidentsService = ReturnType<typeof createIncidentsService>;

const DECLARERS = ['operator', 'supervisor', 'admin'] as const;

/** Who closes and opens tickets in an incident's name: the platform, acting for the incident. */
function incidentActor(row: IncidentRow) {
  return Object.freeze({
    kind: 'system',
    id: `incident:${row.id}`,
    name: `Guasto di stabile ${row.building}`,
    role: 'admin',
    agencies: [row.agencyCode],
  }) as Actor;
}

export function createIncidentsService(deps: IncidentsServiceDeps) {
  const { db, clock, bus, directory } = deps;

  async function view(executor: Executor, rows: readonly IncidentRow[]): Promise<Incident[]> {
    const ids = rows.map((row) => row.id);
    const [linked, counts] = await Promise.all([repo.linkedTickets(executor, ids), repo.callCounts(executor, ids)]);
    return rows.map((row) => ({
      id: row.id,
      agency: row.agencyCode,
      municipality: row.municipality,
      building: row.building,
      address: row.address,
      category: row.category,
      description: row.description,
      expectedResolutionAt: row.expectedResolutionAt?.toISOString() ?? null,
      status: row.status,
      createdBy: row.createdBy,
      createdAt: row.createdAt.toISOString(),
      closedBy: row.closedBy,
      closedAt: row.closedAt?.toISOString() ?? null,
      closingNote: row.closingNote,
      tickets: (linked.get(row.id) ?? []).map((ticket) => ({
        ref: ticket.ref,
        status: ticket.status,
        channel: ticket.channel,
        via: ticket.via,
        linkedAt: ticket.linkedAt.toISOString(),
      })),
      callsHeard: counts.get(row.id)?.heard ?? 0,
      callsReported: counts.get(row.id)?.reported ?? 0,
    }));
  }

  const one = async (executor: Executor, row: IncidentRow) => (await view(executor, [row]))[0]!;

  function publish(type: 'incident.declared' | 'incident.changed' | 'incident.closed', incident: Incident) {
    bus.publish({ type, agency: incident.agency, at: clock.now().toISOString(), data: { incident } });
  }

  /** The staff member's incident, or not found (another agency's is simply not there). */
  async function visible(tx: Executor, actor: Actor, id: string, forUpdate = false): Promise<IncidentRow> {
    const row = await repo.findIncident(tx, id, { forUpdate });
    if (!row) throw notFound('Incident');
    assertCanSeeAgency(actor, row.agencyCode, 'Incident');
    return row;
  }

  /** Links tickets of the incident's agency by reference; every one must exist and be open. */
  async function linkRefs(tx: Tx, row: IncidentRow, refs: readonly string[], via: string, now: Date): Promise<number> {
    const wanted = [...new Set(refs.map((ref) => ref.trim().toUpperCase()).filter(Boolean))];
    const found = await repo.ticketsByRef(tx, row.agencyCode, wanted);
    const missing = wanted.filter((ref) => !found.some((ticket) => ticket.ref === ref));
    if (missing.length > 0) throw validation(`No tickets ${missing.join(', ')} in ${row.agencyCode}`);
    const ended = found.filter((ticket) => !['new', 'routed', 'acknowledged'].includes(ticket.status));
    if (ended.length > 0) throw conflict(`Tickets ${ended.map((ticket) => ticket.ref).join(', ')} are no longer open`);
    let linked = 0;
    for (const ticket of found) if (await repo.linkTicket(tx, { incidentId: row.id, ticketId: ticket.id, via, linkedAt: now })) linked += 1;
    return linked;
  }

  return {
    async listIncidents(actor: Actor, query: { agency?: string; status?: 'open' | 'closed'; limit: number }): Promise<{ items: Incident[] }> {
      assertRole(actor, ...DECLARERS);
      const rows = await repo.listIncidents(db, scopeAgencies(actor, query.agency), query.status, query.limit);
      return { items: await view(db, rows) };
    },

    async getIncident(actor: Actor, id: string): Promise<Incident> {
      assertRole(actor, ...DECLARERS);
      return one(db, await visible(db, actor, id));
    },

    /** The buildings of the agency's registry, to choose one when declaring. */
    async buildings(actor: Actor, agency: string) {
      assertRole(actor, ...DECLARERS);
      assertCanSeeAgency(actor, agency, 'Agency');
      return { items: await repo.registryBuildings(db, agency) };
    },

    /** Declares a known problem on a building of the registry, optionally gathering existing tickets into it. */
    async declareIncident(actor: Actor, input: DeclareIncidentInput): Promise<Incident> {
      assertRole(actor, ...DECLARERS);
      assertCanSeeAgency(actor, input.agency, 'Agency');
      const agency = directory.agency(input.agency);
      if (!agency) throw notFound('Agency');
      if (!agency.categories.some((category) => category.code === input.category && !category.retired)) {
        throw new AppError('CATEGORY_UNKNOWN', `Category ${input.category} is not an active category of ${agency.code}`);
      }
      const description = input.description.trim();
      if (!description) throw validation('An incident needs a short text');
      const expected = input.expectedResolutionAt ? new Date(input.expectedResolutionAt) : null;
      const now = clock.now();
      const incident = await db.transaction(async (tx) => {
        const building = (await repo.registryBuildings(tx, agency.code)).find(
          (candidate) => candidate.municipality === input.municipality.trim() && candidate.building === input.building.trim(),
        );
        if (!building) throw validation(`No building ${input.building} (${input.municipality}) in the registry of ${agency.code}`);
        const row = await repo.insertIncident(tx, {
          agencyCode: agency.code,
          municipality: building.municipality,
          building: building.building,
          address: building.address,
          category: input.category,
          description,
          expectedResolutionAt: expected,
          status: 'open',
          createdBy: actor.name,
          createdAt: now,
        });
        if (input.ticketRefs?.length) await linkRefs(tx, row, input.ticketRefs, 'declared', now);
        const created = await one(tx, row);
        await deps.audit.record(tx, actor, {
          action: 'incident.declare',
          target: { kind: 'incident', id: row.id },
          agency: agency.code,
          before: null,
          after: created,
        });
        return created;
      });
      publish('incident.declared', incident);
      return incident;
    },

    /** Gathers existing open tickets of the agency into the incident. */
    async linkTickets(actor: Actor, id: string, refs: readonly string[]): Promise<Incident> {
      assertRole(actor, ...DECLARERS);
      const now = clock.now();
      const incident = await db.transaction(async (tx) => {
        const row = await visible(tx, actor, id, true);
        if (row.status !== 'open') throw conflict('The incident is closed');
        await linkRefs(tx, row, refs, 'linked', now);
        const linked = await one(tx, row);
        await deps.audit.record(tx, actor, {
          action: 'incident.link',
          target: { kind: 'incident', id: row.id },
          agency: row.agencyCode,
          before: null,
          after: { refs },
        });
        return linked;
      });
      publish('incident.changed', incident);
      return incident;
    },

    /**
     * Closes the incident and every open ticket linked to it, each with the closing note in its
     * history; the tenants who gave an e-mail address are told through the outbox, in the same
     * transaction (nobody is told of a closing that did not commit).
     */
    async closeIncident(actor: Actor, id: string, note: string | undefined): Promise<Incident> {
      assertRole(actor, ...DECLARERS);
      const now = clock.now();
      const after: (() => void)[] = [];
      const incident = await db.transaction(async (tx) => {
        const row = await visible(tx, actor, id, true);
        const closingNote = note?.trim() || null;
        const closed = await repo.closeIncident(tx, row.id, { closedBy: actor.name, closedAt: now, closingNote });
        if (!closed) throw conflict('The incident is closed already');
        const ticketNote = `Chiusa con il guasto di stabile ${row.address}: ${closingNote ?? 'problema risolto'}.`;
        for (const ticketId of await repo.openTicketIds(tx, row.id)) {
          const done = await deps.tickets.closeWithin(tx, incidentActor(row), ticketId, ticketNote);
          if (!done) continue;
          after.push(done.publish);
          if (done.callerEmail && deps.notifyTenant) {
            await deps.notifyTenant(tx, { agency: row.agencyCode, ticketRef: done.ref, to: done.callerEmail, address: row.address, note: closingNote, now });
          }
        }
        const view = await one(tx, closed);
        await deps.audit.record(tx, actor, {
          action: 'incident.close',
          target: { kind: 'incident', id: row.id },
          agency: row.agencyCode,
          before: { status: 'open' },
          after: view,
        });
        return view;
      });
      for (const announce of after) announce();
      publish('incident.closed', incident);
      return incident;
    },

    /**
     * A caller of the building pressed 1: a ticket in the incident's category, from the call
     * (the tenant's data from the registry), routed and linked, inside the call step's transaction.
     * Null when the incident closed meanwhile (the caller then gets the menu).
     */
    async reportFromCall(tx: Tx, report: { incidentId: string; agency: string; callSid: string }): Promise<(() => void) | null> {
      const row = await repo.findIncident(tx, report.incidentId, { forUpdate: true });
      if (!row || row.status !== 'open' || row.agencyCode !== report.agency) return null;
      const opened = await deps.tickets.openWithin(tx, incidentActor(row), {
        agency: row.agencyCode,
        category: row.category,
        description: `Segnalazione aggiunta dal telefono al guasto di stabile ${row.address}: ${row.description}`,
        channel: 'voice',
        callSid: report.callSid,
        route: true,
      });
      await repo.linkTicket(tx, { incidentId: row.id, ticketId: opened.id, via: 'call', linkedAt: clock.now() });
      return () => {
        opened.publish();
        void one(db, row).then(
          (incident) => publish('incident.changed', incident),
          () => {},
        );
      };
    },

    /** An e-mail's ticket from a tenant of a building with an open incident on its category is gathered into it. */
    async linkEmailTicket(ticket: {
      agency: string;
      ref: string;
      callerEmail: string | null;
      tenantCode: string | null;
      category: string;
      channel: string;
    }): Promise<boolean> {
      if (ticket.channel !== 'email') return false;
      const now = clock.now();
      const linked = await db.transaction(async (tx) => {
        const incidentId = await repo.openIncidentOfSender(tx, ticket.agency, { email: ticket.callerEmail, tenantCode: ticket.tenantCode }, ticket.category);
        if (!incidentId) return null;
        const [found] = await repo.ticketsByRef(tx, ticket.agency, [ticket.ref]);
        if (!found || !(await repo.linkTicket(tx, { incidentId, ticketId: found.id, via: 'email', linkedAt: now }))) return null;
        return one(tx, (await repo.findIncident(tx, incidentId))!);
      });
      if (linked) publish('incident.changed', linked);
      return linked !== null;
    },

    /** For the wallboard: open incidents of these agencies and the calls they answered since `since`. */
    async openSummary(agencies: readonly string[], since: Date) {
      const rows = await repo.listIncidents(db, agencies, 'open', 200);
      const counts = await repo.callCounts(
        db,
        rows.map((row) => row.id),
        since,
      );
      return { open: rows.length, callsAnsweredToday: [...counts.values()].reduce((sum, count) => sum + count.reported, 0) };
    },
  };
}

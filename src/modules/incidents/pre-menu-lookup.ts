import { sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.ts';
import { rowsOf } from '../../db/raw-sql.ts';
import { incidents, incidentTickets, tenantPhones, tenants, ticketEvents, tickets } from '../../db/schema/index.ts';
import { categoryLabelIt } from '../../domain/categories.ts';
import { normalizePhone } from '../../domain/phone.ts';
import type { PreMenuAnnouncement } from '../../domain/pre-menu-announcement.ts';
import { heardOf, incidentOfferIt, MAX_TICKETS_READ, ticketStatusesIt } from '../../domain/pre-menu-announcement.ts';
import type { AgencyDirectory } from '../agencies/agency-directory.ts';

type FactRow = {
  kind: 'incident' | 'ticket';
  id: string | null;
  category: string;
  address: string | null;
  description: string | null;
  first_at: Date | string | null;
  second_at: Date | string | null;
  created_at: Date | string;
};

const asDate = (value: Date | string | null) => (value === null ? null : value instanceof Date ? value : new Date(value));

/**
 * The ONE lookup an incoming call makes: the open incident of a building the caller's number
 * lives in (tenant_phones → tenants of the called agency), unless this number already added a
 * report to it, and the caller's own open tickets of that agency (at most the ones read out), each
 * with when it was routed and acknowledged. One statement, on indexes of the agency and number.
 */
export async function findPreMenuFacts(db: Executor, agency: string, from: string) {
  const rows = await rowsOf<FactRow>(
    db,
    sql`with building as (
          select distinct coalesce(t.municipality, '') as municipality, t.building
          from ${tenantPhones} p join ${tenants} t on t.id = p.tenant_id
          where p.agency_code = ${agency} and p.e164 = ${from} and t.agency_code = ${agency} and t.building is not null
        ), incident as (
          select i.id, i.category, i.address, i.description, i.expected_resolution_at, i.created_at
          from ${incidents} i join building b on b.municipality = i.municipality and b.building = i.building
          where i.agency_code = ${agency} and i.status = 'open'
            and not exists (
              select 1 from ${incidentTickets} it join ${tickets} k on k.id = it.ticket_id
              where it.incident_id = i.id and k.caller_phone = ${from})
          order by i.created_at desc limit 1
        ), own as (
          select k.id, k.category, k.created_at from ${tickets} k
          where k.agency_code = ${agency} and k.caller_phone = ${from} and k.status in ('new', 'routed', 'acknowledged')
          order by k.created_at desc limit ${MAX_TICKETS_READ}
        )
        select 'incident' as kind, id::text as id, category, address, description, expected_resolution_at as first_at, null::timestamptz as second_at, created_at
        from incident
        union all
        select 'ticket', null, own.category, null, null,
          (select min(e.occurred_at) from ${ticketEvents} e where e.ticket_id = own.id and e.type = 'routed'),
          (select min(e.occurred_at) from ${ticketEvents} e where e.ticket_id = own.id and e.type = 'acknowledged'),
          own.created_at
        from own`,
  );
  const incidentRow = rows.find((row) => row.kind === 'incident');
  return {
    incident: incidentRow
      ? {
          id: incidentRow.id!,
          category: incidentRow.category,
          address: incidentRow.address ?? '',
          description: incidentRow.description ?? '',
          expectedResolutionAt: asDate(incidentRow.first_at),
        }
      : null,
    tickets: rows
      .filter((row) => row.kind === 'ticket')
      .map((row) => ({ category: row.category, createdAt: asDate(row.created_at)!, routedAt: asDate(row.first_at), acknowledgedAt: asDate(row.second_at) })),
  };
}

/** The words for a caller of `agencyCode` from `rawFrom` at `now`, or null when there is nothing to say. */
export async function preMenuAnnouncement(
  db: Executor,
  directory: AgencyDirectory,
  agencyCode: string,
  rawFrom: string | null,
  now: Date,
): Promise<PreMenuAnnouncement | null> {
  const from = normalizePhone(rawFrom);
  const agency = directory.agency(agencyCode);
  if (!from || !agency) return null;
  const facts = await findPreMenuFacts(db, agencyCode, from);
  const phraseOf = (code: string) => agency.categories.find((category) => category.code === code)?.menuPhrase ?? null;
  const incident = facts.incident
    ? {
        id: facts.incident.id,
        offer: incidentOfferIt(
          {
            id: facts.incident.id,
            categoryLabel: categoryLabelIt(agency.categories, facts.incident.category),
            categoryPhrase: phraseOf(facts.incident.category),
            address: facts.incident.address,
            text: facts.incident.description,
            expectedResolutionAt: facts.incident.expectedResolutionAt,
          },
          now,
          agency.timezone,
        ),
      }
    : null;
  const status = ticketStatusesIt(
    facts.tickets.map((ticket) => ({
      createdAt: ticket.createdAt,
      categoryLabel: categoryLabelIt(agency.categories, ticket.category),
      categoryPhrase: phraseOf(ticket.category),
      routedAt: ticket.routedAt,
      acknowledgedAt: ticket.acknowledgedAt,
    })),
    agency.name,
    agency.timezone,
  );
  const heard = heardOf(incident !== null, status !== null);
  return heard ? { incident, status, heard } : null;
}

import type { Ticket, TicketEvent, TicketSummary } from '../../contracts/tickets.ts';
import type { DwellingData } from '../../domain/dwelling.ts';
import type { TicketEventRow, TicketRow } from './tickets-repo.ts';

export type Dwelling = Readonly<Required<DwellingData>>;

/** The ticket, its summary and its history lines are the API contract's (src/contracts/tickets.ts). */
export type { Ticket, TicketEvent, TicketSummary };

export function toDwelling(data: DwellingData | null | undefined): Dwelling | null {
  if (!data) return null;
  const dwelling = {
    address: data.address ?? null,
    municipality: data.municipality ?? null,
    building: data.building ?? null,
    stair: data.stair ?? null,
    floor: data.floor ?? null,
    flat: data.flat ?? null,
  };
  return Object.values(dwelling).some((value) => value !== null) ? dwelling : null;
}

export function toTicketEvent(row: TicketEventRow): TicketEvent {
  return {
    id: row.id,
    type: row.type,
    at: row.occurredAt.toISOString(),
    actor: { kind: row.actorKind, id: row.actorId, name: row.actorName, role: row.actorRole },
    fromStatus: row.fromStatus,
    toStatus: row.toStatus,
    text: row.text,
    data: row.data ?? null,
  };
}

export function toTicketSummary(row: TicketRow, callSids: readonly string[]): TicketSummary {
  return {
    ref: row.ref,
    agency: row.agencyCode,
    portfolio: row.portfolioId,
    category: row.category,
    status: row.status,
    channel: row.channel,
    priority: row.priority,
    subject: row.subject,
    description: row.description,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    caller: { phone: row.callerPhone, name: row.callerName, email: row.callerEmail },
    tenantCode: row.tenantCode,
    dwelling: toDwelling(row.dwelling),
    assignedTo: row.assignedTo,
    assignedAt: row.assignedAt?.toISOString() ?? null,
    createdBy: row.createdByName,
    callSids: [...callSids],
    linkedTo: row.linkedRef && row.linkKind ? { ref: row.linkedRef, kind: row.linkKind } : null,
  };
}

export function toTicket(row: TicketRow, callSids: readonly string[], events: readonly TicketEventRow[]): Ticket {
  return { ...toTicketSummary(row, callSids), events: events.map(toTicketEvent) };
}

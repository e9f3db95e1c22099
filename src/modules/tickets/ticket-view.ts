import type { DwellingData } from '../../domain/dwelling.ts';
import type { Category } from '../../domain/routing.ts';
import type { TicketLink } from '../../domain/ticket-link.ts';
import type { TicketChannel, TicketPriority, TicketStatus } from '../../domain/ticket-state.ts';
import type { TicketEventRow, TicketRow } from './tickets-repo.ts';

export type Dwelling = Readonly<Required<DwellingData>>;

export type TicketEvent = Readonly<{
  id: number;
  type: string;
  at: string;
  actor: Readonly<{ kind: string; id: string; name: string; role: string }>;
  fromStatus: string | null;
  toStatus: string | null;
  text: string | null;
  data: Record<string, unknown> | null;
}>;

/** CONTRACT §6: the ticket as the API, the dashboard and the agencies' systems see it. */
export type Ticket = Readonly<{
  ref: string;
  agency: string;
  portfolio: string | null;
  category: Category;
  status: TicketStatus;
  channel: TicketChannel;
  priority: TicketPriority;
  subject: string | null;
  description: string;
  createdAt: string;
  updatedAt: string;
  caller: Readonly<{ phone: string | null; name: string | null; email: string | null }>;
  tenantCode: string | null;
  dwelling: Dwelling | null;
  assignedTo: string | null;
  assignedAt: string | null;
  createdBy: string;
  callSids: readonly string[];
  /** The older ticket this one was opened beside (`mentions`, `follow_up`), or null. */
  linkedTo: TicketLink | null;
  events: readonly TicketEvent[];
}>;

/** The ticket without its history: what list rows and dashboard events carry. */
export type TicketSummary = Omit<Ticket, 'events'>;

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
    callSids,
    linkedTo: row.linkedRef && row.linkKind ? { ref: row.linkedRef, kind: row.linkKind } : null,
  };
}

export function toTicket(row: TicketRow, callSids: readonly string[], events: readonly TicketEventRow[]): Ticket {
  return { ...toTicketSummary(row, callSids), events: events.map(toTicketEvent) };
}

import type { Actor } from '../domain/actor.ts';
import { servesEveryAgency } from '../domain/actor.ts';
import type { EventPayloads } from '../domain/events.ts';
import { isInternalEvent } from '../domain/ticket-note.ts';

/**
 * Rooms per agency and role. Call-center staff and agency users of the same agency are in
 * different rooms, so an event can be shown to the staff without reaching the agency (or the
 * other way round), and an agency user is never in another agency's room.
 */
export const STAFF_WIDE_ROOM = 'staff';

export function staffRoom(agency: string): string {
  return `agency:${agency}:staff`;
}

export function clientRoom(agency: string): string {
  return `agency:${agency}:client`;
}

/**
 * The rooms a connected actor joins. Events of no agency (mail sent to none of our addresses, an
 * operator assigned to no agency) may concern any agency: only supervisors and administrators
 * serving every agency (`allAgencies`) hear them.
 */
export function roomsForActor(actor: Actor, allAgencies: readonly string[]): string[] {
  if (actor.role === 'agency') return actor.agencies.map(clientRoom);
  const rooms = actor.agencies.map(staffRoom);
  if ((actor.role === 'supervisor' || actor.role === 'admin') && servesEveryAgency(actor, allAgencies)) rooms.push(STAFF_WIDE_ROOM);
  return rooms;
}

/**
 * Event types an agency user receives about its own agency: its calls, its tickets, its figures.
 * Everything else (e-mail work items, callbacks, operators) stays with the call-center staff.
 */
const CLIENT_VISIBLE_PREFIXES = ['call.', 'ticket.', 'live.'];

export function isClientVisible(type: string): boolean {
  return CLIENT_VISIBLE_PREFIXES.some((prefix) => type.startsWith(prefix));
}

/** A ticket change that is an internal note is the call center's own: the agency's room never hears it. */
function isStaffOnly(event: RoutedEvent): boolean {
  if (event.type !== 'ticket.changed') return false;
  const change = (event.data as EventPayloads['ticket.changed'] | undefined)?.change;
  return change !== undefined && isInternalEvent(change);
}

type RoutedEvent = Readonly<{ type: string; agency: string | null; data?: unknown }>;

/** The rooms an event goes to. */
export function roomsForEvent(event: RoutedEvent): string[] {
  if (event.agency === null) return [STAFF_WIDE_ROOM];
  const rooms = [staffRoom(event.agency)];
  if (isClientVisible(event.type) && !isStaffOnly(event)) rooms.push(clientRoom(event.agency));
  return rooms;
}

import type { Role } from './actor.ts';

/**
 * Who reads a note on a ticket. `internal` notes are the call center's own (how the tenant spoke,
 * what a colleague should know) and never leave it: not to the agency's clerks, its API tokens,
 * its live room, nor its webhooks and e-mails. `shared` notes are read by the agency too.
 */
export const NOTE_VISIBILITIES = ['internal', 'shared'] as const;
export type NoteVisibility = (typeof NOTE_VISIBILITIES)[number];

/** Staff write for each other unless they say otherwise; whatever an agency writes, the agency reads. */
export function defaultNoteVisibility(role: Role): NoteVisibility {
  return role === 'agency' ? 'shared' : 'internal';
}

/** Notes written before visibilities existed carry none and stay shared, as they were. */
export function isInternalEvent(event: Readonly<{ type: string; data: Readonly<Record<string, unknown>> | null | undefined }>): boolean {
  return event.type === 'note' && event.data?.visibility === 'internal';
}

/** The history lines a role may read: an agency never reads the call center's internal notes. */
export function eventsVisibleTo<E extends Readonly<{ type: string; data: Readonly<Record<string, unknown>> | null | undefined }>>(
  role: Role,
  events: readonly E[],
): E[] {
  return role === 'agency' ? events.filter((event) => !isInternalEvent(event)) : [...events];
}

import type { Role } from './actor.ts';

/**
 * A ticket's life as data. The platform or an operator routes it to the agency's office, the
 * agency acknowledges and closes it; the call center may cancel it while the agency has not
 * taken it on. A closed ticket is reopened (back to the agency's office) when the tenant says the
 * problem is still there, and a ticket cancelled by mistake goes back to the call center; both
 * need a reason, which stays in the ticket's history. Every move is persisted with `UPDATE … WHERE status = <from>`, so of two people
 * moving the same ticket at once exactly one succeeds.
 */
export const TICKET_STATUSES = ['new', 'routed', 'acknowledged', 'closed', 'cancelled'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

export const TICKET_CHANNELS = ['voice', 'email'] as const;
export type TicketChannel = (typeof TICKET_CHANNELS)[number];

export const TICKET_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type TicketPriority = (typeof TICKET_PRIORITIES)[number];

export type TicketTransition = Readonly<{ from: TicketStatus; to: TicketStatus; roles: readonly Role[]; reasonRequired?: true }>;

const CALL_CENTER: readonly Role[] = ['operator', 'supervisor', 'admin'];
/** The agency's own staff do the work; a supervisor may stand in for an agency that phoned instead. */
const AGENCY_SIDE: readonly Role[] = ['agency', 'supervisor', 'admin'];
/** Whoever hears that a closed problem is back: the operator on the phone or the agency's office. */
const ANYONE_SERVING: readonly Role[] = ['operator', 'agency', 'supervisor', 'admin'];

export const TICKET_TRANSITIONS: readonly TicketTransition[] = [
  { from: 'new', to: 'routed', roles: CALL_CENTER },
  { from: 'new', to: 'cancelled', roles: CALL_CENTER },
  { from: 'routed', to: 'acknowledged', roles: AGENCY_SIDE },
  { from: 'routed', to: 'closed', roles: AGENCY_SIDE },
  { from: 'routed', to: 'cancelled', roles: CALL_CENTER },
  { from: 'acknowledged', to: 'closed', roles: AGENCY_SIDE },
  { from: 'closed', to: 'routed', roles: ANYONE_SERVING, reasonRequired: true },
  { from: 'cancelled', to: 'new', roles: CALL_CENTER, reasonRequired: true },
];

/** Whether the move brings an ended ticket back to life (shown as «Riaperta»). */
export function isReopening(from: string, to: string): boolean {
  return !isOpenTicketStatus(from) && isOpenTicketStatus(to);
}

/** Whether the move must say why (a reopening does). */
export function needsReason(from: TicketStatus, to: TicketStatus): boolean {
  return TICKET_TRANSITIONS.some((candidate) => candidate.from === from && candidate.to === to && candidate.reasonRequired === true);
}

export const OPEN_TICKET_STATUSES: readonly TicketStatus[] = ['new', 'routed', 'acknowledged'];

export function isTicketStatus(value: unknown): value is TicketStatus {
  return typeof value === 'string' && (TICKET_STATUSES as readonly string[]).includes(value);
}

export function isOpenTicketStatus(status: string): boolean {
  return (OPEN_TICKET_STATUSES as readonly string[]).includes(status);
}

export type TransitionDecision = { ok: true } | { ok: false; reason: 'illegal' | 'forbidden' };

/** Whether `role` may move a ticket from `from` to `to`. The platform itself acts as an admin. */
export function decideTicketTransition(from: TicketStatus, to: TicketStatus, role: Role): TransitionDecision {
  const transition = TICKET_TRANSITIONS.find((candidate) => candidate.from === from && candidate.to === to);
  if (!transition) return { ok: false, reason: 'illegal' };
  if (!transition.roles.includes(role)) return { ok: false, reason: 'forbidden' };
  return { ok: true };
}

/** `PV-2026-000123`: the agency's prefix, the year the ticket was opened (agency time) and a counter. */
export function formatTicketRef(prefix: string, year: number, seq: number): string {
  return `${prefix}-${year}-${String(seq).padStart(6, '0')}`;
}

const REF_PATTERN = /\b([A-Z]{1,6})-(\d{4})-(\d{6,})\b/;

/** Finds a ticket reference in free text such as an e-mail subject ("Re: [PV-2026-000123] …"). */
export function findTicketRef(text: string): string | null {
  const match = REF_PATTERN.exec(text.toUpperCase());
  return match ? match[0] : null;
}

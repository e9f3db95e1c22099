/** The API's shapes as the dashboard reads them (CONTRACT §6 and the modules' replies). */

import type { DwellingData } from '../../src/domain/dwelling.ts';

/** The server's own type: the dashboard reads the dwelling exactly as the API writes it. */
export type Dwelling = DwellingData;

export type TicketEvent = {
  type: string;
  at?: string;
  occurredAt?: string;
  actor?: unknown;
  text?: string | null;
  fromStatus?: string | null;
  toStatus?: string | null;
};

export type Ticket = {
  ref: string;
  agency: string;
  category: string;
  status: string;
  channel: string;
  priority?: string;
  createdAt: string;
  updatedAt?: string;
  caller: { phone: string | null; name: string | null; email?: string | null };
  dwelling: Dwelling | null;
  description: string;
  subject?: string | null;
  assignedTo?: string | null;
  /** The older ticket this one was opened beside: a stranger quoted it, or it was already over. */
  linkedTo?: { ref: string; kind: 'mentions' | 'follow_up' } | null;
  events?: TicketEvent[];
};

export type Page<T> = { items: T[]; nextCursor: string | null };

/** A registry entry: its dwelling either nested or, in some replies, spread over the entry itself. */
export type Tenant = Dwelling & {
  code: string;
  name: string;
  agency?: string;
  email?: string | null;
  dwelling?: Dwelling | null;
};

export type CallerLookup = {
  agency: string | null;
  phone: string | null;
  tenants: Tenant[];
  previousTickets: Ticket[];
};

export type Callback = {
  id: string;
  agency: string;
  callSid: string;
  queue?: string | null;
  category?: string | null;
  callerPhone: string;
  abandonedAt: string;
  waitedSeconds?: number | null;
  dueAt: string;
  status: string;
  attempts: number;
  assignedTo?: string | null;
};

export type EmailItem = {
  id: string;
  agency: string | null;
  from?: string | null;
  subject?: string | null;
  receivedAt?: string | null;
  status?: string | null;
  ticket?: string | null;
};

export type SoftphoneStatus = { mode: 'twilio' | 'simulator'; identity: string; call: import('../../src/contracts/live.ts').LiveCall | null };

import { bigserial, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { DwellingData } from '../../domain/dwelling.ts';
import { TICKET_LINK_KINDS } from '../../domain/ticket-link.ts';
import { agencies } from './agencies.ts';

/**
 * A request (segnalazione). The row is the current state; `ticket_events` is the record of
 * every change with its actor and time. `status` only moves through conditional updates.
 */
export const tickets = pgTable(
  'tickets',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** `<prefix>-<year>-<seq>`, e.g. `PV-2026-000123`: gap-free per agency and year. */
    ref: text('ref').notNull(),
    agencyCode: text('agency_code')
      .notNull()
      .references(() => agencies.code, { onDelete: 'cascade' }),
    portfolioId: text('portfolio_id'),
    year: integer('year').notNull(),
    seq: integer('seq').notNull(),
    category: text('category').notNull(),
    status: text('status', { enum: ['new', 'routed', 'acknowledged', 'closed', 'cancelled'] }).notNull(),
    channel: text('channel', { enum: ['voice', 'email'] }).notNull(),
    priority: text('priority', { enum: ['low', 'normal', 'high', 'urgent'] })
      .notNull()
      .default('normal'),
    subject: text('subject'),
    description: text('description').notNull(),
    callerPhone: text('caller_phone'),
    callerName: text('caller_name'),
    callerEmail: text('caller_email'),
    tenantCode: text('tenant_code'),
    dwelling: jsonb('dwelling').$type<DwellingData>(),
    /** Username of the operator who took the ticket; set only by a conditional update. */
    assignedTo: text('assigned_to'),
    assignedAt: timestamp('assigned_at', { withTimezone: true, mode: 'date' }),
    /**
     * The older ticket of the same agency this one was opened beside instead of writing into it:
     * a stranger's mail quoting its reference (`mentions`), a reply to a closed or cancelled ticket
     * (`follow_up`). Set at creation only; the older ticket is never changed by it.
     */
    linkedRef: text('linked_ref'),
    linkKind: text('link_kind', { enum: TICKET_LINK_KINDS }),
    createdById: text('created_by_id').notNull(),
    createdByName: text('created_by_name').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (table) => [
    uniqueIndex('tickets_ref_idx').on(table.ref),
    uniqueIndex('tickets_agency_year_seq_idx').on(table.agencyCode, table.year, table.seq),
    index('tickets_agency_created_idx').on(table.agencyCode, table.createdAt),
    index('tickets_agency_status_idx').on(table.agencyCode, table.status),
    index('tickets_agency_caller_phone_idx').on(table.agencyCode, table.callerPhone),
    index('tickets_agency_tenant_idx').on(table.agencyCode, table.tenantCode),
  ],
);

/** The last reference number handed out per agency and year, bumped in the ticket's own transaction. */
export const ticketCounters = pgTable(
  'ticket_counters',
  {
    agencyCode: text('agency_code')
      .notNull()
      .references(() => agencies.code, { onDelete: 'cascade' }),
    year: integer('year').notNull(),
    last: integer('last').notNull(),
  },
  (table) => [primaryKey({ columns: [table.agencyCode, table.year] })],
);

/** Append-only history of a ticket. `email_id` makes an e-mail appended twice land once. */
export const ticketEvents = pgTable(
  'ticket_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    ticketId: uuid('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    type: text('type').notNull(),
    fromStatus: text('from_status'),
    toStatus: text('to_status'),
    text: text('text'),
    data: jsonb('data').$type<Record<string, unknown>>(),
    emailId: text('email_id'),
    actorKind: text('actor_kind').notNull(),
    actorId: text('actor_id').notNull(),
    actorName: text('actor_name').notNull(),
    actorRole: text('actor_role').notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (table) => [index('ticket_events_ticket_idx').on(table.ticketId, table.id), uniqueIndex('ticket_events_email_idx').on(table.ticketId, table.emailId)],
);

/** Calls a ticket was registered or discussed in. */
export const ticketCalls = pgTable(
  'ticket_calls',
  {
    ticketId: uuid('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    callSid: text('call_sid').notNull(),
    linkedAt: timestamp('linked_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.ticketId, table.callSid] }), index('ticket_calls_call_sid_idx').on(table.callSid)],
);

import { sql } from 'drizzle-orm';
import { index, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { agencies } from './agencies.ts';
import { tickets } from './tickets.ts';

/**
 * A known problem in one building of an agency (a guasto): declared by the call center, heard by
 * the building's callers before the menu, closed with every ticket linked to it. The building is
 * named as the tenant registry names it (municipality + building), so that a caller's number finds
 * it through tenant_phones → tenants.
 */
export const incidents = pgTable(
  'incidents',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    agencyCode: text('agency_code')
      .notNull()
      .references(() => agencies.code, { onDelete: 'cascade' }),
    municipality: text('municipality').notNull(),
    building: text('building').notNull(),
    /** The street address callers hear ("Via Riviera 41"), copied from the registry at declaration. */
    address: text('address').notNull(),
    category: text('category').notNull(),
    /** The short Italian text callers hear and the screens show. */
    description: text('description').notNull(),
    expectedResolutionAt: timestamp('expected_resolution_at', { withTimezone: true, mode: 'date' }),
    status: text('status', { enum: ['open', 'closed'] }).notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
    closedBy: text('closed_by'),
    closedAt: timestamp('closed_at', { withTimezone: true, mode: 'date' }),
    /** The text the closing operator gave, told to the tenants by e-mail. */
    closingNote: text('closing_note'),
  },
  (table) => [
    // Small: only open incidents. The incoming-call lookup finds a building's in one scan.
    index('incidents_open_building_idx').on(table.agencyCode, table.municipality, table.building).where(sql`${table.status} = 'open'`),
    index('incidents_agency_created_idx').on(table.agencyCode, table.createdAt),
  ],
);

/** The tickets gathered under an incident: linked at declaration, by an operator, by a caller's choice or by an e-mail. */
export const incidentTickets = pgTable(
  'incident_tickets',
  {
    incidentId: uuid('incident_id')
      .notNull()
      .references(() => incidents.id, { onDelete: 'cascade' }),
    ticketId: uuid('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    /** How it came: `declared`, `linked` (by staff), `call` (the caller pressed 1), `email`. */
    via: text('via').notNull(),
    linkedAt: timestamp('linked_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.incidentId, table.ticketId] }), index('incident_tickets_ticket_idx').on(table.ticketId)],
);

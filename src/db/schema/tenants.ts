import { sql } from 'drizzle-orm';
import { index, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { agencies } from './agencies.ts';

/** A tenant in an agency's registry: what the operator sees when they call. */
export const tenants = pgTable(
  'tenants',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    agencyCode: text('agency_code')
      .notNull()
      .references(() => agencies.code, { onDelete: 'cascade' }),
    /** The agency's own tenant code (codice inquilino), unique within the agency. */
    code: text('code').notNull(),
    name: text('name').notNull(),
    email: text('email'),
    portfolioId: text('portfolio_id'),
    address: text('address'),
    municipality: text('municipality'),
    building: text('building'),
    stair: text('stair'),
    floor: text('floor'),
    flat: text('flat'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (table) => [
    uniqueIndex('tenants_agency_code_idx').on(table.agencyCode, table.code),
    // Is this address on the agency's registry? (an acknowledgement may go to a registered Reply-To)
    index('tenants_agency_email_idx').on(table.agencyCode, sql`lower(${table.email})`),
  ],
);

/** A tenant's numbers in E.164; the agency is repeated so that a caller lookup is one index scan. */
export const tenantPhones = pgTable(
  'tenant_phones',
  {
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    agencyCode: text('agency_code').notNull(),
    e164: text('e164').notNull(),
  },
  (table) => [primaryKey({ columns: [table.tenantId, table.e164] }), index('tenant_phones_agency_e164_idx').on(table.agencyCode, table.e164)],
);

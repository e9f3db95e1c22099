import { boolean, index, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { agencies } from './agencies.ts';

/**
 * People who log in. Call-center staff (operator, supervisor, admin) are assigned the agencies
 * they serve in `user_agencies`; an `agency` user belongs to exactly one agency (`agency_code`).
 */
export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    username: text('username').notNull().unique(),
    displayName: text('display_name').notNull(),
    role: text('role', { enum: ['operator', 'supervisor', 'admin', 'agency'] }).notNull(),
    agencyCode: text('agency_code').references(() => agencies.code, { onDelete: 'cascade' }),
    /** argon2id, PHC string format. */
    passwordHash: text('password_hash').notNull(),
    passwordChangedAt: timestamp('password_changed_at', { withTimezone: true, mode: 'date' }).notNull(),
    disabled: boolean('disabled').notNull().default(false),
    /** Set by a password an administrator generated (new account, reset): the user picks their own before anything else. */
    mustChangePassword: boolean('must_change_password').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (table) => [index('users_agency_idx').on(table.agencyCode)],
);

/** The agencies a member of the call-center staff serves. */
export const userAgencies = pgTable(
  'user_agencies',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    agencyCode: text('agency_code')
      .notNull()
      .references(() => agencies.code, { onDelete: 'cascade' }),
  },
  (table) => [primaryKey({ columns: [table.userId, table.agencyCode] })],
);

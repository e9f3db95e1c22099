import { sql } from 'drizzle-orm';
import { boolean, date, integer, jsonb, pgTable, primaryKey, serial, smallint, text, timestamp, bigint, index, uniqueIndex } from 'drizzle-orm/pg-core';

/** A client agency: the GDPR controller of everything filed under its code. */
export const agencies = pgTable('agencies', {
  code: text('code').primaryKey(),
  name: text('name').notNull(),
  timezone: text('timezone').notNull().default('Europe/Rome'),
  /** Pronto intervento: offered to callers out of hours when set. E.164. */
  emergencyNumber: text('emergency_number'),
  serviceLevelSeconds: integer('service_level_seconds').notNull().default(20),
  shortAbandonSeconds: integer('short_abandon_seconds').notNull().default(5),
  serviceLevelTargetPct: integer('service_level_target_pct').notNull().default(80),
  /** Opening minutes within which a caller who gave up is called back; null: CALLBACK_DUE_MINUTES. */
  callbackDueMinutes: integer('callback_due_minutes'),
  /** Expected wait (seconds) above which a waiting caller is offered a queued call-back; null: 180. */
  queuedCallbackSeconds: integer('queued_callback_seconds'),
  /** The wallboard's thresholds for this agency (src/domain/wall-tones.ts); null: the platform's. */
  wallWaitAlertSeconds: integer('wall_wait_alert_seconds'),
  wallAbandonAmberPct: integer('wall_abandon_amber_pct'),
  wallAbandonRedPct: integer('wall_abandon_red_pct'),
  /** Prefix of ticket references, e.g. `PV` in `PV-2026-000123`. */
  ticketPrefix: text('ticket_prefix').notNull(),
  /** Keys of the comuni served (src/domain/patron-saints.ts): their patron saints' days are holidays. */
  comuni: jsonb('comuni').notNull().default([]).$type<string[]>(),
  /** What holidays without a choice of their own do: `open` as usual (agencies before calendars) or `closed`. */
  holidayMode: text('holiday_mode', { enum: ['open', 'closed'] })
    .notNull()
    .default('open'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** A housing stock an agency manages, e.g. the Comune di Pavia's, managed by ALER Pavia-Lodi. */
export const portfolios = pgTable('portfolios', {
  id: text('id').primaryKey(),
  agencyCode: text('agency_code')
    .notNull()
    .references(() => agencies.code, { onDelete: 'cascade' }),
  name: text('name').notNull(),
});

/** An inbound line. The number a tenant dials decides the agency (and portfolio) of the call. */
export const phoneNumbers = pgTable(
  'phone_numbers',
  {
    e164: text('e164').primaryKey(),
    agencyCode: text('agency_code')
      .notNull()
      .references(() => agencies.code, { onDelete: 'cascade' }),
    portfolioId: text('portfolio_id').references(() => portfolios.id, { onDelete: 'set null' }),
    kind: text('kind', { enum: ['numero_verde', 'landline'] }).notNull(),
    label: text('label'),
  },
  (table) => [index('phone_numbers_agency_idx').on(table.agencyCode)],
);

export const emailAddresses = pgTable('email_addresses', {
  address: text('address').primaryKey(),
  agencyCode: text('agency_code')
    .notNull()
    .references(() => agencies.code, { onDelete: 'cascade' }),
  portfolioId: text('portfolio_id').references(() => portfolios.id, { onDelete: 'set null' }),
});

/** Weekly opening ranges, half-open [opens, closes) on the agency's wall clock. */
export const openingHours = pgTable(
  'opening_hours',
  {
    id: serial('id').primaryKey(),
    agencyCode: text('agency_code')
      .notNull()
      .references(() => agencies.code, { onDelete: 'cascade' }),
    weekday: smallint('weekday').notNull(),
    opens: text('opens').notNull(),
    closes: text('closes').notNull(),
  },
  (table) => [index('opening_hours_agency_idx').on(table.agencyCode)],
);

/** Dated exceptions: a row without hours closes the whole day; rows with hours replace the weekly ones. */
export const scheduleExceptions = pgTable(
  'schedule_exceptions',
  {
    id: serial('id').primaryKey(),
    agencyCode: text('agency_code')
      .notNull()
      .references(() => agencies.code, { onDelete: 'cascade' }),
    date: date('date', { mode: 'string' }).notNull(),
    opens: text('opens'),
    closes: text('closes'),
    note: text('note'),
  },
  (table) => [index('schedule_exceptions_agency_date_idx').on(table.agencyCode, table.date)],
);

/** An agency's choice for one holiday, under a key that holds every year (`national:natale`, `patron:pavia`). */
export const holidayChoices = pgTable(
  'holiday_choices',
  {
    agencyCode: text('agency_code')
      .notNull()
      .references(() => agencies.code, { onDelete: 'cascade' }),
    holidayKey: text('holiday_key').notNull(),
    mode: text('mode', { enum: ['open', 'closed', 'special'] }).notNull(),
    /** The day's ranges when `special`; empty otherwise. */
    ranges: jsonb('ranges').notNull().default([]).$type<{ opens: string; closes: string }[]>(),
  },
  (table) => [primaryKey({ columns: [table.agencyCode, table.holidayKey] })],
);

/** One queue per agency and category; `name` is the TwiML queue name `<agency>.<category>`. */
export const queues = pgTable(
  'queues',
  {
    name: text('name').primaryKey(),
    agencyCode: text('agency_code')
      .notNull()
      .references(() => agencies.code, { onDelete: 'cascade' }),
    category: text('category').notNull(),
    label: text('label').notNull(),
    /** Higher is served first when operators pick the next call across queues. */
    priority: integer('priority').notNull().default(0),
  },
  (table) => [uniqueIndex('queues_agency_category_idx').on(table.agencyCode, table.category)],
);

/**
 * An agency's categories (src/domain/categories.ts): label, voice-menu digit, e-mail keywords,
 * heating boost, which one takes what nobody chose. Each has its queue in `queues` (same code as
 * `queues.category`), whose priority it shares. Retired ones stay: old tickets and reports name them.
 */
export const agencyCategories = pgTable(
  'agency_categories',
  {
    agencyCode: text('agency_code')
      .notNull()
      .references(() => agencies.code, { onDelete: 'cascade' }),
    code: text('code').notNull(),
    label: text('label').notNull(),
    menuPhrase: text('menu_phrase'),
    digit: smallint('digit'),
    position: smallint('position').notNull(),
    heatingBoostSeconds: integer('heating_boost_seconds').notNull().default(0),
    keywords: text('keywords').array().notNull().default(sql`'{}'::text[]`),
    isFallback: boolean('is_fallback').notNull().default(false),
    retiredAt: timestamp('retired_at', { withTimezone: true }),
  },
  (table) => [
    primaryKey({ columns: [table.agencyCode, table.code] }),
    uniqueIndex('agency_categories_one_fallback_idx').on(table.agencyCode).where(sql`${table.isFallback}`),
  ],
);

/**
 * What callers hear (src/domain/voice-texts.ts): one row for the agency (no portfolio) and at most
 * one per portfolio, which overrides the agency's field by field. Null everywhere means "as before":
 * the generated text, the agency's value, today's behaviour. No row at all is the same as all null.
 * The agency's own emergency line stays in `agencies.emergency_number`; a portfolio may override it here.
 */
export const voiceSettings = pgTable(
  'voice_settings',
  {
    id: serial('id').primaryKey(),
    agencyCode: text('agency_code')
      .notNull()
      .references(() => agencies.code, { onDelete: 'cascade' }),
    portfolioId: text('portfolio_id').references(() => portfolios.id, { onDelete: 'cascade' }),
    greeting: text('greeting'),
    menuIntro: text('menu_intro'),
    closedMessage: text('closed_message'),
    /** Portfolio rows only (the agency's is `agencies.emergency_number`). E.164. */
    emergencyNumber: text('emergency_number'),
    neutralGreeting: boolean('neutral_greeting'),
    offerCallbacks: boolean('offer_callbacks'),
    emailAcknowledgements: boolean('email_acknowledgements'),
    askRating: boolean('ask_rating'),
  },
  (table) => [
    uniqueIndex('voice_settings_agency_idx').on(table.agencyCode).where(sql`${table.portfolioId} is null`),
    uniqueIndex('voice_settings_portfolio_idx').on(table.portfolioId).where(sql`${table.portfolioId} is not null`),
  ],
);

/**
 * The service contract, as versions: a renegotiation adds a version in force from `effective_from`,
 * and rows are never updated or deleted, so an issued statement can always be recomputed under the
 * terms it billed. On a day, the version in force is the one with the latest `effective_from` on or
 * before it (the higher `version` when two start the same day: a correction recorded later).
 */
export const agencyContracts = pgTable(
  'agency_contracts',
  {
    id: serial('id').primaryKey(),
    agencyCode: text('agency_code')
      .notNull()
      .references(() => agencies.code, { onDelete: 'cascade' }),
    /** 1, 2, … per agency, in the order recorded. */
    version: integer('version').notNull(),
    /** First day (agency's zone) these terms bill. */
    effectiveFrom: date('effective_from', { mode: 'string' }).notNull(),
    annualFeeCents: bigint('annual_fee_cents', { mode: 'number' }).notNull(),
    currency: text('currency').notNull().default('EUR'),
    vatExcluded: boolean('vat_excluded').notNull().default(true),
    billing: text('billing').notNull().default('quarterly_in_arrears'),
    /** The contract's term: it started on `starts_on` for `months` (renewals keep the start). */
    startsOn: date('starts_on', { mode: 'string' }).notNull(),
    months: integer('months').notNull(),
    tacitRenewal: boolean('tacit_renewal').notNull().default(true),
    noticeMonths: integer('notice_months').notNull().default(3),
    /**
     * The portfolio these terms bill separately (its calls and e-mails, its own fee); null: the agency
     * as a whole, or what no portfolio-specific version bills. Each portfolio has its own chain of
     * versions. No foreign key: a version is never deleted, even when its portfolio is.
     */
    portfolioId: text('portfolio_id'),
    /** When and by whom this version was recorded; null for versions from before history was kept. */
    recordedAt: timestamp('recorded_at', { withTimezone: true, mode: 'date' }),
    recordedById: text('recorded_by_id'),
    recordedByName: text('recorded_by_name'),
  },
  (table) => [uniqueIndex('agency_contracts_agency_version_idx').on(table.agencyCode, table.version)],
);

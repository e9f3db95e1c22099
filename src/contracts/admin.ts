import { z } from 'zod';
import { CategoryCode, Instant, LocalDate, itemsOf } from './common.ts';
import { AgencyVoiceConfig } from './voice.ts';

/** An agency's profile (administration API). */
export const AgencyProfile = z.strictObject({
  code: z.string(),
  name: z.string(),
  timezone: z.string(),
  ticketPrefix: z.string(),
  emergencyNumber: z.string().nullable(),
  serviceLevelSeconds: z.number(),
  shortAbandonSeconds: z.number(),
  serviceLevelTargetPct: z.number(),
  /** Minutes of opening hours within which a call-back is due; null: the platform's CALLBACK_DUE_MINUTES. */
  callbackDueMinutes: z.number().nullable(),
  /** Expected wait in seconds above which a waiting caller is offered a queued call-back; null: the default, 180. */
  queuedCallbackSeconds: z.number().nullable(),
  /** The wallboard's thresholds for this agency; null: the platform's. */
  wallWaitAlertSeconds: z.number().nullable(),
  wallAbandonAmberPct: z.number().nullable(),
  wallAbandonRedPct: z.number().nullable(),
  /** Keys of the comuni served: their patron saints' days are holidays of the agency. */
  comuni: z.array(z.string()),
  /** What holidays without a choice of their own do: open as usual, or closed. */
  holidayMode: z.enum(['open', 'closed']),
});
export type AgencyProfile = z.infer<typeof AgencyProfile>;

export const AgencyList = itemsOf(AgencyProfile);

const TimeRange = z.strictObject({ opens: z.string(), closes: z.string() });

/** The service contract the quarterly statement bills. */
export const ServiceContract = z.strictObject({
  annualFeeCents: z.number(),
  currency: z.string(),
  vatExcluded: z.boolean(),
  billing: z.string(),
  startsOn: LocalDate,
  months: z.number(),
  tacitRenewal: z.boolean(),
  noticeMonths: z.number(),
});

/** One version of an agency's contract: in force from `effectiveFrom` until a later version's date. */
export const ContractVersion = z.strictObject({
  id: z.number(),
  version: z.number(),
  effectiveFrom: LocalDate,
  ...ServiceContract.shape,
  /** The portfolio these terms bill separately; null: the agency as a whole. */
  portfolio: z.string().nullable(),
  /** null for versions from before the history was kept. */
  recordedAt: Instant.nullable(),
  recordedBy: z.strictObject({ id: z.string(), name: z.string() }).nullable(),
});
export type ContractVersion = z.infer<typeof ContractVersion>;

export const ContractVersionList = itemsOf(ContractVersion);
export type ContractVersionList = z.infer<typeof ContractVersionList>;

/** An agency with its whole configuration: portfolios, numbers, addresses, hours, queues, contract. */
export const AgencyConfig = z.strictObject({
  ...AgencyProfile.shape,
  portfolios: z.array(z.strictObject({ id: z.string(), name: z.string() })),
  numbers: z.array(z.strictObject({ e164: z.string(), kind: z.string(), label: z.string().nullable(), portfolio: z.string().nullable() })),
  emailAddresses: z.array(z.strictObject({ address: z.string(), portfolio: z.string().nullable() })),
  schedule: z.strictObject({
    weekly: z.array(z.strictObject({ weekday: z.number(), ...TimeRange.shape })),
    exceptions: z.array(z.strictObject({ date: LocalDate, ranges: z.array(TimeRange), note: z.string().nullable() })),
  }),
  queues: z.array(z.strictObject({ name: z.string(), category: CategoryCode, label: z.string(), priority: z.number() })),
  /** The latest version recorded for the agency as a whole (GET …/contracts lists them all, portfolios' too). */
  contract: ServiceContract.nullable(),
  /** What callers hear: the agency's texts and flags, and each portfolio's overrides (GET …/voice explains them). */
  voice: AgencyVoiceConfig,
});
export type AgencyConfig = z.infer<typeof AgencyConfig>;

const HolidayModeField = z.enum(['open', 'closed', 'special']);

/** Why a day of the calendar has its hours. */
export const CalendarReason = z.strictObject({
  kind: z.enum(['weekly', 'holiday', 'exception']),
  /** The holiday's name or the exception's note; null for an ordinary week day. */
  label: z.string().nullable(),
  holidayKey: z.string().nullable(),
  /** The agency's choice for the holiday; null unless kind is holiday. */
  mode: HolidayModeField.nullable(),
});

/** The opening hours of the next days as callers will meet them. */
export const AgencyCalendar = z.strictObject({
  agency: z.string(),
  timezone: z.string(),
  from: LocalDate,
  days: z.array(
    z.strictObject({
      date: LocalDate,
      weekday: z.number(),
      /** "lunedì" … "domenica". */
      weekdayName: z.string(),
      /** Empty: closed all day. */
      ranges: z.array(TimeRange),
      reason: CalendarReason,
    }),
  ),
});
export type AgencyCalendar = z.infer<typeof AgencyCalendar>;

/** The holidays of a year for an agency, each with its choice, and the comuni it may serve. */
export const AgencyHolidays = z.strictObject({
  agency: z.string(),
  year: z.number(),
  defaultMode: z.enum(['open', 'closed']),
  holidays: z.array(
    z.strictObject({
      key: z.string(),
      date: LocalDate,
      kind: z.enum(['national', 'patron']),
      name: z.string(),
      comune: z.string().nullable(),
      mode: HolidayModeField,
      ranges: z.array(TimeRange),
      /** False: the holiday follows the agency's default. */
      explicit: z.boolean(),
    }),
  ),
  /** Every comune whose patron saint the platform knows, and whether the agency serves it. */
  comuni: z.array(z.strictObject({ comune: z.string(), name: z.string(), saint: z.string(), date: z.string(), served: z.boolean() })),
});
export type AgencyHolidays = z.infer<typeof AgencyHolidays>;
/** One category of an agency as administrators edit it (src/domain/categories.ts). */
export const AgencyCategoryView = z.strictObject({
  code: CategoryCode,
  label: z.string(),
  menuPhrase: z.string().nullable(),
  digit: z.number().nullable(),
  position: z.number(),
  priority: z.number(),
  heatingBoostSeconds: z.number(),
  keywords: z.array(z.string()),
  isFallback: z.boolean(),
  retired: z.boolean(),
  /** The queue its callers wait in, `<agency>.<code>`. */
  queue: z.string(),
  /** Tickets filed under it: a category with tickets can be retired but never removed. */
  tickets: z.number(),
});

/** An agency's categories in list order, with the voice menu they make. */
export const AgencyCategoryList = z.strictObject({
  agency: z.string(),
  items: z.array(AgencyCategoryView),
  /** What callers hear after the greeting, generated from the active categories with a digit. */
  menuPrompt: z.string(),
});
export type AgencyCategoryList = z.infer<typeof AgencyCategoryList>;

/** A user account as administrators see it. */
export const UserAccount = z.strictObject({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: z.enum(['operator', 'supervisor', 'admin', 'agency']),
  agency: z.string().nullable(),
  agencies: z.array(z.string()),
  disabled: z.boolean(),
  /** The password was generated by an administrator and not yet replaced by its owner. */
  mustChangePassword: z.boolean(),
  /** When the user's latest session began; null: never logged in. */
  lastLoginAt: Instant.nullable(),
  passwordChangedAt: Instant,
  createdAt: Instant,
});
export type UserAccount = z.infer<typeof UserAccount>;

export const UserList = itemsOf(UserAccount);

/** A created account: its password, generated unless given, is shown this once. */
export const CreatedUser = z.strictObject({ user: UserAccount, password: z.string().optional() });
export type CreatedUser = z.infer<typeof CreatedUser>;

/** A password reset ends the user's sessions; a generated password is shown this once. */
export const PasswordReset = z.strictObject({ user: UserAccount, endedSessions: z.number(), password: z.string().optional() });
export type PasswordReset = z.infer<typeof PasswordReset>;

/** An agency's API token (its secret is never shown again after creation). */
export const ApiToken = z.strictObject({
  id: z.string(),
  agency: z.string(),
  name: z.string(),
  prefix: z.string(),
  createdAt: Instant,
  lastUsedAt: Instant.nullable(),
  revokedAt: Instant.nullable(),
});
export type ApiToken = z.infer<typeof ApiToken>;

export const ApiTokenList = itemsOf(ApiToken);

export const CreatedApiToken = z.strictObject({ ...ApiToken.shape, token: z.string() });

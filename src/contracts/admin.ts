import { z } from 'zod';
import { CATEGORIES } from '../domain/routing.ts';
import { Instant, LocalDate, itemsOf } from './common.ts';

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
  queues: z.array(z.strictObject({ name: z.string(), category: z.enum(CATEGORIES), label: z.string(), priority: z.number() })),
  /** The latest version recorded (GET …/contracts lists them all). */
  contract: ServiceContract.nullable(),
});
export type AgencyConfig = z.infer<typeof AgencyConfig>;

/** A user account as administrators see it. */
export const UserAccount = z.strictObject({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: z.enum(['operator', 'supervisor', 'admin', 'agency']),
  agency: z.string().nullable(),
  agencies: z.array(z.string()),
  disabled: z.boolean(),
  passwordChangedAt: Instant,
  createdAt: Instant,
});
export type UserAccount = z.infer<typeof UserAccount>;

export const UserList = itemsOf(UserAccount);

/** A created account: its password, generated unless given, is shown this once. */
export const CreatedUser = z.strictObject({ user: UserAccount, password: z.string().optional() });

/** A password reset ends the user's sessions; a generated password is shown this once. */
export const PasswordReset = z.strictObject({ user: UserAccount, endedSessions: z.number(), password: z.string().optional() });

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

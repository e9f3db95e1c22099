import { OWN_STOCK } from '../../domain/portfolio-scope.ts';
import { IANAZone } from 'luxon';
import { z } from 'zod';
import { DEFAULT_HOLIDAY_MODES, HOLIDAY_MODES } from '../../domain/holiday-policy.ts';
import { patronSaintOf } from '../../domain/patron-saints.ts';
import { CategoryCode } from '../../contracts/common.ts';
import { normaliseKeyword } from '../../domain/categories.ts';
import { isValidRange } from '../../domain/schedule.ts';

export const AgencyCode = z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'must be 2–63 lower-case letters, digits and dashes');
const E164 = z.string().regex(/^\+[1-9]\d{5,14}$/, 'must be an E.164 number such as +39800100100');
const TimeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$|^24:00(:00)?$/, 'must be HH:MM or HH:MM:SS');
const IsoDate = z.iso.date();
const Timezone = z.string().refine((zone) => IANAZone.isValidZone(zone), 'must be an IANA time zone such as Europe/Rome');
// `none` is reserved: in a report query it means the agency's own stock (src/domain/portfolio-scope.ts).
const PortfolioId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'must be lower-case letters, digits and dashes')
  .refine((id) => id !== OWN_STOCK, `"${OWN_STOCK}" is reserved for the agency's own stock`);

export const AgencyParams = z.object({ code: AgencyCode });

/** Comuni served, by their key in src/domain/patron-saints.ts: an unknown one would silently bring no holiday. */
const Comuni = z
  .array(z.string().refine((comune) => patronSaintOf(comune) !== undefined, 'unknown comune: add it with its patron saint, or close the day with an exception'))
  .max(100)
  .refine((comuni) => new Set(comuni).size === comuni.length, 'each comune once');
export const IdParams = z.object({ id: z.uuid() });

const AgencyProfileFields = {
  name: z.string().trim().min(1).max(200),
  timezone: Timezone,
  emergencyNumber: E164.nullable(),
  serviceLevelSeconds: z.number().int().min(1).max(3600),
  shortAbandonSeconds: z.number().int().min(0).max(600),
  serviceLevelTargetPct: z.number().int().min(1).max(100),
  /** The agency's call-back deadline in opening minutes; null: the platform's CALLBACK_DUE_MINUTES. */
  callbackDueMinutes: z
    .number()
    .int()
    .min(1)
    .max(60 * 24 * 14)
    .nullable(),
  /** Expected wait (seconds) above which waiting callers are offered a queued call-back; null: 180. */
  queuedCallbackSeconds: z.number().int().min(30).max(3600).nullable(),
  /** The wallboard turns the longest wait red from here (amber from half of it); null: WAIT_ALERT_SECONDS. */
  wallWaitAlertSeconds: z.number().int().min(10).max(3600).nullable(),
  /** The wallboard's abandon rate turns amber, then red, from these percentages; null: 5 and 10. */
  wallAbandonAmberPct: z.number().int().min(1).max(99).nullable(),
  wallAbandonRedPct: z.number().int().min(2).max(100).nullable(),
  comuni: Comuni,
  /** What holidays without a choice of their own do. */
  holidayMode: z.enum(DEFAULT_HOLIDAY_MODES),
};

export const AgencyCreateBody = z.object({
  code: AgencyCode,
  ticketPrefix: z.string().regex(/^[A-Z]{2,4}$/, 'must be 2–4 capital letters'),
  name: AgencyProfileFields.name,
  timezone: Timezone.default('Europe/Rome'),
  emergencyNumber: E164.nullable().default(null),
  serviceLevelSeconds: AgencyProfileFields.serviceLevelSeconds.default(20),
  shortAbandonSeconds: AgencyProfileFields.shortAbandonSeconds.default(5),
  serviceLevelTargetPct: AgencyProfileFields.serviceLevelTargetPct.default(80),
  callbackDueMinutes: AgencyProfileFields.callbackDueMinutes.default(null),
  queuedCallbackSeconds: AgencyProfileFields.queuedCallbackSeconds.default(null),
  wallWaitAlertSeconds: AgencyProfileFields.wallWaitAlertSeconds.default(null),
  wallAbandonAmberPct: AgencyProfileFields.wallAbandonAmberPct.default(null),
  wallAbandonRedPct: AgencyProfileFields.wallAbandonRedPct.default(null),
  comuni: Comuni.default([]),
  // A new client is a public office (a Comune, an agency, a help line of one): closed on national
  // holidays and its patron saint's day unless it says otherwise. Agencies that existed before
  // calendars keep `open` (the migration's default), so their callers meet the hours they always did.
  holidayMode: AgencyProfileFields.holidayMode.default('closed'),
});
export type AgencyCreateBody = z.output<typeof AgencyCreateBody>;

export const AgencyPatchBody = z
  .object(AgencyProfileFields)
  .partial()
  .refine((body) => Object.keys(body).length > 0, 'nothing to change');
export type AgencyPatchBody = z.output<typeof AgencyPatchBody>;

export const PortfoliosBody = z.object({
  portfolios: z.array(z.object({ id: PortfolioId, name: z.string().trim().min(1).max(200) })).max(100),
});
export type PortfoliosBody = z.output<typeof PortfoliosBody>;

export const NumbersBody = z.object({
  numbers: z
    .array(
      z.object({
        e164: E164,
        kind: z.enum(['numero_verde', 'landline']),
        label: z.string().trim().max(200).nullable().default(null),
        portfolio: PortfolioId.nullable().default(null),
      }),
    )
    .max(100),
});
export type NumbersBody = z.output<typeof NumbersBody>;

export const EmailAddressesBody = z.object({
  addresses: z.array(z.object({ address: z.email().transform((address) => address.toLowerCase()), portfolio: PortfolioId.nullable().default(null) })).max(100),
});
export type EmailAddressesBody = z.output<typeof EmailAddressesBody>;

const Range = z.object({ opens: TimeOfDay, closes: TimeOfDay }).refine(isValidRange, 'opens must be before closes');

const Weekly = z
  .array(z.object({ weekday: z.number().int().min(1).max(7), opens: TimeOfDay, closes: TimeOfDay }).refine(isValidRange, 'opens must be before closes'))
  .max(70);

const ExceptionFields = { ranges: z.array(Range).max(10).default([]), note: z.string().trim().max(200).nullable().default(null) };

export const ScheduleBody = z.object({
  weekly: Weekly,
  /** A date with no ranges is closed all day; ranges replace that day's weekly hours. */
  exceptions: z
    .array(z.object({ date: IsoDate, ...ExceptionFields }))
    .max(1000)
    .default([]),
});
export type ScheduleBody = z.output<typeof ScheduleBody>;

/** The weekly ranges alone: exceptions and holiday choices stay as they are. */
export const WeeklyBody = z.object({ weekly: Weekly });
export type WeeklyBody = z.output<typeof WeeklyBody>;

export const ExceptionParams = z.object({ code: AgencyCode, date: IsoDate });

/** One dated exception: no ranges closes the day. */
export const ExceptionBody = z.object(ExceptionFields);
export type ExceptionBody = z.output<typeof ExceptionBody>;

const Year = z.coerce.number().int().min(2000).max(2100);

export const HolidaysQuery = z.object({ year: Year.optional() });

const HolidayKey = z.string().regex(/^(national|patron):[a-z0-9-]{1,80}$/, 'must be national:<name> or patron:<comune>');

export const HolidaysBody = z.object({
  /** Omitted: the agency's default stays as it is. */
  defaultMode: z.enum(DEFAULT_HOLIDAY_MODES).optional(),
  /** Every choice of the agency: a holiday left out follows the default. */
  choices: z
    .array(
      z
        .object({ key: HolidayKey, mode: z.enum(HOLIDAY_MODES), ranges: z.array(Range).max(10).default([]) })
        .refine((choice) => (choice.mode === 'special') === choice.ranges.length > 0, {
          message: 'special hours need at least one range, and only they have ranges',
          path: ['ranges'],
        }),
    )
    .max(200)
    .refine((choices) => new Set(choices.map((choice) => choice.key)).size === choices.length, 'each holiday once'),
});
export type HolidaysBody = z.output<typeof HolidaysBody>;

export const CalendarQuery = z.object({
  /** The first day, YYYY-MM-DD; omitted: today on the agency's clock. */
  from: IsoDate.optional(),
  days: z.coerce.number().int().min(1).max(62).default(14),
});
export type CalendarQuery = z.output<typeof CalendarQuery>;

export const QueuesBody = z.object({
  queues: z
    .array(z.object({ category: CategoryCode, label: z.string().trim().min(1).max(100), priority: z.number().int().min(-100).max(100).default(0) }))
    .min(1)
    .max(50)
    .refine((queues) => new Set(queues.map((queue) => queue.category)).size === queues.length, 'each category once'),
});
export type QueuesBody = z.output<typeof QueuesBody>;

/**
 * The whole list of an agency's categories (src/domain/categories.ts). The rules across entries
 * (unique codes and digits, one fallback, one active) are checked by the service, in Italian.
 */
export const CategoriesBody = z.object({
  categories: z
    .array(
      z.object({
        code: z.string().trim().min(1).max(31),
        label: z.string().trim().min(1).max(100),
        menuPhrase: z.string().trim().max(200).nullable().default(null),
        digit: z.number().int().min(1).max(9).nullable().default(null),
        priority: z.number().int().min(-100).max(100).default(0),
        heatingBoostSeconds: z.number().int().min(0).max(3600).default(0),
        keywords: z
          .array(z.string().max(40))
          .max(100)
          .default([])
          .transform((keywords) => [...new Set(keywords.map(normaliseKeyword).filter(Boolean))]),
        isFallback: z.boolean().default(false),
        retired: z.boolean().default(false),
      }),
    )
    .min(1)
    .max(30),
});
export type CategoriesBody = z.output<typeof CategoriesBody>;

export const ContractBody = z.object({
  annualFeeCents: z.number().int().min(0).max(1e12),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR')
    .default('EUR'),
  vatExcluded: z.boolean().default(true),
  billing: z.enum(['quarterly_in_arrears', 'quarterly_in_advance', 'monthly_in_arrears', 'annually_in_advance']).default('quarterly_in_arrears'),
  startsOn: IsoDate,
  months: z.number().int().min(1).max(240),
  tacitRenewal: z.boolean().default(true),
  noticeMonths: z.number().int().min(0).max(24).default(3),
});
export type ContractBody = z.output<typeof ContractBody>;

/**
 * A new version of the contract, in force from `effectiveFrom`. Terms left out are those of the
 * latest version (a renegotiation of the fee alone sends `effectiveFrom` and `annualFeeCents`).
 */
export const ContractVersionBody = z.object({
  effectiveFrom: IsoDate,
  annualFeeCents: ContractBody.shape.annualFeeCents,
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR')
    .optional(),
  vatExcluded: z.boolean().optional(),
  billing: ContractBody.shape.billing.unwrap().optional(),
  startsOn: IsoDate.optional(),
  months: ContractBody.shape.months.optional(),
  tacitRenewal: z.boolean().optional(),
  noticeMonths: z.number().int().min(0).max(24).optional(),
  /** The portfolio these terms bill separately; null or absent: the agency as a whole. */
  portfolio: PortfolioId.nullable().default(null),
});
export type ContractVersionBody = z.output<typeof ContractVersionBody>;

const Username = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9._-]{1,62}$/, 'must be 2–63 letters, digits, dots, dashes or underscores');

export const UserCreateBody = z
  .object({
    username: Username,
    displayName: z.string().trim().min(1).max(200),
    role: z.enum(['operator', 'supervisor', 'admin', 'agency']),
    /** For role agency: the one agency the user belongs to. */
    agency: AgencyCode.optional(),
    /** For staff: the agencies served. */
    agencies: z.array(AgencyCode).max(500).default([]),
    /** Omitted: a random password is generated and returned once. */
    password: z.string().min(1).max(1024).optional(),
  })
  .refine((body) => (body.role === 'agency') === (body.agency !== undefined), {
    message: 'agency is required for role agency and only for it',
    path: ['agency'],
  })
  .refine((body) => body.role !== 'agency' || body.agencies.length === 0, { message: 'an agency user serves no other agencies', path: ['agencies'] });
export type UserCreateBody = z.output<typeof UserCreateBody>;

export const UserPatchBody = z
  .object({
    displayName: z.string().trim().min(1).max(200),
    disabled: z.boolean(),
    agencies: z.array(AgencyCode).max(500),
  })
  .partial()
  .refine((body) => Object.keys(body).length > 0, 'nothing to change');
export type UserPatchBody = z.output<typeof UserPatchBody>;

export const PasswordResetBody = z.object({ password: z.string().min(1).max(1024).optional() });

export const TokenCreateBody = z.object({
  agency: AgencyCode,
  name: z.string().trim().min(1).max(100),
});

export const TokenListQuery = z.object({ agency: AgencyCode.optional() });
export const UserListQuery = z.object({ agency: AgencyCode.optional() });

/** Texts are checked in Italian by the domain (voiceLayerProblemsIt): here only their type and a hard ceiling. */
const VoiceText = z.string().max(5000).nullable().default(null);
const VoiceTexts = {
  greeting: VoiceText,
  menuIntro: VoiceText,
  closedMessage: VoiceText,
  emergencyNumber: z.string().max(20).nullable().default(null),
};

/** PUT …/voice: the agency's texts and flags, and the overrides of the portfolios listed (null: inherit). */
export const VoiceBody = z.object({
  agency: z.object({
    ...VoiceTexts,
    neutralGreeting: z.boolean().default(false),
    offerCallbacks: z.boolean().default(true),
    emailAcknowledgements: z.boolean().default(true),
    askRating: z.boolean().default(false),
  }),
  portfolios: z
    .array(
      z.object({
        id: PortfolioId,
        ...VoiceTexts,
        neutralGreeting: z.boolean().nullable().default(null),
        offerCallbacks: z.boolean().nullable().default(null),
        emailAcknowledgements: z.boolean().nullable().default(null),
        askRating: z.boolean().nullable().default(null),
      }),
    )
    .max(100)
    .default([]),
});
export type VoiceBody = z.output<typeof VoiceBody>;

/** GET …/voice-preview: which callers (a portfolio's, or the agency's own stock) at which instant (now when left out). */
export const VoicePreviewQuery = z.object({
  portfolio: PortfolioId.optional(),
  at: z.iso.datetime({ offset: true }).optional(),
});
export type VoicePreviewQuery = z.output<typeof VoicePreviewQuery>;

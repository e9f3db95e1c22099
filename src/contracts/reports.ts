import { z } from 'zod';
import { CategoryCode, Instant, LocalDate, itemsOf } from './common.ts';
import { DayFigures } from './live.ts';

const Count = z.number();
const Figure = z.number().nullable();

/** Where a report's days were read: the sealed rollup, the raw calls, or both (each range or null). */
const Sources = z.strictObject({
  rollup: z.strictObject({ from: LocalDate, to: LocalDate }).nullable(),
  raw: z.strictObject({ from: LocalDate, to: LocalDate }).nullable(),
});

export const QueueFigures = z.strictObject({
  queued: Count,
  answered: Count,
  abandoned: Count,
  asaSeconds: Figure,
  shortAbandoned: Count,
  answeredWithinServiceLevel: Count,
  serviceLevelPct: Figure,
  abandonRatePct: Figure,
  maxWaitSeconds: Figure,
  ahtSeconds: Figure,
});

export const ChannelFigures = z.strictObject({
  calls: Count,
  outOfHours: Count,
  offered: Count,
  queued: Count,
  answered: Count,
  abandoned: Count,
  shortAbandoned: Count,
  answeredWithinServiceLevel: Count,
  serviceLevelPct: Figure,
  abandonRatePct: Figure,
  asaSeconds: Figure,
});

const CallReportFields = {
  agency: z.string(),
  agencyName: z.string(),
  from: LocalDate,
  to: LocalDate,
  timezone: z.string(),
  parameters: z.strictObject({ serviceLevelSeconds: z.number(), shortAbandonSeconds: z.number(), serviceLevelTargetPct: z.number() }),
  /** The same fields as the wallboard's figures of today (one definition, CONTRACT §7). */
  totals: DayFigures,
  /** Per category: the agency's active ones in list order, then any other with calls in the range. */
  byQueue: z.record(CategoryCode, QueueFigures),
  /** The Italian names of the `byQueue` keys, in the same order. */
  categories: z.array(z.strictObject({ code: CategoryCode, label: z.string() })),
  byChannel: z.strictObject({
    numero_verde: ChannelFigures,
    landline: ChannelFigures,
    email: z.strictObject({ emails: Count, tickets: Count }),
  }),
  byDay: z.array(
    z.strictObject({
      date: LocalDate,
      calls: Count,
      outOfHours: Count,
      answered: Count,
      abandoned: Count,
      emails: Count,
      queued: Count,
      shortAbandoned: Count,
      tickets: Count,
    }),
  ),
  byHour: z.array(
    z.strictObject({
      hour: z.number(),
      calls: Count,
      answered: Count,
      abandoned: Count,
      outOfHours: Count,
      queued: Count,
      shortAbandoned: Count,
      answeredWithinServiceLevel: Count,
    }),
  ),
  sources: Sources,
  /** Present when the report covers one portfolio (`code` its id) or the agency's own stock (`code: "none"`). */
  portfolio: z.strictObject({ code: z.string(), name: z.string() }).optional(),
};

/** CONTRACT §7: an agency's calls over local days. */
export const CallReportPeriod = z.strictObject(CallReportFields);
export type CallReportPeriod = z.infer<typeof CallReportPeriod>;

/** The report, with the same days a year earlier when asked (`compare=previous-year`). */
/** Answered calls by the outcome code (esito) their wrap-up was closed with. */
const WrapUpOutcomes = z.array(z.strictObject({ code: z.string(), label: z.string(), calls: Count }));

/** How many calls got each rating 1–5 after the call, and their mean (two decimals; null without ratings). */
const RatingFigures = {
  count: Count,
  mean: z.number().nullable(),
  distribution: z.strictObject({ '1': Count, '2': Count, '3': Count, '4': Count, '5': Count }),
};
export const RatingFiguresView = z.strictObject(RatingFigures);
export type RatingFiguresView = z.infer<typeof RatingFiguresView>;

/** Issue 17 §4: the callers' ratings of the range's answered calls, per queue and local month. */
export const CallRatings = z.strictObject({
  ...RatingFigures,
  byQueue: z.array(z.strictObject({ queue: z.string(), label: z.string(), ...RatingFigures })),
  byMonth: z.array(z.strictObject({ month: z.string(), ...RatingFigures })),
});
export type CallRatings = z.infer<typeof CallRatings>;

/** Issue 17 §5: calls from a number that called the agency within the `windowDays` before, per local month. */
export const RepeatCalls = z.strictObject({
  windowDays: z.number(),
  /** Calls whose caller's number is known (withheld and anonymous callers cannot repeat). */
  callsWithNumber: Count,
  repeatCalls: Count,
  byMonth: z.array(z.strictObject({ month: z.string(), callsWithNumber: Count, repeatCalls: Count })),
});
export type RepeatCalls = z.infer<typeof RepeatCalls>;

const SavingFigures = {
  /** Callers who added their report to a known problem of their building, with no operator (outcome incident_report). */
  incidentReports: Count,
  /** Callers who heard the state of their own request before the menu, and of those the ones who then hung up in the menu, with no operator. */
  statusHeard: Count,
  statusOnly: Count,
  /** Queued call-backs: booked from the queue, then made and reaching the tenant, or handed to a call-back task after the attempts. */
  queuedCallbacksBooked: Count,
  queuedCallbacksReached: Count,
  queuedCallbacksGaveUp: Count,
};

/** Issue 17 §5: what the platform answered without an operator, and the call-backs that kept a caller's place, per local month. */
export const CallSavings = z.strictObject({ ...SavingFigures, byMonth: z.array(z.strictObject({ month: z.string(), ...SavingFigures })) });
export type CallSavings = z.infer<typeof CallSavings>;

export const CallReport = z.strictObject({
  ...CallReportFields,
  previousYear: z.strictObject({ ...CallReportFields, wrapUpOutcomes: WrapUpOutcomes.optional() }).optional(),
  wrapUpOutcomes: WrapUpOutcomes.optional(),
  ratings: CallRatings.optional(),
  repeatCalls: RepeatCalls.optional(),
  savings: CallSavings.optional(),
});
export type CallReport = z.infer<typeof CallReport>;

export const TrendMonth = z.strictObject({
  month: z.string(),
  calls: Count,
  outOfHours: Count,
  answered: Count,
  abandoned: Count,
  shortAbandoned: Count,
  emails: Count,
  tickets: Count,
});

/** Monthly volumes over complete months: what the contract renewal is negotiated on. */
export const Trend = z.strictObject({
  agency: z.string(),
  agencyName: z.string(),
  timezone: z.string(),
  parameters: z.strictObject({ serviceLevelSeconds: z.number(), shortAbandonSeconds: z.number() }),
  from: z.string(),
  to: z.string(),
  months: z.array(TrendMonth),
  totals: z.strictObject({ calls: Count, answered: Count, abandoned: Count, emails: Count, tickets: Count }),
  sources: Sources,
  /** As in the call report: present when the trend covers one portfolio or the agency's own stock. */
  portfolio: z.strictObject({ code: z.string(), name: z.string() }).optional(),
});
export type Trend = z.infer<typeof Trend>;

const IssuedBy = z.strictObject({ id: z.string(), name: z.string() });

/** The body of a quarterly statement as frozen when issued (src/domain/statement.ts `assembleStatement`). */
export const StatementBody = z.record(z.string(), z.unknown());

export const StatementListItem = z.strictObject({
  id: z.string(),
  agency: z.string(),
  period: z.string(),
  billedFrom: LocalDate,
  billedTo: LocalDate,
  version: z.number(),
  /** Readable statement number: agency prefix, year, quarter (T = trimestre), version, e.g. `PV-2026-T1-v2`. */
  number: z.string(),
  superseded: z.boolean(),
  issuedAt: Instant,
  issuedBy: IssuedBy,
});
export type StatementListItem = z.infer<typeof StatementListItem>;

export const StatementList = itemsOf(StatementListItem);
export type StatementList = z.infer<typeof StatementList>;

/**
 * A contract version a statement's fee lines bill under (`contractId` of a line is its `id`);
 * `portfolio`: the portfolio it bills separately (null: the agency as a whole).
 */
export const BilledContractVersion = z.strictObject({
  id: z.number(),
  version: z.number(),
  effectiveFrom: LocalDate,
  annualFeeCents: z.number(),
  portfolio: z.string().nullable(),
});

/** An issued statement, every version kept; `superseded` once a later version exists. */
export const IssuedStatement = z.strictObject({
  id: z.string(),
  number: z.string(),
  agency: z.string(),
  period: z.string(),
  version: z.number(),
  latestVersion: z.number(),
  superseded: z.boolean(),
  issuedAt: Instant,
  issuedBy: IssuedBy,
  contractVersions: z.array(BilledContractVersion),
  statement: StatementBody,
});
export type IssuedStatement = z.infer<typeof IssuedStatement>;

/**
 * Before issuing: `no_calls` (not one call in the quarter), `contract_change` (billed under more
 * than one contract version, or on part of its days: pro rata), `already_issued` (this is a re-issue).
 */
export const StatementWarning = z.enum(['no_calls', 'contract_change', 'already_issued']);
export type StatementWarning = z.infer<typeof StatementWarning>;

export const StatementPreview = z.strictObject({
  preview: z.literal(true),
  complete: z.boolean(),
  warnings: z.array(StatementWarning),
  contractVersions: z.array(BilledContractVersion),
  statement: StatementBody,
});
export type StatementPreview = z.infer<typeof StatementPreview>;

/** An issued statement recomputed from the raw calls with its stored parameters. */
export const StatementVerification = z.strictObject({
  id: z.string(),
  number: z.string(),
  reproduces: z.boolean(),
  differences: z.array(z.string()),
  /** Contract versions recorded after the issue would bill the quarter otherwise: re-issue to apply them. */
  contractChanged: z.boolean(),
  parameters: z.record(z.string(), z.unknown()),
  recomputed: StatementBody,
});
export type StatementVerification = z.infer<typeof StatementVerification>;

export const RollupRebuilt = z.strictObject({ agency: z.string(), from: LocalDate, to: LocalDate, cells: z.number() });

/** One half-hour of the week in the staffing estimate (src/domain/erlang.ts, Erlang C). */
export const StaffingSlot = z.strictObject({
  /** ISO weekday, 1 = Monday. */
  weekday: z.number(),
  /** Local start of the half-hour, HH:MM. */
  start: z.string(),
  /** Calls offered to a queue in this half-hour, on average over the days of that weekday. */
  calls: z.number(),
  /** Talk plus wrap-up, seconds: this half-hour's own when it had enough answered calls, else the period's. */
  handleSeconds: z.number(),
  /** Erlangs: operators that the calls would keep busy all the time. */
  traffic: z.number(),
  operatorsNeeded: z.number(),
  /** The service level those operators reach, and how busy they are. */
  serviceLevelPct: z.number(),
  occupancyPct: z.number(),
  /** Operators logged in (any presence but off duty) at the middle of the half-hour, on average. */
  operatorsLoggedIn: z.number(),
});

/** Operators needed per half-hour of the week against those logged in (GET /api/v1/reports/staffing). */
export const Staffing = z.strictObject({
  /** Null: the whole center the viewer serves, one pool of operators for every agency's queues. */
  agency: z.string().nullable(),
  agencies: z.array(z.string()),
  timezone: z.string(),
  /** heating or other: the days the figures come from. */
  season: z.enum(['heating', 'other']),
  days: z.strictObject({ count: z.number(), from: LocalDate.nullable(), to: LocalDate.nullable() }),
  target: z.strictObject({ pct: z.number(), seconds: z.number() }),
  wrapUpSeconds: z.number(),
  handleSeconds: z.number().nullable(),
  /**
   * Erlang A when the days tell how patient callers are (enough of them hung up while waiting):
   * mean patience = seconds waited by every queued caller ÷ callers who hung up. Erlang C otherwise.
   */
  model: z.strictObject({ kind: z.enum(['erlang-a', 'erlang-c']), patienceSeconds: z.number().nullable(), abandonedCalls: z.number() }),
  slots: z.array(StaffingSlot),
});
export type Staffing = z.infer<typeof Staffing>;

/** GET /api/v1/reports/operations: how the service was delivered, by site of the operators and against its deadlines (issue 18 §2). */
export const OperationsReport = z.strictObject({
  agency: z.string(),
  agencyName: z.string(),
  from: z.string(),
  to: z.string(),
  timezone: z.string(),
  /** Answered calls by where the answering operator was (presence at the moment of answering); `unknown`: no presence recorded. */
  bySite: z.array(
    z.strictObject({
      site: z.enum(['on_site', 'remote', 'unknown']),
      answered: z.number().int(),
      ahtSeconds: z.number().nullable(),
      wrapUpSeconds: z.number().nullable(),
    }),
  ),
  /** Call-backs created in the period (abandoned callers), against their deadline. */
  callbacks: z.strictObject({
    created: z.number().int(),
    done: z.number().int(),
    doneInTime: z.number().int(),
    openOverdue: z.number().int(),
    failed: z.number().int(),
    inTimePct: z.number().nullable(),
  }),
  /** Tickets opened by an e-mail, and minutes until a person first acted on them. */
  email: z.strictObject({
    received: z.number().int(),
    answered: z.number().int(),
    waiting: z.number().int(),
    medianMinutes: z.number().nullable(),
    p90Minutes: z.number().nullable(),
  }),
  /**
   * Figures per operator are workforce monitoring (art. 4 of the Statuto dei lavoratori): null unless
   * an administrator named the agreement allowing them (PER_OPERATOR_AGREEMENT), and then only for
   * supervisors and administrators, with that agreement.
   */
  perOperator: z
    .strictObject({
      agreement: z.string(),
      rows: z.array(
        z.strictObject({ operator: z.string(), answered: z.number().int(), ahtSeconds: z.number().nullable(), wrapUpSeconds: z.number().nullable() }),
      ),
    })
    .nullable(),
});
export type OperationsReport = z.infer<typeof OperationsReport>;

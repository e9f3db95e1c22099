import type { OpeningSchedule } from '../../domain/schedule.ts';
import { scheduleFromRows } from '../../domain/schedule-rows.ts';
import type { AgencyCategory } from '../../domain/categories.ts';
import type { Category } from '../../domain/routing.ts';
import type { EffectiveVoice, VoiceLayer } from '../../domain/voice-texts.ts';
import { EMPTY_VOICE_LAYER, effectiveVoice } from '../../domain/voice-texts.ts';
import type { Executor } from '../../db/client.ts';
import {
  agencies,
  agencyCategories,
  emailAddresses,
  holidayChoices,
  openingHours,
  phoneNumbers,
  portfolios,
  queues,
  scheduleExceptions,
  voiceSettings,
} from '../../db/schema/index.ts';

export type AgencyProfile = Readonly<{
  code: string;
  name: string;
  timezone: string;
  emergencyNumber: string | null;
  serviceLevelSeconds: number;
  shortAbandonSeconds: number;
  serviceLevelTargetPct: number;
  /** Opening minutes within which a caller who gave up is called back; null: the platform default. */
  callbackDueMinutes: number | null;
  /** Expected wait in seconds above which a waiting caller is offered a queued call-back; null: the default (180). */
  queuedCallbackSeconds: number | null;
  /** The wallboard's thresholds of this agency, null where the platform's apply (src/domain/wall-tones.ts). */
  wallThresholds: Readonly<{ waitAlertSeconds: number | null; abandonAmberPct: number | null; abandonRedPct: number | null }>;
  ticketPrefix: string;
  schedule: OpeningSchedule;
  queues: readonly Readonly<{ name: string; category: Category; label: string; priority: number }>[];
  /** Its categories in list order, retired ones included (old tickets name them); see categories.ts. */
  categories: readonly AgencyCategory[];
  /** The housing stocks the agency manages for others (e.g. a municipality's), by id and name, with their voice overrides. */
  portfolios: readonly Readonly<{ id: string; name: string; voice: VoiceLayer }>[];
  /** The agency's own voice texts and flags (its emergency number included); null fields: generated or default. */
  voice: VoiceLayer;
}>;

export type NumberRoute = Readonly<{
  e164: string;
  agency: AgencyProfile;
  portfolioId: string | null;
  portfolioName: string | null;
  kind: 'numero_verde' | 'landline';
}>;

export type AddressRoute = Readonly<{ address: string; agency: AgencyProfile; portfolioId: string | null }>;

/**
 * Agencies, numbers, addresses, schedules and queues held in memory. Incoming calls are answered
 * from here without touching the database, so a caller still hears the right menu or closed
 * message while the database restarts. Reloaded after every administrative change.
 */
export type AgencyDirectory = Readonly<{
  agencyCodes(): readonly string[];
  agency(code: string): AgencyProfile | undefined;
  routeNumber(e164: string): NumberRoute | undefined;
  routeAddress(address: string): AddressRoute | undefined;
  numbersOf(agencyCode: string): readonly NumberRoute[];
  reload(db: Executor): Promise<void>;
}>;

type Snapshot = {
  byCode: Map<string, AgencyProfile>;
  byNumber: Map<string, NumberRoute>;
  byAddress: Map<string, AddressRoute>;
};

export async function loadDirectorySnapshot(db: Executor): Promise<Snapshot> {
  const [agencyRows, portfolioRows, numberRows, addressRows, hourRows, exceptionRows, queueRows, choiceRows, categoryRows, voiceRows] = await Promise.all([
    db.select().from(agencies),
    db.select().from(portfolios),
    db.select().from(phoneNumbers),
    db.select().from(emailAddresses),
    db.select().from(openingHours),
    db.select().from(scheduleExceptions),
    db.select().from(queues),
    db.select().from(holidayChoices),
    db.select().from(agencyCategories),
    db.select().from(voiceSettings),
  ]);
  const byCode = new Map<string, AgencyProfile>();
  for (const row of agencyRows) {
    byCode.set(row.code, {
      code: row.code,
      name: row.name,
      timezone: row.timezone,
      emergencyNumber: row.emergencyNumber,
      serviceLevelSeconds: row.serviceLevelSeconds,
      shortAbandonSeconds: row.shortAbandonSeconds,
      serviceLevelTargetPct: row.serviceLevelTargetPct,
      callbackDueMinutes: row.callbackDueMinutes,
      queuedCallbackSeconds: row.queuedCallbackSeconds,
      wallThresholds: { waitAlertSeconds: row.wallWaitAlertSeconds, abandonAmberPct: row.wallAbandonAmberPct, abandonRedPct: row.wallAbandonRedPct },
      ticketPrefix: row.ticketPrefix,
      schedule: scheduleFromRows({
        timezone: row.timezone,
        hours: hourRows.filter((hours) => hours.agencyCode === row.code),
        exceptions: exceptionRows.filter((exception) => exception.agencyCode === row.code),
        comuni: row.comuni,
        holidayMode: row.holidayMode,
        choices: choiceRows.filter((choice) => choice.agencyCode === row.code),
      }),
      queues: queueRows
        .filter((queue) => queue.agencyCode === row.code)
        .map((queue) => ({ name: queue.name, category: queue.category, label: queue.label, priority: queue.priority })),
      portfolios: portfolioRows
        .filter((portfolio) => portfolio.agencyCode === row.code)
        .map((portfolio) => ({ id: portfolio.id, name: portfolio.name, voice: voiceLayerOf(voiceRows.find((voice) => voice.portfolioId === portfolio.id)) })),
      voice: {
        ...voiceLayerOf(voiceRows.find((voice) => voice.agencyCode === row.code && voice.portfolioId === null)),
        emergencyNumber: row.emergencyNumber,
      },
      categories: toAgencyCategories(
        categoryRows.filter((category) => category.agencyCode === row.code),
        queueRows.filter((queue) => queue.agencyCode === row.code),
      ),
    });
  }
  const portfolioNames = new Map(portfolioRows.map((portfolio) => [portfolio.id, portfolio.name]));
  const byNumber = new Map<string, NumberRoute>();
  for (const number of numberRows) {
    const agency = byCode.get(number.agencyCode);
    if (!agency) continue;
    byNumber.set(number.e164, {
      e164: number.e164,
      agency,
      portfolioId: number.portfolioId,
      portfolioName: number.portfolioId ? (portfolioNames.get(number.portfolioId) ?? null) : null,
      kind: number.kind,
    });
  }
  const byAddress = new Map<string, AddressRoute>();
  for (const address of addressRows) {
    const agency = byCode.get(address.agencyCode);
    if (agency) byAddress.set(address.address.toLowerCase(), { address: address.address, agency, portfolioId: address.portfolioId });
  }
  return { byCode, byNumber, byAddress };
}

/** A voice_settings row as a layer; no row is a layer that sets nothing. */
export function voiceLayerOf(row: typeof voiceSettings.$inferSelect | undefined): VoiceLayer {
  if (!row) return EMPTY_VOICE_LAYER;
  return {
    greeting: row.greeting,
    menuIntro: row.menuIntro,
    closedMessage: row.closedMessage,
    emergencyNumber: row.emergencyNumber,
    neutralGreeting: row.neutralGreeting,
    offerCallbacks: row.offerCallbacks,
    emailAcknowledgements: row.emailAcknowledgements,
    askRating: row.askRating,
  };
}

/** What callers of the agency hear, through a number of `portfolioId` (null: the agency's own stock). */
export function voiceOf(agency: AgencyProfile, portfolioId: string | null): EffectiveVoice {
  const portfolio = portfolioId ? agency.portfolios.find((candidate) => candidate.id === portfolioId) : undefined;
  return effectiveVoice(agency.voice, portfolio?.voice);
}

/** Category rows as the domain reads them, in list order, each with its queue's priority. */
export function toAgencyCategories(
  rows: readonly (typeof agencyCategories.$inferSelect)[],
  queueRows: readonly Readonly<{ category: string; priority: number }>[],
): AgencyCategory[] {
  return [...rows]
    .sort((a, b) => a.position - b.position || a.code.localeCompare(b.code))
    .map((row) => ({
      code: row.code,
      label: row.label,
      menuPhrase: row.menuPhrase,
      digit: row.digit,
      position: row.position,
      priority: queueRows.find((queue) => queue.category === row.code)?.priority ?? 0,
      heatingBoostSeconds: row.heatingBoostSeconds,
      keywords: row.keywords,
      isFallback: row.isFallback,
      retired: row.retiredAt !== null,
    }));
}

export async function createAgencyDirectory(db: Executor): Promise<AgencyDirectory> {
  let snapshot = await loadDirectorySnapshot(db);
  return {
    agencyCodes: () => [...snapshot.byCode.keys()].sort(),
    agency: (code) => snapshot.byCode.get(code),
    routeNumber: (e164) => snapshot.byNumber.get(e164),
    routeAddress: (address) => snapshot.byAddress.get(address.trim().toLowerCase()),
    numbersOf: (agencyCode) => [...snapshot.byNumber.values()].filter((route) => route.agency.code === agencyCode),
    async reload(executor) {
      snapshot = await loadDirectorySnapshot(executor);
    },
  };
}

/**
 * The agency's number a tenant sees when the call center calls them back: its landline for the
 * portfolio, else any landline, else any of its numbers. null: the agency has no number.
 */
export function agencyCallerId(directory: AgencyDirectory, agency: string, portfolio: string | null): string | null {
  const numbers = directory.numbersOf(agency);
  const rank = (number: NumberRoute) => (number.kind === 'landline' ? 0 : 2) + (number.portfolioId === portfolio ? 0 : 1);
  return [...numbers].sort((a, b) => rank(a) - rank(b))[0]?.e164 ?? null;
}

import type { AgencyVoice, AgencyVoiceConfig, VoiceLayerView } from '../../contracts/voice.ts';
import type { Actor } from '../../domain/actor.ts';
import { menuPromptIt } from '../../domain/categories.ts';
import type { Clock } from '../../domain/clock.ts';
import { validation } from '../../domain/errors.ts';
import { closedMessageIt } from '../../domain/schedule.ts';
import type { EffectiveVoice, VoiceLayer } from '../../domain/voice-texts.ts';
import { effectiveVoice, generatedGreetingIt, voiceLayerProblemsIt } from '../../domain/voice-texts.ts';
import type { Executor, Tx } from '../../db/client.ts';
import type { AgencyProfile } from '../agencies/agency-directory.ts';
import { toAgencyCategories, voiceLayerOf } from '../agencies/agency-directory.ts';
import type { VoiceBody } from './admin-schemas.ts';
import * as repo from './agencies-admin-repo.ts';
import { portfolioNamesOf, replaceVoice, type VoiceSettingsRow } from './voice-settings-repo.ts';

type LoadedConfig = NonNullable<Awaited<ReturnType<typeof repo.loadAgencyConfig>>>;
type ScheduleOf = (config: LoadedConfig) => AgencyProfile['schedule'];

/**
 * The voice texts of an agency and its portfolios (issue 16 §4). Saved through the agency
 * service's `change()` (one transaction, audit entry, directory reload on every node); read by
 * administrators and the supervisors serving the agency, with what each empty field stands for.
 */
export function createVoiceAdmin(deps: {
  db: Executor;
  clock: Clock;
  readable: (actor: Actor, code: string) => Promise<LoadedConfig>;
  change: (actor: Actor, code: string, work: (tx: Tx) => Promise<void>) => Promise<unknown>;
  scheduleOf: ScheduleOf;
}) {
  async function getVoice(actor: Actor, code: string): Promise<AgencyVoice> {
    const config = await deps.readable(actor, code);
    const categories = await repo.categoryRowsOf(deps.db, code);
    return voiceView(config, menuPromptIt(toAgencyCategories(categories, config.queueRows)), deps.scheduleOf(config), deps.clock.now());
  }

  return {
    getVoice,

    async replaceVoice(actor: Actor, code: string, body: VoiceBody): Promise<AgencyVoice> {
      await deps.change(actor, code, async (tx) => {
        const own: VoiceLayer = body.agency;
        const problems = voiceLayerProblemsIt(own, "dell'ente");
        const names = await portfolioNamesOf(tx, code);
        const seen = new Set<string>();
        for (const layer of body.portfolios) {
          const name = names.get(layer.id);
          if (!name) problems.push(`Il portafoglio «${layer.id}» non è di questo ente.`);
          else if (seen.has(layer.id)) problems.push(`Il portafoglio «${name}» compare più di una volta.`);
          else problems.push(...voiceLayerProblemsIt(layer, `del portafoglio ${name}`));
          seen.add(layer.id);
        }
        if (problems.length > 0) throw validation(problems.join(' '), { problems });
        await replaceVoice(
          tx,
          code,
          own,
          body.portfolios.map(({ id, ...layer }) => ({ ...layer, portfolio: id })),
        );
      });
      return getVoice(actor, code);
    },
  };
}

/** The voice part of the audited configuration view: what is stored, nothing derived. */
export function voiceConfigView(agencyEmergencyNumber: string | null, rows: readonly VoiceSettingsRow[]): AgencyVoiceConfig {
  const own = rows.find((row) => row.portfolioId === null);
  return {
    agency: { ...layerView(voiceLayerOf(own)), emergencyNumber: agencyEmergencyNumber },
    portfolios: rows.filter((row) => row.portfolioId !== null).map((row) => ({ portfolio: row.portfolioId ?? '', ...layerView(voiceLayerOf(row)) })),
  };
}

function layerView(layer: VoiceLayer): VoiceLayerView {
  return { ...layer };
}

function voiceView(config: LoadedConfig, menuPrompt: string, schedule: AgencyProfile['schedule'], now: Date): AgencyVoice {
  const agency = config.agency;
  const ownLayer: VoiceLayer = { ...voiceLayerOf(config.voiceRows.find((row) => row.portfolioId === null)), emergencyNumber: agency.emergencyNumber };
  const own = effectiveVoice(ownLayer, undefined);
  /** The texts generated for callers with these flags (closed message: as it would be said now). */
  const generated = (portfolioName: string | null, voice: EffectiveVoice) => ({
    greeting: generatedGreetingIt(agency.name, portfolioName, voice.neutralGreeting),
    closedMessage: closedMessageIt(schedule, now, agency.name, { hasEmergencyNumber: Boolean(voice.emergencyNumber), neutral: voice.neutralGreeting }),
  });
  return {
    agency: agency.code,
    timezone: agency.timezone,
    settings: {
      ...ownLayer,
      neutralGreeting: own.neutralGreeting,
      offerCallbacks: own.offerCallbacks,
      emailAcknowledgements: own.emailAcknowledgements,
      askRating: own.askRating,
    },
    generated: { ...generated(null, own), menuIntro: null, emergencyNumber: null },
    menuPrompt,
    portfolios: config.portfolioRows.map((portfolio) => {
      const overrides = voiceLayerOf(config.voiceRows.find((row) => row.portfolioId === portfolio.id));
      // What an empty field of the portfolio falls back to: the agency's text, else the text
      // generated with the portfolio's own flags.
      const voice = effectiveVoice(ownLayer, { ...overrides, greeting: null, menuIntro: null, closedMessage: null });
      const fallback = generated(portfolio.name, voice);
      return {
        id: portfolio.id,
        name: portfolio.name,
        overrides: layerView(overrides),
        inherited: {
          greeting: ownLayer.greeting ?? fallback.greeting,
          menuIntro: ownLayer.menuIntro,
          closedMessage: ownLayer.closedMessage ?? fallback.closedMessage,
          emergencyNumber: ownLayer.emergencyNumber,
        },
      };
    }),
  };
}

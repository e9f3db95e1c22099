import type { Actor } from '../../domain/actor.ts';
import type { LiveSnapshot } from '../../contracts/live.ts';
import type { AgencyDirectory } from '../agencies/agency-directory.ts';
import type { CallService } from '../calls/calls-service.ts';
import type { AppModule, ModuleCore } from '../module.ts';
import { liveRoutes } from './live-routes.ts';
import type { DayTotals, LiveServiceDeps, OperatorDirectory } from './live-service.ts';
import { createLiveService } from './live-service.ts';
import { createSoftphoneService } from './softphone-service.ts';

/**
 * The live read model behind the dashboards (calls in progress, operators, today's figures) and
 * the operators' softphone: Twilio's browser SDK when configured, else a simulator that plays
 * Twilio's part.
 */
export function createLiveModule(
  deps: Pick<ModuleCore, 'config' | 'db' | 'clock'> & {
    directory: AgencyDirectory;
    operators: OperatorDirectory;
    dayTotals: DayTotals;
    calls: CallService;
    /** The live state stamped by the realtime layer with the event positions it is consistent with. */
    stampedSnapshot: (actor: Actor) => Promise<LiveSnapshot>;
    incidentsToday?: LiveServiceDeps['incidentsToday'];
  },
) {
  const { config, db, clock } = deps;
  const live = createLiveService({
    db,
    directory: deps.directory,
    clock,
    operators: deps.operators,
    dayTotals: deps.dayTotals,
    incidentsToday: deps.incidentsToday,
  });
  const { accountSid, apiKey, apiSecret, twimlAppSid } = config.twilio;
  const softphone = createSoftphoneService({
    db,
    calls: deps.calls,
    clock,
    wrapUpSeconds: config.workflow.wrapUpSeconds,
    twilio: accountSid && apiKey && apiSecret && twimlAppSid ? { accountSid, apiKey, apiSecret, twimlAppSid } : null,
  });
  return { name: 'live', service: live, routes: (api) => liveRoutes(api, deps.stampedSnapshot, softphone) } satisfies AppModule;
}

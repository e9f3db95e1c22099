import type { Actor } from '../../domain/actor.ts';
import type { AgencyDirectory } from '../agencies/agency-directory.ts';
import type { AppModule, EventSubscription, ModuleCore } from '../module.ts';
import type { CallbackDialDeps } from './callback-dial.ts';
import { createCallbackDial } from './callback-dial.ts';
import { createCallbackService } from './callback-service.ts';
import type { CallbackService } from './callback-service.ts';
import { callbacksRoutes } from './callbacks-routes.ts';

/**
 * Call-backs owed to callers who gave up in the queue. The task is written inside the transaction
 * that settles the call (`ports.afterCallChange`, run by the calls module) and announced once that
 * transaction has committed (the subscription). Operators dial tenants back from the browser
 * softphone through `service.dialFromSoftphone`, which the Twilio webhook asks.
 */
export function createCallbacksModule(
  deps: Pick<ModuleCore, 'config' | 'db' | 'clock' | 'bus' | 'log'> & {
    directory: AgencyDirectory;
    actorOfSoftphone: (identity: string) => Promise<Actor | null>;
    tickets: CallbackDialDeps['tickets'];
  },
) {
  const callbacks = createCallbackService({ ...deps, dueMinutes: deps.config.workflow.callbackDueMinutes });
  const dial = createCallbackDial({ ...deps, changed: (task) => callbacks.announceChanged(task) });
  return {
    name: 'callbacks',
    service: { ...callbacks, dialFromSoftphone: dial.dialFromSoftphone },
    routes: (api) => callbacksRoutes(api, callbacks),
    subscriptions: [announceAbandoned(callbacks, (error) => deps.log.error({ err: error }, 'call-back announcement failed'))],
    ports: { afterCallChange: callbacks.afterCallChange },
  } satisfies AppModule;
}

/** After the commit: an abandoned call created or grew a task; a bridged or answered call may have closed some. */
function announceAbandoned(callbacks: CallbackService, failed: (error: unknown) => void): EventSubscription {
  return (event) => {
    if (event.type !== 'call.settled' && event.type !== 'call.bridged') return;
    const call = event.data.call;
    const abandoned = event.type === 'call.settled' && (call.outcome === 'abandoned' || call.outcome === 'queued_callback');
    const answered = event.type === 'call.bridged' || call.outcome === 'answered';
    if (abandoned || answered) callbacks.announceFor(call.callSid).catch(failed);
  };
}

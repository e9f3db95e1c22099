import type { AgencyDirectory } from '../agencies/agency-directory.ts';
import type { AppModule, EventSubscription, ModuleCore } from '../module.ts';
import { createCallbackService } from './callback-service.ts';
import type { CallbackService } from './callback-service.ts';
import { callbacksRoutes } from './callbacks-routes.ts';

/**
 * Call-backs owed to callers who gave up in the queue. The task is written inside the transaction
 * that settles the call (`ports.afterCallChange`, run by the calls module) and announced once that
 * transaction has committed (the subscription).
 */
export function createCallbacksModule(deps: Pick<ModuleCore, 'config' | 'db' | 'clock' | 'bus' | 'log'> & { directory: AgencyDirectory }) {
  const callbacks = createCallbackService({ ...deps, dueMinutes: deps.config.workflow.callbackDueMinutes });
  return {
    name: 'callbacks',
    service: callbacks,
    routes: (api) => callbacksRoutes(api, callbacks),
    subscriptions: [announceAbandoned(callbacks, (error) => deps.log.error({ err: error }, 'call-back announcement failed'))],
    ports: { afterCallChange: callbacks.afterCallChange },
  } satisfies AppModule;
}

function announceAbandoned(callbacks: CallbackService, failed: (error: unknown) => void): EventSubscription {
  return (event) => {
    if (event.type === 'call.settled' && event.data.call.outcome === 'abandoned') callbacks.announceFor(event.data.call.callSid).catch(failed);
  };
}

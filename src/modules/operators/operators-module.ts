import type { AgencyDirectory } from '../agencies/agency-directory.ts';
import type { AuditPort } from '../audit/audit-service.ts';
import type { AppModule, EventSubscription, ModuleCore } from '../module.ts';
import { createOperatorService } from './operator-service.ts';
import type { OperatorService } from './operator-service.ts';
import { operatorsRoutes } from './operators-routes.ts';

/**
 * Operators' presence and location, and the agencies and queues each answers. Presence follows
 * the softphone from the call events; the calls module asks which queues an identity serves.
 */
export function createOperatorsModule(deps: Pick<ModuleCore, 'config' | 'db' | 'clock' | 'bus' | 'log'> & { directory: AgencyDirectory; audit: AuditPort }) {
  const operators = createOperatorService({ ...deps, wrapUpSeconds: deps.config.workflow.wrapUpSeconds });
  return {
    name: 'operators',
    service: operators,
    routes: (api) => operatorsRoutes(api, operators),
    subscriptions: [presenceFromCalls(operators, (error) => deps.log.error({ err: error }, 'presence update failed'))],
    ports: {
      queuesServedBy: operators.queuesServedBy,
      mayTakeCall: operators.mayTakeCall,
      operatorLegEnded: operators.operatorLegEnded,
      endWrapUp: operators.endWrapUp,
      reconcilePresence: operators.reconcilePresence,
    },
  } satisfies AppModule;
}

/** The softphone drives presence: bridged → on call, caller gone → wrap-up. Best effort, after the call's commit. */
function presenceFromCalls(operators: OperatorService, failed: (error: unknown) => void): EventSubscription {
  return (event) => {
    if (event.type === 'call.bridged' && event.data.operator) {
      operators.markOnCall(event.data.operator, event.data.call.callSid).catch(failed);
    } else if (event.type === 'call.ended' && event.data.call.answeredBy) {
      operators.markWrapUp(event.data.call.answeredBy, event.data.call.callSid).catch(failed);
    }
  };
}

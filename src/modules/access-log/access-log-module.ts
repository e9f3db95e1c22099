import type { AppModule, ModuleCore } from '../module.ts';
import { accessLogRoutes } from './access-log-routes.ts';
import { createAccessLog } from './access-log-service.ts';

/** The processor access log: who of the call center read which agency's personal data. */
export function createAccessLogModule(deps: Pick<ModuleCore, 'db' | 'clock'>) {
  const accessLog = createAccessLog(deps);
  return { name: 'access-log', service: accessLog, routes: (api) => accessLogRoutes(api, accessLog) } satisfies AppModule;
}

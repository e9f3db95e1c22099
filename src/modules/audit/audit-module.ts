import type { AppModule, ModuleCore } from '../module.ts';
import { auditRoutes } from './audit-routes.ts';
import type { AuditPort } from './audit-service.ts';
import { createAuditService } from './audit-service.ts';

/** Who changed which configuration, when, from what to what. */
export function createAuditModule(deps: Pick<ModuleCore, 'db' | 'clock'>) {
  const audit = createAuditService(deps);
  const port: AuditPort = { record: audit.record };
  return { name: 'audit', service: audit, routes: (api) => auditRoutes(api, audit), ports: port } satisfies AppModule;
}

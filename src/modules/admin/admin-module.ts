import type { AgencyDirectory } from '../agencies/agency-directory.ts';
import { createApiTokenService } from '../auth/api-token-service.ts';
import type { AuthService } from '../auth/auth-service.ts';
import type { AuditPort } from '../audit/audit-service.ts';
import type { AppModule, ModuleCore } from '../module.ts';
import type { AdminServices } from './admin-routes.ts';
import { adminRoutes } from './admin-routes.ts';
import { createAgencyAdminService } from './agencies-admin-service.ts';
import { createUserAdminService } from './users-admin-service.ts';

/** /api/v1/admin: agencies and their configuration, users, agency API tokens. */
export function createAdminModule(deps: Pick<ModuleCore, 'db' | 'clock' | 'bus'> & { directory: AgencyDirectory; auth: AuthService; audit: AuditPort }) {
  const services: AdminServices = {
    tokens: createApiTokenService(deps),
    agencies: createAgencyAdminService(deps),
    users: createUserAdminService(deps),
  };
  return { name: 'admin', service: services, routes: (api) => adminRoutes(api, services) } satisfies AppModule;
}

import type { AgencyDirectory } from '../agencies/agency-directory.ts';
import type { AppModule, ModuleCore } from '../module.ts';
import type { CallerLookupCalls, TenantAccessRecorder, TenantPortfolios, TenantServiceDeps } from './tenant-service.ts';
import { createTenantService } from './tenant-service.ts';
import { findTenantByCode, findTenantsByPhone } from './tenants-repo.ts';
import { tenantsRoutes } from './tenants-routes.ts';

/** The port the tickets module fills a ticket's caller and dwelling from, in the ticket's transaction. */
export const tenantLookup = { byCode: findTenantByCode, byPhone: findTenantsByPhone };

/** The agencies' tenant registries (imported from CSV) and the caller-ID screen pop. */
export function createTenantsModule(
  deps: Pick<ModuleCore, 'db' | 'clock'> & {
    directory: AgencyDirectory;
    calls: CallerLookupCalls;
    portfolios: TenantPortfolios;
    accessLog: TenantAccessRecorder;
    previousTickets: NonNullable<TenantServiceDeps['previousTickets']>;
  },
) {
  const tenants = createTenantService(deps);
  return { name: 'tenants', service: tenants, routes: (api) => tenantsRoutes(api, tenants), ports: { lookup: tenantLookup } } satisfies AppModule;
}

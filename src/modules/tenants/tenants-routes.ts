import type { FastifyInstance } from 'fastify';
import { docSchema } from '../../http/openapi.ts';
import { parseInput } from '../../http/parse.ts';
import { requireActor } from '../../http/request-context.ts';
import type { TenantService } from './tenant-service.ts';
import { CallerParams, TenantParams, TenantSearchQuery } from './tenants-schemas.ts';
import { CallerLookup, Tenant, TenantList } from '../../contracts/tenants.ts';

const tags = ['tenants'];

export function tenantsRoutes(app: FastifyInstance, tenants: TenantService): void {
  app.get(
    '/api/v1/calls/:callSid/caller',
    {
      schema: docSchema({
        tags,
        summary: 'Screen pop: the caller’s tenant record(s) in the called agency and their earlier tickets',
        params: CallerParams,
        response: CallerLookup,
      }),
    },
    async (request) => {
      const { callSid } = parseInput(CallerParams, request.params, 'path');
      return tenants.lookupCaller(requireActor(request), callSid);
    },
  );

  app.get(
    '/api/v1/tenants',
    {
      schema: docSchema({
        tags,
        summary: 'Search the tenant registries you may see (by text or phone number)',
        query: TenantSearchQuery,
        response: TenantList,
      }),
    },
    async (request) => tenants.searchTenants(requireActor(request), parseInput(TenantSearchQuery, request.query, 'query')),
  );

  app.get('/api/v1/tenants/:agency/:code', { schema: docSchema({ tags, summary: 'One tenant', params: TenantParams, response: Tenant }) }, async (request) => {
    const { agency, code } = parseInput(TenantParams, request.params, 'path');
    return tenants.getTenant(requireActor(request), agency, code);
  });
}

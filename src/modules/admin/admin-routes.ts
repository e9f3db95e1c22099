import type { FastifyInstance } from 'fastify';
import type { Clock } from '../../domain/clock.ts';
import type { Database } from '../../db/client.ts';
import { docSchema } from '../../http/openapi.ts';
import { parseInput } from '../../http/parse.ts';
import { requireActor } from '../../http/request-context.ts';
import type { AgencyDirectory } from '../agencies/agency-directory.ts';
import { createApiTokenService } from '../auth/api-token-service.ts';
import type { AuthService } from '../auth/auth-service.ts';
import { IdParams, TokenCreateBody, TokenListQuery } from './admin-schemas.ts';

export type AdminDeps = Readonly<{ db: Database; clock: Clock; directory: AgencyDirectory; auth: AuthService }>;

/** /api/v1/admin: agencies, users and tokens. Administrators change; supervisors read. */
export function adminRoutes(app: FastifyInstance, deps: AdminDeps): void {
  const tokens = createApiTokenService(deps);
  const tags = ['admin'];

  app.get('/api/v1/admin/tokens', { schema: docSchema({ tags, summary: 'Agency API tokens', query: TokenListQuery }) }, async (request) => {
    const query = parseInput(TokenListQuery, request.query, 'query');
    return { items: await tokens.listTokens(requireActor(request), query) };
  });
  app.post('/api/v1/admin/tokens', { schema: docSchema({ tags, summary: 'Create an agency API token (shown once)', body: TokenCreateBody }) }, async (request, reply) => {
    const body = parseInput(TokenCreateBody, request.body, 'token');
    return reply.code(201).send(await tokens.createToken(requireActor(request), body));
  });
  app.delete('/api/v1/admin/tokens/:id', { schema: docSchema({ tags, summary: 'Revoke an agency API token', params: IdParams }) }, async (request) => {
    const { id } = parseInput(IdParams, request.params, 'path');
    return tokens.revokeToken(requireActor(request), id);
  });
}

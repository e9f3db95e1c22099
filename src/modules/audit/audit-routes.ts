import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AuditPage } from '../../contracts/audit.ts';
import { docSchema } from '../../http/openapi.ts';
import { parseInput } from '../../http/parse.ts';
import { requireActor } from '../../http/request-context.ts';
import type { AuditService } from './audit-service.ts';

const AuditQuery = z.object({
  agency: z.string().max(63).optional(),
  targetKind: z.enum(['agency', 'user', 'token', 'delivery_target', 'incident']).optional(),
  targetId: z.string().max(200).optional(),
  cursor: z
    .string()
    .regex(/^\d{1,18}$/, 'must be a cursor this list handed out')
    .optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
});

export function auditRoutes(app: FastifyInstance, audit: AuditService): void {
  app.get(
    '/api/v1/admin/audit',
    { schema: docSchema({ tags: ['admin'], summary: 'Configuration changes, newest first (administrators)', query: AuditQuery, response: AuditPage }) },
    async (request) => audit.list(requireActor(request), parseInput(AuditQuery, request.query, 'query')),
  );
}

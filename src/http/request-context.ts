import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Actor } from '../domain/actor.ts';
import { AppError } from '../domain/errors.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the auth module's hook from the session cookie or bearer token; null when anonymous. */
    actor: Actor | null;
  }
}

export function decorateActor(app: FastifyInstance): void {
  app.decorateRequest('actor', null);
}

/** The authenticated actor, or 401. Every /api route that reads or changes data starts here. */
export function requireActor(request: FastifyRequest): Actor {
  if (!request.actor) throw new AppError('UNAUTHENTICATED', 'Authentication required');
  return request.actor;
}

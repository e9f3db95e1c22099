import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from '../../domain/clock.ts';
import type { Database } from '../../db/client.ts';
import { securityEvents } from '../../db/schema/index.ts';

export type SecurityEventKind =
  | 'login_failed'
  | 'login_throttled'
  | 'login_refused_origin'
  | 'token_rejected'
  | 'csrf_refused'
  | 'forbidden'
  | 'password_change_failed';

export type SecurityEvent = Readonly<{
  kind: SecurityEventKind;
  username?: string | null;
  actorId?: string | null;
  ip?: string | null;
  method?: string | null;
  path?: string | null;
  detail?: string | null;
}>;

export type SecurityLog = Readonly<{ record(event: SecurityEvent): Promise<void> }>;

/**
 * Authentication and authorization failures, to pino (warn) and to a table that an administrator
 * can query. Recording never fails the request that triggered it.
 */
export function createSecurityLog(deps: { db: Database; clock: Clock; log: () => FastifyBaseLogger }): SecurityLog {
  return {
    async record(event) {
      deps.log().warn({ security: event }, `security: ${event.kind}`);
      try {
        await deps.db.insert(securityEvents).values({
          at: deps.clock.now(),
          kind: event.kind,
          username: event.username ?? null,
          actorId: event.actorId ?? null,
          ip: event.ip ?? null,
          method: event.method ?? null,
          path: event.path ?? null,
          detail: event.detail ?? null,
        });
      } catch (error) {
        deps.log().error({ err: error }, 'could not store a security event');
      }
    },
  };
}

import { z } from 'zod';
import { Instant, pageOf } from './common.ts';

/** One configuration change: who made it, when, and the record before and after (null: created or removed). */
export const AuditEntry = z.strictObject({
  id: z.string(),
  at: Instant,
  actor: z.strictObject({ kind: z.enum(['user', 'token', 'system']), id: z.string(), name: z.string() }),
  action: z.string(),
  target: z.strictObject({ kind: z.enum(['agency', 'user', 'token', 'delivery_target', 'incident']), id: z.string() }),
  agency: z.string().nullable(),
  before: z.unknown(),
  after: z.unknown(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

export const AuditPage = pageOf(AuditEntry);

import { z } from 'zod';

/** `GET /healthz`: the process is up. */
export const Liveness = z.strictObject({ status: z.literal('ok') });

/**
 * `GET /readyz`: 200 `ready` when the database answers, 503 `unavailable` otherwise; with the voice
 * steps answered from memory and not yet recorded, and how late the event loop ran over the last minute.
 */
export const Readiness = z.strictObject({
  status: z.enum(['ready', 'unavailable']),
  journalBacklog: z.number(),
  eventLoopDelayMs: z.strictObject({ p99: z.number(), max: z.number(), windowSeconds: z.number() }),
});
export type Readiness = z.infer<typeof Readiness>;

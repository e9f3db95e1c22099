import { z } from 'zod';
import { Instant, itemsOf } from './common.ts';

/**
 * A member of the call-center staff as a viewer serving some agencies sees it: only the agencies,
 * queues and call of those agencies (operators module `view`).
 */
export const Operator = z.strictObject({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: z.string(),
  /** available, on_call, wrap_up, break, offline */
  presence: z.string(),
  /** on_site, remote, or null */
  location: z.string().nullable(),
  since: Instant.nullable(),
  callSid: z.string().nullable(),
  agencies: z.array(z.string()),
  queues: z.array(z.string()),
});
export type Operator = z.infer<typeof Operator>;

export const OperatorList = itemsOf(Operator);

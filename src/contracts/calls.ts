import { z } from 'zod';
import { Instant, pageOf } from './common.ts';

/** A call as the API, the live screens and the events show it (calls-service `publicCall`). */
export const Call = z.strictObject({
  callSid: z.string(),
  agency: z.string().nullable(),
  portfolio: z.string().nullable(),
  to: z.string(),
  from: z.string().nullable(),
  numberKind: z.string().nullable(),
  startedAt: Instant,
  status: z.string(),
  /** unknown_number, out_of_hours, in_menu, queued, bridged, answered, abandoned, short_abandoned, left_menu, queue_other (src/domain/call-state.ts). */
  outcome: z.string(),
  category: z.string().nullable(),
  queue: z.string().nullable(),
  enqueuedAt: Instant.nullable(),
  queueTimeSeconds: z.number().nullable(),
  bridgedAt: Instant.nullable(),
  answeredBy: z.string().nullable(),
  endedAt: Instant.nullable(),
  durationSeconds: z.number().nullable(),
  talkSeconds: z.number().nullable(),
});
export type Call = z.infer<typeof Call>;

export const CallPage = pageOf(Call);
export type CallPage = z.infer<typeof CallPage>;

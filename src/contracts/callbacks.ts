import { z } from 'zod';
import { Instant, pageOf } from './common.ts';

/** A caller owed a call back after abandoning (callbacks module `publicCallback`). */
export const Callback = z.strictObject({
  id: z.string(),
  agency: z.string(),
  callSid: z.string(),
  queue: z.string().nullable(),
  category: z.string().nullable(),
  callerPhone: z.string(),
  abandonedAt: Instant,
  waitedSeconds: z.number().nullable(),
  dueAt: Instant,
  /** open, done, failed, cancelled */
  status: z.string(),
  attempts: z.number(),
  lastOutcome: z.string().nullable(),
  assignedTo: z.string().nullable(),
  ticketRef: z.string().nullable(),
  closedAt: Instant.nullable(),
});
export type Callback = z.infer<typeof Callback>;

export const CallbackPage = pageOf(Callback);
export type CallbackPage = z.infer<typeof CallbackPage>;

/** One task with every attempt made to call back. */
export const CallbackDetail = z.strictObject({
  ...Callback.shape,
  history: z.array(z.strictObject({ outcome: z.string(), note: z.string().nullable(), by: z.string(), at: Instant })),
});
export type CallbackDetail = z.infer<typeof CallbackDetail>;

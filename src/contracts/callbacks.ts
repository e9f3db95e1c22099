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
  /** Abandoned calls of this caller to this agency the task gathers (one open task per caller and agency). */
  abandonedCalls: z.number(),
  lastAbandonedAt: Instant,
  /** Past its deadline while open, as of the answer. */
  overdue: z.boolean(),
  /** Why it closed: resolved, wrong_number, gave_up, cancelled, answered_inbound, merged, anonymised. */
  closedReason: z.string().nullable(),
  closedByCallSid: z.string().nullable(),
  mergedInto: z.string().nullable(),
});
export type Callback = z.infer<typeof Callback>;

/** A page of tasks with the totals of every page of the filter (the screen's counters). */
export const CallbackPage = z.strictObject({ ...pageOf(Callback).shape, total: z.number(), overdue: z.number() });
export type CallbackPage = z.infer<typeof CallbackPage>;

/** One task with every attempt made to call back. */
export const CallbackDetail = z.strictObject({
  ...Callback.shape,
  calls: z.array(z.strictObject({ callSid: z.string(), abandonedAt: Instant, waitedSeconds: z.number().nullable() })),
  history: z.array(z.strictObject({ outcome: z.string(), note: z.string().nullable(), by: z.string(), at: Instant, callSid: z.string().nullable() })),
});
export type CallbackDetail = z.infer<typeof CallbackDetail>;

/** What the browser softphone passes to `connect` to call the tenant back. */
export const CallbackDial = z.strictObject({ callback: Callback, connect: z.strictObject({ To: z.string(), CallbackId: z.string() }) });
export type CallbackDial = z.infer<typeof CallbackDial>;

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
  /** unknown_number, out_of_hours, in_menu, queued, bridged, answered, abandoned, short_abandoned, left_menu, queue_other, lost, callback_waiting, queued_callback, incident_report (src/domain/call-state.ts). */
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
  /** The outcome code (esito) the operator closed the wrap-up with, or null. */
  wrapUpCode: z.string().nullable(),
});
export type Call = z.infer<typeof Call>;

export const CallPage = pageOf(Call);
export type CallPage = z.infer<typeof CallPage>;

/** The call after its wrap-up was closed with an outcome code. */
export const CallOutcomeAnswer = z.strictObject({ call: Call });
export type CallOutcomeAnswer = z.infer<typeof CallOutcomeAnswer>;

/** An agency's outcome codes (esiti): its own when `custom`, otherwise the platform's defaults. */
export const OutcomeCodes = z.strictObject({
  agency: z.string(),
  custom: z.boolean(),
  items: z.array(z.strictObject({ code: z.string(), label: z.string() })),
});
export type OutcomeCodes = z.infer<typeof OutcomeCodes>;

import { z } from 'zod';

/**
 * Twilio's voice parameters, as far as we read them. Twilio adds parameters over time, so every
 * schema is loose: unknown names pass through untouched and are ignored.
 */
const text = z.string().trim();
const optionalText = z
  .union([text, z.array(text)])
  .transform((value) => (Array.isArray(value) ? value[0] : value))
  .transform((value) => (value === '' ? undefined : value))
  .optional();
const optionalSeconds = z
  .union([text, z.array(text)])
  .transform((value) => (Array.isArray(value) ? value[0] : value))
  .transform((value) => (value === '' ? undefined : Number(value)))
  .pipe(
    z
      .number()
      .int()
      .min(0)
      .max(86_400 * 7)
      .optional(),
  )
  .optional();

export const CallSid = z.string().regex(/^CA[0-9a-fA-F]{32}$|^CA[\w-]{6,64}$/, 'CallSid must start with CA');

export const VoiceParams = z.looseObject({
  CallSid: z.union([
    CallSid,
    z
      .array(CallSid)
      .nonempty()
      .transform((values) => values[0]),
  ]),
  From: optionalText,
  To: optionalText,
  CallStatus: optionalText,
});

export const MenuParams = z.looseObject({ ...VoiceParams.shape, Digits: optionalText });

export const QueueWaitParams = z.looseObject({
  CallSid: VoiceParams.shape.CallSid.optional(),
  QueuePosition: optionalSeconds,
  AvgQueueTime: optionalSeconds,
  QueueTime: optionalSeconds,
});

export const QueueResultParams = z.looseObject({
  ...VoiceParams.shape,
  QueueResult: optionalText,
  QueueTime: optionalSeconds,
});

export const StatusParams = z.looseObject({
  ...VoiceParams.shape,
  CallDuration: optionalSeconds,
  SequenceNumber: optionalSeconds,
});

/**
 * The softphone's request. `To`, `CallbackId` and `TicketRef` are the browser's `connect` params,
 * which Twilio passes through: any of them asks to dial a tenant back instead of taking a call.
 */
export const OperatorParams = z.looseObject({ ...VoiceParams.shape, CallbackId: optionalText, TicketRef: optionalText });

export const BridgedParams = z.looseObject({
  ...VoiceParams.shape,
  DequeingCallSid: optionalText,
  QueueTime: optionalSeconds,
});

/** `<Dial action>`: how the dialled leg went (TWILIO-REQUESTS.md). */
export const DialActionParams = z.looseObject({ ...VoiceParams.shape, DialCallStatus: optionalText, DialCallSid: optionalText });

export const QueueCallbackQuery = z.object({ step: z.enum(['choice', 'number']) });
export const CallbackDialledQuery = z.object({ call: CallSid });
export const IncidentQuery = z.object({ incident: z.uuid() });

export const MenuQuery = z.object({ attempt: z.coerce.number().int().min(1).max(9).default(1) });

/** The rating question's `<Gather>` action: the key pressed (or none) and which asking it answers. */
export const RatingParams = MenuParams;
export const RatingQuery = MenuQuery;

// Postgres stores neither NUL nor lone surrogates, in text or in jsonb: a parameter carrying one
// would fail the statement that records its call, and with it every call sharing that statement.
const UNSTORABLE = /[\u0000\ud800-\udfff]/;

function storableText(text: string): string {
  return UNSTORABLE.test(text) ? text.replaceAll('\u0000', '').toWellFormed() : text;
}

function storableValue(value: unknown): unknown {
  if (typeof value === 'string') return storableText(value);
  return Array.isArray(value) ? value.map(storableValue) : value;
}

function isStorable(value: unknown): boolean {
  if (typeof value === 'string') return !UNSTORABLE.test(value);
  return !Array.isArray(value) || value.every(isStorable);
}

/**
 * The parameters without the characters Postgres cannot store (NUL dropped, lone surrogates as
 * U+FFFD). Every webhook passes here: clean parameters, the usual case, are returned as they are.
 */
export function storableParams<T>(params: T): T {
  if (typeof params !== 'object' || params === null) return params;
  const entries = Object.entries(params);
  if (entries.every(([name, value]) => isStorable(name) && isStorable(value))) return params;
  return Object.fromEntries(entries.map(([name, value]) => [storableText(name), storableValue(value)])) as T;
}

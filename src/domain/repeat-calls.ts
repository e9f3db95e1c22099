/**
 * Repeat calls (issue 17 §5): a call to an agency from a number that already called the same
 * agency within the previous 7 days. In public housing many calls are the same problem reported
 * again; this count is the "before" the call-backs, incident messages and ticket announcements
 * are measured against. Pure: the reports read the calls, this decides which ones repeat.
 */

export const REPEAT_WINDOW_DAYS = 7;

const DAY_MS = 86_400_000;

/**
 * Twilio's stand-ins for a number it cannot give (withheld, unknown, restricted, blocked): two
 * callers who hid their number are not the same caller.
 */
export const WITHHELD_CALLER_NUMBERS: ReadonlySet<string> = new Set(['+266696687', '+86282452253', '+7378742833', '+2562533']);

const E164 = /^\+[1-9]\d{5,14}$/;

/** Whether a `From` names one caller: an E.164 number, not `anonymous`, a softphone or a withheld stand-in. */
export function isIdentifiableCaller(from: string | null | undefined): from is string {
  return typeof from === 'string' && E164.test(from) && !WITHHELD_CALLER_NUMBERS.has(from);
}

export type CallerCall = Readonly<{ from: string | null; startedAt: Date }>;

/**
 * For each call, in the order given, whether it repeats an earlier call of the same number: one
 * that came in at most `windowDays` × 24 hours before it (exactly 7 days later still counts). All
 * calls given are one agency's; whatever the calls' outcome (out of hours, abandoned, answered),
 * the caller called again. Calls at the same instant: the one given later is the repeat.
 */
export function repeatCallFlags(calls: readonly CallerCall[], windowDays: number = REPEAT_WINDOW_DAYS): boolean[] {
  const windowMs = windowDays * DAY_MS;
  const order = calls.map((_, index) => index).sort((a, b) => calls[a]!.startedAt.getTime() - calls[b]!.startedAt.getTime() || a - b);
  const lastCall = new Map<string, number>();
  const flags = calls.map(() => false);
  for (const index of order) {
    const call = calls[index]!;
    if (!isIdentifiableCaller(call.from)) continue;
    const at = call.startedAt.getTime();
    const previous = lastCall.get(call.from);
    if (previous !== undefined && at - previous <= windowMs) flags[index] = true;
    lastCall.set(call.from, at);
  }
  return flags;
}

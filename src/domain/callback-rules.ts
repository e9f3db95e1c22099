import { DateTime } from 'luxon';
import type { OpeningSchedule } from './schedule.ts';
import { nextOpening, rangesOn, secondsOfDay } from './schedule.ts';

/**
 * Call-backs owed to callers who gave up in the queue. They are due within a number of OPENING
 * minutes (default 120): a caller who hung up at 19:30 with the service closing at 20:00 is due
 * at 09:30 the next morning, not at 21:30 when nobody is there.
 */
export const CALLBACK_OUTCOMES = ['reached', 'no_answer', 'busy', 'voicemail', 'wrong_number', 'cancelled'] as const;
export type CallbackOutcome = (typeof CALLBACK_OUTCOMES)[number];
export type CallbackStatus = 'open' | 'done' | 'failed' | 'cancelled';

/** Attempts that did not reach the caller before the call-back is given up. */
export const MAX_CALLBACK_ATTEMPTS = 3;
/** Opening minutes before another try after an unanswered attempt. */
export const CALLBACK_RETRY_MINUTES = 60;

export type CallbackDecision = Readonly<{ status: CallbackStatus; attempts: number; retry: boolean }>;

/** What an attempt's outcome does to the task. */
export function decideCallbackOutcome(attemptsBefore: number, outcome: CallbackOutcome): CallbackDecision {
  const attempts = outcome === 'cancelled' ? attemptsBefore : attemptsBefore + 1;
  if (outcome === 'reached') return { status: 'done', attempts, retry: false };
  if (outcome === 'wrong_number') return { status: 'failed', attempts, retry: false };
  if (outcome === 'cancelled') return { status: 'cancelled', attempts, retry: false };
  return attempts >= MAX_CALLBACK_ATTEMPTS ? { status: 'failed', attempts, retry: false } : { status: 'open', attempts, retry: true };
}

function endOfOpenRange(schedule: OpeningSchedule, instant: Date): Date {
  const local = DateTime.fromJSDate(instant, { zone: schedule.timezone });
  const now = local.hour * 3600 + local.minute * 60 + local.second;
  const range = rangesOn(schedule, local).find((candidate) => secondsOfDay(candidate.opens) <= now && now < secondsOfDay(candidate.closes));
  if (!range) return instant;
  const closes = secondsOfDay(range.closes);
  const day = local.startOf('day');
  if (closes >= 24 * 3600) return day.plus({ days: 1 }).toJSDate();
  return day.set({ hour: Math.floor(closes / 3600), minute: Math.floor((closes % 3600) / 60), second: closes % 60 }).toJSDate();
}

/** `start` plus `minutes` counted only while the agency is open (in its own zone, DST included). */
export function addOpeningTime(schedule: OpeningSchedule, start: Date, minutes: number): Date {
  let remaining = minutes * 60_000;
  let cursor = start;
  for (let guard = 0; guard < 1000 && remaining > 0; guard += 1) {
    const opening = nextOpening(schedule, cursor);
    // Closed for the next month: count plain time rather than never coming due.
    if (!opening) return new Date(cursor.getTime() + remaining);
    cursor = opening;
    const end = endOfOpenRange(schedule, cursor);
    const available = end.getTime() - cursor.getTime();
    if (remaining <= available) return new Date(cursor.getTime() + remaining);
    remaining -= available;
    cursor = end;
  }
  return cursor;
}

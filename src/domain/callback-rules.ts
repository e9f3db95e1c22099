import { DateTime } from 'luxon';
import type { OpeningSchedule } from './schedule.ts';
import { nextOpening, rangesOn, secondsOfDay } from './schedule.ts';

/**
 * Call-backs owed to callers who gave up in the queue. They are due within a number of OPENING
 * minutes (default 120): a caller who hung up at 19:30 with the service closing at 20:00 is due
 * at 09:30 the next morning, not at 21:30 when nobody is there.
 */
/**
 * How an attempt went. `resolved` (or the older `reached`) closes the task; `answered` means the
 * tenant was reached but the matter is not settled yet (the task stays open, due as it was).
 */
export const CALLBACK_OUTCOMES = ['reached', 'resolved', 'answered', 'no_answer', 'busy', 'voicemail', 'wrong_number', 'cancelled'] as const;
export type CallbackOutcome = (typeof CALLBACK_OUTCOMES)[number];
export type CallbackStatus = 'open' | 'done' | 'failed' | 'cancelled';

/**
 * Why a task closed. `answered_inbound`: the caller rang again and an operator of the agency
 * answered; `merged`: a duplicate open task folded into the caller's older one (migration 0015);
 * `anonymised`: the number was erased, nobody can call it back.
 */
export const CALLBACK_CLOSE_REASONS = ['resolved', 'wrong_number', 'gave_up', 'cancelled', 'answered_inbound', 'merged', 'anonymised'] as const;
export type CallbackCloseReason = (typeof CALLBACK_CLOSE_REASONS)[number];

/** Attempts that did not reach the caller before the call-back is given up. */
export const MAX_CALLBACK_ATTEMPTS = 3;
/** Opening minutes before another try after an unanswered attempt. */
export const CALLBACK_RETRY_MINUTES = 60;

export type CallbackDecision = Readonly<{ status: CallbackStatus; attempts: number; retry: boolean; closeReason: CallbackCloseReason | null }>;

/** What an attempt's outcome does to the task. */
export function decideCallbackOutcome(attemptsBefore: number, outcome: CallbackOutcome): CallbackDecision {
  const attempts = outcome === 'cancelled' ? attemptsBefore : attemptsBefore + 1;
  if (outcome === 'reached' || outcome === 'resolved') return { status: 'done', attempts, retry: false, closeReason: 'resolved' };
  if (outcome === 'wrong_number') return { status: 'failed', attempts, retry: false, closeReason: 'wrong_number' };
  if (outcome === 'cancelled') return { status: 'cancelled', attempts, retry: false, closeReason: 'cancelled' };
  // Reached but not settled: the operator follows it up; it never counts towards giving up.
  if (outcome === 'answered') return { status: 'open', attempts, retry: false, closeReason: null };
  return attempts >= MAX_CALLBACK_ATTEMPTS
    ? { status: 'failed', attempts, retry: false, closeReason: 'gave_up' }
    : { status: 'open', attempts, retry: true, closeReason: null };
}

/** Overdue: still open past its deadline. */
export function isCallbackOverdue(task: { status: string; dueAt: Date }, now: Date): boolean {
  return task.status === 'open' && task.dueAt.getTime() < now.getTime();
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

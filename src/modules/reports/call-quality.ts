import type { CallRatings, CallSavings, RepeatCalls } from '../../contracts/reports.ts';
import type { Rating } from '../../domain/rating-step.ts';
import { summariseRatings } from '../../domain/rating-summary.ts';
import { isIdentifiableCaller, REPEAT_WINDOW_DAYS, repeatCallFlags } from '../../domain/repeat-calls.ts';
import type { Executor } from '../../db/client.ts';
import { monthChunks } from './call-rollup.ts';
import type { DayChunk } from './paced-reads.ts';
import { readPaced } from './paced-reads.ts';
import { callerCalls, ratingCounts, savingCounts } from './quality-repo.ts';
import type { DayRange } from './reports-repo.ts';

type Counts = Map<Rating, number>;

function add(map: Map<string, Counts>, key: string, rating: Rating, n: number) {
  const counts = map.get(key) ?? new Map<Rating, number>();
  counts.set(rating, (counts.get(rating) ?? 0) + n);
  map.set(key, counts);
}

/**
 * The callers' ratings of the range (issue 17 §4): in all, per queue (every listed category, 0
 * when unrated, then any other rated), per local month of the range. Read a month at a time.
 */
export async function callRatings(
  db: Executor,
  range: (part: DayChunk) => DayRange,
  from: string,
  to: string,
  categories: readonly Readonly<{ code: string; label: string }>[],
): Promise<CallRatings> {
  const months = monthChunks(from, to);
  const rows = (await readPaced(months, (month) => ratingCounts(db, range(month)))).flat();
  const all: Counts = new Map();
  const byQueue = new Map<string, Counts>(categories.map((category) => [category.code, new Map()]));
  const byMonth = new Map<string, Counts>(months.map((month) => [month.from.slice(0, 7), new Map()]));
  for (const row of rows) {
    const rating = row.rating as Rating;
    all.set(rating, (all.get(rating) ?? 0) + row.n);
    add(byQueue, row.category ?? '', rating, row.n);
    add(byMonth, row.month, rating, row.n);
  }
  const labelOf = (code: string) => categories.find((category) => category.code === code)?.label ?? code;
  return {
    ...summariseRatings(all),
    byQueue: [...byQueue].map(([queue, counts]) => ({ queue, label: labelOf(queue), ...summariseRatings(counts) })),
    byMonth: [...byMonth].map(([month, counts]) => ({ month, ...summariseRatings(counts) })),
  };
}

/**
 * Repeat calls of the range (issue 17 §5), per local month. Each month is read with the week
 * before it, so a call early in the month finds the call it repeats in the month before.
 */
export async function repeatCalls(db: Executor, range: (part: DayChunk) => DayRange, from: string, to: string): Promise<RepeatCalls> {
  const months = monthChunks(from, to);
  const byMonth = await readPaced(months, async (month) => {
    const rows = await callerCalls(db, range(month), REPEAT_WINDOW_DAYS);
    const flags = repeatCallFlags(rows, REPEAT_WINDOW_DAYS);
    let callsWithNumber = 0;
    let repeats = 0;
    rows.forEach((row, index) => {
      if (!row.counted) return;
      // A verdict frozen before the number was erased is the one the reports said then.
      if (row.frozen !== null) {
        callsWithNumber += 1;
        if (row.frozen) repeats += 1;
      } else if (isIdentifiableCaller(row.from)) {
        callsWithNumber += 1;
        if (flags[index]) repeats += 1;
      }
    });
    return { month: month.from.slice(0, 7), callsWithNumber, repeatCalls: repeats };
  });
  return {
    windowDays: REPEAT_WINDOW_DAYS,
    callsWithNumber: byMonth.reduce((total, month) => total + month.callsWithNumber, 0),
    repeatCalls: byMonth.reduce((total, month) => total + month.repeatCalls, 0),
    byMonth,
  };
}

const SAVING_FIELDS = ['incidentReports', 'statusHeard', 'statusOnly', 'queuedCallbacksBooked', 'queuedCallbacksReached', 'queuedCallbacksGaveUp'] as const;
type SavingField = (typeof SAVING_FIELDS)[number];

const sumOf = (rows: readonly Readonly<Record<SavingField, number>>[]) =>
  Object.fromEntries(SAVING_FIELDS.map((field) => [field, rows.reduce((total, row) => total + row[field], 0)])) as Record<SavingField, number>;

/** What issue 17's features did over the range (§5), every local month listed (0 where nothing happened). Read a month at a time. */
export async function callSavings(db: Executor, range: (part: DayChunk) => DayRange, from: string, to: string): Promise<CallSavings> {
  const months = monthChunks(from, to);
  const rows = (await readPaced(months, (month) => savingCounts(db, range(month)))).flat();
  const byMonth = months.map((month) => ({ month: month.from.slice(0, 7), ...sumOf(rows.filter((row) => row.month === month.from.slice(0, 7))) }));
  return { ...sumOf(byMonth), byMonth };
}

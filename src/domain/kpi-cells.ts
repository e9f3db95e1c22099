import type { CallTally, KpiParameters } from './kpi.ts';
import { emptyTally, isHangupOutcome, isQueuedOutcome, maxOrNull } from './kpi.ts';

/**
 * Rollup cells: calls summed per local day x local hour x category x number kind, in a form that
 * does not depend on any threshold. Waits are kept as cumulative counts per second, so that
 * "answered within S seconds" and "hung up before A seconds" can be read for any S and A up to
 * the caps; beyond them a report falls back to the raw calls.
 */

/** Longest service-level threshold a rollup answers (seconds). */
export const ANSWERED_WAIT_CAP = 120;
/** Longest short-abandon threshold a rollup answers is this + 1 (seconds). */
export const HANGUP_WAIT_CAP = 59;

export function rollupSupports(params: KpiParameters): boolean {
  return (
    Number.isInteger(params.serviceLevelSeconds) &&
    Number.isInteger(params.shortAbandonSeconds) &&
    params.serviceLevelSeconds >= 0 &&
    params.serviceLevelSeconds <= ANSWERED_WAIT_CAP &&
    params.shortAbandonSeconds >= 0 &&
    params.shortAbandonSeconds <= HANGUP_WAIT_CAP + 1
  );
}

/** Calls sharing cell, outcome and wait, as SQL groups them (a single call is a group of one). */
export type FactGroup = Readonly<{
  localDate: string;
  localHour: number;
  category: string | null;
  numberKind: string | null;
  outcome: string;
  waitSeconds: number;
  count: number;
  talkSum: number;
  talkCount: number;
}>;

export type RollupCell = {
  localDate: string;
  localHour: number;
  /** '' when the calls never reached a queue. */
  category: string;
  numberKind: string;
  calls: number;
  outOfHours: number;
  queued: number;
  answered: number;
  hangups: number;
  answeredWaitSum: number;
  answeredWaitMax: number | null;
  hangupWaitMax: number | null;
  talkSum: number;
  talkCount: number;
  answeredWaitLe: number[];
  hangupWaitLe: number[];
};

type CellBuilder = RollupCell & { answeredHistogram: Map<number, number>; hangupHistogram: Map<number, number> };

export function cellKey(cell: Pick<RollupCell, 'localDate' | 'localHour' | 'category' | 'numberKind'>): string {
  return `${cell.localDate}|${cell.localHour}|${cell.category}|${cell.numberKind}`;
}

/** Cumulative counts [0..min(max, cap)]: element s = how many waited at most s seconds. */
export function cumulativeCounts(histogram: ReadonlyMap<number, number>, max: number | null, cap: number): number[] {
  if (max === null) return [];
  const length = Math.min(max, cap) + 1;
  const counts = new Array<number>(length).fill(0);
  for (const [wait, count] of histogram) if (wait < length) counts[wait] += count;
  for (let s = 1; s < length; s += 1) counts[s] += counts[s - 1];
  return counts;
}

export function buildRollupCells(groups: Iterable<FactGroup>): RollupCell[] {
  const cells = new Map<string, CellBuilder>();
  for (const group of groups) {
    const identity = { localDate: group.localDate, localHour: group.localHour, category: group.category ?? '', numberKind: group.numberKind ?? '' };
    const key = cellKey(identity);
    let cell = cells.get(key);
    if (!cell) {
      cell = {
        ...identity,
        calls: 0,
        outOfHours: 0,
        queued: 0,
        answered: 0,
        hangups: 0,
        answeredWaitSum: 0,
        answeredWaitMax: null,
        hangupWaitMax: null,
        talkSum: 0,
        talkCount: 0,
        answeredWaitLe: [],
        hangupWaitLe: [],
        answeredHistogram: new Map(),
        hangupHistogram: new Map(),
      };
      cells.set(key, cell);
    }
    const wait = Math.max(0, group.waitSeconds);
    cell.calls += group.count;
    if (group.outcome === 'out_of_hours') cell.outOfHours += group.count;
    if (isQueuedOutcome(group.outcome)) cell.queued += group.count;
    if (group.outcome === 'answered') {
      cell.answered += group.count;
      cell.answeredWaitSum += wait * group.count;
      cell.answeredWaitMax = maxOrNull(cell.answeredWaitMax, wait);
      cell.talkSum += group.talkSum;
      cell.talkCount += group.talkCount;
      cell.answeredHistogram.set(wait, (cell.answeredHistogram.get(wait) ?? 0) + group.count);
    } else if (isHangupOutcome(group.outcome)) {
      cell.hangups += group.count;
      cell.hangupWaitMax = maxOrNull(cell.hangupWaitMax, wait);
      cell.hangupHistogram.set(wait, (cell.hangupHistogram.get(wait) ?? 0) + group.count);
    }
  }
  return [...cells.values()].map(({ answeredHistogram, hangupHistogram, ...cell }) => ({
    ...cell,
    answeredWaitLe: cumulativeCounts(answeredHistogram, cell.answeredWaitMax, ANSWERED_WAIT_CAP),
    hangupWaitLe: cumulativeCounts(hangupHistogram, cell.hangupWaitMax, HANGUP_WAIT_CAP),
  }));
}

/** Element `index` of cumulative counts; past the end every call of the cell qualifies. */
function countUpTo(counts: readonly number[], index: number, all: number): number {
  if (index < 0) return 0;
  return index < counts.length ? counts[index] : all;
}

/** A cell read with given thresholds: the same as tallying its calls one by one (see kpi.ts). */
export function tallyOfCell(cell: RollupCell, params: KpiParameters): CallTally {
  if (!rollupSupports(params)) throw new Error('Thresholds beyond the rollup caps: read the raw calls');
  const shortAbandoned = countUpTo(cell.hangupWaitLe, params.shortAbandonSeconds - 1, cell.hangups);
  const tally = emptyTally();
  tally.calls = cell.calls;
  tally.outOfHours = cell.outOfHours;
  tally.queued = cell.queued;
  tally.answered = cell.answered;
  tally.shortAbandoned = shortAbandoned;
  tally.abandoned = cell.hangups - shortAbandoned;
  tally.answeredWithinServiceLevel = countUpTo(cell.answeredWaitLe, params.serviceLevelSeconds, cell.answered);
  tally.answeredWaitSeconds = cell.answeredWaitSum;
  tally.talkSeconds = cell.talkSum;
  tally.talkCount = cell.talkCount;
  const abandonedMax = cell.hangupWaitMax !== null && cell.hangupWaitMax >= params.shortAbandonSeconds ? cell.hangupWaitMax : null;
  tally.maxWaitSeconds = maxOrNull(cell.answeredWaitMax, abandonedMax);
  return tally;
}

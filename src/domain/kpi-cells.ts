import type { CallSet, CallTally, KpiParameter, KpiParameters, TallyDefinition, TallyName } from './kpi-definitions.ts';
import { CALL_TALLIES, comparisonOf, outcomesOf, TALLY_NAMES } from './kpi-definitions.ts';
import { emptyTally, maxOrNull } from './kpi.ts';

/**
 * Rollup cells: calls summed per local day x local hour x category x number kind x portfolio, in a form that
 * does not depend on any threshold. Waits are kept as cumulative counts per second, so that
 * "answered within S seconds" and "hung up before A seconds" can be read for any S and A up to
 * the caps; beyond them a report falls back to the raw calls.
 *
 * What a cell keeps is declared per call set (ROLLUP_STORE); how each tally of CALL_TALLIES is read
 * from a cell (CELL_READINGS) is derived from its declaration, here for `tallyOfCell` and rendered
 * as SQL by modules/reports/kpi-sql.ts. A tally that needs a measure no cell keeps fails at load.
 */

/** Longest service-level threshold a rollup answers (seconds). */
export const ANSWERED_WAIT_CAP = 120;
/** Longest short-abandon threshold a rollup answers is this + 1 (seconds). */
export const HANGUP_WAIT_CAP = 59;

/** Calls sharing cell, outcome and wait, as SQL groups them (a single call is a group of one). */
export type FactGroup = Readonly<{
  localDate: string;
  localHour: number;
  category: string | null;
  numberKind: string | null;
  /** null: the agency's own stock. */
  portfolioId: string | null;
  outcome: string;
  waitSeconds: number;
  count: number;
  talkSum: number;
  talkCount: number;
}>;

/** One row of `call_rollup_hourly` (src/db/schema/reports.ts), without the agency. */
export type RollupCell = {
  localDate: string;
  localHour: number;
  /** '' when the calls never reached a queue. */
  category: string;
  numberKind: string;
  /** '' for the agency's own stock. */
  portfolioId: string;
  calls: number;
  outOfHours: number;
  queued: number;
  answered: number;
  hangups: number;
  lost: number;
  queuedCallbacks: number;
  answeredWaitSum: number;
  answeredWaitMax: number | null;
  hangupWaitMax: number | null;
  talkSum: number;
  talkCount: number;
  answeredWaitLe: number[];
  hangupWaitLe: number[];
};

type Identity = 'localDate' | 'localHour' | 'category' | 'numberKind' | 'portfolioId';
type FieldOf<V> = { [K in Exclude<keyof RollupCell, Identity>]: [RollupCell[K]] extends [V] ? ([V] extends [RollupCell[K]] ? K : never) : never }[Exclude<
  keyof RollupCell,
  Identity
>];
export type SumField = FieldOf<number>;
export type MaxField = FieldOf<number | null>;
export type CountsField = FieldOf<number[]>;

/** What a cell keeps of the calls of one set. */
export type SetStore = Readonly<{
  count: SumField;
  waitSum?: SumField;
  waitMax?: MaxField;
  /** Element s (0-based) = calls that waited at most s seconds, up to `cap` or the longest wait. */
  waitLe?: Readonly<{ field: CountsField; cap: number }>;
  talkSum?: SumField;
  /** Calls whose talk time is known. */
  talkKnown?: SumField;
}>;

export const ROLLUP_STORE = {
  all: { count: 'calls' },
  outOfHours: { count: 'outOfHours' },
  queued: { count: 'queued' },
  answered: {
    count: 'answered',
    waitSum: 'answeredWaitSum',
    waitMax: 'answeredWaitMax',
    waitLe: { field: 'answeredWaitLe', cap: ANSWERED_WAIT_CAP },
    talkSum: 'talkSum',
    talkKnown: 'talkCount',
  },
  hangup: { count: 'hangups', waitMax: 'hangupWaitMax', waitLe: { field: 'hangupWaitLe', cap: HANGUP_WAIT_CAP } },
  lost: { count: 'lost' },
  queuedCallback: { count: 'queuedCallbacks' },
} as const satisfies Record<CallSet, SetStore>;

/**
 * How one selection of a tally is read from a cell:
 * - `field`: a kept measure as it is;
 * - `waitUpTo`: calls of the set that waited at most params[param] + offset seconds;
 * - `waitFrom`: calls of the set that waited at least params[param] seconds;
 * - `maxFrom`: the longest wait of the set, when it is at least params[param] (else none qualified).
 */
export type CellTerm = Readonly<
  | { read: 'field'; field: SumField | MaxField }
  | { read: 'waitUpTo'; counts: CountsField; cap: number; all: SumField; param: KpiParameter; offset: 0 | -1 }
  | { read: 'waitFrom'; counts: CountsField; cap: number; all: SumField; param: KpiParameter }
  | { read: 'maxFrom'; field: MaxField; param: KpiParameter }
>;

/** A tally read from a cell: its terms (one per selection) added up, or their maximum. */
export type CellReading = Readonly<{ name: TallyName; aggregate: TallyDefinition['aggregate']; terms: readonly CellTerm[] }>;

function cellTermOf(name: TallyName, definition: TallyDefinition, selection: TallyDefinition['of'][number]): CellTerm {
  const store: SetStore = ROLLUP_STORE[selection.set];
  const bound = selection.wait ? comparisonOf(selection.wait) : null;
  const unreadable = (what: string) => new Error(`The rollup cannot read tally ${name}: it keeps no ${what} of set ${selection.set} (ROLLUP_STORE)`);
  if (definition.aggregate === 'count' && definition.value === 'talk') {
    if (bound || !store.talkKnown) throw unreadable(`count of known talk times${bound ? ' by wait' : ''}`);
    return { read: 'field', field: store.talkKnown };
  }
  if (definition.aggregate === 'count') {
    if (!bound) return { read: 'field', field: store.count };
    if (!store.waitLe) throw unreadable('waits');
    const counts = { counts: store.waitLe.field, cap: store.waitLe.cap, all: store.count, param: bound.param };
    if (bound.op === '>=') return { read: 'waitFrom', ...counts };
    return { read: 'waitUpTo', ...counts, offset: bound.op === '<' ? -1 : 0 };
  }
  if (definition.aggregate === 'sum') {
    const field = definition.value === 'wait' ? store.waitSum : store.talkSum;
    if (bound || !field) throw unreadable(`${definition.value} sum${bound ? ' by wait' : ''}`);
    return { read: 'field', field };
  }
  if (definition.value !== 'wait' || !store.waitMax) throw unreadable(`longest ${definition.value}`);
  if (!bound) return { read: 'field', field: store.waitMax };
  // The longest wait at or above a threshold is the longest wait, if it reaches it; below one it
  // would take every wait, which a cell does not keep.
  if (bound.op !== '>=') throw unreadable('longest wait under a threshold');
  return { read: 'maxFrom', field: store.waitMax, param: bound.param };
}

export const CELL_READINGS: readonly CellReading[] = TALLY_NAMES.map((name) => {
  const definition: TallyDefinition = CALL_TALLIES[name];
  return { name, aggregate: definition.aggregate, terms: definition.of.map((selection) => cellTermOf(name, definition, selection)) };
});

export function rollupSupports(params: KpiParameters): boolean {
  return CELL_READINGS.every((reading) =>
    reading.terms.every((term) => {
      if (term.read === 'field') return true;
      const threshold = params[term.param];
      if (!Number.isInteger(threshold) || threshold < 0) return false;
      if (term.read === 'maxFrom') return true;
      // The last element a reading needs must be within the cap.
      return threshold + (term.read === 'waitUpTo' ? term.offset : -1) <= term.cap;
    }),
  );
}

export function cellKey(cell: Pick<RollupCell, Identity>): string {
  return `${cell.localDate}|${cell.localHour}|${cell.category}|${cell.numberKind}|${cell.portfolioId}`;
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

const STORED_SETS = (Object.keys(ROLLUP_STORE) as CallSet[]).map((set) => ({ set, outcomes: outcomesOf(set), store: ROLLUP_STORE[set] as SetStore }));

type CellBuilder = { cell: Record<string, unknown>; histograms: Map<CallSet, Map<number, number>> };

function emptyCell(identity: Pick<RollupCell, Identity>): CellBuilder {
  const cell: Record<string, unknown> = { ...identity };
  for (const { store } of STORED_SETS) {
    for (const field of [store.count, store.waitSum, store.talkSum, store.talkKnown]) if (field) cell[field] = 0;
    if (store.waitMax) cell[store.waitMax] = null;
  }
  return { cell, histograms: new Map() };
}

export function buildRollupCells(groups: Iterable<FactGroup>): RollupCell[] {
  const cells = new Map<string, CellBuilder>();
  for (const group of groups) {
    const identity = {
      localDate: group.localDate,
      localHour: group.localHour,
      category: group.category ?? '',
      numberKind: group.numberKind ?? '',
      portfolioId: group.portfolioId ?? '',
    };
    const key = cellKey(identity);
    let builder = cells.get(key);
    if (!builder) {
      builder = emptyCell(identity);
      cells.set(key, builder);
    }
    const { cell, histograms } = builder;
    const add = (field: SumField | undefined, amount: number) => {
      if (field) cell[field] = (cell[field] as number) + amount;
    };
    const wait = Math.max(0, group.waitSeconds);
    for (const { set, outcomes, store } of STORED_SETS) {
      if (outcomes !== null && !outcomes.includes(group.outcome)) continue;
      add(store.count, group.count);
      add(store.waitSum, wait * group.count);
      add(store.talkSum, group.talkSum);
      add(store.talkKnown, group.talkCount);
      if (store.waitMax) cell[store.waitMax] = maxOrNull(cell[store.waitMax] as number | null, wait);
      if (store.waitLe) {
        let histogram = histograms.get(set);
        if (!histogram) histograms.set(set, (histogram = new Map()));
        histogram.set(wait, (histogram.get(wait) ?? 0) + group.count);
      }
    }
  }
  return [...cells.values()].map(({ cell, histograms }) => {
    for (const { set, store } of STORED_SETS) {
      if (!store.waitLe) continue;
      const histogram = histograms.get(set) ?? new Map<number, number>();
      const longest = histogram.size === 0 ? null : Math.max(...histogram.keys());
      cell[store.waitLe.field] = cumulativeCounts(histogram, longest, store.waitLe.cap);
    }
    return cell as RollupCell;
  });
}

/** Element `index` of cumulative counts; past the end every call of the cell qualifies. */
function countUpTo(counts: readonly number[], index: number, all: number): number {
  if (index < 0) return 0;
  return index < counts.length ? counts[index] : all;
}

function readTerm(cell: RollupCell, term: CellTerm, params: KpiParameters): number | null {
  switch (term.read) {
    case 'field':
      return cell[term.field];
    case 'waitUpTo':
      return countUpTo(cell[term.counts], params[term.param] + term.offset, cell[term.all]);
    case 'waitFrom':
      return cell[term.all] - countUpTo(cell[term.counts], params[term.param] - 1, cell[term.all]);
    case 'maxFrom': {
      const longest = cell[term.field];
      return longest !== null && longest >= params[term.param] ? longest : null;
    }
  }
}

/** A cell read with given thresholds: the same as tallying its calls one by one (see kpi.ts). */
export function tallyOfCell(cell: RollupCell, params: KpiParameters): CallTally {
  if (!rollupSupports(params)) throw new Error('Thresholds beyond the rollup caps: read the raw calls');
  const tally = emptyTally() as Record<TallyName, number | null>;
  for (const { name, aggregate, terms } of CELL_READINGS) {
    let value: number | null = aggregate === 'max' ? null : 0;
    for (const term of terms) {
      const part = readTerm(cell, term, params);
      value = aggregate === 'max' ? maxOrNull(value, part) : (value as number) + (part as number);
    }
    tally[name] = value;
  }
  return tally as CallTally;
}

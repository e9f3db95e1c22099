/**
 * The additive tallies of CONTRACT §7, each declared once: which calls it takes (by outcome, and by
 * wait against a threshold of the report) and what it takes of them. Nothing else spells a tally
 * out: the pure reference (`tallyCall`, kpi.ts), the rollup cells and their reading (kpi-cells.ts)
 * and every report query (modules/reports/kpi-sql.ts) are generated from `CALL_TALLIES`, so adding
 * a tally is one entry here. Ratios (service level, abandon rate, averages) are taken from tallies
 * afterwards, in `kpisOf`.
 */

/** Outcomes of calls that entered a queue (CONTRACT: `queued`). */
export const QUEUED_OUTCOMES = [
  'queued',
  'bridged',
  'answered',
  'abandoned',
  'short_abandoned',
  'queue_other',
  'lost',
  // Queued call-backs entered a queue and left it keeping their place: in `queued`, in no ratio.
  'callback_waiting',
  'queued_callback',
] as const;
/** Hung up while waiting in queue; the report's threshold decides short or not, not the stored label. */
export const HANGUP_OUTCOMES = ['abandoned', 'short_abandoned'] as const;

/**
 * Calls by outcome; `null` is every call. The sets one tally takes must not overlap (their
 * contributions are added), and the rollup keeps its measures per set (ROLLUP_STORE, kpi-cells.ts).
 */
export const CALL_SETS = {
  all: null,
  outOfHours: ['out_of_hours'],
  queued: QUEUED_OUTCOMES,
  answered: ['answered'],
  hangup: HANGUP_OUTCOMES,
  lost: ['lost'],
  queuedCallback: ['callback_waiting', 'queued_callback'],
} as const satisfies Record<string, readonly string[] | null>;

export type CallSet = keyof typeof CALL_SETS;

export type KpiParameters = Readonly<{ serviceLevelSeconds: number; shortAbandonSeconds: number }>;

export type KpiParameter = keyof KpiParameters;

/**
 * What a tally can take of a call: `wait` is the time in queue (a wait Twilio never reported counts
 * as 0 s, negative values cannot be waits: see `waitOf`), `talk` the conversation time, unknown
 * while the call is still going.
 */
export type CallValue = 'wait' | 'talk';

/** A call's wait against one of the report's thresholds. */
export type WaitBound = Readonly<{ below: KpiParameter }> | Readonly<{ atMost: KpiParameter }> | Readonly<{ atLeast: KpiParameter }>;

/** The calls of one set, optionally only those whose wait is within a bound. */
export type CallSelection = Readonly<{ set: CallSet; wait?: WaitBound }>;

/**
 * One tally over the calls of `of` (any of the selections):
 * - `count`: how many; with `value`, how many have that value known (SQL `count(value)`);
 * - `sum`: the sum of the value where known (0 when none);
 * - `max`: the largest value (null when none).
 */
export type TallyDefinition = Readonly<
  { aggregate: 'count'; value?: CallValue; of: readonly CallSelection[] } | { aggregate: 'sum' | 'max'; value: CallValue; of: readonly CallSelection[] }
>;

/**
 * CONTRACT §7:
 * - every call of the agency counts in `calls`; `outOfHours` those that came while closed;
 * - `queued`: entered a queue; `answered`: QueueResult=bridged;
 * - a hang-up in queue is `shortAbandoned` when its wait < shortAbandonSeconds, `abandoned` otherwise;
 * - `answeredWithinServiceLevel`: answered with wait <= serviceLevelSeconds;
 * - the longest wait counts answered and abandoned calls (not short abandons);
 * - talk time over answered calls whose talk time is known (a call still in conversation has none yet);
 * - `lost`: entered a queue and then fell silent, no wait-URL poll and no result within the silence
 *   window (the calls module's reconciler). Counted on its own, in `queued` but in no ratio: whether
 *   the caller hung up or Twilio's callbacks were lost cannot be told.
 * - `queuedCallbacks`: left the queue keeping their place, to be called back (src/domain/queued-callback.ts).
 *   In `queued` and in no ratio: neither answered in the queue nor abandoned.
 */
export const CALL_TALLIES = {
  calls: { aggregate: 'count', of: [{ set: 'all' }] },
  outOfHours: { aggregate: 'count', of: [{ set: 'outOfHours' }] },
  queued: { aggregate: 'count', of: [{ set: 'queued' }] },
  answered: { aggregate: 'count', of: [{ set: 'answered' }] },
  abandoned: { aggregate: 'count', of: [{ set: 'hangup', wait: { atLeast: 'shortAbandonSeconds' } }] },
  shortAbandoned: { aggregate: 'count', of: [{ set: 'hangup', wait: { below: 'shortAbandonSeconds' } }] },
  lost: { aggregate: 'count', of: [{ set: 'lost' }] },
  queuedCallbacks: { aggregate: 'count', of: [{ set: 'queuedCallback' }] },
  answeredWithinServiceLevel: { aggregate: 'count', of: [{ set: 'answered', wait: { atMost: 'serviceLevelSeconds' } }] },
  answeredWaitSeconds: { aggregate: 'sum', value: 'wait', of: [{ set: 'answered' }] },
  talkSeconds: { aggregate: 'sum', value: 'talk', of: [{ set: 'answered' }] },
  talkCount: { aggregate: 'count', value: 'talk', of: [{ set: 'answered' }] },
  maxWaitSeconds: { aggregate: 'max', value: 'wait', of: [{ set: 'answered' }, { set: 'hangup', wait: { atLeast: 'shortAbandonSeconds' } }] },
} as const satisfies Record<string, TallyDefinition>;

export type TallyName = keyof typeof CALL_TALLIES;

/** Additive counters, one per tally; a maximum is null while no call qualified. */
export type CallTally = { [K in TallyName]: (typeof CALL_TALLIES)[K] extends { aggregate: 'max' } ? number | null : number };

export const TALLY_NAMES = Object.keys(CALL_TALLIES) as TallyName[];

export function tallyDefinition(name: TallyName): TallyDefinition {
  return CALL_TALLIES[name];
}

export function outcomesOf(set: CallSet): readonly string[] | null {
  return CALL_SETS[set];
}

/** A bound as a comparison: wait `op` params[param]. */
export function comparisonOf(bound: WaitBound): { op: '<' | '<=' | '>='; param: KpiParameter } {
  if ('below' in bound) return { op: '<', param: bound.below };
  if ('atMost' in bound) return { op: '<=', param: bound.atMost };
  return { op: '>=', param: bound.atLeast };
}

// A tally over several selections adds their parts up when read from the rollup, so no call may be
// in two of them; checked when the app starts. (Two bounds on one set could be disjoint, but are
// refused too: one selection with one bound says the same more plainly.)
for (const name of TALLY_NAMES) {
  const { of } = tallyDefinition(name);
  const seen = new Set<string>();
  for (const { set } of of) {
    const outcomes = outcomesOf(set);
    if (outcomes === null && of.length > 1) throw new Error(`Tally ${name} takes every call and more: its selections overlap`);
    for (const outcome of outcomes ?? []) {
      if (seen.has(outcome)) throw new Error(`Tally ${name} takes outcome ${outcome} twice: its selections overlap`);
      seen.add(outcome);
    }
  }
}

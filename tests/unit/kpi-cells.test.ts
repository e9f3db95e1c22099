import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FactGroup } from '../../src/domain/kpi-cells.ts';
import { ANSWERED_WAIT_CAP, buildRollupCells, cumulativeCounts, HANGUP_WAIT_CAP, rollupSupports, tallyOfCell } from '../../src/domain/kpi-cells.ts';
import type { CallTally } from '../../src/domain/kpi.ts';
import { addTally, emptyTally, tallyCall } from '../../src/domain/kpi.ts';

const OUTCOMES = ['out_of_hours', 'in_menu', 'left_menu', 'queued', 'bridged', 'answered', 'abandoned', 'short_abandoned', 'queue_other'];

const call = fc.record({
  hour: fc.integer({ min: 0, max: 2 }),
  category: fc.constantFrom(null, 'maintenance', 'heating'),
  numberKind: fc.constantFrom('numero_verde', 'landline'),
  portfolio: fc.constantFrom(null, 'comune-di-pavia'),
  outcome: fc.constantFrom(...OUTCOMES),
  // Around the caps on purpose: waits beyond them still count as "within" nothing they should not.
  wait: fc.oneof(fc.integer({ min: 0, max: 8 }), fc.integer({ min: 0, max: 200 })),
  talk: fc.option(fc.integer({ min: 0, max: 900 })),
});

const params = fc.record({
  serviceLevelSeconds: fc.integer({ min: 0, max: ANSWERED_WAIT_CAP }),
  shortAbandonSeconds: fc.integer({ min: 0, max: HANGUP_WAIT_CAP + 1 }),
});

describe('rollup cells', () => {
  it('read with any thresholds within the caps give what tallying the calls one by one gives', () => {
    fc.assert(
      fc.property(fc.array(call, { maxLength: 60 }), params, (calls, thresholds) => {
        const groups: FactGroup[] = calls.map((c) => ({
          localDate: '2026-01-15',
          localHour: c.hour,
          category: c.category,
          numberKind: c.numberKind,
          portfolioId: c.portfolio,
          outcome: c.outcome,
          waitSeconds: c.wait,
          count: 1,
          talkSum: c.talk ?? 0,
          talkCount: c.talk === null ? 0 : 1,
        }));
        const fromCells = buildRollupCells(groups)
          .map((cell) => tallyOfCell(cell, thresholds))
          .reduce((sum: CallTally, tally) => addTally(sum, tally), emptyTally());
        const direct = emptyTally();
        for (const c of calls) {
          tallyCall(
            direct,
            { startedAt: new Date(0), outcome: c.outcome, category: c.category, numberKind: c.numberKind, queueTimeSeconds: c.wait, talkSeconds: c.talk },
            thresholds,
          );
        }
        expect(fromCells).toEqual(direct);
      }),
      { numRuns: 400 },
    );
  });

  it('group calls of one local hour, queue and number kind into one cell', () => {
    const base = { localDate: '2026-01-15', localHour: 9, category: 'heating', numberKind: 'landline', portfolioId: null, talkSum: 0, talkCount: 0 };
    const cells = buildRollupCells([
      { ...base, outcome: 'answered', waitSeconds: 3, count: 2, talkSum: 200, talkCount: 2 },
      { ...base, outcome: 'answered', waitSeconds: 6, count: 1, talkSum: 50, talkCount: 1 },
      { ...base, outcome: 'abandoned', waitSeconds: 1, count: 1 },
      { ...base, category: null, outcome: 'out_of_hours', waitSeconds: 0, count: 4 },
    ]);
    expect(cells).toHaveLength(2);
    expect(cells.find((cell) => cell.category === 'heating')).toMatchObject({
      calls: 4,
      queued: 4,
      answered: 3,
      hangups: 1,
      answeredWaitSum: 12,
      answeredWaitMax: 6,
      talkSum: 250,
      talkCount: 3,
      answeredWaitLe: [0, 0, 0, 2, 2, 2, 3],
      hangupWaitLe: [0, 1],
    });
    expect(cells.find((cell) => cell.category === '')).toMatchObject({ calls: 4, outOfHours: 4, queued: 0, answeredWaitLe: [] });
  });

  it('keep the calls of a portfolio apart from the agency own stock in the same hour, queue and number kind', () => {
    const base = { localDate: '2026-01-15', localHour: 9, category: 'heating', numberKind: 'numero_verde', talkSum: 0, talkCount: 0, waitSeconds: 2 };
    const cells = buildRollupCells([
      { ...base, portfolioId: null, outcome: 'answered', count: 3 },
      { ...base, portfolioId: 'comune-di-pavia', outcome: 'answered', count: 2 },
    ]);
    expect(cells.map((cell) => [cell.portfolioId, cell.calls]).sort()).toEqual([
      ['', 3],
      ['comune-di-pavia', 2],
    ]);
  });

  it('cap the cumulative counts but keep every call in the totals', () => {
    expect(
      cumulativeCounts(
        new Map([
          [0, 1],
          [500, 2],
        ]),
        500,
        3,
      ),
    ).toEqual([1, 1, 1, 1]);
    expect(cumulativeCounts(new Map(), null, 3)).toEqual([]);
  });

  it('send thresholds beyond the caps to the raw calls', () => {
    expect(rollupSupports({ serviceLevelSeconds: 20, shortAbandonSeconds: 5 })).toBe(true);
    expect(rollupSupports({ serviceLevelSeconds: ANSWERED_WAIT_CAP + 1, shortAbandonSeconds: 5 })).toBe(false);
    expect(rollupSupports({ serviceLevelSeconds: 20, shortAbandonSeconds: HANGUP_WAIT_CAP + 2 })).toBe(false);
  });
});

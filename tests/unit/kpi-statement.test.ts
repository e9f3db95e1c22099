import { describe, expect, it } from 'vitest';
import type { ContractTerms } from '../../src/domain/statement.ts';
import { billQuarter, parseQuarter, quarterOf, statementDifferences, statementNumber, versionSpans } from '../../src/domain/statement.ts';

const PAVIA: ContractTerms = {
  id: 1,
  version: 1,
  effectiveFrom: '2025-05-03',
  annualFeeCents: 4_299_000,
  currency: 'EUR',
  vatExcluded: true,
  billing: 'quarterly_in_arrears',
  startsOn: '2025-05-03',
  months: 36,
  tacitRenewal: true,
};

describe('quarters', () => {
  it('are calendar quarters, days inclusive', () => {
    expect(parseQuarter('2026-Q1')).toMatchObject({ from: '2026-01-01', to: '2026-03-31', days: 90 });
    expect(parseQuarter('2028-Q1').days).toBe(91);
    expect(quarterOf('2026-11-23').period).toBe('2026-Q4');
    expect(() => parseQuarter('2026-Q5')).toThrow(/YYYY-Qn/);
  });
});

describe('the quarterly fee of ALER Pavia-Lodi (42,990.00 EUR a year from 3 May 2025, 36 months)', () => {
  it('is a quarter of the annual fee for a full quarter', () => {
    expect(billQuarter([PAVIA], parseQuarter('2026-Q1'))).toMatchObject({
      totalCents: 1_074_750,
      quarterlyFeeCents: 1_074_750,
      from: '2026-01-01',
      to: '2026-03-31',
      days: 90,
    });
  });

  it('is pro rata by days in the quarter the contract starts in: 59 of 91 days', () => {
    const billing = billQuarter([PAVIA], parseQuarter('2025-Q2'))!;
    // 1,074,750 x 59 / 91 = 696,816.48 cents
    expect(billing).toMatchObject({ from: '2025-05-03', to: '2025-06-30', days: 59, totalCents: 696_816 });
  });

  it('bills nothing before the contract', () => {
    expect(billQuarter([PAVIA], parseQuarter('2025-Q1'))).toBeNull();
  });

  it('runs on after 36 months by tacit renewal, and stops pro rata without it', () => {
    const renewed = billQuarter([PAVIA], parseQuarter('2028-Q2'))!;
    expect(renewed).toMatchObject({ totalCents: 1_074_750, days: 91 });
    expect(renewed.lines[0]).toMatchObject({ termEndsOn: '2028-05-02', renewed: true });
    const ending = billQuarter([{ ...PAVIA, tacitRenewal: false }], parseQuarter('2028-Q2'))!;
    // 1 April - 2 May 2028: 32 of 91 days; 1,074,750 x 32 / 91 = 377,934.07
    expect(ending).toMatchObject({ from: '2028-04-01', to: '2028-05-02', days: 32, totalCents: 377_934 });
  });

  it('splits a quarter between an old and a new contract', () => {
    const next: ContractTerms = { ...PAVIA, id: 2, version: 2, annualFeeCents: 4_800_000, startsOn: '2026-02-01', effectiveFrom: '2026-02-01' };
    const billing = billQuarter([PAVIA, next], parseQuarter('2026-Q1'))!;
    expect(billing.lines.map((line) => [line.contractId, line.from, line.to, line.days, line.amountCents])).toEqual([
      [1, '2026-01-01', '2026-01-31', 31, 370_192],
      [2, '2026-02-01', '2026-03-31', 59, 786_667],
    ]);
    expect(billing.totalCents).toBe(370_192 + 786_667);
  });
});

describe('contract versions', () => {
  // Renegotiated to 45,000.00 EUR a year from 15 February 2026, same term.
  const renegotiated: ContractTerms = { ...PAVIA, id: 7, version: 2, annualFeeCents: 4_500_000, effectiveFrom: '2026-02-15' };

  it('bill a quarter with a change in the middle pro rata: annual fee / 4 x days / days of the quarter', () => {
    const billing = billQuarter([PAVIA, renegotiated], parseQuarter('2026-Q1'))!;
    // 1 January - 14 February: 45 of 90 days at 42,990/4 = 537,375; 15 February - 31 March: 45 days at 45,000/4 = 562,500.
    expect(billing.lines.map((line) => [line.contractId, line.from, line.to, line.days, line.amountCents])).toEqual([
      [1, '2026-01-01', '2026-02-14', 45, 537_375],
      [7, '2026-02-15', '2026-03-31', 45, 562_500],
    ]);
    expect(billing).toMatchObject({ totalCents: 1_099_875, from: '2026-01-01', to: '2026-03-31', days: 90 });
  });

  it('leave the quarters before the change as they were, and bill the later ones under the new fee', () => {
    expect(billQuarter([PAVIA, renegotiated], parseQuarter('2025-Q4'))).toEqual(billQuarter([PAVIA], parseQuarter('2025-Q4')));
    expect(billQuarter([PAVIA, renegotiated], parseQuarter('2026-Q2'))).toMatchObject({ totalCents: 1_125_000, lines: [{ contractId: 7, days: 91 }] });
  });

  it('count the 91 days of a leap-year first quarter', () => {
    const leap: ContractTerms = { ...renegotiated, id: 8, version: 3, annualFeeCents: 4_800_000, effectiveFrom: '2028-03-01' };
    const billing = billQuarter([PAVIA, renegotiated, leap], parseQuarter('2028-Q1'))!;
    // 1 January - 29 February: 60 of 91 days at 1,125,000 = 741,758.24; March: 31 days at 1,200,000 = 408,791.21.
    expect(billing.lines.map((line) => [line.contractId, line.from, line.to, line.days, line.amountCents])).toEqual([
      [7, '2028-01-01', '2028-02-29', 60, 741_758],
      [8, '2028-03-01', '2028-03-31', 31, 408_791],
    ]);
    expect(billing.days).toBe(91);
  });

  it('let a later version replace an earlier one from its date on, even one recorded for a later date', () => {
    const correction: ContractTerms = { ...PAVIA, id: 9, version: 3, annualFeeCents: 4_400_000, effectiveFrom: '2026-02-01' };
    expect(versionSpans([PAVIA, renegotiated, correction]).map((span) => [span.contract.version, span.from, span.to])).toEqual([
      [1, '2025-05-03', '2026-01-31'],
      [3, '2026-02-01', '9999-12-31'],
    ]);
    const sameDay: ContractTerms = { ...renegotiated, id: 10, version: 3, annualFeeCents: 4_600_000 };
    expect(billQuarter([PAVIA, renegotiated, sameDay], parseQuarter('2026-Q2'))!.lines.map((line) => line.contractId)).toEqual([10]);
  });

  it('bill nothing before the first version is in force, even inside the contract term', () => {
    const late: ContractTerms = { ...PAVIA, effectiveFrom: '2025-08-01' };
    expect(billQuarter([late], parseQuarter('2025-Q2'))).toBeNull();
    expect(billQuarter([late], parseQuarter('2025-Q3'))).toMatchObject({ from: '2025-08-01', days: 61 });
  });
});

describe('statement numbers', () => {
  it('read as prefix, year, quarter and version', () => {
    expect(statementNumber('PV', '2026-Q3', 2)).toBe('PV-2026-T3-v2');
  });
});

describe('reproduction check', () => {
  it('lists the paths that differ', () => {
    expect(statementDifferences({ a: 1, b: { c: [1, 2] } }, { a: 1, b: { c: [1, 2] } })).toEqual([]);
    expect(statementDifferences({ a: 1, b: { c: [1, 2] } }, { a: 2, b: { c: [1, 3] } })).toEqual(['a', 'b.c.1']);
  });
});

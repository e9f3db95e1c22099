import { describe, expect, it } from 'vitest';
import type { ContractTerms } from '../../src/domain/statement.ts';
import { billQuarter, parseQuarter, quarterOf, statementDifferences } from '../../src/domain/statement.ts';

const PAVIA: ContractTerms = {
  id: 1,
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
    const next: ContractTerms = { ...PAVIA, id: 2, annualFeeCents: 4_800_000, startsOn: '2026-02-01' };
    const billing = billQuarter([PAVIA, next], parseQuarter('2026-Q1'))!;
    expect(billing.lines.map((line) => [line.contractId, line.from, line.to, line.days, line.amountCents])).toEqual([
      [1, '2026-01-01', '2026-01-31', 31, 370_192],
      [2, '2026-02-01', '2026-03-31', 59, 786_667],
    ]);
    expect(billing.totalCents).toBe(370_192 + 786_667);
  });
});

describe('reproduction check', () => {
  it('lists the paths that differ', () => {
    expect(statementDifferences({ a: 1, b: { c: [1, 2] } }, { a: 1, b: { c: [1, 2] } })).toEqual([]);
    expect(statementDifferences({ a: 1, b: { c: [1, 2] } }, { a: 2, b: { c: [1, 3] } })).toEqual(['a', 'b.c.1']);
  });
});

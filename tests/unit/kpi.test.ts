import { DEFAULT_CATEGORY_CODES } from '../../src/domain/categories.ts';
import { describe, expect, it } from 'vitest';
import type { CallFact } from '../../src/domain/kpi.ts';
import {
  assembleCallReport,
  daysOf,
  dimensionsFromFacts,
  emptyTally,
  instantsOfDays,
  kpisOf,
  localSlot,
  NO_CONTACTS,
  round1,
  tallyCall,
} from '../../src/domain/kpi.ts';
import { callFactOf, expectedByHour, loadReportFixture } from '../helpers/report-fixtures.ts';

const PARAMS = { serviceLevelSeconds: 20, shortAbandonSeconds: 5 };

function fact(outcome: string, wait: number | null = null, talk: number | null = null): CallFact {
  return { startedAt: new Date('2026-11-23T09:00:00Z'), outcome, category: 'heating', numberKind: 'landline', queueTimeSeconds: wait, talkSeconds: talk };
}

describe('one call, CONTRACT §7', () => {
  it('answered at exactly the service-level threshold is within it; one second later is not', () => {
    expect(tallyCall(emptyTally(), fact('answered', 20), PARAMS).answeredWithinServiceLevel).toBe(1);
    expect(tallyCall(emptyTally(), fact('answered', 21), PARAMS).answeredWithinServiceLevel).toBe(0);
  });

  it('a hang-up at exactly the short-abandon threshold is abandoned, one second earlier is short', () => {
    expect(tallyCall(emptyTally(), fact('short_abandoned', 5), PARAMS)).toMatchObject({ abandoned: 1, shortAbandoned: 0 });
    expect(tallyCall(emptyTally(), fact('abandoned', 4), PARAMS)).toMatchObject({ abandoned: 0, shortAbandoned: 1 });
  });

  it('counts a call that never reached a queue as offered but not queued', () => {
    expect(tallyCall(emptyTally(), fact('left_menu'), PARAMS)).toMatchObject({ calls: 1, outOfHours: 0, queued: 0 });
    expect(tallyCall(emptyTally(), fact('out_of_hours'), PARAMS)).toMatchObject({ calls: 1, outOfHours: 1, queued: 0 });
  });

  it('leaves short abandons and other queue results out of the longest wait', () => {
    const tally = emptyTally();
    tallyCall(tally, fact('abandoned', 4), PARAMS);
    tallyCall(tally, fact('queue_other', 300), PARAMS);
    expect(tally.maxWaitSeconds).toBeNull();
    tallyCall(tally, fact('answered', 7), PARAMS);
    expect(tally.maxWaitSeconds).toBe(7);
  });
});

describe('KPIs', () => {
  it('are null when their denominator is 0', () => {
    expect(kpisOf(emptyTally())).toEqual({ serviceLevelPct: null, abandonRatePct: null, asaSeconds: null, maxWaitSeconds: null, ahtSeconds: null });
  });

  it('exclude short abandons from the service level and abandon rate', () => {
    const tally = emptyTally();
    for (const call of [fact('answered', 10, 60), fact('answered', 30, 120), fact('abandoned', 40), fact('abandoned', 2)]) tallyCall(tally, call, PARAMS);
    expect(kpisOf(tally)).toEqual({ serviceLevelPct: 33.3, abandonRatePct: 33.3, asaSeconds: 20, maxWaitSeconds: 40, ahtSeconds: 90 });
  });

  it('round half away from zero to one decimal', () => {
    expect(round1(28.55)).toBe(28.6);
    expect(round1((2 / 3) * 100)).toBe(66.7);
    expect(round1(0.05)).toBe(0.1);
  });
});

describe('local days and hours', () => {
  it('puts a call at 00:30 Rome into that local day, not the UTC day before', () => {
    expect(localSlot(new Date('2026-03-27T23:30:00Z'), 'Europe/Rome')).toEqual({ date: '2026-03-28', hour: 0 });
  });

  it('has a 23-hour 29 March 2026 and a 25-hour 25 October 2026 in Rome', () => {
    const spring = instantsOfDays('2026-03-29', '2026-03-29', 'Europe/Rome');
    const autumn = instantsOfDays('2026-10-25', '2026-10-25', 'Europe/Rome');
    expect((spring.end.getTime() - spring.start.getTime()) / 3600_000).toBe(23);
    expect((autumn.end.getTime() - autumn.start.getTime()) / 3600_000).toBe(25);
    expect(spring.start.toISOString()).toBe('2026-03-28T23:00:00.000Z');
  });

  it('lists every day of a range, inclusive', () => {
    expect(daysOf('2026-02-27', '2026-03-01')).toEqual(['2026-02-27', '2026-02-28', '2026-03-01']);
  });
});

describe.each(['dst-spring', 'dst-autumn'])('golden fixture %s (pure reference)', (name) => {
  const fixture = loadReportFixture(name);
  const facts = fixture.calls.filter((call) => call.agency === fixture.agency).map(callFactOf);
  const dims = dimensionsFromFacts(facts, { timezone: 'Europe/Rome', from: fixture.from, to: fixture.to, params: fixture.parameters });
  const report = assembleCallReport(
    {
      agency: fixture.agency,
      from: fixture.from,
      to: fixture.to,
      timezone: 'Europe/Rome',
      parameters: { ...fixture.parameters, serviceLevelTargetPct: 80 },
      categories: DEFAULT_CATEGORY_CODES,
    },
    dims,
    NO_CONTACTS,
  );
  const { emails: _emails, tickets: _tickets, ...callTotals } = fixture.expected.totals;

  it('gives the hand-computed totals', () => {
    expect(report.totals).toMatchObject(callTotals);
  });

  it('gives the hand-computed queues and channels', () => {
    expect(report.byQueue).toEqual(fixture.expected.byQueue);
    const { email: _email, ...calls } = fixture.expected.byChannel;
    expect({ numero_verde: report.byChannel.numero_verde, landline: report.byChannel.landline }).toEqual(calls);
  });

  it('gives one row per local day and 24 hours', () => {
    expect(report.byDay.map(({ emails: _e, tickets: _t, ...row }) => row)).toEqual(fixture.expected.byDay.map(({ emails: _e, tickets: _t, ...row }) => row));
    expect(report.byHour).toEqual(expectedByHour(fixture));
  });
});

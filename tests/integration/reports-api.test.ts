import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../helpers/auth.ts';
import { loginAs } from '../helpers/auth.ts';
import { insertCalls, insertFixture, loadReportFixture } from '../helpers/report-fixtures.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { createTestApp } from '../helpers/test-app.ts';

const PAVIA = 'aler-pavia-lodi';
const SPRING = loadReportFixture('dst-spring');
const SPRING_QUERY = `agency=${PAVIA}&from=${SPRING.from}&to=${SPRING.to}`;

let t: TestApp;
const as: Record<'supervisor' | 'operator' | 'pavia' | 'milano', Session> = {} as never;

function get(session: Session | null, url: string) {
  return t.app.inject({ method: 'GET', url, headers: session?.headers ?? {} });
}

beforeAll(async () => {
  t = await createTestApp({ now: '2026-11-23T09:00:00Z' });
  await insertFixture(t.database.db, SPRING);
  await insertFixture(t.database.db, loadReportFixture('dst-autumn'));
  // A year before the spring fixture: one answered call on 29 March 2025.
  await insertCalls(t.database.db, [
    {
      local: '2025-03-29T10:00:00+01:00',
      agency: PAVIA,
      numberKind: 'landline',
      outcome: 'answered',
      category: 'admin',
      queueTimeSeconds: 12,
      talkSeconds: 30,
    },
  ]);
  as.supervisor = await loginAs(t.app, 'supervisore');
  as.operator = await loginAs(t.app, 'operatore1');
  as.pavia = await loginAs(t.app, 'referente-pavia');
  as.milano = await loginAs(t.app, 'referente-milano');
});

afterAll(async () => {
  await t.close();
});

describe('who may read a report', () => {
  it('an agency user gets their own agency and is refused another', async () => {
    expect((await get(as.pavia, `/api/v1/reports/calls?${SPRING_QUERY}`)).statusCode).toBe(200);
    const foreign = await get(as.milano, `/api/v1/reports/calls?${SPRING_QUERY}`);
    expect(foreign.statusCode).toBe(404);
    expect(foreign.body).not.toContain('totals');
    expect((await get(as.milano, `/api/v1/reports/calls?${SPRING_QUERY}&format=csv`)).statusCode).toBe(404);
    expect((await get(as.milano, `/api/v1/reports/trend?agency=${PAVIA}`)).statusCode).toBe(404);
    expect((await get(as.milano, `/api/v1/reports/calls?agency=aler-milano&from=${SPRING.from}&to=${SPRING.to}`)).json().totals.calls).toBe(1);
  });

  it('operators and supervisors get the agencies they serve; anonymous requests are refused', async () => {
    expect((await get(as.operator, `/api/v1/reports/calls?${SPRING_QUERY}`)).statusCode).toBe(200);
    expect((await get(as.supervisor, `/api/v1/reports/calls?${SPRING_QUERY}`)).statusCode).toBe(200);
    expect((await get(null, `/api/v1/reports/calls?${SPRING_QUERY}`)).statusCode).toBe(401);
    expect((await get(as.supervisor, `/api/v1/reports/calls?agency=aler-nowhere&from=${SPRING.from}&to=${SPRING.to}`)).statusCode).toBe(404);
  });
});

describe('report parameters', () => {
  it.each([
    ['from after to', `agency=${PAVIA}&from=2026-03-30&to=2026-03-28`],
    ['an impossible date', `agency=${PAVIA}&from=2026-02-30&to=2026-03-01`],
    ['more than five years', `agency=${PAVIA}&from=2020-01-01&to=2026-01-01`],
    ['no agency', `from=2026-03-28&to=2026-03-30`],
    ['a negative threshold', `${SPRING_QUERY}&serviceLevelSeconds=-1`],
  ])('refuses %s with 400', async (_label, query) => {
    const response = await get(as.supervisor, `/api/v1/reports/calls?${query}`);
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('VALIDATION');
  });

  it('applies and echoes what-if thresholds', async () => {
    const report = (await get(as.supervisor, `/api/v1/reports/calls?${SPRING_QUERY}&serviceLevelSeconds=21&shortAbandonSeconds=6`)).json();
    expect(report.parameters).toEqual({ serviceLevelSeconds: 21, shortAbandonSeconds: 6, serviceLevelTargetPct: 80 });
    // Within 21 s: 20, 21 and 0 s; hang-ups before 6 s: 5, 4, 5 and 3 s, so only the 90 s one is abandoned.
    expect(report.totals).toMatchObject({ answeredWithinServiceLevel: 3, abandoned: 1, shortAbandoned: 4, serviceLevelPct: 60 });
  });

  it('compares with the same days a year earlier', async () => {
    const report = (await get(as.supervisor, `/api/v1/reports/calls?${SPRING_QUERY}&compare=previous-year`)).json();
    expect(report.totals.calls).toBe(16);
    expect(report.previousYear).toMatchObject({ from: '2025-03-28', to: '2025-03-30', totals: { calls: 1, answered: 1, asaSeconds: 12 } });
    expect(report.previousYear.byDay.map((day: { date: string; calls: number }) => [day.date, day.calls])).toEqual([
      ['2025-03-28', 0],
      ['2025-03-29', 1],
      ['2025-03-30', 0],
    ]);
  });
});

describe('CSV for Italian Excel', () => {
  it('is UTF-8 with a BOM, semicolons, decimal commas and one section per table', async () => {
    const response = await get(as.pavia, `/api/v1/reports/calls?${SPRING_QUERY}&format=csv`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toBe(`attachment; filename="chiamate-${PAVIA}-2026-03-28-2026-03-30.csv"`);
    const raw = response.rawPayload;
    expect([...raw.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = raw.subarray(3).toString('utf8').split('\r\n');
    expect(lines[0]).toBe(`Rapporto chiamate;ALER Pavia-Lodi (${PAVIA})`);
    expect(lines).toContain('Soglia livello di servizio (s);20');
    expect(lines).toContain('Chiamate;16');
    expect(lines).toContain('Livello di servizio %;28,6');
    expect(lines).toContain('Attesa media risposta (s);21,5');
    expect(lines).toContain('Obiettivo raggiunto;no');
    expect(lines).toContain('Riscaldamento;5;2;2;1;1;25;50;20,5;21;210');
    expect(lines).toContain('Rete fissa;7;2;5;5;1;2;2;0;66,7;45;;');
    const days = lines.slice(lines.indexOf('Per giorno') + 2, lines.indexOf('Per giorno') + 5);
    expect(days).toEqual(['2026-03-28;1;1;0;0;0;0;0;1', '2026-03-29;9;3;4;1;1;6;1;0', '2026-03-30;6;1;0;2;1;4;1;1']);
    const hours = lines.slice(lines.indexOf('Per ora del giorno') + 2).filter((line) => line !== '');
    expect(hours).toHaveLength(24);
    expect(hours[2]).toBe('2;0;0;0;0;0;0;0');
  });
});

describe('36-month trend', () => {
  it('ends with the last complete month and counts calls, answered, abandoned and e-mails per month', async () => {
    const response = await get(as.pavia, `/api/v1/reports/trend?agency=${PAVIA}`);
    expect(response.statusCode, response.body).toBe(200);
    const trend = response.json();
    expect(trend).toMatchObject({ agency: PAVIA, timezone: 'Europe/Rome', from: '2023-11', to: '2026-10' });
    expect(trend.months).toHaveLength(36);
    const march = trend.months.find((month: { month: string }) => month.month === '2026-03');
    // Spring fixture: 18 calls of the agency in March (16 in the range, 27 and 31 March), 3 counted e-mails.
    expect(march).toEqual({ month: '2026-03', calls: 18, outOfHours: 7, answered: 4, abandoned: 3, shortAbandoned: 2, emails: 3, tickets: 3 });
    expect(trend.months.find((month: { month: string }) => month.month === '2026-10')).toMatchObject({ calls: 7, answered: 1 });
    expect(trend.months.find((month: { month: string }) => month.month === '2025-03')).toMatchObject({ calls: 1, answered: 1 });
    expect(trend.totals).toEqual({ calls: 26, answered: 6, abandoned: 3, emails: 3, tickets: 3 });
  });

  it('takes another length and end month', async () => {
    const trend = (await get(as.supervisor, `/api/v1/reports/trend?agency=${PAVIA}&months=2&to=2026-11`)).json();
    expect(trend.months.map((month: { month: string }) => month.month)).toEqual(['2026-10', '2026-11']);
    expect((await get(as.supervisor, `/api/v1/reports/trend?agency=${PAVIA}&months=0`)).statusCode).toBe(400);
    expect((await get(as.supervisor, `/api/v1/reports/trend?agency=${PAVIA}&to=2026-13`)).statusCode).toBe(400);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../helpers/auth.ts';
import { loginAs } from '../helpers/auth.ts';
import { insertCalls } from '../helpers/report-fixtures.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { createTestApp } from '../helpers/test-app.ts';

/**
 * Issue 16 §2: where the contract bills a portfolio separately, the statement has one section per
 * billed portfolio (its calls, its fee pro rata) and bills the rest under the agency's own contract.
 * ALER Pavia-Lodi (42,990.00 EUR a year) starts billing the Comune di Pavia housing stock apart at
 * 12,000.00 EUR a year from 1 August 2026.
 */
const PAVIA = 'aler-pavia-lodi';
const COMUNE = 'comune-di-pavia';

let t: TestApp;
const as: Record<'supervisor' | 'admin', Session> = {} as never;

const answered = (local: string, portfolio: string | null = null) => ({
  local,
  agency: PAVIA,
  numberKind: 'numero_verde',
  outcome: 'answered',
  category: 'maintenance',
  queueTimeSeconds: 12,
  talkSeconds: 120,
  portfolio,
});

function request(session: Session, method: 'GET' | 'POST', url: string, payload?: object) {
  return t.app.inject({ method, url, headers: session.headers, ...(payload ? { payload } : {}) });
}

const preview = async (period: string) => {
  const response = await request(as.supervisor, 'GET', `/api/v1/reports/statements/preview?agency=${PAVIA}&period=${period}`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
};

const issued: Record<string, { id: string }> = {};

beforeAll(async () => {
  t = await createTestApp({ now: '2026-11-23T09:00:00Z' });
  await insertCalls(t.database.db, [
    answered('2026-05-04T10:00:00+02:00'),
    answered('2026-05-05T10:00:00+02:00', COMUNE),
    answered('2026-07-06T10:00:00+02:00'),
    answered('2026-08-03T10:00:00+02:00'),
    answered('2026-09-07T10:00:00+02:00'),
    answered('2026-08-04T10:00:00+02:00', COMUNE),
    answered('2026-09-08T10:00:00+02:00', COMUNE),
  ]);
  as.supervisor = await loginAs(t.app, 'supervisore');
  as.admin = await loginAs(t.app, 'admin');
  // The second quarter is issued before the portfolio's contract exists.
  const q2 = await request(as.supervisor, 'POST', '/api/v1/reports/statements', { agency: PAVIA, period: '2026-Q2' });
  expect(q2.statusCode, q2.body).toBe(201);
  issued['2026-Q2'] = q2.json();
});

afterAll(async () => {
  await t.close();
});

describe('a contract version that bills a portfolio separately', () => {
  it('is recorded with its portfolio, and only for one of the agency’s own portfolios', async () => {
    for (const portfolio of ['comune-di-nessuno', 'none']) {
      const refused = await request(as.admin, 'POST', `/api/v1/admin/agencies/${PAVIA}/contracts`, {
        effectiveFrom: '2026-08-01',
        annualFeeCents: 1,
        portfolio,
      });
      expect(refused.statusCode).toBe(400);
    }
    const recorded = await request(as.admin, 'POST', `/api/v1/admin/agencies/${PAVIA}/contracts`, {
      effectiveFrom: '2026-08-01',
      annualFeeCents: 1_200_000,
      portfolio: COMUNE,
    });
    expect(recorded.statusCode, recorded.body).toBe(201);
    const versions = recorded.json().items as { version: number; portfolio: string | null; annualFeeCents: number; startsOn: string }[];
    expect(versions.map((version) => [version.version, version.portfolio, version.annualFeeCents])).toEqual([
      [1, null, 4_299_000],
      [2, COMUNE, 1_200_000],
    ]);
    // The agency's own contract is still the one its configuration shows.
    const config = (await request(as.admin, 'GET', `/api/v1/admin/agencies/${PAVIA}`)).json();
    expect(config.contract.annualFeeCents).toBe(4_299_000);
  });

  it('gives the quarter one section for the portfolio and bills the rest under the agency’s contract', async () => {
    const { statement, warnings, contractVersions } = await preview('2026-Q3');
    // The agency's own part: its calls only (the Comune di Pavia's are billed apart), its full quarter.
    expect(statement.volumes.calls).toBe(3);
    expect(statement.fee.totalCents).toBe(1_074_750);
    expect(statement.portfolios).toHaveLength(1);
    const [section] = statement.portfolios;
    expect(section.portfolio).toEqual({ code: COMUNE, name: 'Patrimonio abitativo del Comune di Pavia' });
    // 1 August – 30 September: 61 of the quarter's 92 days of 12,000.00 / 4.
    expect(section.billedPeriod).toEqual({ from: '2026-08-01', to: '2026-09-30', days: 61 });
    expect(section.fee.lines).toHaveLength(1);
    expect(section.fee.totalCents).toBe(Math.round((1_200_000 * 61) / (4 * 92)));
    expect(section.volumes).toMatchObject({ calls: 2, answered: 2 });
    expect(section.handledContacts.total).toBe(2);
    expect(section.costPerHandledContactCents).toBe(Math.round(section.fee.totalCents / 2));
    expect(statement.invoiceTotalCents).toBe(1_074_750 + section.fee.totalCents);
    expect(warnings).toContain('contract_change');
    expect(contractVersions.map((version: { version: number; portfolio: string | null }) => [version.version, version.portfolio])).toEqual([
      [1, null],
      [2, COMUNE],
    ]);
  });

  it('issues, prints and verifies the split statement, and leaves the one issued before verify clean', async () => {
    const response = await request(as.supervisor, 'POST', '/api/v1/reports/statements', { agency: PAVIA, period: '2026-Q3' });
    expect(response.statusCode, response.body).toBe(201);
    issued['2026-Q3'] = response.json();
    for (const period of ['2026-Q2', '2026-Q3']) {
      const verified = (await request(as.supervisor, 'GET', `/api/v1/reports/statements/${issued[period].id}/verify`)).json();
      expect(verified, period).toMatchObject({ reproduces: true, differences: [], contractChanged: false });
    }
    // The second quarter, issued before, still bills the Comune di Pavia's calls with the agency's.
    const q2 = (await request(as.supervisor, 'GET', `/api/v1/reports/statements/${issued['2026-Q2'].id}`)).json();
    expect(q2.statement.volumes.calls).toBe(2);
    expect(q2.statement.portfolios).toBeUndefined();
    const page = await request(as.supervisor, 'GET', `/api/v1/reports/statements/${issued['2026-Q3'].id}/print`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Patrimonio abitativo del Comune di Pavia');
    expect(page.body).toContain('1 agosto 2026');
    expect(page.body).toContain('Portafoglio fatturato a parte: Patrimonio abitativo del Comune di Pavia');
  });
});

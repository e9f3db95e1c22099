import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agencyContracts, statements } from '../../src/db/schema/index.ts';
import type { Session } from '../helpers/auth.ts';
import { createStaffUser, loginAs } from '../helpers/auth.ts';
import { insertCalls } from '../helpers/report-fixtures.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { createTestApp } from '../helpers/test-app.ts';

/**
 * Issue 16 §7: ALER Pavia-Lodi (42,990.00 EUR a year from 3 May 2025) renegotiates its fee to
 * 45,000.00 EUR from 15 February 2026. Every earlier statement must still preview and verify as it
 * was, and the first quarter of 2026 is billed pro rata under both fees.
 */
const PAVIA = 'aler-pavia-lodi';
const NOW = '2026-11-23T09:00:00.000Z';

let t: TestApp;
const as: Record<'supervisor' | 'admin' | 'pavia' | 'milano' | 'supervisorMilano', Session> = {} as never;

const answered = (local: string) => ({
  local,
  agency: PAVIA,
  numberKind: 'numero_verde',
  outcome: 'answered',
  category: 'maintenance',
  queueTimeSeconds: 12,
  talkSeconds: 120,
});

function request(session: Session, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) {
  return t.app.inject({ method, url, headers: session.headers, ...(payload ? { payload } : {}) });
}

const preview = async (period: string) => {
  const response = await request(as.supervisor, 'GET', `/api/v1/reports/statements/preview?agency=${PAVIA}&period=${period}`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
};

beforeAll(async () => {
  t = await createTestApp({ now: NOW });
  await insertCalls(t.database.db, [
    answered('2025-08-04T10:00:00+02:00'),
    answered('2025-11-04T10:00:00+01:00'),
    answered('2025-12-01T10:00:00+01:00'),
    answered('2026-01-20T10:00:00+01:00'),
    answered('2026-03-02T10:00:00+01:00'),
  ]);
  as.supervisor = await loginAs(t.app, 'supervisore');
  as.admin = await loginAs(t.app, 'admin');
  as.pavia = await loginAs(t.app, 'referente-pavia');
  as.milano = await loginAs(t.app, 'referente-milano');
  as.supervisorMilano = await createStaffUser(t.app, 'supervisore-milano', 'supervisor', ['aler-milano']);
});

afterAll(async () => {
  await t.close();
});

describe('renegotiating the fee from a date', () => {
  const issued: { id: string; period: string; number: string }[] = [];
  const before = new Map<string, unknown>();

  it('leaves every earlier statement previewable, unchanged, and verify clean', async () => {
    for (const period of ['2025-Q3', '2025-Q4']) {
      const response = await request(as.supervisor, 'POST', '/api/v1/reports/statements', { agency: PAVIA, period });
      expect(response.statusCode, response.body).toBe(201);
      issued.push(response.json());
    }
    expect(issued.map((statement) => statement.number)).toEqual(['PV-2025-T3-v1', 'PV-2025-T4-v1']);
    for (const period of ['2025-Q2', '2025-Q3', '2025-Q4']) before.set(period, (await preview(period)).statement);

    const renegotiated = await request(as.admin, 'POST', `/api/v1/admin/agencies/${PAVIA}/contracts`, {
      effectiveFrom: '2026-02-15',
      annualFeeCents: 4_500_000,
    });
    expect(renegotiated.statusCode, renegotiated.body).toBe(201);

    for (const period of ['2025-Q2', '2025-Q3', '2025-Q4']) expect((await preview(period)).statement).toEqual(before.get(period));
    for (const statement of issued) {
      const verified = await request(as.pavia, 'GET', `/api/v1/reports/statements/${statement.id}/verify`);
      expect(verified.statusCode, verified.body).toBe(200);
      expect(verified.json()).toMatchObject({ number: statement.number, reproduces: true, differences: [], contractChanged: false });
    }
  });

  it('bills the quarter of the change pro rata by days, each version its own', async () => {
    const q1 = await preview('2026-Q1');
    // 1 January - 14 February: 45 of 90 days at 42,990.00 / 4 = 10,747.50 -> 5,373.75 EUR;
    // 15 February - 31 March: 45 of 90 days at 45,000.00 / 4 = 11,250.00 -> 5,625.00 EUR.
    expect(q1.statement.fee.lines.map((line: Record<string, unknown>) => [line.from, line.to, line.days, line.annualFeeCents, line.amountCents])).toEqual([
      ['2026-01-01', '2026-02-14', 45, 4_299_000, 537_375],
      ['2026-02-15', '2026-03-31', 45, 4_500_000, 562_500],
    ]);
    expect(q1.statement.fee.totalCents).toBe(1_099_875);
    expect(q1.contractVersions.map((version: { version: number; effectiveFrom: string }) => [version.version, version.effectiveFrom])).toEqual([
      [1, '2025-05-03'],
      [2, '2026-02-15'],
    ]);
    expect(q1.warnings).toEqual(['contract_change']);
    expect((await preview('2026-Q2')).statement.fee).toMatchObject({ totalCents: 1_125_000, quarterlyFeeCents: 1_125_000 });
  });

  it('lists the versions with who recorded them and when, and deletes nothing', async () => {
    const list = await request(as.supervisor, 'GET', `/api/v1/admin/agencies/${PAVIA}/contracts`);
    expect(list.statusCode, list.body).toBe(200);
    expect(list.json().items).toEqual([
      expect.objectContaining({
        version: 1,
        effectiveFrom: '2025-05-03',
        annualFeeCents: 4_299_000,
        startsOn: '2025-05-03',
        recordedAt: null,
        recordedBy: null,
      }),
      expect.objectContaining({
        version: 2,
        effectiveFrom: '2026-02-15',
        annualFeeCents: 4_500_000,
        // The terms not sent are the previous version's.
        startsOn: '2025-05-03',
        months: 36,
        tacitRenewal: true,
        noticeMonths: 3,
        recordedAt: NOW,
        recordedBy: { id: expect.any(String), name: 'Amministratore' },
      }),
    ]);
    const rows = await t.database.db.select().from(agencyContracts).where(eq(agencyContracts.agencyCode, PAVIA));
    expect(rows.map((row) => [row.version, row.annualFeeCents])).toEqual([
      [1, 4_299_000],
      [2, 4_500_000],
    ]);
    expect(await t.database.db.select({ id: statements.id }).from(statements).where(eq(statements.agencyCode, PAVIA))).toHaveLength(2);
  });

  it('keeps an issued statement reproducible after a retroactive correction, and says the contract changed', async () => {
    const q1 = (await request(as.supervisor, 'POST', '/api/v1/reports/statements', { agency: PAVIA, period: '2026-Q1' })).json();
    expect(q1.statement.fee.totalCents).toBe(1_099_875);
    t.clock.advance(60_000);
    const correction = await request(as.admin, 'POST', `/api/v1/admin/agencies/${PAVIA}/contracts`, { effectiveFrom: '2026-01-01', annualFeeCents: 4_400_000 });
    expect(correction.statusCode, correction.body).toBe(201);
    const verified = (await request(as.supervisor, 'GET', `/api/v1/reports/statements/${q1.id}/verify`)).json();
    expect(verified).toMatchObject({ reproduces: true, differences: [], contractChanged: true });
    // Re-issuing applies it: a new version of the statement, the old one kept.
    const reissued = (await request(as.supervisor, 'POST', '/api/v1/reports/statements', { agency: PAVIA, period: '2026-Q1' })).json();
    expect(reissued).toMatchObject({ number: 'PV-2026-T1-v2', version: 2, statement: { fee: { totalCents: 1_100_000 } } });
    expect((await request(as.supervisor, 'GET', `/api/v1/reports/statements/${q1.id}`)).json()).toMatchObject({
      superseded: true,
      statement: { fee: { totalCents: 1_099_875 } },
    });
  });

  it('keeps PUT …/contract working as a new version in force from its start, earlier quarters untouched', async () => {
    const renewed = await request(as.admin, 'PUT', `/api/v1/admin/agencies/${PAVIA}/contract`, {
      annualFeeCents: 4_800_000,
      startsOn: '2028-05-03',
      months: 24,
    });
    expect(renewed.statusCode, renewed.body).toBe(200);
    expect(renewed.json().contract).toMatchObject({ annualFeeCents: 4_800_000, startsOn: '2028-05-03' });
    expect((await preview('2025-Q3')).statement).toEqual(before.get('2025-Q3'));
    // 1 April - 2 May 2028 at 44,000, 3 May - 30 June at 48,000: 32 and 59 of 91 days.
    expect((await preview('2028-Q2')).statement.fee.lines.map((line: { days: number; amountCents: number }) => [line.days, line.amountCents])).toEqual([
      [32, 386_813],
      [59, 778_022],
    ]);
  });
});

describe('who may see and change contract versions and statements', () => {
  it('refuses agency users, and supervisors not serving the agency see nothing of it', async () => {
    expect((await request(as.pavia, 'GET', `/api/v1/admin/agencies/${PAVIA}/contracts`)).statusCode).toBe(403);
    expect((await request(as.milano, 'GET', `/api/v1/admin/agencies/${PAVIA}/contracts`)).statusCode).toBe(403);
    expect((await request(as.supervisorMilano, 'GET', `/api/v1/admin/agencies/${PAVIA}/contracts`)).statusCode).toBe(404);
    expect(
      (await request(as.supervisor, 'POST', `/api/v1/admin/agencies/${PAVIA}/contracts`, { effectiveFrom: '2027-01-01', annualFeeCents: 1 })).statusCode,
    ).toBe(403);
    expect(
      (await request(as.supervisorMilano, 'POST', `/api/v1/admin/agencies/${PAVIA}/contracts`, { effectiveFrom: '2027-01-01', annualFeeCents: 1 })).statusCode,
    ).toBe(403);

    expect((await request(as.milano, 'GET', `/api/v1/reports/statements/preview?agency=${PAVIA}&period=2025-Q3`)).statusCode).toBe(404);
    expect((await request(as.supervisorMilano, 'GET', `/api/v1/reports/statements/preview?agency=${PAVIA}&period=2025-Q3`)).statusCode).toBe(404);
    const [one] = (await request(as.supervisor, 'GET', `/api/v1/reports/statements?agency=${PAVIA}`)).json().items;
    for (const session of [as.milano, as.supervisorMilano]) {
      expect((await request(session, 'GET', `/api/v1/reports/statements/${one.id}/verify`)).statusCode).toBe(404);
      expect((await request(session, 'GET', `/api/v1/reports/statements/${one.id}/print`)).statusCode).toBe(404);
      expect((await request(session, 'GET', '/api/v1/reports/statements')).json()).toEqual({ items: [] });
    }
    expect((await request(as.supervisorMilano, 'POST', '/api/v1/reports/statements', { agency: PAVIA, period: '2025-Q3' })).statusCode).toBe(404);
  });

  it('refuses a first contract version without its duration', async () => {
    const response = await request(as.admin, 'POST', '/api/v1/admin/agencies/aler-milano/contracts', { effectiveFrom: '2026-01-01', annualFeeCents: 100 });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('VALIDATION');
  });
});

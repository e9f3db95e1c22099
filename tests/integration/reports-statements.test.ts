import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agencies } from '../../src/db/schema/index.ts';
import { actorOf } from '../helpers/actors.ts';
import type { Session } from '../helpers/auth.ts';
import { loginAs } from '../helpers/auth.ts';
import { insertCalls, insertEmails } from '../helpers/report-fixtures.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { createTestApp } from '../helpers/test-app.ts';

/**
 * Quarterly statements of ALER Pavia-Lodi: 42,990.00 EUR + VAT a year, billed quarterly in arrears,
 * 36 months from 3 May 2025.
 */
const PAVIA = 'aler-pavia-lodi';

let t: TestApp;
const as: Record<'supervisor' | 'admin' | 'operator' | 'pavia' | 'milano', Session> = {} as never;

const call = (local: string, outcome: string, wait: number | null, talk: number | null = null, numberKind = 'numero_verde') => ({
  local,
  agency: PAVIA,
  numberKind,
  outcome,
  category: wait === null ? null : 'heating',
  queueTimeSeconds: wait,
  talkSeconds: talk,
});

function request(session: Session | null, method: 'GET' | 'POST', url: string, payload?: object) {
  return t.app.inject({ method, url, headers: session?.headers ?? {}, ...(payload ? { payload } : {}) });
}

async function setServiceLevel(seconds: number, name?: string) {
  await t.database.db
    .update(agencies)
    .set({ serviceLevelSeconds: seconds, ...(name ? { name } : {}) })
    .where(eq(agencies.code, PAVIA));
  await t.app.services.directory.reload(t.database.db);
}

beforeAll(async () => {
  t = await createTestApp({ now: '2026-11-23T09:00:00Z' });
  // Q1 2026: three answered calls (one after 25 s), one abandoned, one out of hours; two e-mails, one a duplicate.
  await insertCalls(t.database.db, [
    call('2026-01-15T10:00:00+01:00', 'answered', 10, 100),
    call('2026-02-15T10:00:00+01:00', 'answered', 25, 200, 'landline'),
    call('2026-03-15T10:00:00+01:00', 'answered', 5, 300),
    call('2026-03-16T10:00:00+01:00', 'abandoned', 40),
    call('2026-03-17T22:00:00+01:00', 'out_of_hours', null),
    // Q2 2025, before and after the contract starts on 3 May.
    call('2025-04-10T10:00:00+02:00', 'answered', 10, 100),
    call('2025-05-10T10:00:00+02:00', 'answered', 10, 100),
  ]);
  await insertEmails(t.database.db, [
    { local: '2026-02-01T09:00:00+01:00', agency: PAVIA, status: 'ticket' },
    { local: '2026-02-01T09:05:00+01:00', agency: PAVIA, status: 'duplicate' },
  ]);
  as.supervisor = await loginAs(t.app, 'supervisore');
  as.admin = await loginAs(t.app, 'admin');
  as.operator = await loginAs(t.app, 'operatore1');
  as.pavia = await loginAs(t.app, 'referente-pavia');
  as.milano = await loginAs(t.app, 'referente-milano');
});

afterAll(async () => {
  await t.close();
});

describe('the statement of a full quarter (preview)', () => {
  it('bills a quarter of the annual fee and divides it by the handled contacts', async () => {
    const response = await request(as.supervisor, 'GET', `/api/v1/reports/statements/preview?agency=${PAVIA}&period=2026-Q1`);
    expect(response.statusCode, response.body).toBe(200);
    const { preview, complete, statement } = response.json();
    expect({ preview, complete }).toEqual({ preview: true, complete: true });
    expect(statement).toMatchObject({
      agency: { code: PAVIA, name: 'ALER Pavia-Lodi' },
      period: '2026-Q1',
      quarter: { from: '2026-01-01', to: '2026-03-31', days: 90 },
      billedPeriod: { from: '2026-01-01', to: '2026-03-31', days: 90 },
      parameters: { serviceLevelSeconds: 20, shortAbandonSeconds: 5, serviceLevelTargetPct: 80, timezone: 'Europe/Rome' },
      fee: { currency: 'EUR', vatExcluded: true, quarterlyFeeCents: 1_074_750, totalCents: 1_074_750 },
      volumes: { calls: 5, outOfHours: 1, queued: 4, answered: 3, abandoned: 1, emails: 1 },
      kpis: {
        answeredWithinServiceLevel: 2,
        serviceLevelPct: 50,
        serviceLevelTargetMet: false,
        abandonRatePct: 25,
        asaSeconds: 13.3,
        ahtSeconds: 200,
        maxWaitSeconds: 40,
      },
      handledContacts: { answeredCalls: 3, emails: 1, total: 4 },
      // 1,074,750 / 4 = 268,687.5
      costPerHandledContactCents: 268_688,
    });
    expect(statement.volumes.byChannel.landline).toMatchObject({ calls: 1, answered: 1 });
    expect(statement.volumes.byQueue.heating).toMatchObject({ queued: 4, answered: 3, abandoned: 1 });
    expect(statement.byMonth).toEqual([
      { month: '2026-01', calls: 1, answered: 1, abandoned: 0, emails: 0 },
      { month: '2026-02', calls: 1, answered: 1, abandoned: 0, emails: 1 },
      { month: '2026-03', calls: 3, answered: 1, abandoned: 1, emails: 0 },
    ]);
  });

  it('bills the quarter the contract starts in pro rata, and counts only the billed days', async () => {
    const response = await request(as.pavia, 'GET', `/api/v1/reports/statements/preview?agency=${PAVIA}&period=2025-Q2`);
    expect(response.statusCode, response.body).toBe(200);
    const { statement } = response.json();
    // 1,074,750 x 59 / 91 = 696,816.48 cents
    expect(statement).toMatchObject({
      billedPeriod: { from: '2025-05-03', to: '2025-06-30', days: 59 },
      fee: { totalCents: 696_816 },
      volumes: { calls: 1, answered: 1 },
    });
    expect(statement.fee.lines).toEqual([
      {
        contractId: expect.any(Number),
        annualFeeCents: 4_299_000,
        termEndsOn: '2028-05-02',
        renewed: false,
        from: '2025-05-03',
        to: '2025-06-30',
        days: 59,
        amountCents: 696_816,
      },
    ]);
  });

  it('refuses agencies without a contract, quarters before it and malformed quarters', async () => {
    expect((await request(as.supervisor, 'GET', `/api/v1/reports/statements/preview?agency=aler-milano&period=2026-Q1`)).statusCode).toBe(400);
    expect((await request(as.supervisor, 'GET', `/api/v1/reports/statements/preview?agency=${PAVIA}&period=2025-Q1`)).statusCode).toBe(400);
    expect((await request(as.supervisor, 'GET', `/api/v1/reports/statements/preview?agency=${PAVIA}&period=2026-Q5`)).statusCode).toBe(400);
  });
});

describe('issued statements', () => {
  let first: { id: string; version: number };

  it('may be issued by supervisors and administrators only, for quarters that are over', async () => {
    expect((await request(as.operator, 'POST', '/api/v1/reports/statements', { agency: PAVIA, period: '2026-Q1' })).statusCode).toBe(403);
    expect((await request(as.pavia, 'POST', '/api/v1/reports/statements', { agency: PAVIA, period: '2026-Q1' })).statusCode).toBe(403);
    const early = await request(as.supervisor, 'POST', '/api/v1/reports/statements', { agency: PAVIA, period: '2026-Q4' });
    expect(early.statusCode).toBe(400);
    expect(early.json().error.message).toMatch(/arrears.*2026-12-31/);

    const issued = await request(as.supervisor, 'POST', '/api/v1/reports/statements', { agency: PAVIA, period: '2026-Q1' });
    expect(issued.statusCode, issued.body).toBe(201);
    first = issued.json();
    expect(issued.json()).toMatchObject({
      agency: PAVIA,
      period: '2026-Q1',
      version: 1,
      superseded: false,
      number: 'PV-2026-T1-v1',
      issuedAt: '2026-11-23T09:00:00.000Z',
      issuedBy: { name: 'Supervisore' },
    });
    expect(issued.json().statement.fee.totalCents).toBe(1_074_750);
  });

  it('are shown to their agency and to no other', async () => {
    expect((await request(as.pavia, 'GET', `/api/v1/reports/statements/${first.id}`)).statusCode).toBe(200);
    expect((await request(as.milano, 'GET', `/api/v1/reports/statements/${first.id}`)).statusCode).toBe(404);
    expect((await request(as.milano, 'GET', `/api/v1/reports/statements/${first.id}/print`)).statusCode).toBe(404);
    expect((await request(as.milano, 'GET', `/api/v1/reports/statements?agency=${PAVIA}`)).statusCode).toBe(404);
    expect((await request(as.milano, 'GET', '/api/v1/reports/statements')).json()).toEqual({ items: [] });
    expect((await request(as.operator, 'GET', `/api/v1/reports/statements/${first.id}`)).statusCode).toBe(403);
    expect((await request(as.pavia, 'GET', '/api/v1/reports/statements/not-a-statement')).statusCode).toBe(404);
    expect((await request(null, 'GET', `/api/v1/reports/statements/${first.id}`)).statusCode).toBe(401);
  });

  it('stay as issued when the thresholds change, and reproduce with the parameters stored with them', async () => {
    await setServiceLevel(30);
    const frozen = (await request(as.pavia, 'GET', `/api/v1/reports/statements/${first.id}`)).json();
    expect(frozen.statement.parameters.serviceLevelSeconds).toBe(20);
    expect(frozen.statement.kpis.serviceLevelPct).toBe(50);
    const preview = (await request(as.pavia, 'GET', `/api/v1/reports/statements/preview?agency=${PAVIA}&period=2026-Q1`)).json();
    expect(preview.statement.kpis).toMatchObject({ answeredWithinServiceLevel: 3, serviceLevelPct: 75 });

    const verified = await request(as.supervisor, 'GET', `/api/v1/reports/statements/${first.id}/verify`);
    expect(verified.statusCode, verified.body).toBe(200);
    expect(verified.json()).toMatchObject({ reproduces: true, differences: [], parameters: { serviceLevelSeconds: 20 } });
  });

  it('are re-issued as a new version, the old one marked superseded', async () => {
    const second = await request(as.admin, 'POST', '/api/v1/reports/statements', { agency: PAVIA, period: '2026-Q1' });
    expect(second.statusCode, second.body).toBe(201);
    expect(second.json()).toMatchObject({
      version: 2,
      number: 'PV-2026-T1-v2',
      superseded: false,
      issuedBy: { name: 'Amministratore' },
      statement: { parameters: { serviceLevelSeconds: 30 }, kpis: { serviceLevelPct: 75 } },
    });
    expect((await request(as.pavia, 'GET', `/api/v1/reports/statements/${first.id}`)).json()).toMatchObject({ version: 1, latestVersion: 2, superseded: true });
    const list = (await request(as.pavia, 'GET', '/api/v1/reports/statements')).json();
    expect(list.items.map((item: { version: number; superseded: boolean }) => [item.version, item.superseded])).toEqual([
      [2, false],
      [1, true],
    ]);
    expect(list.items[0]).toMatchObject({ agency: PAVIA, period: '2026-Q1', billedFrom: '2026-01-01', billedTo: '2026-03-31' });
  });

  it('show when late data no longer matches them', async () => {
    await insertCalls(t.database.db, [call('2026-03-20T11:00:00+01:00', 'answered', 3, 60)]);
    // Written around the call service, like an import: the rollup of that sealed day is rebuilt.
    await t.app.services.reports.rebuildRollup(await actorOf(t.database.db, 'admin'), { agency: PAVIA, from: '2026-03-20', to: '2026-03-20' });
    const frozen = (await request(as.pavia, 'GET', `/api/v1/reports/statements/${first.id}`)).json();
    expect(frozen.statement.volumes.calls).toBe(5);
    const verified = (await request(as.supervisor, 'GET', `/api/v1/reports/statements/${first.id}/verify`)).json();
    expect(verified.reproduces).toBe(false);
    expect(verified.differences).toEqual(expect.arrayContaining(['volumes.calls', 'volumes.answered', 'costPerHandledContactCents']));
  });
});

describe('the printable statement', () => {
  it('is an Italian HTML page with escaped values and no script', async () => {
    await setServiceLevel(20, 'ALER Pavia-Lodi <script>alert(1)</script> & C.');
    const issued = (await request(as.supervisor, 'POST', '/api/v1/reports/statements', { agency: PAVIA, period: '2025-Q2' })).json();
    const page = await request(as.pavia, 'GET', `/api/v1/reports/statements/${issued.id}/print`);
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toMatch(/default-src 'none'; style-src 'sha256-/);
    const html = page.body;
    expect(html).toContain('<html lang="it">');
    expect(html).toContain('Rendiconto trimestrale del servizio di call center');
    expect(html).toContain('secondo trimestre 2025');
    expect(html).toContain('3 maggio 2025 – 30 giugno 2025');
    // CLDR Italian groups thousands only from five digits: 6968,16 €, 42.990,00 €.
    expect(html).toMatch(/6\.?968,16\s€/u);
    expect(html).toMatch(/42\.990,00\s€/u);
    expect(html).toContain('in proporzione ai giorni');
    expect(html).toContain('Rendiconto n. PV-2025-T2-v1');
    expect(html).toContain('da Supervisore');
    expect(html).toContain('versione 1 in vigore dal 3 maggio 2025');
    expect(html).toContain('ALER Pavia-Lodi &lt;script&gt;alert(1)&lt;/script&gt; &amp; C.');
    expect(html).not.toContain('<script');
    expect(html).toContain('@media print');
  });
});

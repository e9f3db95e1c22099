import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../helpers/auth.ts';
import { createStaffUser, loginAs } from '../helpers/auth.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { createTestApp } from '../helpers/test-app.ts';

/**
 * Search and paging of `GET /api/v1/tickets` (issue 15 §3), on PGlite or, with DATABASE_URL, on
 * native Postgres: a phone in any Italian written form, name, address or building, free text,
 * filters, and keyset paging that gives each ticket once while new ones arrive; never another
 * agency's ticket.
 */
const PAVIA = 'aler-pavia-lodi';
const MILANO = 'aler-milano';
const TENANT_PHONE = '+393485551234';

type TicketView = { ref: string; agency: string; portfolio: string | null; caller: { phone: string | null } };
type TicketPage = { items: TicketView[]; nextCursor: string | null };

let t: TestApp;
let operator: Session;
let clerk: Session;
let paviaOperator: Session;
let paviaRef: string;
let milanoRef: string;
let registryRef: string;
let comuneRef: string;

async function create(payload: Record<string, unknown>) {
  const response = await t.app.inject({ method: 'POST', url: '/api/v1/tickets', headers: operator.headers, payload });
  expect(response.statusCode, response.body).toBe(201);
  return (response.json() as { ref: string }).ref;
}

async function search(session: Session, query: string): Promise<string[]> {
  const response = await t.app.inject({ url: `/api/v1/tickets?${query}`, headers: session.headers });
  expect(response.statusCode, response.body).toBe(200);
  return (response.json() as TicketPage).items.map((item) => item.ref);
}

beforeAll(async () => {
  t = await createTestApp({ now: '2026-11-23T10:00:00+01:00', config: { DELIVERY_POLL_MS: '0' } });
  operator = await loginAs(t.app, 'operatore1');
  clerk = await loginAs(t.app, 'referente-pavia');
  paviaOperator = await createStaffUser(t.app, 'operatore-solo-pavia', 'operator', [PAVIA]);
  paviaRef = await create({
    agency: PAVIA,
    category: 'maintenance',
    description: 'Infiltrazione dal soffitto del bagno',
    caller: { phone: TENANT_PHONE, name: 'Lucia Ferri' },
    dwelling: { address: 'Via dei Mille 12', municipality: 'Pavia', building: 'Mille 12', stair: 'C' },
  });
  // The same person rents from ALER Milano too: the Pavia-Lodi clerk must never see that ticket.
  milanoRef = await create({ agency: MILANO, category: 'heating', description: 'Termosifone freddo', caller: { phone: TENANT_PHONE } });
  // Filed for a tenant of the registry (Giuseppe Rinaldi, Via Riviera 41) from another number.
  registryRef = await create({
    agency: PAVIA,
    category: 'admin',
    description: 'Richiesta voltura contratto',
    tenantCode: 'PV-000101',
    caller: { phone: '+393401112233' },
  });
  comuneRef = await create({
    agency: PAVIA,
    portfolio: 'comune-di-pavia',
    category: 'heating',
    description: 'Caldaia in blocco',
    caller: { phone: '+393409998877' },
  });
});
afterAll(async () => {
  await t?.close();
});

describe('searching tickets', () => {
  it('finds the ticket by the phone in every way people write it, for the clerk of its agency only', async () => {
    for (const written of ['348 555 1234', '+39 348-5551234', '0039 348 555 1234', '3485551234', '348.555.1234']) {
      expect(await search(clerk, `q=${encodeURIComponent(written)}`), written).toEqual([paviaRef]);
    }
    // Call-center staff serving both agencies see both; one serving Pavia-Lodi only, only Pavia-Lodi's.
    expect((await search(operator, `q=${encodeURIComponent('348 555 1234')}`)).sort()).toEqual([milanoRef, paviaRef].sort());
    expect(await search(paviaOperator, `q=${encodeURIComponent('348 555 1234')}`)).toEqual([paviaRef]);
    expect((await t.app.inject({ url: `/api/v1/tickets?agency=${MILANO}&q=3485551234`, headers: clerk.headers })).statusCode).toBe(404);
  });

  it('finds a ticket by a number of the tenant it was filed for, by name, address, building and reference', async () => {
    // Giuseppe Rinaldi's landline in the registry, written the local way.
    expect(await search(clerk, `q=${encodeURIComponent('0382 526311')}`)).toEqual([registryRef]);
    expect(await search(clerk, 'q=rinaldi')).toEqual([registryRef]);
    expect(await search(clerk, `q=${encodeURIComponent('lucia ferri')}`)).toEqual([paviaRef]);
    expect(await search(clerk, `q=${encodeURIComponent('via dei mille')}`)).toEqual([paviaRef]);
    expect(await search(clerk, `q=${encodeURIComponent('mille 12')}`)).toEqual([paviaRef]);
    expect(await search(clerk, `q=${encodeURIComponent(paviaRef.toLowerCase())}`)).toEqual([paviaRef]);
    expect(await search(clerk, 'q=soffitto%20bagno')).toEqual([paviaRef]);
    expect(await search(clerk, 'q=termosifone')).toEqual([]);
    // Wildcards are text, not patterns.
    expect(await search(clerk, 'q=%25')).toEqual([]);
  });

  it('filters by portfolio, category, channel, status and dates', async () => {
    expect(await search(clerk, 'portfolio=comune-di-pavia')).toEqual([comuneRef]);
    expect(await search(clerk, 'category=heating')).toEqual([comuneRef]);
    expect((await search(clerk, 'channel=voice&status=routed')).sort()).toEqual([comuneRef, paviaRef, registryRef].sort());
    expect(await search(clerk, 'from=2026-11-24')).toEqual([]);
    expect((await search(clerk, 'from=2026-11-23&to=2026-11-23')).length).toBe(3);
  });
});

describe('paging', () => {
  it('returns each ticket exactly once across pages while new tickets arrive', async () => {
    for (let index = 0; index < 7; index += 1) {
      t.clock.advance(1000);
      await create({ agency: PAVIA, category: 'admin', description: `Pratica ${index}` });
    }
    const before = await search(clerk, 'limit=200');
    const seen: string[] = [];
    let cursor: string | null = null;
    let arrivals = 0;
    do {
      const response = await t.app.inject({ url: `/api/v1/tickets?limit=3${cursor ? `&cursor=${cursor}` : ''}`, headers: clerk.headers });
      const answer = response.json() as TicketPage;
      expect(answer.items.length).toBeLessThanOrEqual(3);
      seen.push(...answer.items.map((item) => item.ref));
      cursor = answer.nextCursor;
      // A ticket registered between two pages is newer than the cursor: it belongs on the first page next time.
      t.clock.advance(1000);
      await create({ agency: PAVIA, category: 'admin', description: `Arrivata durante la lettura ${(arrivals += 1)}` });
      // Two at the same instant: the id breaks the tie.
      await create({ agency: PAVIA, category: 'admin', description: `Arrivata insieme ${arrivals}` });
    } while (cursor);
    expect(seen).toEqual(before);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).not.toContain(milanoRef);
    expect((await t.app.inject({ url: '/api/v1/tickets?cursor=not-a-cursor', headers: clerk.headers })).statusCode).toBe(400);
  });
});

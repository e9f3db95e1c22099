import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessLog } from '../../src/db/schema/index.ts';
import type { Session } from '../helpers/auth.ts';
import { createStaffUser, loginAs } from '../helpers/auth.ts';
import { deliverEmail, emailFixture } from '../helpers/email-requests.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { createTestApp } from '../helpers/test-app.ts';

/**
 * Quarantined mail belongs to the agency its recipient address routed it to: staff assigned to some
 * agencies only see, read, download, discard and assign the quarantined mail of those. Mail routed
 * to no agency may be anyone's, and is for staff serving every agency.
 */
const MILANO = 'aler-milano';
const PAVIA = 'aler-pavia-lodi';

let t: TestApp;
let everyAgency: Session;
let paviaOnly: Session;
let milanoOnly: Session;

beforeAll(async () => {
  t = await createTestApp({ now: '2026-11-23T10:00:00+01:00' });
  everyAgency = await loginAs(t.app, 'supervisore');
  paviaOnly = await createStaffUser(t.app, 'supervisore-pavia', 'supervisor', [PAVIA]);
  milanoOnly = await createStaffUser(t.app, 'supervisore-milano', 'supervisor', [MILANO]);
});
afterAll(async () => {
  await t.close();
});

const get = (url: string, session: Session) => t.app.inject({ method: 'GET', url, headers: session.headers });
const post = (url: string, session: Session, payload: object = {}) => t.app.inject({ method: 'POST', url, headers: session.headers, payload });
const listed = async (session: Session) =>
  ((await get('/api/v1/email/quarantine?status=all', session)).json().items as { id: string; agency: string | null }[]).map((item) => item.id);

/** An auto-reply answering nothing of ours, sent to ALER Milano's address: quarantined, routed to Milano. */
async function milanoAutoReply(tag: string) {
  const raw = emailFixture('auto-reply-unthreaded.eml')
    .toString('latin1')
    .replace('callcenter@aler-pavia-lodi.example', 'segnalazioni@aler-milano.example')
    .replace('ooo-unthreaded-0001', `ooo-${tag}`);
  const answer = await deliverEmail(t.app, Buffer.from(raw, 'latin1'));
  expect(answer.status).toBe('quarantined');
  return answer.id;
}

/** A letter to none of our addresses: quarantined with no agency. */
async function unroutable(tag: string) {
  const raw = emailFixture('unknown-recipient.eml').toString('latin1').replace('unknown-recipient.0001', `unknown-${tag}`);
  const answer = await deliverEmail(t.app, Buffer.from(raw, 'latin1'));
  expect(answer.status).toBe('quarantined');
  return answer.id;
}

describe('quarantine scoped by the agency the mail was routed to', () => {
  it("keeps ALER Milano's quarantined mail from a supervisor of ALER Pavia-Lodi only: not listed, not readable, not downloadable, not discardable", async () => {
    const id = await milanoAutoReply('scope-1');
    expect(await listed(everyAgency)).toContain(id);
    expect(await listed(milanoOnly)).toContain(id);
    expect(await listed(paviaOnly)).not.toContain(id);

    expect((await get(`/api/v1/emails/${id}`, milanoOnly)).json()).toMatchObject({ id, agency: MILANO, status: 'quarantined' });
    for (const url of [`/api/v1/emails/${id}`, `/api/v1/emails/${id}/raw`, `/api/v1/emails/${id}/attachments/1`]) {
      const response = await get(url, paviaOnly);
      expect(response.statusCode, url).toBe(404);
      expect(response.body).not.toContain('ufficio.tecnico@comune.example');
    }
    expect((await post(`/api/v1/email/quarantine/${id}/discard`, paviaOnly)).statusCode).toBe(404);
    expect((await post(`/api/v1/email/quarantine/${id}/assign`, paviaOnly, { agency: PAVIA })).statusCode).toBe(404);
    // Still there, untouched, for those who serve Milano.
    expect((await get(`/api/v1/emails/${id}`, everyAgency)).json()).toMatchObject({ status: 'quarantined' });
    expect((await post(`/api/v1/email/quarantine/${id}/discard`, milanoOnly)).statusCode).toBe(200);
  });

  it('shows mail routed to no agency only to staff serving every agency', async () => {
    const id = await unroutable('scope-2');
    expect(await listed(everyAgency)).toContain(id);
    for (const partial of [milanoOnly, paviaOnly]) {
      expect(await listed(partial)).not.toContain(id);
      expect((await get(`/api/v1/emails/${id}`, partial)).statusCode).toBe(404);
      expect((await get(`/api/v1/emails/${id}/raw`, partial)).statusCode).toBe(404);
      expect((await post(`/api/v1/email/quarantine/${id}/assign`, partial, { agency: partial === milanoOnly ? MILANO : PAVIA })).statusCode).toBe(404);
      expect((await post(`/api/v1/email/quarantine/${id}/discard`, partial)).statusCode).toBe(404);
    }
    expect((await get(`/api/v1/emails/${id}`, everyAgency)).json()).toMatchObject({
      status: 'quarantined',
      agency: null,
      text: 'Vorrei sapere lo stato della mia domanda.',
    });
  });

  it('moves mail to an agency its address does not belong to only for a user serving both, and logs the move for both agencies', async () => {
    const id = await milanoAutoReply('scope-3');
    // Serving Milano only: Milano's mail is theirs, but Pavia-Lodi is not.
    expect((await post(`/api/v1/email/quarantine/${id}/assign`, milanoOnly, { agency: PAVIA })).statusCode).toBe(404);
    expect((await get(`/api/v1/emails/${id}`, everyAgency)).json()).toMatchObject({ status: 'quarantined', agency: MILANO });

    const moved = await post(`/api/v1/email/quarantine/${id}/assign`, everyAgency, { agency: PAVIA, category: 'admin' });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json().ticket).toMatch(/^PV-2026-\d{6}$/);
    const entries = await t.database.db
      .select()
      .from(accessLog)
      .where(and(eq(accessLog.resourceId, id), eq(accessLog.action, 'reassign')));
    expect(entries.map((entry) => entry.agencyCode).sort()).toEqual([MILANO, PAVIA]);
    expect(entries.every((entry) => entry.actorName === 'supervisore' && entry.resource === 'emails')).toBe(true);
    expect(entries[0].fields).toEqual([`from:${MILANO}`, `to:${PAVIA}`]);
    // Each agency's supervisors read the move in their own export.
    const paviaLog = await get(`/api/v1/access-log?agency=${PAVIA}`, paviaOnly);
    expect(paviaLog.body).toContain(id);

    // Filed with the agency it was addressed to: no move, nothing to log as one.
    const stays = await milanoAutoReply('scope-4');
    const assigned = await post(`/api/v1/email/quarantine/${stays}/assign`, milanoOnly, { agency: MILANO });
    expect(assigned.statusCode, assigned.body).toBe(200);
    expect(assigned.json().ticket).toMatch(/^MI-2026-\d{6}$/);
    expect(
      await t.database.db
        .select()
        .from(accessLog)
        .where(and(eq(accessLog.resourceId, stays), eq(accessLog.action, 'reassign'))),
    ).toEqual([]);
  });
});

describe('paging the quarantine', () => {
  it('gives each quarantined message of the agencies served exactly once across pages while new mail arrives, with the total of every page', async () => {
    for (let index = 0; index < 4; index += 1) {
      t.clock.advance(1000);
      await milanoAutoReply(`paging-${index}`);
    }
    const agencyless = await unroutable('paging-none');
    const page = async (query: string) => {
      const response = await get(`/api/v1/email/quarantine?status=open&${query}`, milanoOnly);
      expect(response.statusCode, response.body).toBe(200);
      return response.json() as { items: { id: string; agency: string | null }[]; nextCursor: string | null; total: number };
    };
    const before = (await page('limit=200')).items.map((item) => item.id);
    const seen: string[] = [];
    const totals: number[] = [];
    let cursor: string | null = null;
    let arrivals = 0;
    do {
      const answer = await page(`limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...answer.items.map((item) => item.id));
      totals.push(answer.total);
      cursor = answer.nextCursor;
      // Mail arriving between two pages is newer than the cursor: it never shifts a later page.
      t.clock.advance(1000);
      await milanoAutoReply(`paging-arrival-${(arrivals += 1)}`);
    } while (cursor);
    expect(seen).toEqual(before);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).not.toContain(agencyless);
    expect(totals[0]).toBe(before.length);
    expect((await page('limit=1')).total).toBe(before.length + arrivals);
  });
});

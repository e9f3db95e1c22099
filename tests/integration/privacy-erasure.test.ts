import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { emailBlobChunks, emailLooseBlobs, inboundEmails, tenants } from '../../src/db/schema/index.ts';
import type { Session } from '../helpers/auth.ts';
import { createAgencyToken } from '../helpers/auth.ts';
import { searchDatabase, searchFiles } from '../helpers/personal-data-search.ts';
import type { Needle } from '../helpers/personal-data-search.ts';
import type { PrivacyRoles, Scenario } from '../helpers/privacy-scenario.ts';
import { MILANO, NEIGHBOUR, PAVIA, PERSON, startPrivacyScenario } from '../helpers/privacy-scenario.ts';
import type { TestApp } from '../helpers/test-app.ts';

let t: TestApp;
let scenario: Scenario;
let as: PrivacyRoles;
const DAY = 'from=2026-11-23&to=2026-11-23';

const phone: Needle = { kind: 'phone', e164: PERSON.phone };
const landline: Needle = { kind: 'phone', e164: PERSON.landline };
const email: Needle = { kind: 'text', value: PERSON.email };
const surname: Needle = { kind: 'text', value: 'Rinaldi' };

function get(session: Session, url: string) {
  return t.app.inject({ method: 'GET', url, headers: session.headers });
}

async function report(agency: string) {
  const response = await get(as.supervisor, `/api/v1/reports/calls?agency=${agency}&${DAY}`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

const tablesOf = (hits: { table: string }[]) => [...new Set(hits.map((hit) => hit.table))].sort();

beforeAll(async () => {
  ({ t, scenario, as } = await startPrivacyScenario());
});

afterAll(async () => {
  await t?.close();
});

describe('erasure of a tenant by phone number', () => {
  it("leaves no match in any table or the raw e-mail store of that agency, while its reports' totals stay unchanged", async () => {
    const db = t.database.db;
    // The search finds the person everywhere before: it would notice anything the erasure missed.
    const before = await searchDatabase(db, phone, PAVIA);
    expect(tablesOf(before)).toEqual(
      expect.arrayContaining([
        'call_events',
        'calls',
        'callbacks',
        'deliveries',
        'email_blob_chunks',
        'inbound_emails',
        'tenant_phones',
        'ticket_events',
        'tickets',
      ]),
    );
    const [erasedEmail] = await db.select({ id: inboundEmails.id }).from(inboundEmails).where(eq(inboundEmails.ticketRef, scenario.emailTicket));
    expect(await db.select({ seq: emailBlobChunks.seq }).from(emailBlobChunks).where(eq(emailBlobChunks.emailId, erasedEmail.id))).not.toEqual([]);
    const paviaReport = await report(PAVIA);
    const milanoReport = await report(MILANO);
    const trendBefore = (await get(as.supervisor, `/api/v1/reports/trend?agency=${PAVIA}`)).json();
    expect(paviaReport.totals).toMatchObject({ calls: 3, answered: 2, abandoned: 1, emails: 1, tickets: 3 });

    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/privacy/subject-erasure',
      headers: as.pavia.headers,
      payload: { agency: PAVIA, phone: '0039 347 123 4567', reason: 'Richiesta prot. 2026/118' },
    });
    expect(response.statusCode, response.body).toBe(200);
    const receipt = response.json();
    expect(receipt).toMatchObject({ kind: 'subject_erasure', agency: PAVIA, status: 'completed', actor: { role: 'agency' } });
    expect(receipt.subject.phones).toEqual(expect.arrayContaining(['+39 347 ••• ••67']));
    expect(receipt.counts).toMatchObject({ calls: 2, tickets: 2, inbound_emails: 1, inbound_email_raw: 1, email_attachments: 1, callbacks: 1, tenants: 1 });

    // Not one chunk of the raw message or the attachment stays behind, nor anything waiting for a sweep.
    expect(await db.select({ seq: emailBlobChunks.seq }).from(emailBlobChunks).where(eq(emailBlobChunks.emailId, erasedEmail.id))).toEqual([]);
    expect(await db.select().from(emailLooseBlobs)).toEqual([]);
    // Nothing of the person in any column of any table of ALER Pavia-Lodi, in any written form or encoding…
    for (const needle of [phone, landline, email, surname]) {
      expect(await searchDatabase(db, needle, PAVIA), JSON.stringify(needle)).toEqual([]);
      expect(searchFiles(t.config.dataDir, needle)).toEqual([]);
    }
    // …while ALER Milano's records of the same number are untouched.
    expect(tablesOf(await searchDatabase(db, phone, MILANO))).toEqual(expect.arrayContaining(['call_events', 'calls', 'tickets']));
    const milanoTicket = (await get(as.milano, `/api/v1/tickets/${scenario.milanoTicket}`)).json();
    expect(milanoTicket.caller).toMatchObject({ phone: PERSON.phone, name: PERSON.name });

    // The reports read the same, to the last figure.
    expect(await report(PAVIA)).toEqual(paviaReport);
    expect(await report(MILANO)).toEqual(milanoReport);
    expect((await get(as.supervisor, `/api/v1/reports/trend?agency=${PAVIA}`)).json()).toEqual(trendBefore);
  });

  it("keeps the neighbour's records and the facts of the erased ones", async () => {
    const neighbour = (await get(as.supervisor, `/api/v1/tickets/${scenario.neighbourTicket}`)).json();
    expect(neighbour.caller).toMatchObject({ phone: NEIGHBOUR.phone, name: NEIGHBOUR.name });
    expect(neighbour.description).toContain('Termosifoni');
    expect(await t.database.db.select().from(tenants).where(eq(tenants.code, NEIGHBOUR.code))).toHaveLength(1);

    const erased = (await get(as.supervisor, `/api/v1/tickets/${scenario.phoneTicket}`)).json();
    expect(erased).toMatchObject({
      ref: scenario.phoneTicket,
      agency: PAVIA,
      category: 'maintenance',
      channel: 'voice',
      caller: { phone: null, name: null },
      description: '[anonimizzato]',
    });
    const calls = (await get(as.supervisor, `/api/v1/calls?agency=${PAVIA}`)).json().items as { callSid: string; from: string | null; outcome: string }[];
    expect(calls.find((call) => call.callSid === scenario.answeredCall)).toMatchObject({ from: null, outcome: 'answered' });
    expect(calls.find((call) => call.callSid === scenario.neighbourCall)).toMatchObject({ from: NEIGHBOUR.phone });
  });

  it('is idempotent: erasing again finds nothing left to change', async () => {
    const again = await t.app.inject({
      method: 'POST',
      url: '/api/v1/privacy/subject-erasure',
      headers: as.supervisor.headers,
      payload: { agency: PAVIA, phone: PERSON.phone },
    });
    expect(again.statusCode).toBe(200);
    expect(Object.values(again.json().counts).every((n) => n === 0)).toBe(true);
  });

  it('prints an Italian receipt that does not hold the number', async () => {
    const list = (await get(as.pavia, `/api/v1/privacy/receipts?agency=${PAVIA}`)).json().items as {
      id: string;
      kind: string;
      counts: Record<string, number>;
    }[];
    const erasure = list.find((item) => item.kind === 'subject_erasure' && item.counts.tickets === 2)!;
    const text = await get(as.pavia, `/api/v1/privacy/receipts/${erasure.id}/text`);
    expect(text.statusCode).toBe(200);
    expect(text.headers['content-type']).toContain('text/plain');
    expect(text.body).toContain('RICEVUTA DI CANCELLAZIONE DEI DATI DI UN INTERESSATO');
    expect(text.body).toContain('ALER Pavia');
    expect(text.body).toMatch(/segnalazioni \(tickets\)\.+\s+2/);
    expect(text.body).not.toMatch(/347[\s./-]*123[\s./-]*45[\s./-]*67/);
  });

  it("records a staff member's erasure in the processor access log; the agency's own are in its receipts", async () => {
    const log = (await get(as.pavia, `/api/v1/access-log?agency=${PAVIA}`)).json().items as { resource: string; action: string; actor: { name: string } }[];
    expect(log).toContainEqual(
      expect.objectContaining({ resource: 'privacy', action: 'subject-erasure', actor: expect.objectContaining({ name: 'supervisore' }) }),
    );
    const receipts = (await get(as.pavia, `/api/v1/privacy/receipts?agency=${PAVIA}`)).json().items as {
      kind: string;
      actor: { name: string; role: string };
    }[];
    expect(
      receipts
        .filter((item) => item.kind === 'subject_erasure')
        .map((item) => item.actor.role)
        .sort(),
    ).toEqual(['agency', 'supervisor']);
  });
});

describe('who may ask', () => {
  it("refuses another agency's users and tokens, and operators; answers 404 for a foreign agency", async () => {
    const token = await createAgencyToken(t.app, MILANO);
    for (const headers of [as.milano.headers, token.headers]) {
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/v1/privacy/subject-erasure',
        headers,
        payload: { agency: PAVIA, phone: NEIGHBOUR.phone },
      });
      expect(response.statusCode).toBe(404);
    }
    const operator = await t.app.inject({
      method: 'POST',
      url: '/api/v1/privacy/subject-erasure',
      headers: as.operator.headers,
      payload: { agency: PAVIA, phone: NEIGHBOUR.phone },
    });
    expect(operator.statusCode).toBe(403);
    expect(await t.database.db.select().from(tenants).where(eq(tenants.code, NEIGHBOUR.code))).toHaveLength(1);
  });

  it('refuses a request without an identifier, or with a number that is not one', async () => {
    for (const payload of [{ agency: PAVIA }, { agency: PAVIA, phone: 'anonymous' }, { agency: PAVIA, email: 'not-an-address' }]) {
      const response = await t.app.inject({ method: 'POST', url: '/api/v1/privacy/subject-erasure', headers: as.supervisor.headers, payload });
      expect(response.statusCode).toBe(400);
    }
  });
});

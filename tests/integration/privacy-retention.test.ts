import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  accessLog,
  callbacks,
  calls,
  deliveries,
  emailAttachments,
  emailBlobChunks,
  emailLooseBlobs,
  emailOutbox,
  inboundEmailRaw,
  inboundEmails,
  tickets,
} from '../../src/db/schema/index.ts';
import type { RetentionOutcome } from '../../src/modules/privacy/privacy-service.ts';
import type { Session } from '../helpers/auth.ts';
import { loginAs } from '../helpers/auth.ts';
import { searchDatabase } from '../helpers/personal-data-search.ts';
import type { Scenario } from '../helpers/privacy-scenario.ts';
import { MILANO, PAVIA, PAVIA_NUMBER, PERSON, seedPrivacyScenario } from '../helpers/privacy-scenario.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { createTestApp } from '../helpers/test-app.ts';
import { incomingCallParams, newCallSid, twilioPost } from '../helpers/twilio-requests.ts';

/** A Monday in May 2025, inside ALER Pavia-Lodi's contract (from 3 May 2025) and opening hours. */
const THEN = '2025-05-12T10:00:00+02:00';
/** Two years and two months later: May 2025 is past a 24-month retention, not past 36 months. */
const NOW = '2027-07-14T10:00:00+02:00';
const OLD_DAY = 'from=2025-05-12&to=2025-05-12';

let t: TestApp;
let old: Scenario;
let recentCall: string;
let statementId: string;
const as = {} as Record<'admin' | 'supervisor' | 'pavia', Session>;
let reportsBefore: Record<string, unknown>;

function get(session: Session, url: string) {
  return t.app.inject({ method: 'GET', url, headers: session.headers });
}

async function reportsNow() {
  const read = async (url: string) => {
    const response = await get(as.supervisor, url);
    expect(response.statusCode, response.body).toBe(200);
    return response.json();
  };
  return {
    pavia: await read(`/api/v1/reports/calls?agency=${PAVIA}&${OLD_DAY}`),
    milano: await read(`/api/v1/reports/calls?agency=${MILANO}&${OLD_DAY}`),
    trend: await read(`/api/v1/reports/trend?agency=${PAVIA}&from=2025-05&to=2027-06`),
    statement: await read(`/api/v1/reports/statements/${statementId}`),
  };
}

beforeAll(async () => {
  t = await createTestApp({ now: THEN, config: { DELIVERY_POLL_MS: '0' } });
  old = await seedPrivacyScenario(t);
  as.admin = await loginAs(t.app, 'admin');
  as.supervisor = await loginAs(t.app, 'supervisore');
  // Staff read the ticket in 2025: an access-log entry that the shorter log period will prune.
  expect((await get(as.supervisor, `/api/v1/tickets/${old.phoneTicket}`)).statusCode).toBe(200);

  t.clock.set('2025-07-10T10:00:00+02:00');
  as.admin = await loginAs(t.app, 'admin');
  const issued = await t.app.inject({
    method: 'POST',
    url: '/api/v1/reports/statements',
    headers: as.admin.headers,
    payload: { agency: PAVIA, period: '2025-Q2' },
  });
  expect(issued.statusCode, issued.body).toBe(201);
  statementId = issued.json().id;

  t.clock.set('2027-07-12T10:00:00+02:00');
  recentCall = newCallSid();
  expect((await twilioPost(t.app, '/webhooks/twilio/voice', incomingCallParams(recentCall, PERSON.phone, PAVIA_NUMBER))).statusCode).toBe(200);
  t.clock.set(NOW);
  as.admin = await loginAs(t.app, 'admin');
  as.supervisor = await loginAs(t.app, 'supervisore');
  as.pavia = await loginAs(t.app, 'referente-pavia');
  expect((await get(as.supervisor, `/api/v1/tickets/${old.neighbourTicket}`)).statusCode).toBe(200);
  // The sealer worker's pass: the old days' figures come from the rollup, which retention must leave right.
  await t.app.services.reports.sealFinishedDays();
  reportsBefore = await reportsNow();
}, 120_000);

afterAll(async () => {
  await t?.close();
});

describe('retention settings', () => {
  it('are 24 months for personal data and 36 for the access log unless an administrator sets them', async () => {
    const items = (await get(as.pavia, '/api/v1/privacy/settings')).json().items;
    expect(items).toEqual([expect.objectContaining({ agency: PAVIA, personalDataMonths: 24, accessLogMonths: 36, isDefault: true })]);
    const refused = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/admin/agencies/${PAVIA}/retention`,
      headers: as.pavia.headers,
      payload: { personalDataMonths: 120, accessLogMonths: 120 },
    });
    expect(refused.statusCode).toBe(403);
    const tooShort = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/admin/agencies/${PAVIA}/retention`,
      headers: as.admin.headers,
      payload: { personalDataMonths: 24, accessLogMonths: 3 },
    });
    expect(tooShort.statusCode).toBe(400);

    const pavia = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/admin/agencies/${PAVIA}/retention`,
      headers: as.admin.headers,
      payload: { personalDataMonths: 24, accessLogMonths: 12 },
    });
    expect(pavia.statusCode, pavia.body).toBe(200);
    expect(pavia.json()).toMatchObject({ agency: PAVIA, personalDataMonths: 24, accessLogMonths: 12, isDefault: false });
    const milano = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/admin/agencies/${MILANO}/retention`,
      headers: as.admin.headers,
      payload: { personalDataMonths: 36, accessLogMonths: 36 },
    });
    expect(milano.statusCode).toBe(200);
  });
});

describe('a retention pass', () => {
  let outcomes: RetentionOutcome[][];

  it('runs on two nodes at once without doing anything twice', async () => {
    const privacy = t.app.services.privacy;
    outcomes = await Promise.all([privacy.applyRetention(t.clock.now()), privacy.applyRetention(t.clock.now())]);
    const paviaCalls = outcomes
      .flat()
      .filter((outcome) => outcome.agency === PAVIA)
      .reduce((sum, outcome) => sum + (outcome.counts.calls ?? 0), 0);
    // Three calls to Pavia in May 2025 (the person's two and the neighbour's), each anonymised once.
    expect(paviaCalls).toBe(3);
    expect(outcomes.flat().find((outcome) => outcome.agency === PAVIA && !outcome.skipped)?.cutoff).toBe('2025-07-13T22:00:00.000Z');
  });

  it('anonymises the contacts older than the agency’s period and keeps their facts', async () => {
    const db = t.database.db;
    const oldCalls = await db
      .select()
      .from(calls)
      .where(inArray(calls.callSid, [old.answeredCall, old.abandonedCall, old.neighbourCall]));
    expect(oldCalls.map((call) => [call.fromNumber, call.outcome, call.queueTimeSeconds]).sort()).toEqual(
      [
        [null, 'answered', 12],
        [null, 'answered', 30],
        [null, 'abandoned', 45],
      ].sort(),
    );
    const oldTickets = await db
      .select()
      .from(tickets)
      .where(inArray(tickets.ref, [old.phoneTicket, old.emailTicket, old.neighbourTicket]));
    expect(
      oldTickets.every(
        (ticket) => ticket.description === '[anonimizzato]' && ticket.callerPhone === null && ticket.callerName === null && ticket.dwelling === null,
      ),
    ).toBe(true);
    expect(oldTickets.map((ticket) => ticket.category).sort()).toEqual(['heating', 'maintenance', 'maintenance']);
    const [email] = await db.select().from(inboundEmails).where(eq(inboundEmails.agencyCode, PAVIA));
    expect(email).toMatchObject({ status: 'ticket', fromAddress: null, textBody: null, subject: null });
    expect(await db.select().from(inboundEmailRaw)).toEqual([]);
    expect(await db.select().from(emailAttachments)).toEqual([]);
    // The bytes themselves, not only the rows that named them.
    expect(await db.select({ seq: emailBlobChunks.seq }).from(emailBlobChunks)).toEqual([]);
    expect(await db.select().from(emailLooseBlobs)).toEqual([]);
    expect(await db.select().from(emailOutbox).where(eq(emailOutbox.agencyCode, PAVIA))).toEqual([]);
    expect((await db.select().from(callbacks).where(eq(callbacks.agencyCode, PAVIA))).map((row) => row.callerPhone)).toEqual(['[anonimizzato]']);
    expect(
      (await db.select().from(deliveries).where(eq(deliveries.agencyCode, PAVIA))).every((row) => JSON.stringify(row.payload) === '{"anonimizzato":true}'),
    ).toBe(true);
  });

  it('leaves recent contacts, the tenant registry and a longer-kept agency alone', async () => {
    const db = t.database.db;
    const [recent] = await db.select().from(calls).where(eq(calls.callSid, recentCall));
    expect(recent.fromNumber).toBe(PERSON.phone);
    const search = await searchDatabase(db, { kind: 'phone', e164: PERSON.phone }, PAVIA);
    // What is left of the number in Pavia: the registry, and the one recent call with its event.
    expect([...new Set(search.map((hit) => hit.table))].sort()).toEqual(['call_events', 'calls', 'tenant_phones']);
    expect(search.find((hit) => hit.table === 'calls')?.rows).toBe(1);
    const [milano] = await db.select().from(calls).where(eq(calls.callSid, old.milanoCall));
    expect(milano.fromNumber).toBe(PERSON.phone);
  });

  it('keeps every report figure and the issued statement as they were', async () => {
    expect(await reportsNow()).toEqual(reportsBefore);
    const verified = (await get(as.supervisor, `/api/v1/reports/statements/${statementId}/verify`)).json();
    expect(verified).toMatchObject({ reproduces: true, differences: [] });
    // Even recomputed from the anonymised calls, the rollup gives the same report.
    const rebuilt = await t.app.inject({
      method: 'POST',
      url: '/api/v1/reports/rollups/rebuild',
      headers: as.admin.headers,
      payload: { agency: PAVIA, from: '2025-05-01', to: '2025-05-31' },
    });
    expect(rebuilt.statusCode, rebuilt.body).toBe(200);
    expect((await get(as.supervisor, `/api/v1/reports/calls?agency=${PAVIA}&${OLD_DAY}`)).json()).toEqual(reportsBefore.pavia);
  });

  it('prunes the access log past its own period, and receipts what it did', async () => {
    const entries = await t.database.db.select().from(accessLog).where(eq(accessLog.agencyCode, PAVIA));
    expect(entries.length).toBeGreaterThan(0);
    expect(entries.every((entry) => entry.at >= new Date('2026-07-13T22:00:00Z'))).toBe(true);
    const receipts = (await get(as.pavia, `/api/v1/privacy/receipts?agency=${PAVIA}`)).json().items as {
      kind: string;
      counts: Record<string, number>;
      details: Record<string, unknown>;
    }[];
    const retention = receipts.filter((receipt) => receipt.kind === 'retention');
    expect(retention).toHaveLength(1);
    expect(retention[0].counts).toMatchObject({ calls: 3, tickets: 3, inbound_emails: 1, inbound_email_raw: 1, callbacks: 1 });
    expect(retention[0].counts.access_log).toBeGreaterThan(0);
    expect(retention[0].details).toMatchObject({ cutoff: '2025-07-13T22:00:00.000Z', personalDataMonths: 24, accessLogMonths: 12 });
    const milano = (await get(as.supervisor, `/api/v1/privacy/receipts?agency=${MILANO}`)).json().items as { kind: string }[];
    expect(milano.filter((receipt) => receipt.kind === 'retention')).toEqual([]);
  });

  it('finds nothing to do when run again, and moves on a day later', async () => {
    const again = await t.app.services.privacy.applyRetention(t.clock.now());
    expect(again.every((outcome) => Object.keys(outcome.counts).length === 0 && outcome.receiptId === null)).toBe(true);
    t.clock.set('2027-07-15T10:00:00+02:00');
    const next = await t.app.services.privacy.applyRetention(t.clock.now());
    expect(next.find((outcome) => outcome.agency === PAVIA)?.cutoff).toBe('2025-07-14T22:00:00.000Z');
    // A day later: sessions idle since yesterday are over.
    as.admin = await loginAs(t.app, 'admin');
    as.supervisor = await loginAs(t.app, 'supervisore');
    as.pavia = await loginAs(t.app, 'referente-pavia');
    const settings = (await get(as.pavia, '/api/v1/privacy/settings')).json().items[0];
    expect(settings.lastRetentionCutoff).toBe('2025-07-14T22:00:00.000Z');
  });

  it('works through more records than one batch, including records that arrived dated before an earlier cut-off', async () => {
    // 1,100 calls to ALER Milano in January 2024, written after the passes above: past Milano's 36 months.
    const rows = Array.from({ length: 1100 }, (_, index) => ({
      callSid: `CAhistoric${String(index).padStart(6, '0')}`,
      agencyCode: MILANO,
      toNumber: '+39800100100',
      fromNumber: PERSON.phone,
      numberKind: 'numero_verde',
      startedAt: new Date(Date.parse('2024-01-10T09:00:00Z') + index * 60_000),
      status: 'completed',
      outcome: 'answered',
      category: 'maintenance',
      queueTimeSeconds: 10,
      updatedAt: new Date('2024-01-10T12:00:00Z'),
    }));
    for (let start = 0; start < rows.length; start += 250) await t.database.db.insert(calls).values(rows.slice(start, start + 250));
    const windowed = await t.app.services.privacy.applyRetention(t.clock.now());
    expect(windowed.find((outcome) => outcome.agency === MILANO)?.counts.calls).toBeUndefined();
    const full = await t.app.services.privacy.applyRetention(t.clock.now(), { full: true });
    expect(full.find((outcome) => outcome.agency === MILANO)?.counts).toEqual({ calls: 1100 });
    const left = await t.database.db
      .select()
      .from(calls)
      .where(
        inArray(
          calls.callSid,
          rows.map((row) => row.callSid),
        ),
      );
    expect(left.filter((call) => call.fromNumber !== null)).toEqual([]);
  });

  it('is an administrator’s to run by hand', async () => {
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/privacy/retention/run', headers: as.pavia.headers })).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/privacy/retention/run', headers: as.supervisor.headers })).statusCode).toBe(403);
    const run = await t.app.inject({ method: 'POST', url: '/api/v1/privacy/retention/run', headers: as.admin.headers });
    expect(run.statusCode).toBe(200);
    expect(run.json().items.map((item: { agency: string }) => item.agency)).toEqual(expect.arrayContaining([MILANO, PAVIA]));
  });
});

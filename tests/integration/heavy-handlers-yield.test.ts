import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../helpers/auth.ts';
import { loginAs } from '../helpers/auth.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { createTestApp } from '../helpers/test-app.ts';
import { incomingCallParams, newCallSid, twilioPost } from '../helpers/twilio-requests.ts';

/**
 * A report, an export or a search over a year of an agency's records must not hold the node:
 * on PGlite a statement runs on the event loop, so a handler that reads everything in one
 * statement, or many statements without ever giving the loop a turn, keeps every caller waiting
 * until it is done. Each case starts the heavy request and, while it runs, a call comes in: the
 * caller must get the menu before the heavy answer is complete. On native Postgres the statements
 * run elsewhere and this holds anyway; on PGlite it holds only if the handler reads in pieces and
 * yields between them.
 */

const AGENCY = 'aler-milano';
const CALLS = 4000;
const SUBJECT = '+393471234567';
/** Six pages of the access-log export (500 entries each). */
const LOG_ENTRIES = 3000;

let t: TestApp;
let admin: Session;

beforeAll(async () => {
  t = await createTestApp({ now: '2026-11-23T09:00:00Z' });
  admin = await loginAs(t.app, 'admin');
  // A year of calls, each with the event Twilio's first webhook leaves, and a year of access log:
  // written by Postgres itself, as an import would, so that the set-up costs no webhooks.
  await t.database.db.execute(sql`
    insert into calls (call_sid, agency_code, to_number, from_number, number_kind, started_at, status, outcome, category, queue_time_seconds, talk_seconds, updated_at)
    select 'CA' || lpad(to_hex(g), 32, '0'), ${AGENCY}, '+39800100100', case when g % 1000 = 0 then ${SUBJECT} else '+39347' || lpad((g * 7)::text, 7, '0') end,
      'numero_verde', timestamptz '2025-11-20T08:00:00Z' + make_interval(secs => g * (365 * 86400 / ${CALLS})), 'completed',
      case when g % 10 = 0 then 'abandoned' else 'answered' end, 'maintenance', g % 60, 120, now()
    from generate_series(1, ${CALLS}) g`);
  await t.database.db.execute(sql`
    insert into call_events (call_sid, step, type, payload, occurred_at)
    select call_sid, 'incoming', 'incoming', jsonb_build_object('CallSid', call_sid, 'From', from_number, 'To', to_number, 'CallStatus', 'ringing'), started_at
    from calls where agency_code = ${AGENCY} and call_sid like 'CA%'`);
  await t.database.db.execute(sql`
    insert into access_log (at, actor_kind, actor_id, actor_name, actor_role, agency_code, resource, resource_id, action)
    select timestamptz '2025-11-25T08:00:00Z' + make_interval(secs => g * 3600), 'user', 'u1', 'operatore1', 'operator', ${AGENCY}, 'calls', 'CA' || g, 'read'
    from generate_series(1, ${LOG_ENTRIES}) g`);
}, 180_000);

afterAll(async () => {
  await t?.close();
});

/** Starts `heavy`, lets a call come in while it runs, and says which answer was complete first. */
async function callDuring(heavy: () => Promise<{ statusCode: number; body: string }>): Promise<string[]> {
  const finished: string[] = [];
  const request = heavy().then((response) => {
    expect(response.statusCode, response.body.slice(0, 300)).toBe(200);
    finished.push('heavy');
  });
  const call = twilioPost(t.app, '/webhooks/twilio/voice', incomingCallParams(newCallSid(), '+393479876543', '+39800100100')).then((response) => {
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('<Gather');
    finished.push('call');
  });
  await Promise.all([request, call]);
  return finished;
}

const get = (url: string) => () => t.app.inject({ method: 'GET', url, headers: admin.headers });
const post = (url: string, payload: object) => () => t.app.inject({ method: 'POST', url, headers: admin.headers, payload });

describe('a call coming in while a heavy request runs is answered first', { timeout: 180_000 }, () => {
  it('during a year of report read from the raw calls', async () => {
    expect(await callDuring(get(`/api/v1/reports/calls?agency=${AGENCY}&from=2025-11-01&to=2026-10-31&source=raw`))).toEqual(['call', 'heavy']);
  });

  it('during a year of monthly trend read from the raw calls', async () => {
    expect(await callDuring(get(`/api/v1/reports/trend?agency=${AGENCY}&months=12&to=2026-10&source=raw`))).toEqual(['call', 'heavy']);
  });

  it('during an export of the access log, in JSON and in CSV', async () => {
    expect(await callDuring(get(`/api/v1/access-log?agency=${AGENCY}`))).toEqual(['call', 'heavy']);
    expect(await callDuring(get(`/api/v1/access-log?agency=${AGENCY}&format=csv`))).toEqual(['call', 'heavy']);
  });

  it("during the search for a data subject's records", async () => {
    expect(await callDuring(post('/api/v1/privacy/subject-export', { agency: AGENCY, phone: SUBJECT }))).toEqual(['call', 'heavy']);
  });

  it("during the export of all the agency's data", async () => {
    expect(await callDuring(post('/api/v1/privacy/agency-export', { agency: AGENCY }))).toEqual(['call', 'heavy']);
  });
});

describe('what the paged handlers answer', { timeout: 180_000 }, () => {
  it('finds the subject in every page of calls', async () => {
    const response = await post('/api/v1/privacy/subject-export', { agency: AGENCY, phone: SUBJECT })();
    const calls = response.json().tables.calls as { call_sid: string; from_number: string }[];
    // Every thousandth call is theirs, spread over the year: each lies in another page of the scan.
    expect(calls.map((call) => call.call_sid).sort()).toEqual(
      Array.from({ length: CALLS / 1000 }, (_, index) => `CA${((index + 1) * 1000).toString(16).padStart(32, '0')}`).sort(),
    );
    expect(response.json().tables.call_events).toHaveLength(CALLS / 1000);
  });

  it('streams the access log: every entry once, in time order, across pages and entries sharing an instant', async () => {
    // Ten entries share one instant (with microseconds, which a Date cannot hold) around the 1000th
    // entry, so that the first page boundary falls among them.
    await t.database.db.execute(sql`
      insert into access_log (at, actor_kind, actor_id, actor_name, actor_role, agency_code, resource, resource_id, action)
      select timestamptz '2025-11-25T08:00:00.000500Z' + interval '995 hours', 'user', 'u2', 'operatore2', 'operator', ${AGENCY}, 'tickets', 'shared-' || g, 'list'
      from generate_series(1, 10) g`);
    const rows = (await t.database.db.execute(sql`select id, at from access_log where agency_code = ${AGENCY} order by at, id`)) as unknown as
      | { rows?: { id: number }[] }
      | { id: number }[];
    const expected = (Array.isArray(rows) ? rows : rows.rows!).length;
    expect(expected).toBeGreaterThan(LOG_ENTRIES);

    const json = await get(`/api/v1/access-log?agency=${AGENCY}`)();
    expect(json.headers['content-type']).toBe('application/json; charset=utf-8');
    // Streamed: no length announced up front, the body written as it is read.
    expect(json.headers['content-length']).toBeUndefined();
    const items = json.json().items as { at: string; resourceId: string | null }[];
    expect(items).toHaveLength(expected);
    expect(items.map((item) => item.at)).toEqual(items.map((item) => item.at).sort());
    const logged = items.filter((item) => item.resourceId !== null).map((item) => item.resourceId);
    expect(new Set(logged).size).toBe(logged.length);

    const csv = await get(`/api/v1/access-log?agency=${AGENCY}&format=csv`)();
    expect(csv.headers['content-length']).toBeUndefined();
    const lines = csv.body.split('\r\n');
    expect(lines[0]).toBe('at,agency,actor_kind,actor_id,actor_name,actor_role,resource,resource_id,action,fields,count');
    expect(lines.at(-1)).toBe('');
    expect(lines.slice(1, -1)).toHaveLength(expected);
  });
});

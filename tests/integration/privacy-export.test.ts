import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Executor } from '../../src/db/client.ts';
import type { Session } from '../helpers/auth.ts';
import { createAgencyToken } from '../helpers/auth.ts';
import type { PrivacyRoles, Scenario } from '../helpers/privacy-scenario.ts';
import { MILANO, NEIGHBOUR, PAVIA, PAVIA_NUMBER, PERSON, startPrivacyScenario } from '../helpers/privacy-scenario.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { TEST_DEMO_PASSWORD } from '../helpers/test-constants.ts';
import { incomingCallParams, newCallSid, twilioPost } from '../helpers/twilio-requests.ts';

let t: TestApp;
let scenario: Scenario;
let as: PrivacyRoles;

type ExportLine = {
  type: 'header' | 'row' | 'table' | 'end';
  table?: string;
  row?: Record<string, unknown>;
  rows?: number;
  counts?: Record<string, number>;
  exportId?: string;
};

function post(session: Session | { headers: Record<string, string> }, url: string, payload: object) {
  return t.app.inject({ method: 'POST', url, headers: session.headers, payload });
}

async function rowsOf<T>(db: Executor, query: ReturnType<typeof sql>): Promise<T[]> {
  const result = (await db.execute(query)) as unknown;
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

/** Every table's row count and an order-independent digest of its rows, for the rows `where` selects. */
async function fingerprint(where: (table: string, columns: string[]) => string | null): Promise<Record<string, string>> {
  const db = t.database.db;
  const tables = await rowsOf<{ table_name: string; columns: string[] }>(
    db,
    sql`select table_name, array_agg(column_name::text order by ordinal_position) as columns from information_schema.columns where table_schema = 'public' group by table_name order by table_name`,
  );
  const result: Record<string, string> = {};
  for (const { table_name: table, columns } of tables) {
    const condition = where(table, columns);
    if (condition === null) continue;
    const [row] = await rowsOf<{ n: number; digest: string | null }>(
      db,
      sql`select count(*)::int as n, md5(string_agg(md5(t::text), '' order by md5(t::text))) as digest from ${sql.identifier(table)} t where ${sql.raw(condition)}`,
    );
    result[table] = `${row.n}:${row.digest ?? ''}`;
  }
  return result;
}

/** ALER Milano's rows: through its agency column, or its parent's. */
const milanoRows = (table: string, columns: string[]) => {
  if (table === 'agencies') return `t.code = '${MILANO}'`;
  if (columns.includes('agency_code')) return `t.agency_code = '${MILANO}'`;
  const parents: Record<string, string> = {
    call_events: `t.call_sid in (select call_sid from calls where agency_code = '${MILANO}')`,
    ticket_events: `t.ticket_id in (select id from tickets where agency_code = '${MILANO}')`,
    ticket_calls: `t.ticket_id in (select id from tickets where agency_code = '${MILANO}')`,
    callback_attempts: `t.callback_id in (select id from callbacks where agency_code = '${MILANO}')`,
    delivery_attempts: `t.delivery_id in (select id from deliveries where agency_code = '${MILANO}')`,
    inbound_email_raw: `t.email_id in (select id from inbound_emails where agency_code = '${MILANO}')`,
    email_blob_chunks: `t.email_id in (select id from inbound_emails where agency_code = '${MILANO}')`,
    email_attachments: `t.email_id in (select id from inbound_emails where agency_code = '${MILANO}')`,
    sessions: `t.user_id in (select id from users where agency_code = '${MILANO}')`,
  };
  return parents[table] ?? null;
};

beforeAll(async () => {
  ({ t, scenario, as } = await startPrivacyScenario());
});

afterAll(async () => {
  await t?.close();
});

describe('data-subject export', () => {
  it('gives every record of the agency about the person, by phone number in any form, as JSON with e-mail bodies and attachments', async () => {
    const response = await post(as.supervisor, '/api/v1/privacy/subject-export', { agency: PAVIA, phone: '+39 347 123 4567' });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toContain('application/json');
    const document = response.json();
    expect(document).toMatchObject({ format: 'centralino-subject-export/1', agency: PAVIA });
    // The registry row leads to the tenant's landline and address too.
    expect(document.subject).toEqual({ phones: [PERSON.landline, PERSON.phone], emails: [PERSON.email], tenantCodes: [PERSON.code] });
    const { tables } = document;
    expect(tables.tenants.map((row: { code: string }) => row.code)).toEqual([PERSON.code]);
    expect(tables.calls.map((row: { call_sid: string }) => row.call_sid).sort()).toEqual([scenario.answeredCall, scenario.abandonedCall].sort());
    expect(tables.call_events.length).toBeGreaterThanOrEqual(6);
    expect(tables.tickets.map((row: { ref: string }) => row.ref).sort()).toEqual([scenario.phoneTicket, scenario.emailTicket].sort());
    expect(tables.ticket_events.some((row: { text: string | null }) => row.text?.includes('347.123.45.67'))).toBe(true);
    expect(tables.inbound_emails).toHaveLength(1);
    expect(tables.inbound_emails[0].text_body).toContain('347-123-4567');
    expect(Buffer.from(tables.inbound_email_raw[0].bytes, 'base64').toString('utf8')).toContain(`From: ${PERSON.name}`);
    expect(Buffer.from(tables.email_attachments[0].content, 'base64').toString('utf8')).toContain('+39 347 1234567');
    expect(tables.callbacks).toHaveLength(1);
    expect(tables.deliveries.length).toBeGreaterThan(0);
    // Nothing of the neighbour, nothing of ALER Milano.
    expect(response.body).not.toContain(NEIGHBOUR.phone);
    expect(response.body).not.toContain(scenario.milanoCall);
    expect(response.body).not.toContain(scenario.milanoTicket);

    const receipt = (await t.app.inject({ url: `/api/v1/privacy/receipts/${response.headers['x-privacy-receipt']}`, headers: as.supervisor.headers })).json();
    expect(receipt).toMatchObject({
      kind: 'subject_export',
      sha256: createHash('sha256').update(response.body).digest('hex'),
      counts: { calls: 2, tickets: 2 },
    });
  });

  it('finds the same person by e-mail address or tenant code', async () => {
    for (const key of [{ email: 'Giuseppe.Rinaldi@Example.it' }, { tenantCode: PERSON.code }]) {
      const document = (await post(as.pavia, '/api/v1/privacy/subject-export', { agency: PAVIA, ...key })).json();
      expect(document.tables.tickets.map((row: { ref: string }) => row.ref).sort()).toEqual([scenario.phoneTicket, scenario.emailTicket].sort());
      expect(document.tables.calls).toHaveLength(2);
    }
  });

  it("refuses another agency's clerk", async () => {
    expect((await post(as.milano, '/api/v1/privacy/subject-export', { agency: PAVIA, phone: PERSON.phone })).statusCode).toBe(404);
  });
});

describe('full agency export and end-of-contract deletion', () => {
  let exported: { body: string; lines: ExportLine[]; receiptId: string; sha256: string };

  it('streams all of the agency’s data as JSON Lines and receipts its SHA-256', async () => {
    const response = await post(as.admin, '/api/v1/privacy/agency-export', { agency: PAVIA });
    expect(response.statusCode, response.body.slice(0, 300)).toBe(200);
    expect(response.headers['content-type']).toContain('application/x-ndjson');
    const lines = response.body
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as ExportLine);
    expect(lines[0]).toMatchObject({ type: 'header', format: 'centralino-agency-export/1', agency: { code: PAVIA } });
    const end = lines.at(-1)!;
    expect(end.type).toBe('end');
    // Each table's closing count equals its row lines.
    for (const line of lines.filter((candidate) => candidate.type === 'table')) {
      expect(lines.filter((candidate) => candidate.type === 'row' && candidate.table === line.table)).toHaveLength(line.rows!);
    }
    const rows = (table: string) => lines.filter((line) => line.type === 'row' && line.table === table).map((line) => line.row!);
    expect(rows('calls').map((row) => row.call_sid)).toEqual(expect.arrayContaining([scenario.answeredCall, scenario.neighbourCall]));
    expect(rows('calls').every((row) => row.agency_code === PAVIA)).toBe(true);
    expect(rows('tenants').length).toBeGreaterThanOrEqual(4);
    expect(rows('inbound_email_raw')).toHaveLength(1);
    // The message's bytes are the chunks of the blob its row names.
    const rawBlob = rows('inbound_email_raw')[0].blob_id;
    const rawChunks = rows('email_blob_chunks').filter((row) => row.blob_id === rawBlob);
    expect(Buffer.concat(rawChunks.map((row) => Buffer.from(String(row.bytes), 'base64'))).toString('utf8')).toContain(`From: ${PERSON.name}`);
    expect(rows('users').map((row) => row.username)).toEqual(['referente-pavia']);
    // Secrets stay behind; ALER Milano stays out.
    expect(rows('users')[0]).not.toHaveProperty('password_hash');
    expect(rows('delivery_targets').every((row) => !('secret' in row))).toBe(true);
    expect(response.body).not.toContain(scenario.milanoCall);
    expect(response.body).not.toContain(scenario.milanoTicket);
    expect(response.body).not.toContain('"agency_code":"aler-milano"');

    const sha256 = createHash('sha256').update(response.body).digest('hex');
    const receiptId = String(response.headers['x-privacy-receipt']);
    const receipt = (await t.app.inject({ url: `/api/v1/privacy/receipts/${receiptId}`, headers: as.pavia.headers })).json();
    expect(receipt).toMatchObject({ kind: 'agency_export', status: 'completed', sha256, byteSize: Buffer.byteLength(response.body), counts: end.counts });
    exported = { body: response.body, lines, receiptId, sha256 };
  });

  it('lets the agency export itself, but not another agency, nor supervisors or operators', async () => {
    const token = await createAgencyToken(t.app, PAVIA);
    const own = await post(token, '/api/v1/privacy/agency-export', { agency: PAVIA });
    expect(own.statusCode).toBe(200);
    expect((await post(as.milano, '/api/v1/privacy/agency-export', { agency: PAVIA })).statusCode).toBe(404);
    expect((await post(as.supervisor, '/api/v1/privacy/agency-export', { agency: PAVIA })).statusCode).toBe(403);
    expect((await post(as.operator, '/api/v1/privacy/agency-export', { agency: PAVIA })).statusCode).toBe(403);
  });

  it('deletes only after an export that is still complete, and only for an administrator', async () => {
    const body = { agency: PAVIA, confirm: PAVIA, exportSha256: exported.sha256 };
    expect((await post(as.pavia, '/api/v1/privacy/agency-deletion', body)).statusCode).toBe(403);
    expect((await post(as.supervisor, '/api/v1/privacy/agency-deletion', body)).statusCode).toBe(403);
    expect((await post(as.admin, '/api/v1/privacy/agency-deletion', { ...body, confirm: MILANO })).statusCode).toBe(400);
    expect((await post(as.admin, '/api/v1/privacy/agency-deletion', { ...body, exportSha256: 'a'.repeat(64) })).statusCode).toBe(409);

    // A call after the export: the export no longer holds everything, so the deletion waits for a new one.
    const callSid = newCallSid();
    expect((await twilioPost(t.app, '/webhooks/twilio/voice', incomingCallParams(callSid, NEIGHBOUR.phone, PAVIA_NUMBER))).statusCode).toBe(200);
    const stale = await post(as.admin, '/api/v1/privacy/agency-deletion', body);
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.message).toContain('calls');
  });

  it("deletes the agency's data with a receipt, leaving the other agency untouched", async () => {
    const fresh = await post(as.admin, '/api/v1/privacy/agency-export', { agency: PAVIA });
    const sha256 = createHash('sha256').update(fresh.body).digest('hex');
    // Milano's report and rows before Pavia's deletion: neither may change.
    const milanoReport = (
      await t.app.inject({ url: `/api/v1/reports/calls?agency=${MILANO}&from=2026-11-23&to=2026-11-23`, headers: as.supervisor.headers })
    ).json();
    const milanoBefore = await fingerprint(milanoRows);

    const response = await post(as.admin, '/api/v1/privacy/agency-deletion', { agency: PAVIA, confirm: PAVIA, exportSha256: sha256.toUpperCase() });
    expect(response.statusCode, response.body).toBe(200);
    const receipt = response.json();
    expect(receipt).toMatchObject({ kind: 'agency_deletion', agency: PAVIA, status: 'completed', sha256, actor: { name: 'admin', role: 'admin' } });
    expect(receipt.counts).toMatchObject({ calls: 4, tickets: 3, inbound_emails: 1, users: 1, phone_numbers: 3 });
    // Every table deleted held exactly what the export handed back.
    const exportedCounts = (JSON.parse(fresh.body.trimEnd().split('\n').at(-1)!) as ExportLine).counts!;
    for (const [table, n] of Object.entries(receipt.counts as Record<string, number>)) {
      if (table !== 'sessions') expect([table, n]).toEqual([table, exportedCounts[table]]);
    }
    expect(receipt.details.kept.map((item: { table: string }) => item.table)).toEqual(
      expect.arrayContaining(['statements', 'access_log', 'privacy_receipts', 'agencies']),
    );

    // Nothing of ALER Pavia-Lodi is left but what the receipt says is kept.
    const left = await fingerprint((table, columns) =>
      table === 'agencies' ? `t.code = '${PAVIA}'` : columns.includes('agency_code') ? `t.agency_code = '${PAVIA}'` : null,
    );
    const nonEmpty = Object.entries(left)
      .filter(([, value]) => !value.startsWith('0:'))
      .map(([table]) => table)
      .sort();
    const kept = ['access_log', 'agencies', 'agency_contracts', 'audit_trail', 'privacy_receipts', 'privacy_settings', 'statements'];
    expect(nonEmpty.filter((table) => !kept.includes(table))).toEqual([]);
    expect(nonEmpty).toEqual(expect.arrayContaining(['agencies', 'privacy_receipts']));
    expect(
      (
        await t.app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { username: 'referente-pavia', password: TEST_DEMO_PASSWORD },
          headers: { origin: 'https://centralino.test' },
        })
      ).statusCode,
    ).toBe(401);
    // Its numbers are free: a call to them is an unknown number now.
    const unknown = await twilioPost(t.app, '/webhooks/twilio/voice', incomingCallParams(newCallSid(), NEIGHBOUR.phone, PAVIA_NUMBER));
    expect(unknown.body).toContain('<Hangup/>');

    // ALER Milano: every row as it was, and the same report.
    expect(await fingerprint(milanoRows)).toEqual(milanoBefore);
    expect(
      (await t.app.inject({ url: `/api/v1/reports/calls?agency=${MILANO}&from=2026-11-23&to=2026-11-23`, headers: as.supervisor.headers })).json(),
    ).toEqual(milanoReport);

    // The receipt outlives the data, in Italian for printing.
    const text = await t.app.inject({ url: `/api/v1/privacy/receipts/${receipt.id}/text`, headers: as.admin.headers });
    expect(text.statusCode).toBe(200);
    expect(text.body).toContain('RICEVUTA DI CANCELLAZIONE DEI DATI AL TERMINE DEL CONTRATTO');
    expect(text.body).toContain(sha256);
    expect(text.body).toMatch(/chiamate \(calls\)\.+\s+4/);
    expect(text.body).toContain('art. 2220 c.c.');
  });
});

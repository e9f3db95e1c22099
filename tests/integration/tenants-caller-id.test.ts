import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../src/domain/actor.ts';
import { openDatabase } from '../../src/db/open-database.ts';
import { migrateDatabase } from '../../src/db/migrate.ts';
import { DEMO_SEED_STEPS } from '../../src/seed/demo-steps.ts';
import { seedDemoIfEmpty } from '../../src/seed/seed-demo.ts';
import { parseTenantCsv } from '../../src/modules/tenants/tenant-csv.ts';
import { loginAs } from '../helpers/auth.ts';
import type { Session } from '../helpers/auth.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { createTestApp } from '../helpers/test-app.ts';
import { incomingCallParams, newCallSid, twilioPost } from '../helpers/twilio-requests.ts';

const TENANT = '+393471234567';
let t: TestApp;
let operator: Session;
let referenteMilano: Session;

beforeAll(async () => {
  t = await createTestApp({ now: '2026-11-23T10:00:00+01:00', config: { DELIVERY_POLL_MS: '0' } });
  [operator, referenteMilano] = await Promise.all([loginAs(t.app, 'operatore1'), loginAs(t.app, 'referente-milano')]);
});
afterAll(async () => {
  await t?.close();
});

/** A tenant dials an agency number and chooses a queue, as Twilio would report it. */
async function ring(from: string, to: string, digit = '1') {
  const callSid = newCallSid();
  await twilioPost(t.app, '/webhooks/twilio/voice', incomingCallParams(callSid, from, to));
  await twilioPost(t.app, '/webhooks/twilio/voice/menu?attempt=1', { ...incomingCallParams(callSid, from, to), CallStatus: 'in-progress', Digits: digit });
  return callSid;
}

async function screenPop(callSid: string, session = operator) {
  return t.app.inject({ url: `/api/v1/calls/${callSid}/caller`, headers: session.headers });
}

describe('caller-ID screen pop', () => {
  it('shows the tenant and their earlier tickets within the same request; a ticket created on the call is linked to it', async () => {
    const firstCall = await ring(TENANT, '+39800200200', '2');
    const pop = await screenPop(firstCall);
    expect(pop.statusCode).toBe(200);
    expect(pop.json()).toMatchObject({
      callSid: firstCall,
      agency: 'aler-pavia-lodi',
      from: TENANT,
      category: 'heating',
      tenants: [
        {
          code: 'PV-000101',
          name: 'Giuseppe Rinaldi',
          phones: ['+390382526311', TENANT],
          dwelling: { address: 'Via Riviera 41', stair: 'A', floor: '2', flat: '7' },
        },
      ],
      previousTickets: [],
    });

    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/tickets',
      headers: operator.headers,
      payload: { agency: 'aler-pavia-lodi', category: 'heating', description: 'Radiatori freddi in camera', callSid: firstCall },
    });
    expect(created.statusCode).toBe(201);
    // Caller, tenant and dwelling come from the call and the registry when the operator does not retype them.
    expect(created.json()).toMatchObject({
      callSids: [firstCall],
      caller: { phone: TENANT, name: 'Giuseppe Rinaldi' },
      tenantCode: 'PV-000101',
      dwelling: { address: 'Via Riviera 41', municipality: 'Pavia', stair: 'A', floor: '2', flat: '7' },
    });
    const ref = (created.json() as { ref: string }).ref;

    const secondCall = await ring(TENANT, '+390382000000');
    const again = (await screenPop(secondCall)).json() as { previousTickets: { ref: string; callSids: string[] }[] };
    expect(again.previousTickets.map((ticket) => ticket.ref)).toEqual([ref]);
    expect(again.previousTickets[0].callSids).toEqual([firstCall]);
  });

  it('looks only in the registry of the agency that was called', async () => {
    // The same number is also a tenant of ALER Milano.
    const rows = parseTenantCsv(`codice_inquilino;nominativo;telefoni\nMI-900001;Giuseppe Rinaldi (Milano);347 123 4567\n`).rows;
    await t.app.services.tenants.importTenants(SYSTEM_ACTOR, 'aler-milano', rows);
    const pavia = (await screenPop(await ring(TENANT, '+39800300300'))).json() as { agency: string; portfolio: string; tenants: { code: string }[] };
    expect(pavia).toMatchObject({ agency: 'aler-pavia-lodi', portfolio: 'comune-di-pavia' });
    expect(pavia.tenants.map((tenant) => tenant.code)).toEqual(['PV-000101']);
    const milano = (await screenPop(await ring(TENANT, '+39800100100'))).json() as { agency: string; tenants: { code: string }[]; previousTickets: unknown[] };
    expect(milano.tenants.map((tenant) => tenant.code)).toEqual(['MI-900001']);
    expect(milano.previousTickets).toEqual([]);
  });

  it('shows every tenant of a shared landline and nothing for an unknown caller', async () => {
    const shared = (await screenPop(await ring('+390382466120', '+39800200200'))).json() as { tenants: { code: string }[] };
    expect(shared.tenants.map((tenant) => tenant.code)).toEqual(['PV-000104', 'PV-000105']);
    const unknown = (await screenPop(await ring('+393209999999', '+39800200200'))).json() as { tenants: unknown[]; previousTickets: unknown[] };
    expect(unknown).toMatchObject({ tenants: [], previousTickets: [] });
  });

  it('refuses the screen pop to agency users and hides another agency’s calls', async () => {
    const callSid = await ring(TENANT, '+39800200200');
    expect((await screenPop(callSid, referenteMilano)).statusCode).toBe(403);
    expect((await t.app.inject({ url: `/api/v1/calls/${callSid}/caller` })).statusCode).toBe(401);
    expect((await screenPop('CA-no-such-call')).statusCode).toBe(404);
  });

  it('records the lookup in the access log', async () => {
    const callSid = await ring(TENANT, '+39800200200');
    await screenPop(callSid);
    const supervisor = await loginAs(t.app, 'supervisore');
    const log = await t.app.inject({ url: '/api/v1/access-log?agency=aler-pavia-lodi', headers: supervisor.headers });
    expect(log.body).toContain(callSid);
  });

  it('searches the registry by any way of writing a number, within the agencies one may see', async () => {
    for (const phone of ['0039 347 1234567', '347-123-4567', '+39 347 123 4567']) {
      const response = await t.app.inject({ url: `/api/v1/tenants?phone=${encodeURIComponent(phone)}`, headers: referenteMilano.headers });
      expect((response.json() as { items: { code: string }[] }).items.map((tenant) => tenant.code)).toEqual(['MI-900001']);
    }
    const byName = await t.app.inject({ url: '/api/v1/tenants?q=sacchi', headers: operator.headers });
    expect((byName.json() as { items: { code: string }[] }).items.map((tenant) => tenant.code)).toEqual(['PV-000106']);
    expect((await t.app.inject({ url: '/api/v1/tenants/aler-pavia-lodi/PV-000106', headers: referenteMilano.headers })).statusCode).toBe(404);
  });
});

describe('tenant CSV import', () => {
  it('imports good rows, refuses bad ones with their reason and updates by tenant code', async () => {
    const csv = [
      'tenant_code,name,phones,email,address,municipality,building,stair,floor,flat,portfolio',
      'PV-777001,Anna Verdi,"0382 123456; 333 765 4321",anna@example.it,"Via Roma 1, int. 3",Pavia,R1,A,1,3,',
      ',Senza Codice,333 000 1111,,,,,,,,',
      'PV-777002,Numero Sbagliato,12345,,,,,,,,',
      'PV-777003,Posta Sbagliata,,non-una-mail,,,,,,,',
      'PV-777001,Doppione,333 111 2222,,,,,,,,',
      'PV-777004,Portafoglio Ignoto,333 222 3333,,,,,,,,nessuno',
      'PV-000102,Maria Colombo in Rossi,338 765 4321,,Via Lomonaco 12,Pavia,,B,1,3,',
    ].join('\r\n');
    const parsed = parseTenantCsv(csv);
    expect(parsed.refused.map((row) => [row.line, row.reason])).toEqual([
      [3, 'missing tenant code'],
      [4, 'invalid phone number "12345"'],
      [5, 'invalid e-mail "non-una-mail"'],
      [6, 'tenant code PV-777001 appears more than once in the file'],
    ]);
    const summary = await t.app.services.tenants.importTenants(SYSTEM_ACTOR, 'aler-pavia-lodi', parsed.rows);
    expect(summary).toEqual({ inserted: 1, updated: 1, refused: [{ line: 7, code: 'PV-777004', reason: 'unknown portfolio nessuno for aler-pavia-lodi' }] });
    const anna = await t.app.inject({ url: '/api/v1/tenants/aler-pavia-lodi/PV-777001', headers: operator.headers });
    expect(anna.json()).toMatchObject({ phones: ['+390382123456', '+393337654321'], dwelling: { address: 'Via Roma 1, int. 3' } });
    const maria = await t.app.inject({ url: '/api/v1/tenants/aler-pavia-lodi/PV-000102', headers: operator.headers });
    expect(maria.json()).toMatchObject({ name: 'Maria Colombo in Rossi' });
  });

  it('runs as npm run import:tenants with a progress bar and a closing summary', async () => {
    const directory = mkdtempSync(path.join(tmpdir(), 'centralino-import-'));
    const file = path.join(directory, 'tenants.csv');
    writeFileSync(file, 'codice_inquilino;nominativo;telefoni\nMI-1;Uno;02 1234567\nMI-2;Due;xyz\n');
    // The script opens the database the way the server does: this test's Postgres database, or a seeded PGlite in DATA_DIR.
    const url = (t.database as unknown as { url: string | null }).url;
    if (!url) {
      const handle = await openDatabase({ databaseUrl: undefined, dataDir: directory });
      await migrateDatabase(handle);
      await seedDemoIfEmpty(handle.db, DEMO_SEED_STEPS, { demoPassword: 'x', now: t.clock.now() });
      await handle.close();
    }
    const env = { ...process.env, DATABASE_URL: url ?? '', DATA_DIR: directory, NODE_ENV: 'test' };
    const result = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      const child = execFile(process.execPath, ['scripts/import-tenants.ts', '--agency', 'aler-milano', '--file', file], { env }, (_error, stdout) =>
        resolve({ code: child.exitCode, stdout }),
      );
    });
    expect(result.stdout).toContain('aler-milano: 1 tenants added, 0 updated, 1 rows refused.');
    expect(result.stdout).toContain('line 3 (MI-2): invalid phone number "xyz"');
    expect(result.code).toBe(2);
    // A second process that loads and migrates its own database takes 25 s on a loaded 2-core
    // machine: more room than the default 30 s, which is for the tests that stay in-process.
  }, 120_000);
});

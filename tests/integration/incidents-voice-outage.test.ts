import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { calls } from '../../src/db/schema/index.ts';
import { loginAs } from '../helpers/auth.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { createTestApp } from '../helpers/test-app.ts';
import { incomingCallParams, newCallSid, twilioPost } from '../helpers/twilio-requests.ts';
import { spokenTexts } from '../helpers/xml.ts';

/** PV-000101 lives in «Riviera 41» (Pavia). */
const TENANT = '+393471234567';
const PAVIA = '+39800200200';

async function declare(t: TestApp): Promise<string> {
  const supervisor = await loginAs(t.app, 'supervisore');
  const declared = await t.app.inject({
    method: 'POST',
    url: '/api/v1/incidents',
    headers: supervisor.headers,
    payload: { agency: 'aler-pavia-lodi', municipality: 'Pavia', building: 'Riviera 41', category: 'heating', description: 'Caldaia centrale ferma' },
  });
  expect(declared.statusCode).toBe(201);
  return (declared.json() as { id: string }).id;
}

describe('the pre-menu lookup never stalls a caller', () => {
  it('gives the plain menu when the lookup cannot answer in time', async () => {
    const t = await createTestApp({ now: '2026-11-23T10:00:00+01:00' });
    await declare(t);
    // Someone holds the incidents table: the lookup waits past its budget.
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let locked!: () => void;
    const lockTaken = new Promise<void>((resolve) => {
      locked = resolve;
    });
    const holder = t.database.db.transaction(async (tx) => {
      await tx.execute(sql`lock table incidents in access exclusive mode`);
      locked();
      await held;
    });
    await lockTaken;
    const callSid = newCallSid();
    const answer = twilioPost(t.app, '/webhooks/twilio/voice', incomingCallParams(callSid, TENANT, PAVIA));
    setTimeout(release, 1000);
    const response = await answer;
    await holder;
    expect(response.statusCode).toBe(200);
    const said = spokenTexts(response.body).join(' ');
    expect(said).toContain('ALER Pavia-Lodi');
    expect(said).not.toContain('È già stato segnalato');
    expect(response.body).toContain('/webhooks/twilio/voice/menu?attempt=1');
    await t.app.services.voice.drain();
    const [row] = await t.database.db.select().from(calls).where(eq(calls.callSid, callSid));
    expect(row?.preMenu ?? null).toBeNull();
    await t.close();
  });

  it('answers 1 with the menu while the database is away, and journals the menu the caller heard, not a report', async () => {
    const first = await createTestApp({ now: '2026-11-23T10:00:00+01:00' });
    const dataDir = first.config.dataDir;
    const incidentId = await declare(first);
    const callSid = newCallSid();
    const offered = await twilioPost(first.app, '/webhooks/twilio/voice', incomingCallParams(callSid, TENANT, PAVIA));
    expect(spokenTexts(offered.body).join(' ')).toContain('È già stato segnalato');

    await first.database.close();
    const pressed = await twilioPost(first.app, `/webhooks/twilio/voice/incident?incident=${incidentId}`, {
      ...incomingCallParams(callSid, TENANT, PAVIA),
      CallStatus: 'in-progress',
      Digits: '1',
    });
    expect(pressed.statusCode).toBe(200);
    expect(pressed.body).toContain('/webhooks/twilio/voice/menu?attempt=1');
    expect(spokenTexts(pressed.body).join(' ')).toContain('Per il riscaldamento prema 2');
    await first.app.close();

    // What the journal will replay is what the caller heard: the menu, not a report.
    const journaled = readFileSync(path.join(dataDir, 'journal', 'voice-steps.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { item?: { kind: string; digits?: string } });
    const step = journaled.map((entry) => entry.item).find((item) => item?.kind === 'incident');
    expect(step).toBeDefined();
    expect(step?.digits).toBeUndefined();
  });
});

import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { callEvents, calls } from '../../src/db/schema/index.ts';
import { createTestApp } from '../helpers/test-app.ts';
import { incomingCallParams, newCallSid, twilioPost } from '../helpers/twilio-requests.ts';

const TENANT = '+393471234567';

describe('voice webhooks while the database is away', () => {
  it('answer correct TwiML from memory, journal every step, and record each exactly once after a restart', async () => {
    const first = await createTestApp({ now: '2026-11-23T10:00:00+01:00' });
    const dataDir = first.config.dataDir;
    // The database goes away under a running node: every query now fails, as a stopped server's would.
    await first.database.close();

    const callSid = newCallSid();
    const base = incomingCallParams(callSid, TENANT, '+39800200200');
    const incoming = await twilioPost(first.app, '/webhooks/twilio/voice', base);
    expect(incoming.statusCode).toBe(200);
    expect(incoming.body).toContain('<Gather');
    expect(incoming.body).toContain('ALER Pavia-Lodi');
    const retried = await twilioPost(first.app, '/webhooks/twilio/voice', base);
    expect(retried.body).toBe(incoming.body);

    first.clock.set('2026-11-23T10:00:08+01:00');
    const menu = await twilioPost(first.app, '/webhooks/twilio/voice/menu?attempt=1', { ...base, CallStatus: 'in-progress', Digits: '2' });
    expect(menu.body).toContain('>aler-pavia-lodi.heating</Enqueue>');

    first.clock.set('2026-11-23T10:00:53+01:00');
    const result = await twilioPost(first.app, '/webhooks/twilio/voice/queue-result', { ...base, QueueResult: 'hangup', QueueTime: '45' });
    expect(result.statusCode).toBe(200);
    await twilioPost(first.app, '/webhooks/twilio/voice/status', { ...base, CallStatus: 'completed', CallDuration: '53', SequenceNumber: '2' });

    // A forged request is still refused and journals nothing.
    expect(
      (await twilioPost(first.app, '/webhooks/twilio/voice', incomingCallParams(newCallSid(), TENANT, '+39800200200'), { signature: 'forged' })).statusCode,
    ).toBe(403);

    expect((await first.app.inject('/readyz')).statusCode).toBe(503);
    expect(first.app.services.voice.backlog()).toBe(5);
    await first.app.close();

    // The node restarts with the database back: the journal in DATA_DIR is replayed in order.
    const second = await createTestApp({ now: '2026-11-23T10:05:00+01:00', config: { DATA_DIR: dataDir } });
    await second.app.services.voice.drain();
    expect(second.app.services.voice.backlog()).toBe(0);
    const [row] = await second.database.db.select().from(calls).where(eq(calls.callSid, callSid));
    expect(row).toMatchObject({
      agencyCode: 'aler-pavia-lodi',
      outcome: 'abandoned',
      queueName: 'aler-pavia-lodi.heating',
      queueTimeSeconds: 45,
      status: 'completed',
    });
    // Recorded at the instants the webhooks arrived, not when they were replayed.
    expect(row.startedAt.toISOString()).toBe('2026-11-23T09:00:00.000Z');
    expect(row.enqueuedAt?.toISOString()).toBe('2026-11-23T09:00:08.000Z');
    const events = await second.database.db.select().from(callEvents).where(eq(callEvents.callSid, callSid));
    expect(events.map((event) => event.step).sort()).toEqual(['incoming', 'menu:1', 'queue-result', 'status:2']);
    await second.app.close();

    // Another restart finds an empty journal: nothing is recorded twice.
    const third = await createTestApp({ now: '2026-11-23T10:06:00+01:00', config: { DATA_DIR: dataDir } });
    expect(third.app.services.voice.backlog()).toBe(0);
    await third.close();
    await second.database.close();
  });
});

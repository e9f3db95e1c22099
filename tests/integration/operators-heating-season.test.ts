import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../helpers/test-app.ts';
import { createTestApp } from '../helpers/test-app.ts';
import { incomingCallParams, newCallSid, twilioPost } from '../helpers/twilio-requests.ts';

// A mountain municipality's season (climate zone F would have none at all): heating is boosted only in June here.
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ now: '2026-11-23T10:00:00+01:00', config: { DELIVERY_POLL_MS: '0', HEATING_SEASON: '06-01/06-30' } });
});
afterAll(async () => {
  await t?.close();
});

async function enqueue(to: string, digit: string) {
  const callSid = newCallSid();
  await twilioPost(t.app, '/webhooks/twilio/voice', incomingCallParams(callSid, '+393331112222', to));
  await twilioPost(t.app, '/webhooks/twilio/voice/menu?attempt=1', {
    ...incomingCallParams(callSid, '+393331112222', to),
    CallStatus: 'in-progress',
    Digits: digit,
  });
}

describe('configurable heating season', () => {
  it('does not boost heating calls outside the configured season', async () => {
    await enqueue('+39800100100', '3');
    t.clock.set('2026-11-23T10:00:30+01:00');
    await enqueue('+39800200200', '2');
    const response = await twilioPost(t.app, '/webhooks/twilio/voice/operator', { CallSid: newCallSid(), From: 'client:operatore2' });
    // With the default season (15 October – 15 April) the younger heating call would go first.
    expect(response.body).toContain('>aler-milano.admin</Queue>');
  });
});

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../helpers/test-app.ts';
import { createTestApp } from '../helpers/test-app.ts';
import { incomingCallParams, newCallSid, twilioPost } from '../helpers/twilio-requests.ts';
import { xmlWellFormednessError } from '../helpers/xml.ts';

const PATHS = [
  '/webhooks/twilio/voice',
  '/webhooks/twilio/voice/menu?attempt=1',
  '/webhooks/twilio/voice/menu?attempt=2',
  '/webhooks/twilio/voice/queue-wait',
  '/webhooks/twilio/voice/queue-result',
  '/webhooks/twilio/voice/status',
  '/webhooks/twilio/voice/operator',
  '/webhooks/twilio/voice/bridged',
];

const anyText = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 60 }),
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.constantFrom('', '-1', '1e9', 'NaN', '<x>', 'client:', 'client:<b>&'),
);
// Known names with hostile values, and unknown names Twilio might add some day.
const knownName = fc.constantFrom(
  'CallSid',
  'From',
  'To',
  'CallStatus',
  'Digits',
  'QueueResult',
  'QueueTime',
  'QueuePosition',
  'AvgQueueTime',
  'CallDuration',
  'SequenceNumber',
  'DequeingCallSid',
);
const params = fc.tuple(
  fc.dictionary(knownName, anyText, { maxKeys: 8 }),
  fc.dictionary(fc.string({ minLength: 1, maxLength: 20 }), anyText, { maxKeys: 5 }),
  fc.boolean(),
);

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ now: '2026-11-23T10:00:00+01:00' });
});
afterAll(async () => {
  await t.close();
});

describe('voice webhooks under hostile parameters', () => {
  it('never answer 5xx; a 200 is well-formed TwiML, anything else a JSON error', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...PATHS), params, async (path, [known, unknown, validCall]) => {
        // Half the runs carry a real-looking call so that deeper code paths run too.
        const base = validCall ? incomingCallParams(newCallSid(), '+393471234567', '+39800200200') : {};
        const body: Record<string, string> = { ...base, ...unknown, ...known };
        const response = await twilioPost(t.app, path, body);
        expect(response.statusCode).toBeLessThan(500);
        if (response.statusCode === 200) expect(xmlWellFormednessError(response.body)).toBeNull();
        else expect(response.json()).toHaveProperty('error.code');
      }),
      { numRuns: 250 },
    );
  });
});

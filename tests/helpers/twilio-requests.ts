import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { signTwilioRequest } from '../../webhooks/twilio/twilio-signature.ts';
import { TEST_BASE_URL, TEST_TWILIO_TOKEN } from './test-constants.ts';

export function newCallSid(): string {
  return `CA${randomBytes(16).toString('hex')}`;
}

/** What Twilio sends with every voice request (TWILIO-REQUESTS.md), before step-specific parameters. */
export function incomingCallParams(callSid: string, from: string, to: string): Record<string, string> {
  return {
    AccountSid: 'AC00000000000000000000000000000000',
    ApiVersion: '2010-04-01',
    CallSid: callSid,
    CallStatus: 'ringing',
    Direction: 'inbound',
    From: from,
    Caller: from,
    To: to,
    Called: to,
    FromCountry: 'IT',
    CallerCountry: 'IT',
    ToCountry: 'IT',
    CalledCountry: 'IT',
    StirVerstat: 'TN-Validation-Passed-A',
  };
}

/** POSTs a form the way Twilio does, signed with the test token over the public URL. */
export async function twilioPost(
  app: FastifyInstance,
  pathAndQuery: string,
  params: Record<string, string>,
  options: { signature?: string | null; signedUrl?: string } = {},
) {
  const body = new URLSearchParams(params).toString();
  const signature =
    options.signature === undefined ? signTwilioRequest(TEST_TWILIO_TOKEN, options.signedUrl ?? `${TEST_BASE_URL}${pathAndQuery}`, params) : options.signature;
  return app.inject({
    method: 'POST',
    url: pathAndQuery,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(signature === null ? {} : { 'x-twilio-signature': signature }),
    },
    payload: body,
  });
}

import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { callParams } from '../../scripts/simulator/twilio-client.ts';
import { signTwilioRequest } from '../../webhooks/twilio/twilio-signature.ts';
import { TEST_BASE_URL, TEST_TWILIO_TOKEN } from './test-constants.ts';

export function newCallSid(): string {
  return `CA${randomBytes(16).toString('hex')}`;
}

/** What Twilio sends with every voice request (TWILIO-REQUESTS.md): the simulator's own builder. */
export function incomingCallParams(callSid: string, from: string, to: string): Record<string, string> {
  return { ...callParams(callSid, from, to, 'ringing'), StirVerstat: 'TN-Validation-Passed-A' };
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

/**
 * POSTs a form over the network to a listening server, the way Twilio does: signed with the test
 * token over `publicBaseUrl` + path (the server's PUBLIC_BASE_URL), sent to `serverUrl`.
 */
export async function twilioPostOverHttp(serverUrl: string, publicBaseUrl: string, pathAndQuery: string, params: Record<string, string>) {
  const response = await fetch(`${serverUrl}${pathAndQuery}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': signTwilioRequest(TEST_TWILIO_TOKEN, `${publicBaseUrl}${pathAndQuery}`, params),
    },
    body: new URLSearchParams(params).toString(),
  });
  return { statusCode: response.status, body: await response.text() };
}

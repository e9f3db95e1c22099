import { randomBytes } from 'node:crypto';
import { signTwilioRequest } from '../../webhooks/twilio/twilio-signature.ts';

export type TwilioClient = Readonly<{
  post(path: string, params: Record<string, string>): Promise<{ status: number; body: string }>;
}>;

export function newSid(prefix: 'CA' | 'QU'): string {
  return `${prefix}${randomBytes(16).toString('hex')}`;
}

/** Plays Twilio's side: form-encoded POSTs signed over the public URL, as TWILIO-REQUESTS.md describes. */
export function createTwilioClient(options: { url: string; publicUrl: string; authToken: string }): TwilioClient {
  return {
    async post(path, params) {
      const signature = signTwilioRequest(options.authToken, `${options.publicUrl}${path}`, params);
      const response = await fetch(`${options.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
        body: new URLSearchParams(params).toString(),
        signal: AbortSignal.timeout(15_000),
      });
      return { status: response.status, body: await response.text() };
    },
  };
}

/** The parameters of an incoming call, as Twilio sends them with every request of that call. */
export function callParams(callSid: string, from: string, to: string, status: string): Record<string, string> {
  return {
    AccountSid: 'AC00000000000000000000000000000000',
    ApiVersion: '2010-04-01',
    CallSid: callSid,
    CallStatus: status,
    Direction: 'inbound',
    From: from,
    Caller: from,
    To: to,
    Called: to,
    FromCountry: 'IT',
    CallerCountry: 'IT',
    ToCountry: 'IT',
    CalledCountry: 'IT',
  };
}

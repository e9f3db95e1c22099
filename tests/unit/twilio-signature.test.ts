import { describe, expect, it } from 'vitest';
import { isValidTwilioSignature, signTwilioRequest } from '../../webhooks/twilio/twilio-signature.ts';

// Vectors from twilio-node's spec/validation.spec.js.
const token = '12345';
const params = { CallSid: 'CA1234567890ABCDE', Caller: '+14158675309', Digits: '1234', From: '+14158675309', To: '+18005551212' };

describe('X-Twilio-Signature', () => {
  it.each([
    ['https://mycompany.com/myapp.php?foo=1&bar=2', 'RSOYDt4T1cUTdK1PDd93/VVr8B8='],
    ['https://mycompany.com:443/myapp.php?foo=1&bar=2', 'kvajT1Ptam85bY51eRf/AJRuM3w='],
    ['http://mycompany.com:80/myapp.php?foo=1&bar=2', '0ZXoZLH/DfblKGATFgpif+LLRf4='],
    ['http://mycompany.com:1234/myapp.php?foo=1&bar=2', 'Zmvh+3yNM1Phv2jhDCwEM3q5ebU='],
  ])('signs %s as twilio-node does', (url, expected) => {
    expect(signTwilioRequest(token, url, params)).toBe(expected);
    expect(isValidTwilioSignature(token, expected, url, params)).toBe(true);
  });

  it('accepts the URL with or without the standard port', () => {
    expect(isValidTwilioSignature(token, 'RSOYDt4T1cUTdK1PDd93/VVr8B8=', 'https://mycompany.com:443/myapp.php?foo=1&bar=2', params)).toBe(true);
  });

  it('refuses a missing signature, another URL, another token or changed parameters', () => {
    const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
    expect(isValidTwilioSignature(token, undefined, url, params)).toBe(false);
    expect(isValidTwilioSignature(token, 'RSOYDt4T1cUTdK1PDd93/VVr8B8=', 'https://mycompany.com/other.php?foo=1&bar=2', params)).toBe(false);
    expect(isValidTwilioSignature('54321', 'RSOYDt4T1cUTdK1PDd93/VVr8B8=', url, params)).toBe(false);
    expect(isValidTwilioSignature(token, 'RSOYDt4T1cUTdK1PDd93/VVr8B8=', url, { ...params, Digits: '9' })).toBe(false);
  });
});

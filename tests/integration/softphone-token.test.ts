import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs } from '../helpers/auth.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { createTestApp } from '../helpers/test-app.ts';

const TWILIO = {
  TWILIO_ACCOUNT_SID: 'AC11111111111111111111111111111111',
  TWILIO_API_KEY: 'SK22222222222222222222222222222222',
  TWILIO_API_SECRET: 'softphone-test-api-secret',
  TWILIO_TWIML_APP_SID: 'AP33333333333333333333333333333333',
};

function payloadOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8'));
}

describe('browser softphone with Twilio configured', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ config: { ...TWILIO, WRAP_UP_SECONDS: '45' } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('hands an operator a Voice SDK token for the TwiML App, as client:<username>, outgoing only', async () => {
    const operator = await loginAs(t.app, 'operatore1');
    const reply = await t.app.inject({ method: 'POST', url: '/api/v1/softphone/token', headers: operator.headers, payload: {} });
    expect(reply.statusCode).toBe(200);
    expect(reply.headers['cache-control']).toBe('no-store');
    const body = reply.json() as { identity: string; token: string };
    expect(body.identity).toBe('operatore1');
    const claims = payloadOf(body.token);
    expect(claims).toMatchObject({ iss: TWILIO.TWILIO_API_KEY, sub: TWILIO.TWILIO_ACCOUNT_SID });
    expect(claims.grants).toMatchObject({ identity: 'operatore1', voice: { outgoing: { application_sid: TWILIO.TWILIO_TWIML_APP_SID } } });
    expect((claims.grants as { voice: { incoming?: { allow?: boolean } } }).voice.incoming?.allow ?? false).toBe(false);
  });

  it('reports the Twilio mode and refuses the simulator', async () => {
    const operator = await loginAs(t.app, 'operatore2');
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/softphone', headers: operator.headers })).json()).toMatchObject({
      mode: 'twilio',
      identity: 'operatore2',
      call: null,
      // The screen counts the wrap-up down from the server's own limit.
      wrapUpSeconds: 45,
    });
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/softphone/take-next', headers: operator.headers, payload: {} })).statusCode).toBe(409);
  });

  it('gives no token to an agency user', async () => {
    const clerk = await loginAs(t.app, 'referente-pavia');
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/softphone/token', headers: clerk.headers, payload: {} })).statusCode).toBe(403);
  });
});

describe('without Twilio configured', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('offers the simulator and no token', async () => {
    const operator = await loginAs(t.app, 'operatore1');
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/softphone', headers: operator.headers })).json()).toMatchObject({ mode: 'simulator' });
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/softphone/token', headers: operator.headers, payload: {} })).statusCode).toBe(409);
  });
});

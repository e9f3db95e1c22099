import { expect } from 'vitest';
import type { Session } from './auth.ts';
import { loginAs } from './auth.ts';
import type { TestApp } from './test-app.ts';
import { createTestApp } from './test-app.ts';
import { deliverEmail } from './email-requests.ts';
import { incomingCallParams, newCallSid, twilioPost } from './twilio-requests.ts';

export const PAVIA = 'aler-pavia-lodi';
export const MILANO = 'aler-milano';
export const PAVIA_NUMBER = '+39800200200';
export const MILANO_NUMBER = '+39800100100';

/** Giuseppe Rinaldi, PV-000101 in ALER Pavia-Lodi's registry (+39 347 123 4567, 0382 526 311, giuseppe.rinaldi@example.it). */
export const PERSON = { phone: '+393471234567', landline: '+390382526311', email: 'giuseppe.rinaldi@example.it', code: 'PV-000101', name: 'Giuseppe Rinaldi' };
/** Maria Colombo, PV-000102: another tenant of the same agency, whose records must survive. */
export const NEIGHBOUR = { phone: '+393387654321', code: 'PV-000102', name: 'Maria Colombo' };

export type Scenario = Readonly<{
  answeredCall: string;
  abandonedCall: string;
  neighbourCall: string;
  milanoCall: string;
  phoneTicket: string;
  emailTicket: string;
  neighbourTicket: string;
  milanoTicket: string;
}>;

async function call(t: TestApp, from: string, to: string, digit: string, result: { queueResult: 'bridged' | 'hangup'; queueTime: number; duration?: number }) {
  const callSid = newCallSid();
  const base = incomingCallParams(callSid, from, to);
  expect((await twilioPost(t.app, '/webhooks/twilio/voice', base)).statusCode).toBe(200);
  expect((await twilioPost(t.app, '/webhooks/twilio/voice/menu?attempt=1', { ...base, CallStatus: 'in-progress', Digits: digit })).statusCode).toBe(200);
  t.clock.advance(result.queueTime * 1000);
  const queued = await twilioPost(t.app, '/webhooks/twilio/voice/queue-result', {
    ...base,
    CallStatus: 'in-progress',
    QueueResult: result.queueResult,
    QueueTime: String(result.queueTime),
    QueueSid: 'QU1',
  });
  expect(queued.statusCode).toBe(200);
  const duration = result.duration ?? result.queueTime + 5;
  t.clock.advance((duration - result.queueTime) * 1000);
  const status = await twilioPost(t.app, '/webhooks/twilio/voice/status', {
    ...base,
    CallStatus: 'completed',
    CallDuration: String(duration),
    SequenceNumber: '3',
  });
  expect(status.statusCode).toBe(200);
  return callSid;
}

/** A multipart message from the tenant: the number in the body and in a base64 attachment. */
export function tenantEmail(messageId: string): Buffer {
  const attachment = Buffer.from('Dati per il tecnico\r\nTelefono: +39 347 1234567\r\nScala A, piano 2, interno 7\r\n').toString('base64');
  return Buffer.from(
    [
      `From: ${PERSON.name} <${PERSON.email}>`,
      'To: callcenter@aler-pavia-lodi.example',
      'Subject: Perdita in bagno, via Riviera 41',
      `Message-ID: <${messageId}@example.it>`,
      'Date: Mon, 23 Nov 2026 10:05:00 +0100',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: 8bit',
      '',
      "Buongiorno, c'è una perdita d'acqua dal soffitto del bagno. Il mio cellulare è 347-123-4567.",
      'Giuseppe Rinaldi',
      '',
      '--b1',
      'Content-Type: text/plain; charset=utf-8; name="dati.txt"',
      'Content-Disposition: attachment; filename="dati.txt"',
      'Content-Transfer-Encoding: base64',
      '',
      attachment,
      '',
      '--b1--',
      '',
    ].join('\r\n'),
  );
}

/**
 * The person's footprint in both agencies, made through the real webhooks and API: answered and
 * abandoned calls (a call-back), a ticket typed by an operator with a note, an e-mail with an
 * attachment (a ticket, an acknowledgement), deliveries to the offices; a neighbour's call and
 * ticket; and in ALER Milano the same number's call and ticket, which no Pavia request may touch.
 */
export async function seedPrivacyScenario(t: TestApp): Promise<Scenario> {
  const operator = await loginAs(t.app, 'operatore1');
  const post = async (url: string, payload: object, method: 'POST' | 'PATCH' = 'POST') => {
    const response = await t.app.inject({ method, url, headers: operator.headers, payload });
    expect(response.statusCode, response.body).toBeLessThan(300);
    return response.json();
  };

  const answeredCall = await call(t, PERSON.phone, PAVIA_NUMBER, '1', { queueResult: 'bridged', queueTime: 12, duration: 200 });
  const abandonedCall = await call(t, PERSON.phone, PAVIA_NUMBER, '2', { queueResult: 'hangup', queueTime: 45 });
  const neighbourCall = await call(t, NEIGHBOUR.phone, PAVIA_NUMBER, '1', { queueResult: 'bridged', queueTime: 30, duration: 90 });
  const milanoCall = await call(t, PERSON.phone, MILANO_NUMBER, '1', { queueResult: 'bridged', queueTime: 8, duration: 60 });

  const phoneTicket = (
    await post('/api/v1/tickets', {
      agency: PAVIA,
      category: 'maintenance',
      callSid: answeredCall,
      caller: { phone: '347 123 4567', name: PERSON.name },
      tenantCode: PERSON.code,
      dwelling: { address: 'Via Riviera 41', municipality: 'Pavia', building: 'Riviera 41', stair: 'A', floor: '2', flat: '7' },
      description: 'Perdita dal soffitto del bagno. Richiamare al 0039 347 123 4567 dopo le 14.',
    })
  ).ref as string;
  await post(`/api/v1/tickets/${phoneTicket}`, { note: 'Ha richiamato dal 347.123.45.67: la perdita continua' }, 'PATCH');

  const received = await deliverEmail(t.app, tenantEmail(`perdita-${newCallSid()}`));
  expect(received.status).toBe('ticket');
  const emailTicket = received.ticket!;

  const neighbourTicket = (
    await post('/api/v1/tickets', {
      agency: PAVIA,
      category: 'heating',
      callSid: neighbourCall,
      caller: { phone: NEIGHBOUR.phone, name: NEIGHBOUR.name },
      tenantCode: NEIGHBOUR.code,
      description: 'Termosifoni freddi in tutto l’alloggio',
    })
  ).ref as string;
  const milanoTicket = (
    await post('/api/v1/tickets', {
      agency: MILANO,
      category: 'maintenance',
      callSid: milanoCall,
      caller: { phone: PERSON.phone, name: PERSON.name },
      description: 'Citofono guasto; richiamare al 347 123 4567',
    })
  ).ref as string;
  return { answeredCall, abandonedCall, neighbourCall, milanoCall, phoneTicket, emailTicket, neighbourTicket, milanoTicket };
}

export type PrivacyRoles = Record<'pavia' | 'milano' | 'supervisor' | 'operator' | 'admin', Session>;

/** The privacy scenario on a fresh app, with a session for each role the privacy tests act as. */
export async function startPrivacyScenario(): Promise<{ t: TestApp; scenario: Scenario; as: PrivacyRoles }> {
  const t = await createTestApp({ now: '2026-11-23T10:00:00+01:00', config: { DELIVERY_POLL_MS: '0' } });
  const scenario = await seedPrivacyScenario(t);
  const as: PrivacyRoles = {
    pavia: await loginAs(t.app, 'referente-pavia'),
    milano: await loginAs(t.app, 'referente-milano'),
    supervisor: await loginAs(t.app, 'supervisore'),
    operator: await loginAs(t.app, 'operatore1'),
    admin: await loginAs(t.app, 'admin'),
  };
  return { t, scenario, as };
}

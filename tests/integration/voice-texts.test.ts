import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { callbacks, emailOutbox, inboundEmails } from '../../src/db/schema/index.ts';
import type { Session } from '../helpers/auth.ts';
import { createStaffUser, loginAs } from '../helpers/auth.ts';
import { deliverEmail } from '../helpers/email-requests.ts';
import type { TestApp } from '../helpers/test-app.ts';
import { createTestApp } from '../helpers/test-app.ts';
import { incomingCallParams, newCallSid, twilioPost } from '../helpers/twilio-requests.ts';

/**
 * Issue 16 §4: voice texts per agency and per portfolio. Callers are answered with real signed
 * Twilio requests; the texts are written through the administration API as an administrator would.
 */

const MONDAY_10 = '2026-11-23T10:00:00+01:00';
const MONDAY_22 = '2026-11-23T22:00:00+01:00';
const PAVIA = 'aler-pavia-lodi';
const PAVIA_OWN_NUMBER = '+39800200200';
const COMUNE_NUMBER = '+39800300300';
const COMUNE = 'comune-di-pavia';
const TENANT = '+393471234567';

let t: TestApp;
let admin: Session;

const NO_TEXTS = { greeting: null, menuIntro: null, closedMessage: null, emergencyNumber: null };
const AGENCY_DEFAULTS = { ...NO_TEXTS, neutralGreeting: false, offerCallbacks: true, emailAcknowledgements: true };

beforeAll(async () => {
  t = await createTestApp({ now: MONDAY_10, config: { DELIVERY_POLL_MS: '0' } });
  admin = await loginAs(t.app, 'admin');
});
afterAll(async () => {
  await t.close();
});
beforeEach(async () => {
  t.clock.set(MONDAY_10);
  await putVoice({ agency: AGENCY_DEFAULTS, portfolios: [] });
});

async function putVoice(body: unknown, session = admin) {
  return t.app.inject({ method: 'PUT', url: `/api/v1/admin/agencies/${PAVIA}/voice`, headers: session.headers, payload: body as object });
}

/** What the first webhook answers a caller of `to` now. */
async function ring(to: string): Promise<string> {
  const response = await twilioPost(t.app, '/webhooks/twilio/voice', incomingCallParams(newCallSid(), TENANT, to));
  expect(response.statusCode).toBe(200);
  return response.body;
}

describe('voice texts per agency and portfolio', () => {
  it('a caller of a portfolio number hears the portfolio greeting; the agency number keeps its own', async () => {
    const saved = await putVoice({
      agency: { ...AGENCY_DEFAULTS, greeting: 'Buongiorno da ALER Pavia-Lodi.', menuIntro: 'Ascolti con attenzione le opzioni.' },
      portfolios: [{ id: COMUNE, greeting: 'Benvenuto nel servizio per le case del Comune di Pavia.' }],
    });
    expect(saved.statusCode).toBe(200);
    expect(saved.json().portfolios[0].overrides.greeting).toBe('Benvenuto nel servizio per le case del Comune di Pavia.');

    const comune = await ring(COMUNE_NUMBER);
    expect(comune).toContain('Benvenuto nel servizio per le case del Comune di Pavia. Ascolti con attenzione le opzioni. Per guasti e manutenzione prema 1.');
    expect(comune).not.toContain('Buongiorno da ALER Pavia-Lodi.');
    const own = await ring(PAVIA_OWN_NUMBER);
    expect(own).toContain('Buongiorno da ALER Pavia-Lodi. Ascolti con attenzione le opzioni. Per guasti e manutenzione prema 1.');
  });

  it('with a neutral greeting neither the agency nor the service is named, open or closed', async () => {
    await putVoice({ agency: { ...AGENCY_DEFAULTS, neutralGreeting: true, emergencyNumber: '+39800999999' }, portfolios: [] });
    for (const at of [MONDAY_10, MONDAY_22]) {
      t.clock.set(at);
      for (const number of [PAVIA_OWN_NUMBER, COMUNE_NUMBER]) {
        const twiml = await ring(number);
        expect(twiml).toContain('Buongiorno, risponde il servizio.');
        for (const revealing of ['ALER', 'Pavia', 'segnalazioni', 'Comune', 'emergenze', 'pronto intervento']) expect(twiml).not.toContain(revealing);
      }
    }
    // Closed: the emergency line is still offered, without saying what for.
    expect(await ring(PAVIA_OWN_NUMBER)).toContain('<Dial timeout="30">+39800999999</Dial>');
  });

  it('an override closed message is said instead of the generated one, the portfolio inheriting it', async () => {
    await putVoice({ agency: { ...AGENCY_DEFAULTS, closedMessage: 'Siamo chiusi. Richiami domani dalle 8.' }, portfolios: [] });
    t.clock.set(MONDAY_22);
    for (const number of [PAVIA_OWN_NUMBER, COMUNE_NUMBER]) {
      const twiml = await ring(number);
      expect(twiml).toContain('<Say language="it-IT" voice="Polly.Bianca">Siamo chiusi. Richiami domani dalle 8.</Say><Hangup/>');
    }
    // Back to generated: null again (written in office hours, while the session is fresh).
    t.clock.set(MONDAY_10);
    expect((await putVoice({ agency: AGENCY_DEFAULTS, portfolios: [] })).statusCode).toBe(200);
    t.clock.set(MONDAY_22);
    expect(await ring(PAVIA_OWN_NUMBER)).toContain('Ha chiamato il servizio segnalazioni di ALER Pavia-Lodi.');
  });

  it('refuses empty and overlong texts, a bad emergency number and a portfolio of another agency, in Italian', async () => {
    const response = await putVoice({
      agency: { ...AGENCY_DEFAULTS, greeting: '   ', closedMessage: 'x'.repeat(1001), emergencyNumber: '0382 123' },
      portfolios: [{ id: 'non-esiste', greeting: 'Ciao' }],
    });
    expect(response.statusCode).toBe(400);
    const problems: string[] = response.json().error.details.problems;
    expect(problems).toEqual([
      "Il saluto dell'ente è vuoto: lasci il campo vuoto per usare il testo generato.",
      "Il messaggio di chiusura dell'ente è lungo 1001 caratteri: al massimo 1000.",
      "Il numero di emergenza dell'ente deve essere nel formato internazionale, per esempio +39800100100.",
      'Il portafoglio «non-esiste» non è di questo ente.',
    ]);
    // Nothing was saved: callers hear the generated greeting.
    expect(await ring(PAVIA_OWN_NUMBER)).toContain('Benvenuto nel servizio segnalazioni di ALER Pavia-Lodi.');
  });

  it('is written to the audit trail and shows the generated texts as hints', async () => {
    await putVoice({ agency: { ...AGENCY_DEFAULTS, greeting: 'Salve.' }, portfolios: [{ id: COMUNE, neutralGreeting: true }] });
    const audit = await t.app.inject({ url: `/api/v1/admin/audit?agency=${PAVIA}`, headers: admin.headers });
    expect(audit.statusCode).toBe(200);
    expect(JSON.stringify(audit.json())).toContain('Salve.');
    const voice = (await t.app.inject({ url: `/api/v1/admin/agencies/${PAVIA}/voice`, headers: admin.headers })).json();
    expect(voice.settings.greeting).toBe('Salve.');
    expect(voice.generated.greeting).toBe('Benvenuto nel servizio segnalazioni di ALER Pavia-Lodi.');
    expect(voice.menuPrompt).toContain('Per guasti e manutenzione prema 1.');
    expect(voice.portfolios[0]).toMatchObject({ id: COMUNE, overrides: { neutralGreeting: true, greeting: null }, inherited: { greeting: 'Salve.' } });
  });

  it('only administrators change the texts; a supervisor not serving the agency cannot read them', async () => {
    const supervisor = await loginAs(t.app, 'supervisore');
    expect((await putVoice({ agency: AGENCY_DEFAULTS, portfolios: [] }, supervisor)).statusCode).toBe(403);
    expect((await t.app.inject({ url: `/api/v1/admin/agencies/${PAVIA}/voice`, headers: supervisor.headers })).statusCode).toBe(200);
    const milanoOnly = await createStaffUser(t.app, 'supervisore-voce-milano', 'supervisor', ['aler-milano']);
    for (const url of [`/api/v1/admin/agencies/${PAVIA}/voice`, `/api/v1/admin/agencies/${PAVIA}/voice-preview`]) {
      const response = await t.app.inject({ url, headers: milanoOnly.headers });
      expect([403, 404]).toContain(response.statusCode);
      expect(response.body).not.toContain('Pavia-Lodi');
    }
  });
});

describe('call-backs and e-mail acknowledgements can be turned off', () => {
  async function abandonFrom(from: string, to: string) {
    const callSid = newCallSid();
    await twilioPost(t.app, '/webhooks/twilio/voice', incomingCallParams(callSid, from, to));
    await twilioPost(t.app, '/webhooks/twilio/voice/menu?attempt=1', { ...incomingCallParams(callSid, from, to), CallStatus: 'in-progress', Digits: '1' });
    t.clock.advance(40_000);
    await twilioPost(t.app, '/webhooks/twilio/voice/queue-result', { CallSid: callSid, QueueResult: 'hangup', QueueTime: '40', QueueSid: 'QU1' });
    return callSid;
  }
  const callbackOf = async (callSid: string) => (await t.database.db.select().from(callbacks).where(eq(callbacks.callSid, callSid)))[0];

  it('a caller who gives up in a portfolio without call-backs is not owed one; the agency still offers them', async () => {
    await putVoice({ agency: AGENCY_DEFAULTS, portfolios: [{ id: COMUNE, offerCallbacks: false }] });
    expect(await callbackOf(await abandonFrom('+393470000001', COMUNE_NUMBER))).toBeUndefined();
    expect(await callbackOf(await abandonFrom('+393470000002', PAVIA_OWN_NUMBER))).toBeDefined();
  });

  it('an e-mail to an agency without acknowledgements becomes a ticket and gets no acknowledgement', async () => {
    await putVoice({ agency: { ...AGENCY_DEFAULTS, emailAcknowledgements: false }, portfolios: [] });
    const raw = Buffer.from(
      [
        'From: Maria Rossi <maria.rossi@posta.example>',
        'To: callcenter@aler-pavia-lodi.example',
        'Subject: Perdita in cantina',
        `Message-ID: <voice-texts.${Date.now()}@posta.example>`,
        'Date: Mon, 23 Nov 2026 10:00:00 +0100',
        'MIME-Version: 1.0',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'Buongiorno, in cantina c è una perdita.',
        '',
      ].join('\r\n'),
    );
    const answer = await deliverEmail(t.app, raw);
    expect(answer.status).toBe('ticket');
    expect((await t.database.db.select().from(emailOutbox).where(eq(emailOutbox.inboundEmailId, answer.id))).length).toBe(0);
    const [row] = await t.database.db.select().from(inboundEmails).where(eq(inboundEmails.id, answer.id));
    expect(row?.flags).toMatchObject({ ackWithheld: 'disabled' });
  });
});

describe('voice preview', () => {
  it('answers the TwiML of the first webhook for a portfolio at an instant, and what the caller hears in order', async () => {
    await putVoice({ agency: AGENCY_DEFAULTS, portfolios: [{ id: COMUNE, greeting: 'Case del Comune di Pavia.' }] });
    const supervisor = await loginAs(t.app, 'supervisore');
    const open = await t.app.inject({
      url: `/api/v1/admin/agencies/${PAVIA}/voice-preview?portfolio=${COMUNE}&at=${encodeURIComponent('2026-11-24T11:00:00+01:00')}`,
      headers: supervisor.headers,
    });
    expect(open.statusCode).toBe(200);
    const body = open.json();
    expect(body.open).toBe(true);
    expect(body.twiml).toBe(await ring(COMUNE_NUMBER));
    expect(body.lines).toEqual([
      {
        verb: 'say',
        text: 'Case del Comune di Pavia. Per guasti e manutenzione prema 1. Per il riscaldamento prema 2. Per pratiche amministrative, contratti e bollette prema 3.',
      },
      { verb: 'gather', text: 'Attende un tasto, per 6 secondi: 1 Manutenzione, 2 Riscaldamento, 3 Pratiche amministrative.' },
    ]);
    const closed = (
      await t.app.inject({ url: `/api/v1/admin/agencies/${PAVIA}/voice-preview?at=${encodeURIComponent(MONDAY_22)}`, headers: admin.headers })
    ).json();
    expect(closed.open).toBe(false);
    expect(closed.lines[0].text).toContain('Ha chiamato il servizio segnalazioni di ALER Pavia-Lodi.');
    expect(closed.lines.at(-1)).toEqual({ verb: 'hangup', text: 'Fine della chiamata.' });
  });

  it('is 404 for a portfolio the agency does not have', async () => {
    const response = await t.app.inject({ url: `/api/v1/admin/agencies/aler-milano/voice-preview?portfolio=${COMUNE}`, headers: admin.headers });
    expect(response.statusCode).toBe(404);
  });
});

import type { OperatorDesk } from './operator-desk.ts';
import type { Rng } from './rng.ts';
import type { TwilioClient } from './twilio-client.ts';
import { callParams, newSid } from './twilio-client.ts';

/** The demo numbers (CONTRACT §3) and a number nobody owns. */
export const DIALLED_NUMBERS = ['+39800100100', '+390240000000', '+39800200200', '+390382000000', '+39800300300'];
const UNKNOWN_NUMBER = '+390299999999';

/** Some callers are demo tenants (the screen pop finds them); the rest are strangers. */
const KNOWN_CALLERS = ['+393471234567', '+393331112233', '+390382123456', '+390245678901'];

export type CallOutcomeCounts = Record<
  'answered' | 'abandoned' | 'short_abandoned' | 'out_of_hours' | 'unknown_number' | 'left_menu' | 'incident_report' | 'queued_callback' | 'refused' | 'error',
  number
>;

export function emptyCounts(): CallOutcomeCounts {
  return {
    answered: 0,
    abandoned: 0,
    short_abandoned: 0,
    out_of_hours: 0,
    unknown_number: 0,
    left_menu: 0,
    incident_report: 0,
    queued_callback: 0,
    refused: 0,
    error: 0,
  };
}

/**
 * Who a caller is and what they do when offered a way out of the queue: a tenant of a building
 * with a known problem adds their report to it (`joinsIncident`), an impatient caller asks to be
 * called back keeping their place (`takesCallback`). Unset: a random caller who only waits.
 */
export type CallerPlan = Readonly<{
  from?: string;
  to?: string;
  /** The menu key, e.g. 2 for heating; unset: the usual mix. */
  digit?: string;
  joinsIncident?: boolean;
  takesCallback?: boolean;
  /** Mean seconds this caller waits before hanging up; unset: the run's. */
  patienceMeanSeconds?: number;
}>;

/** Twilio asks the wait URL again each time its music ends: every 30 seconds here. */
const WAIT_URL_SECONDS = 30;

/** The path and query of an absolute TwiML action URL, to post it back as Twilio would. */
function actionPath(twiml: string, marker: string): string | null {
  const match = new RegExp(`action="([^"]*${marker.replace(/[?]/g, '\\?')}[^"]*)"`).exec(twiml);
  if (!match) return null;
  const url = new URL(match[1].replaceAll('&amp;', '&'));
  return `${url.pathname}${url.search}`;
}

/** `ended`: settles once the caller's side of the call is over (reported to the server), for the operator's wrap-up. */
type Waiting = { callSid: string; enqueuedAt: number; dequeued: (operatorLeg: string) => void; ended: Promise<void> };

/**
 * Twilio's queues, played locally: `<Dial><Queue>` dequeues the caller at the front, so the
 * simulator must keep the same FIFO order Twilio would.
 */
export class QueueBoard {
  private readonly queues = new Map<string, Waiting[]>();

  enqueue(queue: string, entry: Waiting): void {
    const list = this.queues.get(queue) ?? [];
    list.push(entry);
    this.queues.set(queue, list);
  }

  leave(queue: string, callSid: string): void {
    const list = this.queues.get(queue) ?? [];
    const index = list.findIndex((entry) => entry.callSid === callSid);
    if (index >= 0) list.splice(index, 1);
  }

  dequeueFront(queue: string): Waiting | undefined {
    return this.queues.get(queue)?.shift();
  }
}

export type SimulationTiming = Readonly<{
  speed: number;
  talkMeanSeconds: number;
  patienceMeanSeconds: number;
  /** Aborted when the run is over (its minutes have passed, or Ctrl-C): every wait ends at once. */
  ending: AbortSignal;
}>;

/** Resolves after `ms`, or at once when `signal` aborts: a caller's wait is cut short when the run ends. */
export const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

/**
 * One tenant's call, from ringing to hang-up, as Twilio would report it to our webhooks. When the
 * run ends the caller hangs up wherever they are: in the menu, waiting (Twilio then reports the
 * queue result `hangup`) or talking (the call completes, then the result `bridged`).
 */
export async function playCaller(
  twilio: TwilioClient,
  board: QueueBoard,
  rng: Rng,
  timing: SimulationTiming,
  counts: CallOutcomeCounts,
  plan: CallerPlan = {},
): Promise<void> {
  const wait = (seconds: number) => sleep((seconds * 1000) / timing.speed, timing.ending);
  const callSid = newSid('CA');
  const from = plan.from ?? (rng.chance(0.05) ? 'anonymous' : rng.chance(0.4) ? rng.pick(KNOWN_CALLERS) : randomItalianNumber(rng));
  const to = plan.to ?? (rng.chance(0.03) ? UNKNOWN_NUMBER : rng.pick(DIALLED_NUMBERS));
  const started = Date.now();
  const elapsed = () => Math.round(((Date.now() - started) / 1000) * timing.speed);
  const complete = (sequence: number) =>
    twilio.post('/webhooks/twilio/voice/status', {
      ...callParams(callSid, from, to, 'completed'),
      CallDuration: String(elapsed()),
      SequenceNumber: String(sequence),
      CallbackSource: 'call-progress-events',
      Timestamp: new Date().toUTCString(),
    });

  const incoming = await twilio.post('/webhooks/twilio/voice', callParams(callSid, from, to, 'ringing'));
  if (incoming.status !== 200) {
    counts.refused += 1;
    return;
  }
  if (!incoming.body.includes('<Gather')) {
    counts[incoming.body.includes('non è attivo') ? 'unknown_number' : 'out_of_hours'] += 1;
    await wait(rng.int(5, 15));
    await complete(1);
    return;
  }

  // A known problem in the caller's building, before the menu: 1 adds their report (no operator), 2 the menu.
  const incident = actionPath(incoming.body, '/webhooks/twilio/voice/incident?');
  if (incident) {
    await wait(rng.int(10, 20));
    const choice = await twilio.post(incident, { ...callParams(callSid, from, to, 'in-progress'), Digits: plan.joinsIncident ? '1' : '2' });
    if (plan.joinsIncident && choice.body.includes('<Hangup')) {
      counts.incident_report += 1;
      await complete(1);
      return;
    }
  }

  // The menu: most press a valid digit at once, some press a wrong one first, a few hang up.
  await wait(rng.int(4, 9));
  if (rng.chance(0.04) || timing.ending.aborted) {
    counts.left_menu += 1;
    await complete(1);
    return;
  }
  let attempt = 1;
  let queue: string | null = null;
  while (!queue) {
    const digits = plan.digit && attempt === 1 ? plan.digit : rng.chance(0.1) ? rng.pick(['0', '9', '']) : rng.pick(['1', '1', '1', '2', '2', '3']);
    const menu = await twilio.post(`/webhooks/twilio/voice/menu?attempt=${attempt}`, { ...callParams(callSid, from, to, 'in-progress'), Digits: digits });
    const match = /<Enqueue[^>]*>([^<]+)<\/Enqueue>/.exec(menu.body);
    if (match) queue = match[1];
    else if (menu.status !== 200 || !menu.body.includes('<Gather')) {
      counts.error += 1;
      return;
    } else attempt += 1;
  }

  // Waiting: Twilio plays the wait URL in a loop until an operator dequeues the caller or they give up.
  let operatorLeg: string | null = null;
  let callOver = () => {};
  const ended = new Promise<void>((resolve) => {
    callOver = resolve;
  });
  const dequeued = new Promise<string>((resolve) => board.enqueue(queue!, { callSid, enqueuedAt: Date.now(), dequeued: resolve, ended }));
  const patience = Math.max(1, rng.exponential(plan.patienceMeanSeconds ?? timing.patienceMeanSeconds));
  const enqueuedAt = Date.now();
  const queueSeconds = () => Math.round(((Date.now() - enqueuedAt) / 1000) * timing.speed);
  // Twilio plays the wait URL again and again; each answer may offer the queued call-back.
  let gaveUp = false;
  let calledBack = false;
  const holding = (async () => {
    while (!gaveUp && !timing.ending.aborted) {
      const hold = await twilio.post('/webhooks/twilio/voice/queue-wait', {
        ...callParams(callSid, from, to, 'in-progress'),
        QueueSid: newSid('QU'),
        QueuePosition: '1',
        QueueTime: String(queueSeconds()),
        AvgQueueTime: '30',
        CurrentQueueSize: '1',
      });
      const offer = actionPath(hold.body, '/webhooks/twilio/voice/queue-callback?step=choice');
      if (offer && plan.takesCallback && !gaveUp) {
        const choice = await twilio.post(offer, { ...callParams(callSid, from, to, 'in-progress'), Digits: '1' });
        const confirm = actionPath(choice.body, '/webhooks/twilio/voice/queue-callback?step=number');
        const kept = confirm ? await twilio.post(confirm, { ...callParams(callSid, from, to, 'in-progress'), Digits: '1' }) : null;
        if (kept?.body.includes('<Leave')) {
          calledBack = true;
          return;
        }
      }
      await wait(WAIT_URL_SECONDS);
    }
  })();
  operatorLeg = await Promise.race([dequeued, wait(patience).then(() => null), holding.then(() => (calledBack ? 'called-back' : null))]);
  if (operatorLeg === 'called-back') {
    board.leave(queue, callSid);
    await twilio.post('/webhooks/twilio/voice/queue-result', {
      ...callParams(callSid, from, to, 'in-progress'),
      QueueResult: 'leave',
      QueueTime: String(queueSeconds()),
      QueueSid: 'QU0',
    });
    counts.queued_callback += 1;
    await complete(2);
    return;
  }
  gaveUp = true;
  if (!operatorLeg) {
    board.leave(queue, callSid);
    const result = await twilio.post('/webhooks/twilio/voice/queue-result', {
      ...callParams(callSid, from, to, 'in-progress'),
      QueueResult: 'hangup',
      QueueTime: String(queueSeconds()),
      QueueSid: 'QU0',
    });
    counts[queueSeconds() < 5 ? 'short_abandoned' : 'abandoned'] += result.status === 200 ? 1 : 0;
    await complete(2);
    return;
  }
  const waited = queueSeconds();
  await twilio.post('/webhooks/twilio/voice/bridged', { CallSid: callSid, QueueSid: 'QU0', QueueTime: String(waited), DequeingCallSid: operatorLeg });
  await wait(Math.max(10, rng.exponential(timing.talkMeanSeconds)));
  // After a bridge Twilio reports the queue result only once both parties have hung up.
  await complete(3);
  await twilio.post('/webhooks/twilio/voice/queue-result', {
    ...callParams(callSid, from, to, 'completed'),
    QueueResult: 'bridged',
    QueueTime: String(waited),
    QueueSid: 'QU0',
  });
  callOver();
  counts.answered += 1;
}

/** Queued call-backs the operators dialled, and those that reached the tenant. */
export type CallbackTally = { dialled: number; reached: number };

/**
 * An operator at a browser softphone: asks `/operator` for work, gets `<Dial><Queue>`, and takes
 * the caller at the front of that queue, until `until` has passed. With a desk (logged in to the
 * dashboard) the operator closes each wrap-up with an outcome code once the caller has hung up.
 */
export async function playOperator(
  identity: string,
  twilio: TwilioClient,
  board: QueueBoard,
  rng: Rng,
  timing: SimulationTiming,
  until: () => boolean,
  desk?: OperatorDesk,
  callbacks: CallbackTally = { dialled: 0, reached: 0 },
): Promise<void> {
  const wait = (seconds: number) => sleep((seconds * 1000) / timing.speed, timing.ending);
  // Until the run is over and nothing is left to take: queued call-backs still waiting are dialled first.
  while (!timing.ending.aborted) {
    const leg = newSid('CA');
    const response = await twilio.post('/webhooks/twilio/voice/operator', {
      AccountSid: 'AC00000000000000000000000000000000',
      CallSid: leg,
      From: `client:${identity}`,
      To: '',
      CallStatus: 'ringing',
      Direction: 'inbound',
    });
    // A queued call-back at the front: the softphone dials the tenant, who answers nine times in ten.
    const dialled = actionPath(response.body, '/webhooks/twilio/voice/callback-dialled?');
    if (dialled) {
      const answered = rng.chance(0.9);
      await wait(answered ? Math.max(10, rng.exponential(timing.talkMeanSeconds)) : 30);
      await twilio.post(dialled, {
        AccountSid: 'AC00000000000000000000000000000000',
        CallSid: leg,
        From: `client:${identity}`,
        To: '',
        CallStatus: 'completed',
        Direction: 'inbound',
        DialCallSid: newSid('CA'),
        DialCallStatus: answered ? 'completed' : 'no-answer',
      });
      callbacks.dialled += 1;
      if (answered) callbacks.reached += 1;
      await wait(rng.int(5, 15));
      continue;
    }
    const match = /<Queue[^>]*>([^<]+)<\/Queue>/.exec(response.body);
    const caller = match ? board.dequeueFront(match[1]) : undefined;
    if (!caller) {
      if (until()) break;
      await wait(rng.int(3, 6));
      continue;
    }
    caller.dequeued(leg);
    if (desk) {
      // The caller's own task reports the call's end; then a few seconds to pick the outcome.
      await Promise.race([caller.ended, wait(timing.talkMeanSeconds * 10)]);
      await wait(rng.int(3, 10));
      await desk.recordOutcome(caller.callSid, match![1].split('.')[0]).catch(() => false);
      continue;
    }
    // Busy for the talk time plus wrap-up; the caller's own task reports the call's end.
    await wait(timing.talkMeanSeconds + rng.int(5, 15));
  }
}

function randomItalianNumber(rng: Rng): string {
  if (rng.chance(0.7)) return `+393${rng.int(20, 99)}${rng.int(1_000_000, 9_999_999)}`;
  return rng.pick(['+3902', '+390382', '+390371']) + String(rng.int(1_000_000, 9_999_999));
}

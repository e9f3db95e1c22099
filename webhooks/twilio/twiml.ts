import twilio from 'twilio';
import { MENU_PROMPT_IT } from '../../src/domain/routing.ts';
import {
  BRIDGING_IT,
  ENQUEUED_IT,
  MENU_RETRY_IT,
  NOTHING_CHOSEN_IT,
  NOT_AVAILABLE_IT,
  NOTHING_WAITING_IT,
  CALLBACK_REFUSED_IT,
  CALLBACK_UNAVAILABLE_IT,
  QUEUE_ERROR_IT,
  RATING_GOODBYE_IT,
  RATING_QUESTION_IT,
  RATING_RETRY_IT,
  RATING_THANKS_IT,
  UNKNOWN_NUMBER_IT,
  QUEUED_CALLBACK_GAVE_UP_IT,
  QUEUED_CALLBACK_INVALID_IT,
  QUEUED_CALLBACK_NO_CHOICE_IT,
  QUEUED_CALLBACK_OFFER_IT,
  QUEUED_CALLBACK_RETRY_IT,
  QUEUED_CALLBACK_UNAVAILABLE_IT,
  queuedCallbackConfirmedIt,
  queuedCallbackNumberPromptIt,
  waitAnnouncementIt,
} from '../../src/domain/voice-prompts.ts';
import { digitsToSpeak } from '../../src/domain/queued-callback.ts';
import { INCIDENT_REPORTED_IT } from '../../src/domain/pre-menu-announcement.ts';
import type { DialDecision } from '../../src/modules/callbacks/callback-dial.ts';
import type { VoiceDecision } from '../../src/modules/calls/voice-decisions.ts';

const { VoiceResponse } = twilio.twiml;

// Every prompt is spoken in Italian by the same voice; Polly.Bianca is one of Twilio's it-IT voices.
const SAY = { language: 'it-IT', voice: 'Polly.Bianca' } as const;

export const VOICE_PATHS = {
  incoming: '/webhooks/twilio/voice',
  menu: '/webhooks/twilio/voice/menu',
  queueWait: '/webhooks/twilio/voice/queue-wait',
  queueResult: '/webhooks/twilio/voice/queue-result',
  status: '/webhooks/twilio/voice/status',
  operator: '/webhooks/twilio/voice/operator',
  bridged: '/webhooks/twilio/voice/bridged',
  /** The queued call-back's keypad steps inside the wait loop (`?step=choice|number`). */
  queueCallback: '/webhooks/twilio/voice/queue-callback',
  /** `<Dial action>` of a queued call-back dialled from an operator's softphone (`?call=<CallSid>`). */
  callbackDialled: '/webhooks/twilio/voice/callback-dialled',
  incident: '/webhooks/twilio/voice/incident',
  rating: '/webhooks/twilio/voice/rating',
} as const;

// XML 1.0 cannot carry NUL, most control characters or lone surrogates; xmlbuilder throws on
// them, which would turn an odd agency name into an application error for the caller.
const ILLEGAL_XML_CHARS =
  /[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\ud800-\udfff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Drops what XML cannot represent; keeps everything else, markup included, as text. */
export function xmlSafe(text: string): string {
  return text.replace(ILLEGAL_XML_CHARS, '');
}

/** A copy of the decision whose every string is safe to put in XML. */
function safeDecision(decision: VoiceDecision): VoiceDecision {
  return JSON.parse(JSON.stringify(decision), (_key, value) => (typeof value === 'string' ? xmlSafe(value) : value)) as VoiceDecision;
}

/** Renders a decision as TwiML. Deterministic: the same decision always gives the same XML. */
export function renderDecision(unsafeDecision: VoiceDecision, unsafeBaseUrl: string): string {
  const decision = safeDecision(unsafeDecision);
  const baseUrl = xmlSafe(unsafeBaseUrl);
  const response = new VoiceResponse();
  switch (decision.kind) {
    case 'unknown_number':
      response.say(SAY, UNKNOWN_NUMBER_IT);
      response.hangup();
      break;
    case 'closed':
      response.say(SAY, decision.message);
      if (decision.emergencyNumber) response.dial({ timeout: 30 }, decision.emergencyNumber);
      else response.hangup();
      break;
    case 'menu': {
      const gather = response.gather({
        input: ['dtmf'],
        numDigits: 1,
        timeout: 6,
        // Without it Twilio skips the action when nothing is pressed; we want to count the miss.
        actionOnEmptyResult: true,
        action: `${baseUrl}${VOICE_PATHS.menu}?attempt=${decision.attempt}`,
        method: 'POST',
      });
      const intro = decision.greeting ?? (decision.attempt > 1 ? MENU_RETRY_IT : '');
      gather.say(SAY, [intro, decision.preamble, decision.prompt ?? MENU_PROMPT_IT].filter(Boolean).join(' '));
      break;
    }
    case 'incident_offer': {
      // Its own gather: 1 adds the report, anything else (nothing too) comes back as the menu.
      const gather = response.gather({
        input: ['dtmf'],
        numDigits: 1,
        timeout: 6,
        actionOnEmptyResult: true,
        action: `${baseUrl}${VOICE_PATHS.incident}?incident=${encodeURIComponent(decision.incidentId)}`,
        method: 'POST',
      });
      gather.say(SAY, [decision.greeting, decision.preamble, decision.offer].filter(Boolean).join(' '));
      break;
    }
    case 'incident_reported':
      response.say(SAY, INCIDENT_REPORTED_IT);
      response.hangup();
      break;
    case 'enqueue':
      response.say(SAY, decision.chosen ? ENQUEUED_IT : `${NOTHING_CHOSEN_IT} ${ENQUEUED_IT}`);
      response.enqueue(
        {
          waitUrl: `${baseUrl}${VOICE_PATHS.queueWait}`,
          waitUrlMethod: 'POST',
          action: `${baseUrl}${VOICE_PATHS.queueResult}`,
          method: 'POST',
        },
        decision.queueName,
      );
      break;
    case 'queue_result':
      if (['error', 'queue-full', 'system-error'].includes(decision.result)) {
        response.say(SAY, QUEUE_ERROR_IT);
        response.hangup();
      }
      break;
    case 'dial_queue':
      response.dial().queue({ url: `${baseUrl}${VOICE_PATHS.bridged}`, method: 'POST' }, decision.queueName);
      break;
    case 'nothing_waiting':
      response.say(SAY, NOTHING_WAITING_IT);
      response.hangup();
      break;
    case 'not_available':
      response.say(SAY, NOT_AVAILABLE_IT);
      response.hangup();
      break;
    case 'bridging':
      response.say(SAY, BRIDGING_IT);
      break;
    case 'dial_callback':
      dialTenant(response, decision.callerId, decision.to, `${baseUrl}${VOICE_PATHS.callbackDialled}?call=${encodeURIComponent(decision.callSid)}`);
      break;
    case 'callback_dialled':
      if (decision.result === 'retry') response.say(SAY, QUEUED_CALLBACK_RETRY_IT);
      if (decision.result === 'gave_up') response.say(SAY, QUEUED_CALLBACK_GAVE_UP_IT);
      response.hangup();
      break;
    case 'callback_kept':
      response.say(SAY, queuedCallbackConfirmedIt(digitsToSpeak(decision.phone)));
      response.leave();
      break;
    case 'ack':
      break;
    case 'rating_question': {
      const gather = response.gather({
        input: ['dtmf'],
        numDigits: 1,
        timeout: 6,
        // A caller who presses nothing hears the question once more, as after a wrong key.
        actionOnEmptyResult: true,
        action: `${baseUrl}${VOICE_PATHS.rating}?attempt=${decision.attempt}`,
        method: 'POST',
      });
      gather.say(SAY, decision.attempt > 1 ? `${RATING_RETRY_IT} ${RATING_QUESTION_IT}` : RATING_QUESTION_IT);
      break;
    }
    case 'rating_thanks':
      response.say(SAY, RATING_THANKS_IT);
      response.hangup();
      break;
    case 'rating_goodbye':
      response.say(SAY, RATING_GOODBYE_IT);
      response.hangup();
      break;
  }
  return response.toString();
}

/**
 * A call back from the softphone: the tenant's number with the agency's as caller ID, or, refused
 * or undecidable, a sentence in Italian and the end of the operator's leg.
 */
export function renderCallbackDial(decision: DialDecision | { kind: 'unavailable' }): string {
  const response = new VoiceResponse();
  if (decision.kind === 'dial') {
    dialTenant(response, decision.callerId, decision.to);
  } else {
    response.say(SAY, decision.kind === 'unavailable' ? CALLBACK_UNAVAILABLE_IT : CALLBACK_REFUSED_IT);
    response.hangup();
  }
  return response.toString();
}

/**
 * A tenant dialled from an operator's softphone, with the agency's number as caller ID (call-backs
 * from the screen and queued call-backs alike). answerOnBridge: the operator hears ringing until
 * the tenant answers, and no answer is no answer.
 */
function dialTenant(response: InstanceType<typeof VoiceResponse>, callerId: string, to: string, action?: string): void {
  const options = { callerId: xmlSafe(callerId), answerOnBridge: true, timeout: 30, ...(action ? { action: xmlSafe(action), method: 'POST' as const } : {}) };
  response.dial(options).number(xmlSafe(to));
}

/**
 * Hold: position and expected wait, then music. Twilio requests the wait URL again when it ends.
 * With `offerCallback`, the offer and the music play inside a one-digit `<Gather>`: 1 at any time
 * during the music starts the queued call-back; no key, and the loop goes on as before.
 */
export function renderQueueWait(
  position: number | undefined,
  averageWaitSeconds: number | undefined,
  holdMusicUrl: string,
  offer?: Readonly<{ baseUrl: string }>,
): string {
  const response = new VoiceResponse();
  response.say(SAY, waitAnnouncementIt(position, averageWaitSeconds));
  if (offer) {
    const gather = response.gather({
      input: ['dtmf'],
      numDigits: 1,
      timeout: 1,
      action: `${xmlSafe(offer.baseUrl)}${VOICE_PATHS.queueCallback}?step=choice`,
      method: 'POST',
    });
    gather.say(SAY, QUEUED_CALLBACK_OFFER_IT);
    gather.play(xmlSafe(holdMusicUrl));
  } else {
    response.play(xmlSafe(holdMusicUrl));
  }
  return response.toString();
}

/** Back to the wait loop: the caller keeps waiting where they were. */
function backToWaiting(response: InstanceType<typeof VoiceResponse>, baseUrl: string): void {
  response.redirect({ method: 'POST' }, `${xmlSafe(baseUrl)}${VOICE_PATHS.queueWait}`);
}

/**
 * The caller pressed a key at the offer: 1 reads the caller ID back digit by digit (or asks for a
 * number when it is withheld) and waits for 1 to confirm or another number ended by #; any other
 * key, or silence, goes back to waiting.
 */
export function renderQueuedCallbackChoice(digits: string | undefined, callerId: string | null, baseUrl: string): string {
  const response = new VoiceResponse();
  if (digits === '1') {
    const gather = response.gather({
      input: ['dtmf'],
      finishOnKey: '#',
      timeout: 8,
      action: `${xmlSafe(baseUrl)}${VOICE_PATHS.queueCallback}?step=number`,
      method: 'POST',
    });
    gather.say(SAY, queuedCallbackNumberPromptIt(callerId ? digitsToSpeak(callerId) : null));
    response.say(SAY, QUEUED_CALLBACK_NO_CHOICE_IT);
  }
  backToWaiting(response, baseUrl);
  return response.toString();
}

/** The number could not be used, or the call-back could not be booked: the caller keeps waiting. */
export function renderQueuedCallbackRefused(reason: 'invalid' | 'unavailable', baseUrl: string): string {
  const response = new VoiceResponse();
  response.say(SAY, reason === 'invalid' ? QUEUED_CALLBACK_INVALID_IT : QUEUED_CALLBACK_UNAVAILABLE_IT);
  backToWaiting(response, baseUrl);
  return response.toString();
}

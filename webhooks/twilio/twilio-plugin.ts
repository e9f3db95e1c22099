import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { AppError } from '../../src/domain/errors.ts';
import type { DialDecision, DialRequest } from '../../src/modules/callbacks/callback-dial.ts';
import type { CallParams } from '../../src/modules/calls/calls-service.ts';
import type { ResilientVoice } from '../../src/modules/calls/resilient-voice.ts';
import { callerAnswered, callerArrived } from '../../src/util/callers-first.ts';
import type { FormParams } from './twilio-signature.ts';
import { isValidTwilioSignature } from './twilio-signature.ts';
import {
  BridgedParams,
  CallbackDialledQuery,
  DialActionParams,
  IncidentQuery,
  MenuParams,
  MenuQuery,
  OperatorParams,
  QueueCallbackQuery,
  QueueResultParams,
  QueueWaitParams,
  RatingParams,
  RatingQuery,
  StatusParams,
  storableParams,
  VoiceParams,
} from './twilio-params.ts';
import { renderCallbackDial, renderDecision, renderQueuedCallbackChoice, renderQueuedCallbackRefused, renderQueueWait, VOICE_PATHS } from './twiml.ts';
import { normalizePhone } from '../../src/domain/phone.ts';
import { chosenCallbackNumber } from '../../src/domain/queued-callback.ts';
import { binaryAnswer } from '../../src/contracts/common.ts';
import { docSchema } from '../../src/http/openapi.ts';

/** Twilio's voice webhooks are form posts of a few kilobytes; nothing legitimate comes near this. */
export const TWILIO_BODY_LIMIT_BYTES = 64 * 1024;

export type TwilioVoiceOptions = Readonly<{
  publicBaseUrl: string;
  authToken: string;
  holdMusicUrl: string;
  voice: ResilientVoice;
  /** Decides whether a softphone may dial a tenant back (the call-backs module). */
  callbackDial: (request: DialRequest) => Promise<DialDecision>;
}>;

/**
 * Twilio Programmable Voice webhooks (CONTRACT §4). This layer only verifies, parses and renders;
 * every rule lives in the call service's verbs.
 */
export async function twilioVoicePlugin(app: FastifyInstance, options: TwilioVoiceOptions): Promise<void> {
  const { publicBaseUrl, authToken, voice } = options;
  await app.register(formbody);
  app.addHook('onRoute', (route) => {
    route.bodyLimit ??= TWILIO_BODY_LIMIT_BYTES;
  });

  // Without a signature there is nothing to check: refused before the body is read.
  app.addHook('onRequest', async (request: FastifyRequest) => {
    const signature = request.headers['x-twilio-signature'];
    if (typeof signature !== 'string' || signature === '') refuseSignature(request);
  });

  // A forged or replayed-for-another-URL request is refused before anything reads or writes.
  app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    const url = `${publicBaseUrl}${request.url}`;
    const signature = request.headers['x-twilio-signature'];
    const params = (request.body ?? {}) as FormParams;
    if (!isValidTwilioSignature(authToken, typeof signature === 'string' ? signature : undefined, url, params)) refuseSignature(request);
    // From here a caller waits on this answer: background work steps aside until it is sent
    // (`close` comes once the answer is written, or the connection is gone). Only signed requests
    // count, so a stranger's flood cannot hold back the node's background work.
    callerArrived();
    reply.raw.once('close', callerAnswered);
  });

  // Twilio's own contract: documented with the answer they get (TwiML), authenticated by X-Twilio-Signature.
  const twimlDoc = (summary: string) =>
    docSchema({ tags: ['twilio'], summary, security: false, response: binaryAnswer('text/xml', 'TwiML (signed request required: X-Twilio-Signature)') });
  const twiml = (reply: FastifyReply, xml: string) => reply.type('text/xml; charset=utf-8').send(xml);
  // Most answers repeat (an agency's menu, its queues): render each distinct decision once.
  const rendered = new Map<string, string>();
  const render = (reply: FastifyReply, decision: Parameters<typeof renderDecision>[0]) => {
    const key = JSON.stringify(decision);
    let xml = rendered.get(key);
    if (xml === undefined) {
      xml = renderDecision(decision, publicBaseUrl);
      if (rendered.size >= 1000) rendered.clear();
      rendered.set(key, xml);
    }
    return twiml(reply, xml);
  };

  app.post(VOICE_PATHS.incoming, { schema: twimlDoc("A call comes in: the agency's greeting and menu, or the closed message") }, async (request, reply) => {
    const params = parse(VoiceParams, request.body);
    return render(reply, await voice.handle({ kind: 'incoming', params: callParams(params), payload: params }));
  });

  app.post(VOICE_PATHS.menu, { schema: twimlDoc("The caller's menu choice: enqueue, or repeat the menu") }, async (request, reply) => {
    const params = parse(MenuParams, request.body);
    const { attempt } = parse(MenuQuery, request.query);
    return render(reply, await voice.handle({ kind: 'menu', params: callParams(params), attempt, digits: params.Digits, payload: params }));
  });

  app.post(
    VOICE_PATHS.incident,
    { schema: twimlDoc("The caller's choice after a known problem of their building: 1 adds their report, else the menu") },
    async (request, reply) => {
      const params = parse(MenuParams, request.body);
      const { incident } = parse(IncidentQuery, request.query);
      return render(reply, await voice.handle({ kind: 'incident', params: callParams(params), incidentId: incident, digits: params.Digits, payload: params }));
    },
  );

  // Twilio requests the wait URL again every time its TwiML ends: that is the caller's heartbeat,
  // the one thing recorded here (best effort: the music is answered whatever the database does).
  app.post(VOICE_PATHS.queueWait, { schema: twimlDoc('While waiting: position, expected wait, hold music') }, async (request, reply) => {
    const params = parse(QueueWaitParams, request.body);
    if (params.CallSid) await voice.heartbeat(params.CallSid);
    // Offered from the queue's recent service rate; without the database, no offer (the caller just keeps waiting).
    const offer = params.CallSid ? await voice.queuedCallbackOffer(params.CallSid) : false;
    return twiml(reply, renderQueueWait(params.QueuePosition, params.AvgQueueTime, options.holdMusicUrl, offer ? { baseUrl: publicBaseUrl } : undefined));
  });

  // The queued call-back's keypad steps run inside the wait loop: the caller is still in the queue
  // until the last one answers `<Leave/>`.
  app.post(
    VOICE_PATHS.queueCallback,
    { schema: twimlDoc('While waiting: the caller asks to be called back keeping their place, and confirms the number') },
    async (request, reply) => {
      const params = parse(MenuParams, request.body);
      const { step } = parse(QueueCallbackQuery, request.query);
      const callerId = normalizePhone(params.From);
      if (step === 'choice') return twiml(reply, renderQueuedCallbackChoice(params.Digits, callerId, publicBaseUrl));
      const phone = chosenCallbackNumber(params.Digits, callerId);
      if (!phone) return twiml(reply, renderQueuedCallbackRefused('invalid', publicBaseUrl));
      const kept = await voice.keepPlaceForCallback(callParams(params), phone, params);
      if (!kept) return twiml(reply, renderQueuedCallbackRefused('unavailable', publicBaseUrl));
      return render(reply, { kind: 'callback_kept', phone });
    },
  );

  app.post(
    VOICE_PATHS.callbackDialled,
    { schema: twimlDoc("A queued call-back dialled from an operator's softphone ended: reached, tried again later, or handed to a task") },
    async (request, reply) => {
      const params = parse(DialActionParams, request.body);
      const { call } = parse(CallbackDialledQuery, request.query);
      const step = {
        kind: 'callback-dialled',
        operatorCallSid: params.CallSid,
        callSid: call,
        dialCallStatus: params.DialCallStatus ?? 'unknown',
        payload: params,
      } as const;
      return render(reply, await voice.handle(step));
    },
  );

  app.post(VOICE_PATHS.queueResult, { schema: twimlDoc('The caller left the queue: answered, abandoned or other') }, async (request, reply) => {
    const params = parse(QueueResultParams, request.body);
    const step = {
      kind: 'queue-result',
      params: callParams(params),
      queueResult: params.QueueResult ?? 'unknown',
      queueTimeSeconds: params.QueueTime ?? 0,
      payload: params,
    } as const;
    return render(reply, await voice.handle(step));
  });

  app.post(VOICE_PATHS.rating, { schema: twimlDoc("After an answered call: the caller's rating 1–5, or the question again") }, async (request, reply) => {
    const params = parse(RatingParams, request.body);
    const { attempt } = parse(RatingQuery, request.query);
    return render(reply, await voice.handle({ kind: 'rating', params: callParams(params), attempt, digits: params.Digits, payload: params }));
  });

  app.post(VOICE_PATHS.status, { schema: twimlDoc("Twilio's status callback: the call's final state and duration") }, async (request, reply) => {
    const params = parse(StatusParams, request.body);
    const step = {
      kind: 'status',
      params: callParams(params),
      callStatus: params.CallStatus ?? 'unknown',
      sequence: params.SequenceNumber ?? null,
      durationSeconds: params.CallDuration ?? null,
      payload: params,
    } as const;
    return render(reply, await voice.handle(step));
  });

  app.post(
    VOICE_PATHS.operator,
    { schema: twimlDoc("An operator's browser softphone asks for the next call, or dials a tenant back") },
    async (request, reply) => {
      const params = parse(OperatorParams, request.body);
      const identity = params.From?.startsWith('client:') ? params.From.slice('client:'.length) : null;
      if (!identity) throw new AppError('FORBIDDEN', 'The operator URL answers browser softphones only (From=client:<identity>)');
      if (params.To || params.CallbackId || params.TicketRef) {
        const dial = {
          identity,
          operatorCallSid: params.CallSid,
          to: params.To ?? null,
          callbackId: params.CallbackId ?? null,
          ticketRef: params.TicketRef ?? null,
        };
        const requestLog = request.log;
        try {
          return twiml(reply, renderCallbackDial(await options.callbackDial(dial)));
        } catch (error) {
          // Not decidable without the database: the operator hears why, nobody is dialled unchecked.
          requestLog.error(
            { err: error, event: 'callback.dial_failed', identity: dial.identity, operatorCallSid: dial.operatorCallSid },
            'softphone call-back could not be checked',
          );
          return twiml(reply, renderCallbackDial({ kind: 'unavailable' }));
        }
      }
      return render(reply, await voice.handle({ kind: 'operator', operatorCallSid: params.CallSid, identity, payload: params }));
    },
  );

  app.post(VOICE_PATHS.bridged, { schema: twimlDoc('The caller is bridged to the operator who took the call') }, async (request, reply) => {
    const params = parse(BridgedParams, request.body);
    const step = {
      kind: 'bridged',
      params: callParams(params),
      dequeuingCallSid: params.DequeingCallSid ?? null,
      queueTimeSeconds: params.QueueTime ?? null,
      payload: params,
    } as const;
    return render(reply, await voice.handle(step));
  });
}

/** Answered by the one error handler (403 in the error shape); the warning is for whoever watches for forgeries. */
function refuseSignature(request: FastifyRequest): never {
  request.log.warn({ event: 'twilio.signature_rejected', path: request.routeOptions.url }, 'rejected a Twilio webhook with a missing or wrong signature');
  throw new AppError('SIGNATURE_REJECTED', 'Invalid X-Twilio-Signature');
}

function parse<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const result = schema.safeParse(input ?? {});
  if (!result.success) {
    throw new AppError(
      'VALIDATION',
      'Invalid Twilio parameters',
      result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
    );
  }
  return storableParams(result.data);
}

function callParams(params: { CallSid: string; From?: string; To?: string; CallStatus?: string }): CallParams {
  return { callSid: params.CallSid, from: params.From ?? null, to: params.To ?? null, callStatus: params.CallStatus ?? null };
}
